#!/usr/bin/env bash
# Install the Debian packages the test suite talks to, where this machine lets us (root + apt-get).
# PostgreSQL itself is provided by the machine (CI runs it on 127.0.0.1:5432); we only make sure it is up.
set -u
if command -v pg_ctlcluster >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start 2>/dev/null || true
fi
exit 0
