"""Compares the `stages` example's jsonl output, field by field, with what boto3's
get_stages reads from the same moto server. Exits non-zero on any difference."""
import datetime
import json
import sys

import boto3

endpoint, api_id, jsonl_path = sys.argv[1], sys.argv[2], sys.argv[3]
client = boto3.client(
    "apigatewayv2",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)
reference = client.get_stages(ApiId=api_id)["Items"]
with open(jsonl_path, encoding="utf-8") as f:
    ours = [json.loads(line) for line in f if line.strip()]

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


if len(reference) != len(ours):
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
print(f"api {api_id}: {len(reference)} stages, {checked} fields equal to boto3's")
