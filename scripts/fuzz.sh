#!/usr/bin/env bash
# Fuzzes the readers of user input (issue 17) with cargo-fuzz (libFuzzer):
# each target for SECONDS (default 1800, the issue's 30 minutes), one after
# another, growing the committed corpus under fuzz/corpus/<target>, then
# minimises the corpus. A crash stops the run: its input is in
# fuzz/artifacts/<target>/ and becomes a regression test (docs/fuzzing.md).
#
#   scripts/fuzz.sh [SECONDS] [TARGET…]
#
# Needs the nightly toolchain (rustup) and cargo-fuzz (installed here from
# crates.io when missing). Uses its own target directory: fuzzing builds
# with sanitizer flags that would invalidate the main build's cache.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-1800}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(csv_table xlsx_table plan_document deadline formula)
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install cargo-fuzz --locked
fi
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/opora-fuzz-target}"
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: ${seconds} s"
    start=$(date +%s)
    set +e
    cargo +nightly fuzz run "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=262144 -timeout=20 \
        > "/tmp/fuzz-$t.log" 2>&1
    status=$?
    set -e
    grep -E "^#[0-9]+.*DONE|ERROR|panicked|SUMMARY" "/tmp/fuzz-$t.log" || true
    end=$(date +%s)
    runs=$(grep -oE "^#[0-9]+" "/tmp/fuzz-$t.log" | tail -1 | tr -d '#')
    echo "== $t: exit $status after $((end - start)) s, ${runs:-0} runs"
    if [ "$status" -ne 0 ]; then
        echo "crash: see fuzz/artifacts/$t/" >&2
        exit "$status"
    fi
    cargo +nightly fuzz cmin "$t" "corpus/$t" >/dev/null 2>&1 || true
done
