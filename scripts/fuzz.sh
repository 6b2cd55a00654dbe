#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (FUZZ_SECONDS each, default 20).
# Installs cargo-fuzz when missing. The stable toolchain runs it with RUSTC_BOOTSTRAP=1,
# since cargo-fuzz passes nightly-only sanitizer flags. Any crash fails the script.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for target in $(cargo fuzz list); do
    echo "== fuzz $target for ${seconds}s"
    if ! cargo fuzz run -O "$target" -- -max_total_time="$seconds" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz target $target failed; the crashing input is in fuzz/artifacts/$target" >&2
        exit 1
    fi
    grep -E "^Done" "$log"
done
