#!/usr/bin/env bash
# Peak RSS for listing 1,000 and 1,000,000 stages: the second must stay within 1.5x of the
# first (lazy pagination holds one page at a time). Prints both figures.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example memory --features testing
small=$(./target/release/examples/memory 1000 | sed -E 's/.*peak_rss_kib=([0-9]+).*/\1/')
large=$(./target/release/examples/memory 1000000 | sed -E 's/.*peak_rss_kib=([0-9]+).*/\1/')
ratio=$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2f", a / b }')
echo "peak RSS: 1,000 stages ${small} KiB; 1,000,000 stages ${large} KiB; ratio ${ratio} (limit 1.5)"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' || { echo "memory grows with the listing" >&2; exit 1; }
