"""``ventanilla run|worker|fire-timers``: the web server with its scheduler, the scheduler alone, one pass."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask import Flask

from engine import mailcatcher, pdf, scheduler

from .. import config, requestlog
from . import common

CLOCK_HELP = (
    "Hora inicial del reloj de la aplicación (ISO, sin zona: hora de Chile); luego avanza con el tiempo "
    "real. "
    "Para demostraciones y pruebas de aceptación; rechazado con ENV=production."
)


@click.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--threads", default=8, type=int)
@click.option("--clock", "clock_text", default=None, envvar="VENTANILLA_CLOCK", help=CLOCK_HELP)
def run(host: str, port: int, threads: int, clock_text: str | None) -> None:
    """Sirve la aplicación web y la API, con el programador de temporizadores."""
    from waitress import serve

    from .. import create_app

    start = common.instant("--clock", clock_text)
    clock = config.moved_clock(start) if start else config.Default.CLOCK
    app = create_app({"CLOCK": clock})
    development = not config.is_production(os.environ)
    catcher = _start_mail_catcher(app) if development and not os.environ.get("SMTP_HOST") else None
    _check_pdf()
    app.wsgi_app = requestlog.wrap(app.wsgi_app)  # type: ignore[method-assign,assignment]
    scheduler.start_background(app.extensions["ventanilla"], clock)
    if start:
        click.echo(f"Reloj de la aplicación desde {start.isoformat(timespec='minutes')}")
    if catcher:
        click.echo(f"Correo de desarrollo: lo enviado se ve en http://{host}:{port}/correo")
    click.echo(f"Ventanilla en http://{host}:{port}/  (Ctrl+C para detener)")
    try:
        serve(app, host=host, port=port, threads=threads)
    finally:
        if catcher:
            catcher.stop()


def _start_mail_catcher(app: Flask) -> mailcatcher.MailCatcher | None:
    """Development without SMTP_HOST: a local SMTP server on loopback keeps what the app sends (/correo)."""
    folder = Path(app.instance_path) / "correo"
    wanted = int(os.environ.get("MAIL_CATCHER_PORT", "2525") or 0)
    for port in (wanted, 0):
        catcher = mailcatcher.MailCatcher(folder, port)
        try:
            catcher.start()
        except (OSError, RuntimeError):
            continue
        os.environ["SMTP_HOST"], os.environ["SMTP_PORT"] = "127.0.0.1", str(catcher.port)
        app.config["MAIL_CATCHER_DIR"] = str(folder)
        return catcher
    click.secho("!!! No se pudo iniciar el correo de desarrollo: los correos fallarán.", fg="red", err=True)
    return None


def _check_pdf() -> None:
    """Say loudly when letters cannot be turned into PDF (LibreOffice missing): .docx still works."""
    if pdf.libreoffice() is None:
        click.secho(
            "!!! LibreOffice no está instalado: las cartas se generan en .docx pero NO en PDF.\n"
            "!!! Instálelo con `sudo apt-get install libreoffice-writer-nogui` (o `make sysdeps` como root).",
            fg="red",
            bold=True,
            err=True,
        )


@click.command()
def worker() -> None:
    """Solo el programador de temporizadores (sin servidor web)."""
    scheduler.run_blocking(common.system())


@click.command("fire-timers")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Disparar los vencidos a esta hora (ISO, sin zona: hora de Chile); rechazado con ENV=production.",
)
def fire_timers(now_text: str | None) -> None:
    """Hace una vez lo vencido (temporizadores, documentos pendientes, envíos de derivación) y lo informa."""
    now = common.instant("--now", now_text) or common.now()
    sys_ = common.system()
    report = scheduler.poll_once(sys_, now)
    timers, done, sent = report.timers, report.effects, report.derivations
    click.echo(
        f"{timers.fired} disparados, {timers.failed} con error, {timers.skipped} tomados por otro proceso"
    )
    click.echo(f"documentos: {done.done} generados, {done.failed} con error")
    click.echo(
        f"derivaciones: {sent.sent} enviadas, {sent.failed} con error, {sent.incidents} incidentes abiertos"
    )
