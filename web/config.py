"""Configuration defaults; environment variables override them."""

from __future__ import annotations

import os
import secrets

from engine.db import DEFAULT_URL


class Default:
    DATABASE_URL = os.environ.get("DATABASE_URL", DEFAULT_URL)
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    JSON_SORT_KEYS = False
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    STATUS_LOOKUPS_PER_MINUTE = int(os.environ.get("STATUS_LOOKUPS_PER_MINUTE", "20"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
