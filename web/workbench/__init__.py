"""The analyst's pages (taller de procesos): draft, validation, publishing, versions, migrations, editors."""

from __future__ import annotations

from flask import Blueprint

from . import modeler, pages

BLUEPRINTS: tuple[Blueprint, ...] = (pages.bp, modeler.bp)
