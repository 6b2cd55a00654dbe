#!/usr/bin/env bash
# The crate as `cargo package` builds it passes its own tests with nothing beside it: packs
# the crate, unpacks it into a temporary folder, and runs the README's test command there
# (reusing this checkout's target directory for the dependencies). Also checks that the
# SigV4 vectors shipped in tests/data equal the project's shared copy, when it is beside us.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ -d ../shared/sigv4-test-suite ]; then
    diff -r ../shared/sigv4-test-suite tests/data/sigv4-test-suite >/dev/null \
        || { echo "tests/data/sigv4-test-suite differs from ../shared/sigv4-test-suite" >&2; exit 1; }
    echo "shipped SigV4 vectors equal ../shared/sigv4-test-suite"
fi

cargo package --quiet --no-verify --allow-dirty
crate=$(ls -t target/package/apigwv2-*.crate | awk "NR == 1")
echo "packaged $crate: $(tar tzf "$crate" | wc -l) files"
# A fixed folder, its files touched now: cargo keys a path package's builds by its place
# relative to the workspace and checks sources by mtime, so a temporary folder or the
# archive's old mtimes would let it reuse test binaries built from an earlier unpacking.
# Outside the repository: under it, cargo would take the unpacked crate for a stray member
# of this workspace.
work="${TMPDIR:-/tmp}/apigwv2-package-test"
rm -rf "$work"
mkdir -p "$work"
tar xzf "$crate" -C "$work" --touch
dir=$(ls -d "$work"/apigwv2-*)
# Nothing of this checkout is reachable from there: no ../shared, no scripts, no .ci.
(cd "$dir" && CARGO_TARGET_DIR="$root/target" cargo test --all-features)
