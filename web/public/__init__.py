"""The citizen's pages: the portal (intake, receipt, estado de su caso, SONI) and the library kiosks."""

from __future__ import annotations

from flask import Blueprint

from . import kiosk, portal

BLUEPRINTS: tuple[Blueprint, ...] = (portal.bp, kiosk.bp)
