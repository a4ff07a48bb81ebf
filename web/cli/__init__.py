"""The ``ventanilla`` command: schema, validation, publishing, users, tokens, the server and the worker."""

from __future__ import annotations

import logging

import click

from .accounts import token, user
from .agency import agency
from .content import demo_cmd, init, publish, validate
from .knowledge import knowledge
from .legacy import import_legacy
from .providers import provider
from .run import fire_timers, run, worker


@click.group()
def main() -> None:
    """Ventanilla: atención de casos de consumidores sobre procesos BPMN."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd (the development mail catcher)


for command in (
    init,
    validate,
    publish,
    user,
    provider,
    token,
    run,
    worker,
    fire_timers,
    demo_cmd,
    agency,
    knowledge,
    import_legacy,
):
    main.add_command(command)
