#!/usr/bin/env bash
# The AWS CLI's read commands side by side: installs the AWS CLI (v1, from PyPI) into a
# virtual environment, starts examples/local_endpoint.rs (a LocalApiGateway with a fixed
# seed) on 127.0.0.1, runs `aws apigatewayv2 <command> ...` and `apigwv2 <command> ...` with
# the same arguments in the same empty environment, and requires the same standard output,
# byte for byte: get-stages (every page, page sizes, --max-items cuts mid-page and at a page
# boundary, resume tokens passed from each program to the other, --no-paginate), get-stage,
# get-apis, an API with no stages, and errors (same sentence; exit 255 there, 1 here).
# Stops the endpoint on every exit path; fails loudly if the AWS CLI cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${AWSCLI_VENV:-$root/target/awscli-venv}"
awscli_version="1.46.3"

installed=$("$venv/bin/aws" --version 2>&1 || true)
if [[ $installed != "aws-cli/$awscli_version "* ]]; then
    echo "installing awscli==$awscli_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "awscli==$awscli_version"
fi
aws="$venv/bin/aws"
echo "$("$aws" --version 2>&1)"

cargo build --quiet --features cli,testing --bin apigwv2 --example local_endpoint
ours="$root/target/debug/apigwv2"

work=$(mktemp -d)
coproc ENDPOINT { exec "$root/target/debug/examples/local_endpoint" --seconds 600; }
endpoint_pid=$ENDPOINT_PID
cleanup() {
    kill "$endpoint_pid" 2>/dev/null || true
    wait "$endpoint_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Its KEY=VALUE lines, then "ready". Only the four names it prints are taken.
declare -A seen
while IFS= read -r -t 60 -u "${ENDPOINT[0]}" line; do
    [ "$line" = ready ] && break
    case "${line%%=*}" in
        AWS_ENDPOINT_URL | AWS_REGION | AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY)
            seen[${line%%=*}]=${line#*=} ;;
        *) echo "local_endpoint printed an unexpected line" >&2; exit 1 ;;
    esac
done
[ "${#seen[@]}" -eq 4 ] || { echo "local_endpoint did not start" >&2; exit 1; }

# Both programs in the same empty environment: no ~/.aws, no instance metadata.
run() {
    env -i PATH="$PATH" HOME="$work" LC_ALL=C.UTF-8 PYTHONIOENCODING=utf-8 \
        AWS_CONFIG_FILE="$work/no-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-credentials" \
        AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 \
        AWS_ENDPOINT_URL="${seen[AWS_ENDPOINT_URL]}" AWS_REGION="${seen[AWS_REGION]}" \
        AWS_DEFAULT_REGION="${seen[AWS_REGION]}" AWS_ACCESS_KEY_ID="${seen[AWS_ACCESS_KEY_ID]}" \
        AWS_SECRET_ACCESS_KEY="${seen[AWS_SECRET_ACCESS_KEY]}" "$@"
}

cases=0
# same NAME ARGS...: both print the same bytes and succeed. Leaves the output in $work/NAME.
same() {
    local name=$1
    shift
    run "$aws" apigatewayv2 "$@" --output json >"$work/$name.aws" 2>"$work/$name.aws.err" \
        || { cat "$work/$name.aws.err" >&2; echo "aws apigatewayv2 $* failed" >&2; exit 1; }
    run "$ours" "$@" --output json >"$work/$name.ours" 2>"$work/$name.ours.err" \
        || { cat "$work/$name.ours.err" >&2; echo "apigwv2 $* failed" >&2; exit 1; }
    if ! cmp -s "$work/$name.aws" "$work/$name.ours"; then
        diff "$work/$name.aws" "$work/$name.ours" | sed -n '1,40p' >&2
        echo "apigwv2 $* printed something else than aws apigatewayv2 $* (< aws, > apigwv2)" >&2
        exit 1
    fi
    cases=$((cases + 1))
    echo "same: $* ($(wc -c <"$work/$name.ours") bytes)"
}

# next_token NAME: the NextToken of an output, or nothing.
next_token() {
    sed -n 's/^    "NextToken": "\(.*\)"$/\1/p' "$work/$1.ours"
}

same demo get-stages --api-id a1b2c3d4e5
same full get-stages --api-id f0f1f2f3f4
same paged get-stages --api-id f0f1f2f3f4 --page-size 7
same empty get-stages --api-id e0e1e2e3e4
same one-page get-stages --api-id f0f1f2f3f4 --no-paginate
same stage get-stage --api-id f0f1f2f3f4 --stage-name stage-0001
same stage-unicode get-stage --api-id f0f1f2f3f4 --stage-name stage-0000
same stage-default get-stage --api-id a1b2c3d4e5 --stage-name '$default'
same apis get-apis
same apis-paged get-apis --page-size 1 --max-items 3
same apis-one-page get-apis --no-paginate

# --max-items cut in the middle of a page, then at a page boundary.
same mid get-stages --api-id f0f1f2f3f4 --max-items 7 --page-size 5
[ -n "$(next_token mid)" ] || { echo "no NextToken after --max-items 7" >&2; exit 1; }
same boundary get-stages --api-id f0f1f2f3f4 --max-items 10 --page-size 5
[ -n "$(next_token boundary)" ] || { echo "no NextToken after --max-items 10" >&2; exit 1; }

# A listing walked to its end in steps, each continuing from the previous step's token:
# the same bytes from both programs at every step, so each took the other's token.
token=$(next_token mid)
for step in $(seq 1 40); do
    same "step-$step" get-stages --api-id f0f1f2f3f4 --max-items 13 --page-size 6 --starting-token "$token"
    token=$(next_token "step-$step")
    [ -n "$token" ] || break
done
[ -z "$token" ] || { echo "the stepped listing did not end in 40 steps" >&2; exit 1; }
steps=$(cat "$work"/step-*.ours | grep -c '"StageName"')
[ "$steps" -eq 243 ] || { echo "the steps listed $steps stages, not the 243 after the first 7" >&2; exit 1; }

# Errors: the same sentence (the AWS CLI's, with a request id after it here).
for call in "get-stages --api-id nosuchapi" "get-stage --api-id a1b2c3d4e5 --stage-name nosuch"; do
    # shellcheck disable=SC2086
    set +e
    run "$aws" apigatewayv2 $call --output json >/dev/null 2>"$work/err.aws"
    aws_code=$?
    run "$ours" $call --output json >/dev/null 2>"$work/err.ours"
    our_code=$?
    set -e
    want=$(sed '/^$/d' "$work/err.aws")
    got=$(sed -e 's/ \[request id [^]]*\]$//' "$work/err.ours")
    if [ "$aws_code" -ne 255 ] || [ "$our_code" -ne 1 ] || [ "$want" != "$got" ]; then
        echo "$call: aws exited $aws_code with '$want'; apigwv2 exited $our_code with '$got'" >&2
        exit 1
    fi
    cases=$((cases + 1))
    echo "same error: $call ($want)"
done

echo "awscli-compare: $cases cases, the same output from aws apigatewayv2 and apigwv2"
