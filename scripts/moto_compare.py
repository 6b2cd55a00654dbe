"""Compares the `stages` example's output, field by field, with what boto3 reads from the
same moto server. Exits non-zero on any difference. Modes:

    moto_compare.py ENDPOINT stages API_ID FILE      (jsonl of `stages API_ID`; get_stages)
    moto_compare.py ENDPOINT stage API_ID NAME FILE  (json of `stages API_ID --stage NAME`; get_stage)
    moto_compare.py ENDPOINT apis FILE               (jsonl of `stages --apis`; get_apis)
"""
import datetime
import json
import sys

import boto3

endpoint, mode = sys.argv[1], sys.argv[2]
client = boto3.client(
    "apigatewayv2",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


if mode == "stages":
    api_id, path = sys.argv[3], sys.argv[4]
    reference = client.get_stages(ApiId=api_id)["Items"]
    ours = read_lines(path)
elif mode == "stage":
    api_id, stage_name, path = sys.argv[3], sys.argv[4], sys.argv[5]
    reference = [client.get_stage(ApiId=api_id, StageName=stage_name)]
    reference[0].pop("ResponseMetadata", None)
    ours = read_lines(path)
elif mode == "apis":
    api_id, path = "-", sys.argv[3]
    reference = client.get_apis()["Items"]
    ours = read_lines(path)
else:
    sys.exit(f"unknown mode {mode!r}")

# boto3 (PascalCase) member -> wire name, and how to compare the value.
STRUCTS = {
    "AccessLogSettings": ("accessLogSettings", {"DestinationArn": "destinationArn", "Format": "format"}),
    "DefaultRouteSettings": ("defaultRouteSettings", None),
}
ROUTE = {
    "DataTraceEnabled": "dataTraceEnabled",
    "DetailedMetricsEnabled": "detailedMetricsEnabled",
    "LoggingLevel": "loggingLevel",
    "ThrottlingBurstLimit": "throttlingBurstLimit",
    "ThrottlingRateLimit": "throttlingRateLimit",
}
SCALARS = {
    "ApiGatewayManaged": "apiGatewayManaged",
    "AutoDeploy": "autoDeploy",
    "ClientCertificateId": "clientCertificateId",
    "DeploymentId": "deploymentId",
    "Description": "description",
    "LastDeploymentStatusMessage": "lastDeploymentStatusMessage",
    "StageName": "stageName",
}
MAPS = {"StageVariables": "stageVariables", "Tags": "tags"}
TIMES = {"CreatedDate": "createdDate", "LastUpdatedDate": "lastUpdatedDate"}
KNOWN = set(SCALARS) | set(MAPS) | set(TIMES) | set(STRUCTS) | {"RouteSettings"}

errors = []
checked = 0


def check(where, want, got):
    global checked
    checked += 1
    if want != got:
        errors.append(f"{where}: boto3 read {want!r}, stages printed {got!r}")


def route_to_wire(r):
    return {ROUTE[k]: v for k, v in r.items()}


# Api members: boto3 name -> wire name is the first letter in lower case; these hold user
# data as keys (kept as they are) or times.
API_MAPS = {"Tags"}
API_TIMES = {"CreatedDate"}


def api_to_wire(value, keep_keys=False):
    if isinstance(value, dict):
        return {(k if keep_keys else k[0].lower() + k[1:]): api_to_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [api_to_wire(v) for v in value]
    return value


def compare_apis():
    if len(reference) != len(ours):
        errors.append(f"boto3 read {len(reference)} APIs, stages --apis printed {len(ours)}")
    by_id = {a.get("apiId"): a for a in ours}
    for ref in reference:
        api = ref["ApiId"]
        got = by_id.get(api)
        if got is None:
            errors.append(f"API {api} missing from the output")
            continue
        expected_keys = set()
        for boto, value in ref.items():
            wire = boto[0].lower() + boto[1:]
            expected_keys.add(wire)
            if boto in API_TIMES:
                ours_time = datetime.datetime.fromisoformat(got[wire].replace("Z", "+00:00")) if wire in got else None
                check(f"{api}.{wire}", value, ours_time)
            else:
                check(f"{api}.{wire}", api_to_wire(value, keep_keys=boto in API_MAPS), got.get(wire))
        extra = set(got) - expected_keys
        if extra:
            errors.append(f"{api}: stages --apis printed fields boto3 did not read: {sorted(extra)}")


if mode == "apis":
    compare_apis()
    reference, ours = [], []

if mode != "apis" and len(reference) != len(ours):
    errors.append(f"boto3 read {len(reference)} stages, stages printed {len(ours)}")
by_name = {s.get("stageName"): s for s in ours}
for ref in reference:
    name = ref["StageName"]
    got = by_name.get(name)
    if got is None:
        errors.append(f"stage {name} missing from the output")
        continue
    for key in ref:
        if key not in KNOWN:
            errors.append(f"{name}: boto3 returned {key}, which this check does not know")
    expected_keys = set()
    for boto, wire in SCALARS.items():
        if boto in ref:
            expected_keys.add(wire)
            check(f"{name}.{wire}", ref[boto], got.get(wire))
    for boto, wire in MAPS.items():
        if boto in ref:
            expected_keys.add(wire)
            check(f"{name}.{wire}", ref[boto], got.get(wire))
    for boto, wire in TIMES.items():
        if boto in ref:
            expected_keys.add(wire)
            ours_time = datetime.datetime.fromisoformat(got[wire].replace("Z", "+00:00")) if wire in got else None
            check(f"{name}.{wire}", ref[boto], ours_time)
    if "AccessLogSettings" in ref:
        expected_keys.add("accessLogSettings")
        want = {STRUCTS["AccessLogSettings"][1][k]: v for k, v in ref["AccessLogSettings"].items()}
        check(f"{name}.accessLogSettings", want, got.get("accessLogSettings"))
    if "DefaultRouteSettings" in ref:
        expected_keys.add("defaultRouteSettings")
        check(f"{name}.defaultRouteSettings", route_to_wire(ref["DefaultRouteSettings"]), got.get("defaultRouteSettings"))
    if "RouteSettings" in ref:
        expected_keys.add("routeSettings")
        want = {k: route_to_wire(v) for k, v in ref["RouteSettings"].items()}
        check(f"{name}.routeSettings", want, got.get("routeSettings"))
    extra = set(got) - expected_keys
    if extra:
        errors.append(f"{name}: stages printed fields boto3 did not read: {sorted(extra)}")

if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
what = {"stages": "GetStages", "stage": "GetStage", "apis": "GetApis"}[mode]
print(f"{what} {api_id}: {checked} fields equal to boto3's")
