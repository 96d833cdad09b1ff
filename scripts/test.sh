#!/usr/bin/env bash
# Runs Opora's whole test suite on SQLite and on PostgreSQL.
# Starts the local PostgreSQL cluster when it is down; set
# OPORA_TEST_DATABASE_URL to use another server ("" skips PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/opora-target}"
export OPORA_TEST_DATABASE_URL="${OPORA_TEST_DATABASE_URL-postgres://postgres@127.0.0.1:5432/test}"

if [ -n "$OPORA_TEST_DATABASE_URL" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "Starting PostgreSQL…"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi

# Browser end-to-end tests drive Debian's Chromium through chromedriver.
if ! command -v chromedriver >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "Installing chromium and chromium-driver for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null \
      || echo "Could not install chromium-driver: the browser tests will be skipped."
  else
    echo "chromium/chromedriver are missing and cannot be installed here: the browser tests will be skipped."
  fi
fi

cargo test --workspace --locked "$@"
