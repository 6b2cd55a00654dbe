"""Seeds a moto server with API Gateway V2 APIs and stages through boto3 (the reference
client), and prints their ids as JSON: {"http": ..., "websocket": ..., "empty": ...}."""
import json
import sys

import boto3

endpoint = sys.argv[1]
client = boto3.client(
    "apigatewayv2",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="testing",
    aws_secret_access_key="testing",
)

route = {
    "DataTraceEnabled": False,
    "DetailedMetricsEnabled": True,
    "LoggingLevel": "INFO",
    "ThrottlingBurstLimit": 500,
    "ThrottlingRateLimit": 1000.5,
}

http = client.create_api(
    Name="orders",
    ProtocolType="HTTP",
    Description="Orders API – ünïcode ✓",
    Version="v1",
    DisableExecuteApiEndpoint=True,
    Tags={"team": "orders", "cost-center": "42"},
    CorsConfiguration={
        "AllowCredentials": True,
        "AllowHeaders": ["content-type", "x-api-key"],
        "AllowMethods": ["GET", "POST"],
        "AllowOrigins": ["https://example.com"],
        "ExposeHeaders": ["x-request-id"],
        "MaxAge": 600,
    },
)["ApiId"]
client.create_stage(
    ApiId=http,
    StageName="prod",
    Description="Production stage – ünïcode ✓",
    AutoDeploy=True,
    StageVariables={"lambdaAlias": "live", "table": "orders-prod"},
    Tags={"team": "orders", "env": "production"},
    DefaultRouteSettings={"DetailedMetricsEnabled": True, "ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50.0},
    RouteSettings={"GET /orders": route},
    AccessLogSettings={
        "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:orders",
        "Format": "$context.requestId $context.status",
    },
)
client.create_stage(ApiId=http, StageName="dev", Description="dev", AutoDeploy=False)
client.create_stage(ApiId=http, StageName="bare")

ws = client.create_api(
    Name="chat",
    ProtocolType="WEBSOCKET",
    RouteSelectionExpression="$request.body.action",
    ApiKeySelectionExpression="$request.header.x-api-key",
    Description="Chat over WebSocket",
)["ApiId"]
client.create_stage(
    ApiId=ws,
    StageName="live",
    Description="WebSocket stage",
    ClientCertificateId="cc1234",
    StageVariables={"backend": "chat-live"},
    DefaultRouteSettings=route,
    Tags={"team": "chat"},
)

empty = client.create_api(Name="nothing", ProtocolType="HTTP")["ApiId"]
print(json.dumps({"http": http, "websocket": ws, "empty": empty}))
