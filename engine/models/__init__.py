"""SQLAlchemy 2.0 models, one module per area; every model is importable from ``engine.models``."""

from __future__ import annotations

from .base import NAMING, Base, UTCDateTime, table
from .cases import (
    INBOX_COVER,
    INBOX_KEYS,
    OPEN_TASK,
    Attachment,
    Case,
    Document,
    HumanTask,
    Instance,
    LetterCounter,
    LogEntry,
    Notification,
    Subscription,
    Timer,
    managed_by_migration,
)
from .citizens import CitizenIntake, Feedback, MailOutbox, Verdict
from .content import ContentFile, ContentVersion, Draft, DraftFile
from .derivations import Agency, Derivation, DerivationDelivery, DerivationEvent
from .knowledge import KnowledgeArticle, KnowledgeSearch, KnowledgeUse, KnowledgeVersion
from .network import AuditEntry, ImportedRow, ImportJob, PlatformAgreement
from .outbox import OutboxEntry
from .people import ApiToken, Comuna, Consumer, LoginAttempt, Platform, Provider, Region, User
from .reports import ExportJob, ExportRecord
from .security import IdempotencyKey, RateCounter, WebSession

__all__ = [
    "INBOX_COVER",
    "INBOX_KEYS",
    "NAMING",
    "OPEN_TASK",
    "Agency",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "Case",
    "CitizenIntake",
    "Comuna",
    "Consumer",
    "ContentFile",
    "ContentVersion",
    "Derivation",
    "DerivationDelivery",
    "DerivationEvent",
    "Document",
    "Draft",
    "DraftFile",
    "ExportJob",
    "ExportRecord",
    "Feedback",
    "HumanTask",
    "IdempotencyKey",
    "ImportJob",
    "ImportedRow",
    "Instance",
    "KnowledgeArticle",
    "KnowledgeSearch",
    "KnowledgeUse",
    "KnowledgeVersion",
    "LetterCounter",
    "LogEntry",
    "LoginAttempt",
    "MailOutbox",
    "Notification",
    "OutboxEntry",
    "Platform",
    "PlatformAgreement",
    "Provider",
    "RateCounter",
    "Region",
    "Subscription",
    "Timer",
    "UTCDateTime",
    "User",
    "Verdict",
    "WebSession",
    "managed_by_migration",
    "table",
]
