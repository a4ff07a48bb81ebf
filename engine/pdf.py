"""PDF copies of letters through LibreOffice (headless), one private profile and folder per conversion."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .errors import EngineError


class PdfUnavailable(EngineError):
    """LibreOffice is not installed on this server, so no PDF can be produced."""

    status = 503
    type = "/problems/pdf-unavailable"
    title = "No se puede generar el PDF"

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            detail
            or "LibreOffice no está instalado en el servidor, por lo que no se puede generar el PDF. "
            "La carta sigue disponible en formato Word (.docx)."
        )


class PdfFailed(EngineError):
    """LibreOffice ran but did not produce the PDF (timeout, crash or unreadable document)."""

    status = 502
    type = "/problems/pdf-failed"
    title = "Falló la conversión a PDF"


def libreoffice() -> str | None:
    """Path of the LibreOffice executable on PATH (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _command(exe: str, work: Path, source: Path) -> list[str]:
    """The conversion command; a fresh user profile per call so concurrent conversions never share one."""
    return [
        exe,
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "out"),
        str(source),
    ]


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run LibreOffice in its own process group, killed whole on timeout (it forks soffice.bin)."""
    proc = subprocess.Popen(  # noqa: S603  (argv built here, no shell, no user text in it)
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def to_pdf(docx: bytes, timeout: float = 120) -> bytes:
    """Convert a .docx to PDF; PdfUnavailable without LibreOffice, PdfFailed when the conversion fails."""
    exe = libreoffice()
    if exe is None:
        raise PdfUnavailable()
    with tempfile.TemporaryDirectory(prefix="ventanilla-pdf-") as tmp:
        work = Path(tmp)
        source = work / "carta.docx"
        source.write_bytes(docx)
        try:
            done = _run(_command(exe, work, source), timeout)
        except subprocess.TimeoutExpired as err:
            raise PdfFailed(
                f"LibreOffice no terminó la conversión a PDF en {timeout:g} segundos; "
                "la carta sigue disponible en formato Word (.docx)."
            ) from err
        except OSError as err:
            raise PdfFailed(f"no se pudo ejecutar LibreOffice ({err.strerror or err}).") from err
        target = work / "out" / "carta.pdf"
        if done.returncode != 0 or not target.is_file():
            raise PdfFailed(_failure(done))
        return target.read_bytes()


def _failure(done: subprocess.CompletedProcess[bytes]) -> str:
    """A Spanish explanation of a failed conversion, with LibreOffice's own last words."""
    said = (done.stderr or done.stdout or b"").decode("utf-8", "replace").strip().splitlines()
    tail = f": {said[-1]}" if said else ""
    return (
        f"LibreOffice no pudo convertir la carta a PDF (código {done.returncode}){tail}. "
        "La carta sigue disponible en formato Word (.docx)."
    )
