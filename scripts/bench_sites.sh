#!/usr/bin/env bash
# Crawl speed of `opora sites check` on a local site of 2,000 pages, at the
# polite delay set to 0 and at 200 ms (the default). Figures go to
# docs/benchmarks.md with the machine's load average.
#
#   scripts/bench_sites.sh [--pages N] [--delays 0,200]
#
# Built with the dev profile (dependencies at opt-level 2), as the tests are.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"
cargo build --workspace --examples --quiet
"$target/debug/examples/bench_sites" "$@"
