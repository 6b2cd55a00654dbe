#!/usr/bin/env bash
# Peak RSS for listing 1,000 and 1,000,000 stages: the second must stay within 1.5x of the
# first (lazy pagination holds one page at a time). Prints both figures. A measurement that
# cannot be read (the example's output changed, a count or a figure missing) fails the
# script: a check that cannot run is a failure, not a pass.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example memory --features testing

# Prints the peak RSS in KiB of listing $1 stages, after checking that all were listed.
peak_rss() {
    local n=$1 out
    out=$(./target/release/examples/memory "$n")
    if [[ ! $out =~ ^stages=([0-9]+)\ .*\ peak_rss_kib=([0-9]+)$ ]]; then
        echo "memory: unexpected output for $n stages: '$out'" >&2
        return 1
    fi
    if [ "${BASH_REMATCH[1]}" -ne "$n" ] || [ "${BASH_REMATCH[2]}" -le 0 ]; then
        echo "memory: listed ${BASH_REMATCH[1]} of $n stages, peak ${BASH_REMATCH[2]} KiB" >&2
        return 1
    fi
    echo "${BASH_REMATCH[2]}"
}

small=$(peak_rss 1000)
large=$(peak_rss 1000000)
ratio=$(awk -v a="$large" -v b="$small" 'BEGIN { printf "%.2f", a / b }')
echo "peak RSS: 1,000 stages ${small} KiB; 1,000,000 stages ${large} KiB; ratio ${ratio} (limit 1.5)"
awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r <= 1.5) }' || { echo "memory grows with the listing" >&2; exit 1; }
