#!/usr/bin/env bash
# Install the Debian packages the test suite talks to, where this machine lets us (root + apt-get).
# PostgreSQL itself is provided by the machine (CI runs it on 127.0.0.1:5432); we only make sure it is up.
# `sysdeps.sh pdf` (what `make run` calls) installs only LibreOffice; without an argument, everything.
set -u
WANT="${1:-all}"
if [ "$WANT" = "all" ] && command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
fi
# LibreOffice (headless Writer) turns letters into PDF. Without it the PDF tests fail loudly in CI and skip
# loudly elsewhere, so a failed install here is reported by the tests, never by this script.
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1 \
  && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "sysdeps: instalando LibreOffice Writer (sin interfaz gráfica) para generar PDF..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer-nogui; } >/dev/null 2>&1 \
    || echo "sysdeps: no se pudo instalar LibreOffice; las pruebas de PDF lo indicarán" >&2
fi
if ! command -v soffice >/dev/null 2>&1 && ! command -v libreoffice >/dev/null 2>&1; then
  echo "sysdeps: !!! sin LibreOffice: las cartas saldrán en .docx pero no en PDF (instálelo como root:" \
    "apt-get install libreoffice-writer-nogui)" >&2
fi
[ "$WANT" = "pdf" ] && exit 0
# Chromium (headless) runs the browser tests through Playwright, which never downloads a browser of its own
# here. Without it those tests fail loudly in CI and skip loudly elsewhere (tests/browser/conftest.py).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "sysdeps: instalando Chromium para las pruebas de navegador..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      chromium; } >/dev/null 2>&1 \
    || echo "sysdeps: no se pudo instalar Chromium; las pruebas de navegador lo indicarán" >&2
fi
exit 0
