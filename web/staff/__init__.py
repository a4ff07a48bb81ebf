"""The staff's pages: bandeja, case file, intake, visación, estado, derivations, providers, start page;
the territorial network: platforms, staff accounts, audit log, back-entry of paper cases."""

from __future__ import annotations

from flask import Blueprint

from . import (
    accounts,
    approvals,
    audit,
    backentry,
    cases,
    derivations,
    exports,
    inbox,
    intake,
    knowledge,
    lookup,
    monitoring,
    notices,
    pages,
    platforms,
    providers,
    reports,
    search,
    soni,
)

BLUEPRINTS: tuple[Blueprint, ...] = (
    pages.bp,
    inbox.bp,
    cases.bp,
    intake.bp,
    approvals.bp,
    lookup.bp,
    derivations.bp,
    providers.bp,
    notices.bp,
    reports.bp,
    knowledge.bp,
    platforms.bp,
    accounts.bp,
    audit.bp,
    backentry.bp,
    soni.bp,
    search.bp,
    monitoring.bp,
    exports.bp,
)
