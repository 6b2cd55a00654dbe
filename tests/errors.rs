//! Every kind of failure gives the right typed error, with the request id, and no secret.

mod common;

use std::time::Duration;

use apigwv2::testing::{Fault, LocalApiGateway};
use apigwv2::{Client, Credentials, Error, GetStagesRequest, TransportErrorKind};
use common::{client, gateway, numbered};

const SECRET: &str = "wJalrXUtnFEMI-very-secret";
const TOKEN: &str = "FwoGZXIvYXdzE-session-token";

fn first_error(c: &Client, api: &str) -> Error {
    match c.stages(api).next() {
        Some(Err(e)) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn unknown_api_is_not_found_with_request_id() {
    let gw = gateway("a", numbered(1));
    let e = first_error(&client(&gw), "nope");
    match &e {
        Error::NotFound {
            resource_type,
            details,
        } => {
            assert_eq!(resource_type.as_deref(), Some("Api"));
            assert_eq!(details.status, 404);
            assert_eq!(details.code.as_deref(), Some("NotFoundException"));
        }
        other => panic!("{other:?}"),
    }
    let id = e.request_id().expect("request id").to_owned();
    assert_eq!(id.len(), 36);
    let text = e.to_string();
    assert!(
        text.starts_with("GetStages failed: NotFoundException (HTTP 404): Invalid API identifier"),
        "{text}"
    );
    assert!(text.contains(&id), "{text}");
    assert!(!e.is_retryable());
}

#[test]
fn throttling_is_too_many_requests_with_limit_type() {
    let gw = gateway("a", numbered(1));
    gw.inject(Fault::Throttle);
    let e = first_error(&client(&gw), "a");
    match &e {
        Error::TooManyRequests { limit_type, details } => {
            assert_eq!(limit_type.as_deref(), Some("Rate"));
            assert_eq!(details.status, 429);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_retryable());
    assert_eq!(e.request_id().map(str::len), Some(36), "{e:?}");
}

#[test]
fn invalid_max_results_is_bad_request() {
    let gw = gateway("a", numbered(1));
    let e = client(&gw)
        .get_stages(&GetStagesRequest::new("a").max_results(100_000))
        .unwrap_err();
    assert!(matches!(e, Error::BadRequest { .. }), "{e:?}");
    assert_eq!(e.code(), Some("BadRequestException"));
    assert_eq!(
        e.message(),
        Some("maxResults must be an integer between 1 and 500")
    );
}

#[test]
fn wrong_secret_is_rejected_by_the_signature_check() {
    let gw = gateway("a", numbered(1));
    let c = gw
        .client_builder()
        .credentials(Credentials::new(
            gw.credentials().access_key_id(),
            "not-the-secret",
            None::<String>,
        ))
        .build()
        .unwrap();
    let e = first_error(&c, "a");
    assert!(matches!(e, Error::Service { .. }), "{e:?}");
    assert_eq!(e.code(), Some("InvalidSignatureException"));
    assert_eq!(e.status(), Some(403));
    assert_eq!(
        e.message(),
        Some(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
        )
    );
    assert!(!e.to_string().contains("not-the-secret"));
}

#[test]
fn wrong_key_id_wrong_region_and_missing_token_are_rejected() {
    let gw = LocalApiGateway::builder()
        .credentials(Credentials::new("AKIDTOKEN", SECRET, Some(TOKEN)))
        .api("a", numbered(2))
        .start()
        .unwrap();
    // Right credentials, token included: accepted.
    assert_eq!(gw.client().unwrap().stages("a").count(), 2);
    let sent = gw.requests();
    assert_eq!(sent[0].header("x-amz-security-token"), Some(TOKEN));
    assert!(sent[0]
        .header("authorization")
        .unwrap()
        .contains("x-amz-security-token"));
    for (creds, region, code) in [
        (
            Credentials::new("AKIDOTHER", SECRET, Some(TOKEN)),
            "us-east-1",
            "UnrecognizedClientException",
        ),
        (
            Credentials::new("AKIDTOKEN", SECRET, None::<String>),
            "us-east-1",
            "UnrecognizedClientException",
        ),
        (
            Credentials::new("AKIDTOKEN", SECRET, Some(TOKEN)),
            "eu-west-1",
            "InvalidSignatureException",
        ),
    ] {
        let c = gw
            .client_builder()
            .credentials(creds)
            .region(region)
            .build()
            .unwrap();
        let e = first_error(&c, "a");
        assert_eq!(e.code(), Some(code), "{e}");
        assert_eq!(e.status(), Some(403));
    }
}

#[test]
fn server_errors_keep_status_and_html_pages_are_readable() {
    let gw = gateway("a", numbered(1));
    let c = client(&gw);
    for status in [500u16, 502, 503, 504] {
        gw.inject(Fault::ServerError(status));
        let e = first_error(&c, "a");
        assert!(matches!(e, Error::Service { .. }), "{e:?}");
        assert_eq!(e.status(), Some(status));
        assert!(e.is_retryable());
    }
    gw.inject(Fault::HtmlError(502));
    let e = first_error(&c, "a");
    assert_eq!(e.status(), Some(502));
    assert_eq!(e.code(), None);
    assert_eq!(e.request_id(), None);
    assert_eq!(
        e.to_string(),
        "GetStages failed: unknown error (HTTP 502): response body: <html><head><title>502</title>\
         </head><body><h1>502 Bad Gateway</h1></body></html> [no request id]"
    );
}

#[test]
fn bad_json_and_truncated_bodies_are_invalid_responses() {
    let gw = gateway("a", numbered(50));
    let c = client(&gw);
    gw.inject(Fault::BadJson);
    let e = first_error(&c, "a");
    match &e {
        Error::InvalidResponse {
            status: 200,
            excerpt,
            request_id,
            ..
        } => {
            assert_eq!(excerpt, r#"{\"items\": [{\"stageName\": \"a\"},, oops"#);
            assert_eq!(request_id.as_deref().map(str::len), Some(36), "{e:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(e.is_retryable());
    gw.inject(Fault::TruncateBody);
    let e = first_error(&c, "a");
    // The server announces the whole body's Content-Length, sends half of it and closes. The
    // transport reads the body to its announced end, so it meets the close first: an I/O
    // error, before the JSON decoder ever sees half a body.
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Io,
                attempts: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
}

#[test]
fn a_wrong_shape_is_an_invalid_response_with_an_excerpt() {
    let gw = gateway("a", numbered(1));
    let c = client(&gw);
    gw.inject(Fault::CustomResponse(
        200,
        r#"{"items":[{"stageName":42}]}"#.into(),
    ));
    let e = first_error(&c, "a");
    match &e {
        Error::InvalidResponse {
            operation: "GetStages",
            status: 200,
            reason,
            excerpt,
            attempts: 1,
            ..
        } => {
            assert_eq!(reason, "the body is not a valid GetStages response: invalid type: integer `42`, expected a string at line 1 column 25");
            assert_eq!(excerpt, r#"{\"items\":[{\"stageName\":42}]}"#);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn dropped_connection_is_a_transport_error() {
    let gw = gateway("a", numbered(1));
    gw.inject(Fault::DropConnection);
    let e = first_error(&client(&gw), "a");
    // The request was sent and the connection closed with no answer: broken while receiving.
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Io,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
}

#[test]
fn nothing_listening_is_a_connect_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", SECRET, None::<String>))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .retry_config(apigwv2::retry::RetryConfig::disabled())
        .build()
        .unwrap();
    let e = first_error(&c, "a");
    // Nothing listens on the port, so the loopback connect is refused at once
    // (ECONNREFUSED): a connect error, not a broken connection, and worth retrying.
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Connect,
                attempts: 1,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let gw = gateway("a", numbered(1));
    gw.inject(Fault::Delay(Duration::from_millis(2000)));
    let c = gw
        .client_builder()
        .timeout(Duration::from_millis(300))
        .retry_config(apigwv2::retry::RetryConfig::disabled())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = first_error(&c, "a");
    assert!(
        matches!(
            e,
            Error::Transport {
                kind: TransportErrorKind::Timeout,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1800),
        "the client waited for the server"
    );
}

#[test]
fn a_body_over_the_limit_is_response_too_large() {
    let gw = gateway("a", numbered(100));
    let c = gw.client_builder().max_response_bytes(1000).build().unwrap();
    let e = first_error(&c, "a");
    assert_eq!(
        e,
        Error::ResponseTooLarge {
            operation: "GetStages",
            limit: 1000
        }
    );
    // A page of exactly 1000 bytes, built to that size here (not measured from any
    // serializer): the limit accepts it, one byte less refuses it, one more accepts it.
    const LIMIT: u64 = 1000;
    let frame = r#"{"items":[{"stageName":""}]}"#; // 28 bytes around the name
    let name = "n".repeat(972);
    let body = format!(r#"{{"items":[{{"stageName":"{name}"}}]}}"#);
    assert_eq!((frame.len(), body.len()), (28, 1000));
    for (limit, fits) in [(LIMIT, true), (LIMIT - 1, false), (LIMIT + 1, true)] {
        gw.inject(Fault::CustomResponse(200, body.clone()));
        let c = gw
            .client_builder()
            .max_response_bytes(limit)
            .retry_config(apigwv2::retry::RetryConfig::disabled())
            .build()
            .unwrap();
        let got = c.get_stages(&GetStagesRequest::new("a"));
        if fits {
            let page = got.unwrap_or_else(|e| panic!("limit {limit}: {e:?}"));
            assert_eq!(page.items.len(), 1, "limit {limit}");
            assert_eq!(page.items[0].stage_name, name, "limit {limit}");
        } else {
            assert_eq!(
                got.unwrap_err(),
                Error::ResponseTooLarge {
                    operation: "GetStages",
                    limit
                },
                "limit {limit}"
            );
        }
    }
    // One request for each client: a body over the limit is not retried.
    assert_eq!(gw.request_count(), 4);
}

#[test]
fn bad_input_is_rejected_before_anything_is_sent() {
    let gw = gateway("a", numbered(1));
    let c = client(&gw);
    for (req, field) in [
        (GetStagesRequest::new(""), "api_id"),
        (GetStagesRequest::new(".."), "api_id"),
        (GetStagesRequest::new("a\r\nx-injected: 1"), "api_id"),
        (GetStagesRequest::new("a").max_results(0), "max_results"),
        (GetStagesRequest::new("a").next_token("t\n"), "next_token"),
    ] {
        match c.get_stages(&req) {
            Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(
        c.stages("").next(),
        Some(Err(Error::InvalidInput { field: "api_id", .. }))
    ));
    assert_eq!(gw.request_count(), 0);
}

#[test]
fn no_secret_in_debug_display_or_errors() {
    let gw = LocalApiGateway::builder()
        .credentials(Credentials::new("AKIDTOKEN", SECRET, Some(TOKEN)))
        .api("a", numbered(1))
        .start()
        .unwrap();
    let good = gw.client().unwrap();
    let bad = gw
        .client_builder()
        .credentials(Credentials::new("AKIDTOKEN", "x", Some(TOKEN)))
        .build()
        .unwrap();
    good.stages("a").for_each(drop);
    let mut texts = vec![
        format!("{good:?}"),
        format!("{:?}", gw.credentials()),
        format!("{gw:?}"),
    ];
    for e in [first_error(&bad, "a"), first_error(&good, "missing")] {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
    }
    let invalid = Client::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKID", format!("{SECRET}\n"), Some(TOKEN)))
        .build()
        .unwrap_err();
    texts.push(invalid.to_string());
    texts.push(format!("{invalid:?}"));
    let auth = gw.requests()[0].header("authorization").unwrap().to_owned();
    let signature = auth.rsplit('=').next().unwrap().to_owned();
    for t in &texts {
        assert!(!t.contains(SECRET), "secret leaked: {t}");
        assert!(!t.contains(TOKEN), "token leaked: {t}");
        assert!(!t.contains(&signature), "signature leaked: {t}");
    }
}

#[test]
fn tokens_with_reserved_and_non_ascii_characters_are_encoded_and_signed() {
    let gw = gateway("a", numbered(1));
    let c = client(&gw);
    let token = "a+b/c= %~$ü";
    let e = c
        .get_stages(&GetStagesRequest::new("a").next_token(token))
        .unwrap_err();
    // The server verified the signature (no 403) and then read the token: it is unknown to it.
    assert!(matches!(e, Error::BadRequest { .. }), "{e:?}");
    let sent = &gw.requests()[0];
    assert_eq!(sent.query, "nextToken=a%2Bb%2Fc%3D%20%25~%24%C3%BC");
    assert_eq!(sent.query_param("nextToken").as_deref(), Some(token));
}
