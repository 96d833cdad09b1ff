#!/usr/bin/env bash
# Runs Opora's whole test suite on SQLite and on PostgreSQL, with the browser
# (Chromium + chromedriver) and LibreOffice tests; installs what is missing
# (Debian packages) and starts the local PostgreSQL cluster when it is down.
# Set OPORA_TEST_DATABASE_URL to use another PostgreSQL server. Under CI
# (CI=true) a missing tool fails the run instead of skipping its tests, and
# formatting and clippy warnings fail it too.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/opora-target}"
export OPORA_TEST_DATABASE_URL="${OPORA_TEST_DATABASE_URL-postgres://postgres@127.0.0.1:5432/test}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

# Debian packages the tests drive: the browser, its driver, LibreOffice
# (the reports must open in it), poppler-utils, PostgreSQL.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# pdftotext reads the analytical notes' PDFs back as text.
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
if [ "$OPORA_TEST_DATABASE_URL" = "postgres://postgres@127.0.0.1:5432/test" ] && ! command -v pg_ctlcluster >/dev/null 2>&1; then
  need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}…"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ "$OPORA_TEST_DATABASE_URL" = "postgres://postgres@127.0.0.1:5432/test" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "Starting PostgreSQL…"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  # A fresh cluster: let the tests in without a password and make sure the database exists.
  if ! psql "$OPORA_TEST_DATABASE_URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
    conf="$(ls /etc/postgresql/*/main/pg_hba.conf | head -n 1)"
    as_root sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/; s/^(local\s+all\s+postgres\s+)\S+/\1trust/' "$conf"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main reload || true
    psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 \
      || psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE test'
  fi
fi

if [ "${CI:-}" = "true" ]; then
  cargo fmt --all --check
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi

cargo test --workspace --locked "$@"
