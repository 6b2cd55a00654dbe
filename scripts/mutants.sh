#!/usr/bin/env bash
# Mutation testing with a pinned cargo-mutants: plants one bug at a time in the modules where
# a silent bug costs users most, runs the tests that exercise that module, and prints, per
# module, how many mutants the tests caught, missed, could not build (unviable) or timed out.
#
#   bash scripts/mutants.sh [MODULE...]      MODULE: one of the keys of `files` below (default: all)
#
# MUTANTS_JOBS (default 1) builds and tests that many mutants at once; each needs its own
# copy of the tree and target directory. Results are in target/mutants/<module>/mutants.out.
#
# MUTANTS_IN_PLACE=1 mutates this tree in place, like MUTANTS_QUICK but for any module and
# every function: for a work tree of its own whose target directory is already built.
#
# MUTANTS_QUICK=1 (what CI runs, with `paginator`): only the resume arithmetic (the functions
# that compute positions and tokens) against the unit and pagination tests, mutated in place
# in this tree and built in its own target directory, which the test step has just built, so
# no copy and no baseline run.
#
# Fails when a missed mutant is not named in scripts/mutants-equivalent.txt, the list of
# mutants shown to be equivalent (each with why; the target is that the paginator and the
# signer have no other survivor, and no equivalent that a small change to the code would not
# remove). A module that produces no mutant, or a cargo-mutants run that fails for any
# other reason, fails too. Timeouts (a mutant that made a test hang) are listed, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."

version=27.1.0
if [ "$(cargo mutants --version 2>/dev/null || true)" != "cargo-mutants $version" ]; then
    echo "installing cargo-mutants $version"
    cargo install cargo-mutants --locked --version "$version"
fi

# cargo-mutants tests a copy of the tree, where ../shared is not beside it.
suite="${APIGWV2_SIGV4_SUITE:-$(pwd)/tests/data/sigv4-test-suite}"
[ -d "$suite/v4" ] || { echo "the SigV4 test suite is missing at $suite" >&2; exit 1; }
export APIGWV2_SIGV4_SUITE="$suite"
quick="${MUTANTS_QUICK:-0}"
if [ "$quick" = 1 ] || [ "${MUTANTS_IN_PLACE:-0}" = 1 ]; then
    # Reuse the target directory as the test step left it: same profile, same flags.
    build_args=(--in-place --baseline=skip --timeout "${MUTANTS_TIMEOUT:-120}")
    [ "${MUTANTS_JOBS:-1}" = 1 ] || { echo "MUTANTS_QUICK mutates in place: one job only" >&2; exit 2; }
else
    # A fresh copy per job, built once: no debug info, since every mutant rebuilds the crate
    # and its test binaries, and optimized dependencies, since the differential signature
    # test hashes a lot.
    export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
    build_args=(--jobs "${MUTANTS_JOBS:-1}" '--cargo-arg=--config=profile.dev.package."*".opt-level=2')
fi

# module: files to mutate | test targets that exercise them (the unit tests always run).
declare -A files=(
    [paginator]="src/paginator.rs"
    [sigv4]="src/sigv4/*.rs src/encode.rs"
    [retry]="src/retry.rs src/rng.rs src/http_date.rs"
    [chain]="src/credentials/chain.rs"
    [json]="src/json.rs"
    [all_stages]="src/all_stages.rs"
    [queue]="src/queue.rs"
    [operation]="src/operation.rs src/operations/*.rs"
    [transport]="src/transport.rs src/ureq_transport.rs src/http1.rs"
    [proxy]="src/config/proxy.rs"
    [endpoint]="src/config/endpoint.rs"
    [providers]="src/credentials/process.rs src/credentials/container.rs src/credentials/imds.rs"
    [redact]="src/redact.rs src/escape.rs"
    [error]="src/error.rs"
    [command]="src/bin/apigwv2/*.rs"
)
declare -A tests=(
    [paginator]="pagination retries errors no_panic"
    [sigv4]="sigv4_suite sigv4_differential"
    [retry]="retries errors"
    [chain]="credentials hostile logging"
    [json]="decode"
    [all_stages]="concurrency operations"
    [queue]="concurrency"
    [operation]="operations pagination errors no_panic decode"
    [transport]="transport trace_logs proxy tls"
    [proxy]="proxy hostile"
    [endpoint]="hostile operations"
    [providers]="credentials hostile logging"
    [redact]="errors hostile logging credentials"
    [error]="errors retries tls hostile"
    [command]="cli"
)
# Every module, in the order a full run takes them.
all_modules=(paginator sigv4 retry chain json all_stages queue operation transport proxy endpoint providers redact error command)
# The resume arithmetic, for MUTANTS_QUICK.
resume_re='Position::|Pages<R>::(start|next|resume_token)|Paginator<R>::(next|resume_token)'

modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=("${all_modules[@]}")
equivalent=scripts/mutants-equivalent.txt
status=0
summary=""
for m in "${modules[@]}"; do
    [ -n "${files[$m]:-}" ] || { echo "unknown module $m (${all_modules[*]})" >&2; exit 2; }
    args=(--all-features --no-shuffle --output "target/mutants/$m" --minimum-test-timeout 60 "${build_args[@]}" --cargo-arg=--lib
        # A fuzzing hook whose result its only caller (unversioned::fuzz::parse_text) ignores: making
        # it return true or false changes nothing a user or a test can see.
        --exclude-re 'parse_resume_token')
    for f in ${files[$m]}; do args+=(--file "$f"); done
    test_targets=${tests[$m]}
    if [ "$quick" = 1 ]; then
        [ "$m" = paginator ] || { echo "MUTANTS_QUICK is for the paginator only" >&2; exit 2; }
        test_targets=pagination
        args+=(--re "$resume_re")
    fi
    for t in $test_targets; do args+=("--cargo-arg=--test=$t"); done
    # The command's own unit tests live in the binary.
    [ "$m" != command ] || args+=("--cargo-arg=--bins")
    mkdir -p "target/mutants/$m"
    echo "== mutants: $m (${files[$m]}; tests: $test_targets)"
    rc=0
    cargo mutants "${args[@]}" || rc=$?
    # 0: all caught; 2: some missed; 3: some timed out. Anything else: it could not run.
    case $rc in
        0 | 2 | 3) ;;
        *) echo "cargo mutants failed for $m (exit $rc)" >&2; exit 1 ;;
    esac
    out="target/mutants/$m/mutants.out"
    count() { if [ -s "$out/$1.txt" ]; then grep -c . "$out/$1.txt"; else echo 0; fi; }
    caught=$(count caught) missed=$(count missed) unviable=$(count unviable) timeout=$(count timeout)
    total=$((caught + missed + unviable + timeout))
    line="$m: $total mutants: $caught caught, $missed missed, $unviable unviable, $timeout timeout"
    summary+="$line"$'\n'
    if [ "$total" -eq 0 ]; then
        echo "$m: no mutant was tested" >&2
        status=1
    fi
    # Every missed mutant must be named in the equivalents list (its line up to ' #').
    if [ "$missed" -gt 0 ]; then
        while IFS= read -r mutant; do
            if ! grep -qxF "$mutant" <(sed -E 's/ +#.*$//' "$equivalent"); then
                echo "$m: missed and not known to be equivalent: $mutant" >&2
                status=1
            fi
        done <"$out/missed.txt"
    fi
    # A timeout is a mutant that made a test hang: not a survivor, but worth a look.
    [ "$timeout" -eq 0 ] || { echo "$m: timed out (tests hung):" >&2; cat "$out/timeout.txt" >&2; }
done
printf '\n== mutation summary\n%s' "$summary"
exit $status
