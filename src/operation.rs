//! What an operation declares, and the decoding every operation shares.
//!
//! An operation is a type that knows its name, builds its method, path and query from its
//! input (validating it first), and names its output type. Signing, sending, retrying,
//! error decoding and pagination are generic over this trait, so an operation is one
//! declaration in `src/operations/`: its input, one `impl Operation`, and its `Client`
//! methods. Listings share [`Page`] and the paginators.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::encode::encode_into;
use crate::error::{excerpt, Error, ServiceError};
use crate::json::{Decode, Reader};
use crate::sigv4::CanonicalQuery;
use crate::transport::HttpResponse;

/// The HTTP shape of one call: method, encoded path and canonical query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperationRequest {
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) query: CanonicalQuery,
}

impl OperationRequest {
    /// A GET of the model's URI template (`/v2/apis/{api_id}/stages`), each `{label}`
    /// replaced by its value from `labels`, checked ([`check_label`]) and percent-encoded.
    pub(crate) fn get(template: &'static str, labels: &[(&'static str, &str)]) -> Result<Self, Error> {
        let mut path = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').unwrap_or(rest.len() - open);
            let name = &rest[open + 1..close];
            let (field, value) = labels
                .iter()
                .find(|(n, _)| *n == name)
                .copied()
                .unwrap_or(("label", ""));
            check_label(field, value)?;
            push_label(&mut path, value);
            rest = rest.get(close + 1..).unwrap_or("");
        }
        path.push_str(rest);
        Ok(Self {
            method: "GET",
            path,
            query: CanonicalQuery::default(),
        })
    }

    /// Adds a query parameter (encoded and kept in canonical order).
    pub(crate) fn query_param(mut self, key: &str, value: &str) -> Self {
        self.query.push(key, value);
        self
    }
}

/// Appends one URI label (a path parameter) to a path, percent-encoded.
pub(crate) fn push_label(path: &mut String, label: &str) {
    encode_into(path, label, false);
}

/// One API operation.
pub(crate) trait Operation {
    /// The operation's name in the model, e.g. `GetStages`.
    const NAME: &'static str;
    /// The decoded success response.
    type Output: DeserializeOwned + Decode;
    /// Validates the input and builds the request; an error here means nothing is sent.
    fn request(&self) -> Result<OperationRequest, Error>;
    /// Adjusts the decoded output to the input (a listing drops the items a resume token
    /// says to skip). Defaults to the output as it is.
    fn finish(&self, output: Self::Output) -> Self::Output {
        output
    }
}

/// Checks a required string parameter: not empty, no control characters.
pub(crate) fn check_required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidInput {
            field,
            reason: "must not be empty".into(),
        });
    }
    check_text(field, value)
}

/// Checks a path label: required, and not `.` or `..`, which would change the path.
pub(crate) fn check_label(field: &'static str, value: &str) -> Result<(), Error> {
    check_required(field, value)?;
    if value == "." || value == ".." {
        return Err(Error::InvalidInput {
            field,
            reason: format!("must not be {value:?}"),
        });
    }
    Ok(())
}

/// Checks an optional string parameter: no control characters.
pub(crate) fn check_text(field: &'static str, value: &str) -> Result<(), Error> {
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(Error::InvalidInput {
            field,
            reason: format!("contains the control character {c:?}"),
        });
    }
    Ok(())
}

/// One page of a listing: its items, and the token of the next page when there is one.
///
/// Serializes to the service's own format, `{"items":[...],"nextToken":"..."}`; a missing or
/// `null` `items` reads as empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub items: Vec<T>,
    /// The token of the next page; `None` on the last page. A token with control
    /// characters is refused as an invalid response.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "next_token"
    )]
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// A page from its parts.
    pub fn new(items: Vec<T>, next_token: Option<String>) -> Self {
        Self { items, next_token }
    }
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self::new(Vec::new(), None)
    }
}

/// The fast reader of a page (see [`crate::json`]): reads the items with their own reader.
impl<T: Decode> Decode for Page<T> {
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        let mut page = Self::default();
        r.fields(&["items", "nextToken"], |r, i| {
            if i == 0 {
                page.items = Option::<Vec<T>>::read(r)?.unwrap_or_default();
            } else {
                page.next_token = Decode::read(r)?;
                if refused_token(page.next_token.as_deref()) {
                    return None;
                }
            }
            Some(())
        })?;
        Some(page)
    }
}

fn null_as_empty<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Reads a `nextToken`. Tokens are opaque, but the service's are printable text; one with
/// control characters (terminal escapes, line breaks) is refused, so the client never
/// sends it back nor prints it (a CLI's "continue with" hint).
fn next_token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let token = <Option<String> as serde::Deserialize>::deserialize(d)?;
    if refused_token(token.as_deref()) {
        return Err(serde::de::Error::custom("nextToken contains control characters"));
    }
    Ok(token)
}

/// A `nextToken` with control characters, which both readers refuse.
fn refused_token(token: Option<&str>) -> bool {
    token.is_some_and(|t| t.chars().any(crate::redact::needs_escape))
}

const EXCERPT_CHARS: usize = 200;

/// Decodes a response: the operation's output for 2xx, an [`Error`] otherwise.
pub(crate) fn decode<O: Operation>(resp: &HttpResponse, attempts: u32) -> Result<O::Output, Error> {
    let request_id = request_id(resp);
    if (200..300).contains(&resp.status) {
        return decode_success::<O>(&resp.body, resp.status, request_id, attempts);
    }
    Err(decode_error(O::NAME, resp, request_id, attempts))
}

/// Decodes a success body of operation `O`.
pub(crate) fn decode_success<O: Operation>(
    body: &[u8],
    status: u16,
    request_id: Option<String>,
    attempts: u32,
) -> Result<O::Output, Error> {
    crate::json::parse_fast::<O::Output>(body).map_err(|e| Error::InvalidResponse {
        operation: O::NAME,
        status,
        request_id,
        reason: if e.is_eof() {
            format!("the body ended early ({} bytes): {e}", body.len())
        } else {
            format!("the body is not a valid {} response: {e}", O::NAME)
        },
        excerpt: excerpt(body, EXCERPT_CHARS),
        attempts,
    })
}

pub(crate) use crate::json::parse_json;

fn request_id(resp: &HttpResponse) -> Option<String> {
    resp.header("x-amzn-requestid")
        .or_else(|| resp.header("x-amz-request-id"))
        .map(str::to_owned)
}

#[derive(serde::Deserialize, Default)]
struct ErrorBody {
    #[serde(alias = "Message", alias = "errorMessage")]
    message: Option<String>,
    #[serde(rename = "__type", alias = "code", alias = "Code")]
    code: Option<String>,
    #[serde(rename = "resourceType")]
    resource_type: Option<String>,
    #[serde(rename = "limitType")]
    limit_type: Option<String>,
}

/// Strips the namespace (`aws.protocols#`) and the URL suffix (`:http://...`) from a code.
fn sanitize_code(raw: &str) -> &str {
    let code = raw.split(':').next().unwrap_or(raw);
    code.rsplit('#').next().unwrap_or(code).trim()
}

/// Decodes an error response of any operation of the service (rest-json protocol).
pub(crate) fn decode_error(
    operation: &'static str,
    resp: &HttpResponse,
    request_id: Option<String>,
    attempts: u32,
) -> Error {
    // Only JSON objects are error bodies; anything else (an HTML page from a proxy) leaves
    // the code to the header or to the status.
    let body: ErrorBody = parse_json(&resp.body).unwrap_or_default();
    let code = resp
        .header("x-amzn-errortype")
        .map(sanitize_code)
        .filter(|c| !c.is_empty())
        .or_else(|| body.code.as_deref().map(sanitize_code))
        .map(str::to_owned);
    let message = body.message.or_else(|| {
        let text = excerpt(&resp.body, EXCERPT_CHARS);
        (!text.trim().is_empty()).then(|| format!("response body: {text}"))
    });
    let details = Box::new(ServiceError {
        operation,
        status: resp.status,
        code,
        message,
        request_ids: request_id.iter().cloned().collect(),
        request_id,
        attempts,
    });
    match details.code.as_deref() {
        Some("NotFoundException") => Error::NotFound {
            resource_type: body.resource_type,
            details,
        },
        Some("TooManyRequestsException") => Error::TooManyRequests {
            limit_type: body.limit_type,
            details,
        },
        Some("BadRequestException") => Error::BadRequest { details },
        None if resp.status == 404 => Error::NotFound {
            resource_type: body.resource_type,
            details,
        },
        None if resp.status == 429 => Error::TooManyRequests {
            limit_type: body.limit_type,
            details,
        },
        _ => Error::Service { details },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            body.as_bytes().to_vec(),
        )
    }

    #[test]
    fn code_from_header_wins_and_is_sanitized() {
        let r = resp(
            404,
            &[
                (
                    "x-amzn-ErrorType",
                    "NotFoundException:http://internal.amazon.com/coral/x/",
                ),
                ("x-amzn-RequestId", "r1"),
            ],
            r#"{"message":"Invalid API identifier specified 1:abc","resourceType":"Api"}"#,
        );
        let e = decode_error("GetStages", &r, request_id(&r), 1);
        match &e {
            Error::NotFound {
                resource_type,
                details,
            } => {
                assert_eq!(resource_type.as_deref(), Some("Api"));
                assert_eq!(details.request_id.as_deref(), Some("r1"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.message(), Some("Invalid API identifier specified 1:abc"));
    }

    #[test]
    fn code_from_body_type_and_unknown_codes() {
        let r = resp(
            400,
            &[],
            r#"{"__type":"com.amazon#ValidationException","Message":"bad"}"#,
        );
        let e = decode_error("GetStages", &r, None, 1);
        assert!(matches!(e, Error::Service { .. }));
        assert_eq!(e.code(), Some("ValidationException"));
        assert_eq!(e.message(), Some("bad"));
        let r = resp(429, &[], r#"{"limitType":"x"}"#);
        assert!(matches!(
            decode_error("GetStages", &r, None, 1),
            Error::TooManyRequests { .. }
        ));
        // No code at all: the status decides.
        let r = resp(404, &[], r#"{"message":"gone","resourceType":"Api"}"#);
        match decode_error("GetStages", &r, None, 1) {
            Error::NotFound {
                resource_type,
                details,
            } => {
                assert_eq!(resource_type.as_deref(), Some("Api"));
                assert_eq!((details.status, details.message.as_deref()), (404, Some("gone")));
            }
            other => panic!("{other:?}"),
        }
        let r = resp(409, &[], r#"{"message":"busy"}"#);
        assert!(matches!(
            decode_error("GetStages", &r, None, 1),
            Error::Service { .. }
        ));
    }

    #[test]
    fn html_error_pages_keep_status_and_excerpt() {
        let r = resp(502, &[], "<html><body>Bad Gateway</body></html>");
        let e = decode_error("GetStages", &r, None, 1);
        assert_eq!(e.code(), None);
        assert_eq!(e.status(), Some(502));
        assert!(e.to_string().contains("Bad Gateway"), "{e}");
        assert!(e.is_retryable());
    }

    #[test]
    fn query_and_labels_are_encoded() {
        let r = OperationRequest::get("/v2/apis/{api_id}", &[("api_id", "a/b c")])
            .unwrap()
            .query_param("maxResults", "5")
            .query_param("nextToken", "x+/=");
        assert_eq!(r.path, "/v2/apis/a%2Fb%20c");
        assert_eq!(r.query.as_str(), "maxResults=5&nextToken=x%2B%2F%3D");
        let r = OperationRequest::get("/", &[])
            .unwrap()
            .query_param("z", "1")
            .query_param("a", "2");
        assert_eq!(r.query.as_str(), "a=2&z=1");
        let r = OperationRequest::get(
            "/v2/apis/{api_id}/stages/{stage_name}",
            &[("stage_name", "$default"), ("api_id", "a")],
        );
        assert_eq!(r.unwrap().path, "/v2/apis/a/stages/%24default");
        for (id, name, field) in [
            ("", "s", "api_id"),
            ("a", "..", "stage_name"),
            ("a\n", "s", "api_id"),
            ("a", "s\u{1b}", "stage_name"),
        ] {
            match OperationRequest::get(
                "/v2/apis/{api_id}/stages/{stage_name}",
                &[("api_id", id), ("stage_name", name)],
            ) {
                Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{other:?}"),
            }
        }
    }

    fn invalid(field: &'static str, reason: &str) -> Result<(), Error> {
        Err(Error::InvalidInput {
            field,
            reason: reason.into(),
        })
    }

    #[test]
    fn input_checks() {
        assert_eq!(check_label("api_id", ""), invalid("api_id", "must not be empty"));
        assert_eq!(check_label("api_id", "."), invalid("api_id", "must not be \".\""));
        assert_eq!(
            check_label("stage_name", ".."),
            invalid("stage_name", "must not be \"..\"")
        );
        assert_eq!(
            check_label("api_id", "a\u{0}"),
            invalid("api_id", "contains the control character '\\0'")
        );
        assert_eq!(
            check_label("stage_name", "\u{1b}[2K"),
            invalid("stage_name", "contains the control character '\\u{1b}'")
        );
        // A dot is refused only as the whole label: these change no path.
        for ok in ["ü é+/", "...", ".a", "a.", "a..b", "$default", " ", "%2E"] {
            assert_eq!(check_label("api_id", ok), Ok(()), "{ok:?}");
        }
        assert_eq!(
            check_required("next_token", ""),
            invalid("next_token", "must not be empty")
        );
        assert_eq!(check_required("next_token", "."), Ok(()));
        assert_eq!(
            check_text("next_token", "tab\there"),
            invalid("next_token", "contains the control character '\\t'")
        );
        // The first control character is the one named; DEL and C1 are controls too.
        assert_eq!(
            check_text("next_token", "a\u{7f}b\n"),
            invalid("next_token", "contains the control character '\\u{7f}'")
        );
        assert_eq!(
            check_text("next_token", "\u{85}"),
            invalid("next_token", "contains the control character '\\u{85}'")
        );
        assert_eq!(check_text("next_token", ""), Ok(()));
        assert_eq!(check_text("next_token", "ü\u{202e}"), Ok(()));
    }

    #[test]
    fn every_label_of_a_template_is_checked_and_named() {
        let template = "/v2/apis/{api_id}/stages/{stage_name}";
        for (api_id, stage_name, field, reason) in [
            (".", "x", "api_id", "must not be \".\""),
            ("..", "x", "api_id", "must not be \"..\""),
            ("a", ".", "stage_name", "must not be \".\""),
            ("a", "..", "stage_name", "must not be \"..\""),
            ("", "x", "api_id", "must not be empty"),
            ("a", "", "stage_name", "must not be empty"),
            ("a", "x\r", "stage_name", "contains the control character '\\r'"),
        ] {
            assert_eq!(
                OperationRequest::get(template, &[("api_id", api_id), ("stage_name", stage_name)]),
                Err(Error::InvalidInput {
                    field,
                    reason: reason.into()
                }),
                "{api_id:?} {stage_name:?}"
            );
        }
        // A label the template names but the caller does not give is empty: refused.
        assert_eq!(
            OperationRequest::get(template, &[("api_id", "a")]),
            Err(Error::InvalidInput {
                field: "label",
                reason: "must not be empty".into()
            })
        );
        assert_eq!(
            OperationRequest::get(template, &[("api_id", "a"), ("stage_name", "...")])
                .unwrap()
                .path,
            "/v2/apis/a/stages/..."
        );
    }
}
