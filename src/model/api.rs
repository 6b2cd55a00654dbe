//! [`Api`], as GetApis lists it, and its CORS settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::timestamp;

/// An HTTP or WebSocket API, with every member of the service's `Api` shape, declared (and
/// serialized) in the order of the AWS CLI's model, which lists `disableSchemaValidation`
/// before `disableExecuteApiEndpoint`.
///
/// ```
/// use apigwv2::{Api, ProtocolType};
/// let api: Api = serde_json::from_str(
///     r#"{"apiId":"a1b2c3","name":"orders","protocolType":"HTTP","routeSelectionExpression":"$request.method $request.path"}"#,
/// ).unwrap();
/// assert_eq!((api.api_id.as_deref(), api.name.as_str()), (Some("a1b2c3"), "orders"));
/// assert_eq!(api.protocol_type, ProtocolType::Http);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Api {
    /// The URI of the API, `https://{api-id}.execute-api.{region}.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_endpoint: Option<String>,
    /// Whether the API is managed by API Gateway (then only its creator can delete it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_gateway_managed: Option<bool>,
    /// The API id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_id: Option<String>,
    /// The API key selection expression (WebSocket APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_selection_expression: Option<String>,
    /// The CORS configuration (HTTP APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors_configuration: Option<Cors>,
    /// When the API was created.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "timestamp")]
    pub created_date: Option<OffsetDateTime>,
    /// The API's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether schema validation is off (WebSocket APIs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_schema_validation: Option<bool>,
    /// Whether the default `execute-api` endpoint is off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_execute_api_endpoint: Option<bool>,
    /// Warnings from importing an OpenAPI definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_info: Option<Vec<String>>,
    /// The IP address types that can invoke the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<IpAddressType>,
    /// The API's name (required).
    pub name: String,
    /// `HTTP` or `WEBSOCKET` (required).
    pub protocol_type: ProtocolType,
    /// The route selection expression (required).
    pub route_selection_expression: String,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// A version identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Warnings from importing an OpenAPI definition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<String>>,
}

/// GetApis pages are read by serde alone (no fast reader).
impl crate::json::Decode for Api {}

impl Api {
    /// An API with an id, a name and a protocol, the route selection expression the
    /// service gives such an API by default, and no other field set.
    pub fn new(api_id: impl Into<String>, name: impl Into<String>, protocol_type: ProtocolType) -> Self {
        let route_selection_expression = match protocol_type {
            ProtocolType::Websocket => "$request.body.action",
            _ => "$request.method $request.path",
        }
        .to_owned();
        Self {
            api_endpoint: None,
            api_gateway_managed: None,
            api_id: Some(api_id.into()),
            api_key_selection_expression: None,
            cors_configuration: None,
            created_date: None,
            description: None,
            disable_execute_api_endpoint: None,
            disable_schema_validation: None,
            import_info: None,
            ip_address_type: None,
            name: name.into(),
            protocol_type,
            route_selection_expression,
            tags: None,
            version: None,
            warnings: None,
        }
    }
}

/// The CORS configuration of an HTTP API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Cors {
    /// Whether credentials are included in CORS requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
    /// The allowed headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_headers: Option<Vec<String>>,
    /// The allowed methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_methods: Option<Vec<String>>,
    /// The allowed origins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_origins: Option<Vec<String>>,
    /// The exposed headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expose_headers: Option<Vec<String>>,
    /// How long browsers may cache preflight results, in seconds (-1 to 86400).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<i32>,
}

string_enum! {
    /// The protocol of an API.
    ProtocolType {
        /// `HTTP`
        Http = "HTTP",
        /// `WEBSOCKET`
        Websocket = "WEBSOCKET",
    }
}

string_enum! {
    /// The IP address types that can invoke an API.
    IpAddressType {
        /// `ipv4`
        Ipv4 = "ipv4",
        /// `dualstack`
        Dualstack = "dualstack",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_member_round_trips_to_the_wire_format() {
        // Members in the order the type declares them: the AWS CLI's (botocore's) model order.
        let wire = r#"{"apiEndpoint":"https://a1.execute-api.eu-west-1.amazonaws.com","apiGatewayManaged":false,"apiId":"a1","apiKeySelectionExpression":"$request.header.x-api-key","corsConfiguration":{"allowCredentials":true,"allowHeaders":["a"],"allowMethods":["GET"],"allowOrigins":["*"],"exposeHeaders":["b"],"maxAge":-1},"createdDate":"2024-01-02T03:04:05Z","description":"d","disableSchemaValidation":false,"disableExecuteApiEndpoint":true,"importInfo":["i"],"ipAddressType":"dualstack","name":"orders","protocolType":"WEBSOCKET","routeSelectionExpression":"$request.body.action","tags":{"k":"v"},"version":"1","warnings":["w"]}"#;
        let api: Api = serde_json::from_str(wire).unwrap();
        assert_eq!(api.ip_address_type, Some(IpAddressType::Dualstack));
        assert_eq!(api.protocol_type, ProtocolType::Websocket);
        assert_eq!(serde_json::to_string(&api).unwrap(), wire);
        let odd: Api =
            serde_json::from_str(r#"{"name":"n","protocolType":"GRPC","routeSelectionExpression":"x"}"#)
                .unwrap();
        assert_eq!(odd.protocol_type, ProtocolType::Unknown("GRPC".into()));
        assert!(serde_json::from_str::<Api>(r#"{"name":"n"}"#).is_err());
    }
}
