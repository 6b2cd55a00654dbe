#!/usr/bin/env bash
# Prints the footprint figures the README publishes: run-time crates, clean release build
# time of the `stages` example, and that binary's stripped size. Fails only when the crate
# count exceeds 50 (timings are information: a shared machine makes them noisy).
set -euo pipefail
cd "$(dirname "$0")/.."

crates=$(cargo tree -e normal --prefix none | sed -E 's/ \(\*\)$//' | sort -u | wc -l)
echo "run-time crates (cargo tree -e normal, this crate included): $crates (limit 50)"

# What a user's own tool pays: the library and the `stages` lister, without this crate's
# dev-dependencies (criterion and the test helpers), which cargo would otherwise build for
# any example. So build a copy of the crate whose manifest has no [dev-dependencies].
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/crate/examples"
cp -r src "$work/crate/src"
cp README.md examples/stages.rs "$work/crate/"
mv "$work/crate/stages.rs" "$work/crate/examples/stages.rs"
[ -f Cargo.lock ] && cp Cargo.lock "$work/crate/"
awk '
    /^\[dev-dependencies\]/ { skip = 1; next }
    /^\[\[bench\]\]/ { skip = 1; next }
    /^\[\[example\]\]/ { skip = 1; next }
    /^\[/ { skip = 0 }
    !skip
' Cargo.toml >"$work/crate/Cargo.toml"
target="$work/target"
start=$(date +%s.%N)
(cd "$work/crate" && CARGO_TARGET_DIR="$target" cargo build --quiet --release --example stages)
end=$(date +%s.%N)
build=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "clean 'cargo build --release --example stages' (no dev-dependencies): ${build} s on $(nproc) cores"

strip -o "$target/stages.stripped" "$target/release/examples/stages"
size=$(stat -c %s "$target/stages.stripped")
echo "stripped stages binary: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB)"

if [ "$crates" -gt 50 ]; then
    echo "too many run-time crates: $crates > 50" >&2
    exit 1
fi
