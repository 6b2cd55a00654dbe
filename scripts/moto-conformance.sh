#!/usr/bin/env bash
# Conformance against moto, an independent implementation of the service: seeds HTTP and
# WebSocket APIs with boto3, runs the `apigwv2` command against moto_server on 127.0.0.1, and
# compares its output field by field with boto3's get_stages, get_stage and get_apis. Also
# checks --api-name, --all-apis, an API with no stages and an unknown API id (exit code 1,
# NotFound on stderr). Stops the server it
# started on every exit path; fails loudly if moto cannot be installed or started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="${MOTO_VENV:-$root/target/moto-venv}"
moto_version="5.2.5"

if ! "$venv/bin/python" -c "import moto, boto3; assert moto.__version__ == '$moto_version'" 2>/dev/null; then
    echo "installing moto[server]==$moto_version into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$moto_version"
fi
py="$venv/bin/python"

cargo build --quiet --features cli --bin apigwv2
stages="$root/target/debug/apigwv2"

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
work=$(mktemp -d)
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
cleanup() {
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
    if "$py" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; then
        break
    fi
    if ! kill -0 "$moto_pid" 2>/dev/null; then
        cat "$work/moto.log" >&2
        echo "moto_server exited" >&2
        exit 1
    fi
    sleep 0.2
done
"$py" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/', timeout=2)" \
    || { cat "$work/moto.log" >&2; echo "moto_server did not start on $endpoint" >&2; exit 1; }

ids=$("$py" scripts/moto_seed.py "$endpoint")
id_of() { "$py" -c "import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$ids" "$1"; }

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$work/no-config" AWS_SHARED_CREDENTIALS_FILE="$work/no-credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_APIGATEWAYV2 || true

for kind in http websocket; do
    api=$(id_of "$kind")
    "$stages" "$api" --endpoint-url "$endpoint" --output jsonl >"$work/$kind.jsonl"
    "$py" scripts/moto_compare.py "$endpoint" stages "$api" "$work/$kind.jsonl"
done

# GetStage, one stage of each kind, by name.
for kind_stage in http:prod http:bare websocket:live; do
    api=$(id_of "${kind_stage%%:*}")
    stage="${kind_stage#*:}"
    "$stages" "$api" --stage "$stage" --endpoint-url "$endpoint" --output json >"$work/stage-$stage.json"
    "$py" scripts/moto_compare.py "$endpoint" stage "$api" "$stage" "$work/stage-$stage.json"
done

# GetApis, every member boto3 reads.
"$stages" --apis --endpoint-url "$endpoint" --output jsonl >"$work/apis.jsonl"
"$py" scripts/moto_compare.py "$endpoint" apis "$work/apis.jsonl"

# By name, and every stage of every API: the same stages as by id.
"$stages" --api-name orders --endpoint-url "$endpoint" --output jsonl >"$work/by-name.jsonl"
cmp "$work/by-name.jsonl" "$work/http.jsonl" || { echo "--api-name orders differs from the id's listing" >&2; exit 1; }
"$stages" --all-apis --endpoint-url "$endpoint" --output jsonl >"$work/all.jsonl"
want=$(cat "$work/http.jsonl" "$work/websocket.jsonl" | wc -l)
got=$(wc -l <"$work/all.jsonl")
[ "$want" -eq "$got" ] || { echo "--all-apis printed $got stages, the APIs have $want" >&2; exit 1; }
echo "--api-name and --all-apis: the same stages as by id ($got)"

empty=$(id_of empty)
"$stages" "$empty" --endpoint-url "$endpoint" --output jsonl >"$work/empty.jsonl"
[ ! -s "$work/empty.jsonl" ] || { echo "an API with no stages printed output" >&2; exit 1; }
echo "api $empty: no stages, no output, exit 0"

set +e
"$stages" doesnotexist --endpoint-url "$endpoint" --output jsonl >"$work/missing.out" 2>"$work/missing.err"
code=$?
set -e
if [ "$code" -ne 1 ] || ! grep -q "NotFoundException (HTTP 404)" "$work/missing.err"; then
    echo "unknown API: expected exit 1 and NotFoundException, got exit $code:" >&2
    cat "$work/missing.err" >&2
    exit 1
fi
echo "unknown API: exit 1, stderr: $(cat "$work/missing.err")"
echo "moto conformance passed"
