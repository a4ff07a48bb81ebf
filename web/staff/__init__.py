"""The staff's pages: bandeja, case file, intake, visación, estado, derivations, providers, start page."""

from __future__ import annotations

from flask import Blueprint

from . import approvals, cases, derivations, inbox, intake, lookup, pages, providers, soni

BLUEPRINTS: tuple[Blueprint, ...] = (
    pages.bp,
    inbox.bp,
    cases.bp,
    intake.bp,
    approvals.bp,
    lookup.bp,
    derivations.bp,
    providers.bp,
    soni.bp,
)
