"""The staff's pages: bandeja, case file, intake, visación, estado, derivations, providers, start page."""

from __future__ import annotations

from flask import Blueprint

from . import (
    approvals,
    cases,
    derivations,
    exports,
    inbox,
    intake,
    lookup,
    monitoring,
    pages,
    providers,
    search,
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
    search.bp,
    monitoring.bp,
    exports.bp,
)
