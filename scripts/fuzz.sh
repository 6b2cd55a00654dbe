#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time (FUZZ_SECONDS each, default 20).
# Installs cargo-fuzz when missing. The stable toolchain runs it with RUSTC_BOOTSTRAP=1,
# since cargo-fuzz passes nightly-only sanitizer flags. Any crash fails the script, and so
# does a check that cannot run: `cargo fuzz list` failing or missing a target of
# fuzz/fuzz_targets, or a target that reports no run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-20}"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O

# The targets cargo-fuzz knows must be exactly the files in fuzz_targets/.
listed=$(cargo fuzz list | sort)
expected=$(for f in fuzz_targets/*.rs; do basename "$f" .rs; done | sort)
if [ -z "$expected" ] || [ "$listed" != "$expected" ]; then
    echo "cargo fuzz list gives '$(echo $listed)', fuzz_targets/ has '$(echo $expected)'" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
ran=0
for target in $listed; do
    echo "== fuzz $target for ${seconds}s"
    # A target with seeds in fuzz/seeds/ starts from them (besides its own corpus).
    dirs=()
    if [ -d "seeds/$target" ]; then
        mkdir -p "corpus/$target"
        dirs=("corpus/$target" "seeds/$target")
    fi
    if ! cargo fuzz run -O "$target" "${dirs[@]}" -- -max_total_time="$seconds" >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz target $target failed; the crashing input is in fuzz/artifacts/$target" >&2
        exit 1
    fi
    # libFuzzer ends with "Done N runs in S second(s)"; no such line, or 0 runs, is a failure.
    done_line=$(grep -E "^Done [0-9]+ runs" "$log" || true)
    if [[ ! $done_line =~ ^Done\ ([0-9]+)\ runs ]] || [ "${BASH_REMATCH[1]}" -eq 0 ]; then
        tail -20 "$log"
        echo "fuzz target $target reported no runs" >&2
        exit 1
    fi
    echo "$done_line"
    ran=$((ran + 1))
done
echo "fuzzed $ran targets for ${seconds}s each"
