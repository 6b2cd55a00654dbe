#!/usr/bin/env bash
# Prints the footprint figures the README publishes: run-time crates, clean release build
# time of the `stages` example, and that binary's stripped size. Fails only when the crate
# count exceeds 50 (timings are information: a shared machine makes them noisy).
set -euo pipefail
cd "$(dirname "$0")/.."

crates=$(cargo tree -e normal --prefix none | sed -E 's/ \(\*\)$//' | sort -u | wc -l)
echo "run-time crates (cargo tree -e normal, this crate included): $crates (limit 50)"

target=$(mktemp -d)
trap 'rm -rf "$target"' EXIT
start=$(date +%s.%N)
CARGO_TARGET_DIR="$target" cargo build --quiet --release --example stages
end=$(date +%s.%N)
build=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
echo "clean 'cargo build --release --example stages': ${build} s on $(nproc) cores"

strip -o "$target/stages.stripped" "$target/release/examples/stages"
size=$(stat -c %s "$target/stages.stripped")
echo "stripped stages binary: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB)"

if [ "$crates" -gt 50 ]; then
    echo "too many run-time crates: $crates > 50" >&2
    exit 1
fi
