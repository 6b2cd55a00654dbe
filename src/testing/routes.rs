//! What the local endpoint serves: a table of routes (method, path pattern, handler), one
//! handler per operation, and one paging helper that every listing goes through.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::http::{Request, Response};
use super::state::{State, MAX_PAGE_SIZE};
use super::wire::{error_response, json_response, query_param};
use crate::encode::percent_decode;

/// A page token the test asked for instead of the real one (`Some(None)`: no token).
pub(crate) type TokenOverride = Option<Option<String>>;

type Handler = fn(&State, &Request, &[String], TokenOverride) -> Response;

/// The operations served: method, path pattern (`*` is one path label), handler.
const ROUTES: &[(&str, &str, Handler)] = &[
    ("GET", "/v2/apis", get_apis),
    ("GET", "/v2/apis/*/stages", get_stages),
    ("GET", "/v2/apis/*/stages/*", get_stage),
];

/// Answers a request whose signature was checked: the route's handler, or 404.
pub(crate) fn route(state: &State, req: &Request, token_override: TokenOverride) -> Response {
    for (method, pattern, handler) in ROUTES {
        if *method != req.method {
            continue;
        }
        if let Some(labels) = match_path(pattern, req.path()) {
            return handler(state, req, &labels, token_override);
        }
    }
    error_response(
        404,
        "UnknownOperationException",
        serde_json::json!({"message": format!("No operation matches {} {}", req.method, req.path())}),
    )
}

/// The decoded labels of `path` when it matches `pattern`.
fn match_path(pattern: &str, path: &str) -> Option<Vec<String>> {
    let (mut p, mut s) = (pattern.split('/'), path.split('/'));
    let mut labels = Vec::new();
    loop {
        match (p.next(), s.next()) {
            (None, None) => return Some(labels),
            (Some("*"), Some(seg)) if !seg.is_empty() => labels.push(percent_decode(seg)),
            (Some(a), Some(b)) if a == b => {}
            _ => return None,
        }
    }
}

fn get_apis(state: &State, req: &Request, _: &[String], token_override: TokenOverride) -> Response {
    let apis: Vec<&crate::Api> = state.apis.values().map(|e| &e.api).collect();
    paged(state, req, "apis", apis.len(), token_override, |s, e| {
        apis[s..e].to_vec()
    })
}

fn get_stages(state: &State, req: &Request, labels: &[String], token_override: TokenOverride) -> Response {
    let Some(entry) = state.apis.get(&labels[0]) else {
        return api_not_found(&labels[0]);
    };
    paged(
        state,
        req,
        &labels[0],
        entry.stages.len(),
        token_override,
        |s, e| entry.stages.page(s, e).into_owned(),
    )
}

fn get_stage(state: &State, _: &Request, labels: &[String], _: TokenOverride) -> Response {
    let Some(entry) = state.apis.get(&labels[0]) else {
        return api_not_found(&labels[0]);
    };
    match entry.stages.find(&labels[1]) {
        Some(stage) => json_response(&stage),
        None => error_response(
            404,
            "NotFoundException",
            serde_json::json!({"message": format!("Invalid stage identifier specified {}", labels[1]), "resourceType": "Stage"}),
        ),
    }
}

fn api_not_found(api_id: &str) -> Response {
    error_response(
        404,
        "NotFoundException",
        serde_json::json!({"message": format!("Invalid API identifier specified 123456789012:{api_id}"), "resourceType": "Api"}),
    )
}

/// Every listing's paging: `maxResults` checked (1 to [`MAX_PAGE_SIZE`]), an opaque
/// `nextToken` tied to `scope` checked, then one page of `items(start, end)`.
fn paged<T: Serialize>(
    state: &State,
    req: &Request,
    scope: &str,
    len: usize,
    token_override: TokenOverride,
    items: impl FnOnce(usize, usize) -> Vec<T>,
) -> Response {
    let page_size = match query_param(req.query(), "maxResults") {
        None => state.default_page_size as usize,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n as usize,
            _ => {
                return error_response(
                    400,
                    "BadRequestException",
                    serde_json::json!({"message": format!("maxResults must be an integer between 1 and {MAX_PAGE_SIZE}")}),
                )
            }
        },
    };
    let start = match query_param(req.query(), "nextToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => match parse_token(scope, &t).filter(|o| *o <= len) {
            Some(o) => o,
            None => {
                return error_response(
                    400,
                    "BadRequestException",
                    serde_json::json!({"message": "The nextToken is invalid or expired"}),
                )
            }
        },
    };
    let end = start.saturating_add(page_size).min(len);
    let next_token = match token_override {
        Some(t) => t,
        None => (end < len).then(|| make_token(scope, end)),
    };
    json_response(&crate::Page::new(items(start, end), next_token))
}

fn api_hash(scope: &str) -> u64 {
    let mut h = DefaultHasher::new();
    scope.hash(&mut h);
    h.finish() & 0xffff_ffff
}

/// Opaque page tokens that need URL encoding (`/`, `+`, `=`), tied to one API.
fn make_token(scope: &str, offset: usize) -> String {
    format!("{offset}/{:x}+page==", api_hash(scope))
}

fn parse_token(scope: &str, token: &str) -> Option<usize> {
    let rest = token.strip_suffix("+page==")?;
    let (offset, hash) = rest.split_once('/')?;
    (u64::from_str_radix(hash, 16).ok()? == api_hash(scope)).then_some(())?;
    offset.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_opaque_and_tied_to_their_listing() {
        let t = make_token("abc", 7);
        assert!(t.contains('/') && t.contains('+') && t.contains('='));
        assert_eq!(parse_token("abc", &t), Some(7));
        assert_eq!(parse_token("abd", &t), None);
        assert_eq!(parse_token("abc", "junk"), None);
    }

    #[test]
    fn paths_match_patterns() {
        assert_eq!(match_path("/v2/apis", "/v2/apis"), Some(vec![]));
        assert_eq!(
            match_path("/v2/apis/*/stages", "/v2/apis/a%2Fb/stages"),
            Some(vec!["a/b".to_owned()])
        );
        assert_eq!(
            match_path("/v2/apis/*/stages/*", "/v2/apis/a/stages/%24default"),
            Some(vec!["a".to_owned(), "$default".to_owned()])
        );
        for path in [
            "/v2/apis/",
            "/v2/apis//stages",
            "/v2/apis/a/stages/x/y",
            "/v2/apis/a/stagesx",
        ] {
            assert_eq!(match_path("/v2/apis/*/stages", path), None, "{path}");
        }
    }
}
