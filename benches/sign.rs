//! Signing one GetStages request: with the day's key cached (what every request after the
//! first pays), with a cold key, and the floor: the hashing no signer can avoid, a SHA-256
//! of a canonical request of the same length plus one HMAC-SHA256 of a string to sign of
//! the same length, from an HMAC state keyed once and cloned per call, as the cached signer
//! does (so the floor does the same work minus the signer's own: building the canonical
//! request and string to sign, hex, the header). Judged by cached / floor (target <= 2).

mod support;

use std::hint::black_box;
use std::time::Duration;

use apigwv2::unversioned::sigv4::{self, CanonicalQuery, RequestSigner, SignableRequest, SigningParams};
use apigwv2::Credentials;
use criterion::{criterion_group, Criterion};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const HOST: &str = "apigateway.eu-west-1.amazonaws.com";
const PATH: &str = "/v2/apis/a1b2c3d4e5/stages";
const QUERY: &str = "maxResults=100&nextToken=eyJ2IjoxLCJvIjoxMDAsImEiOiJhMWIyYzNkNGU1In0%3D";

struct Fixture {
    query: CanonicalQuery,
    creds: Credentials,
    time: time::OffsetDateTime,
    creq: Vec<u8>,
    sts: Vec<u8>,
    /// An HMAC-SHA256 state already keyed with a 32-byte key, like the signer's cached one.
    keyed: Hmac<Sha256>,
}

fn fixture() -> Fixture {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None::<String>,
    );
    let time = time::OffsetDateTime::now_utc();
    let headers = [("host", HOST)];
    let req = SignableRequest {
        method: "GET",
        path: PATH,
        query: QUERY,
        headers: &headers,
        body: b"",
    };
    let out = sigv4::sign(&req, &SigningParams::new(&creds, "eu-west-1", "apigateway", time));
    Fixture {
        query: CanonicalQuery::parse(QUERY),
        creq: out.canonical_request().to_string().into_bytes(),
        sts: out.string_to_sign().as_bytes().to_vec(),
        keyed: Hmac::<Sha256>::new_from_slice(&[7u8; 32]).expect("any key length"),
        creds,
        time,
    }
}

fn floor(f: &Fixture) -> [u8; 32] {
    let h = Sha256::digest(black_box(&f.creq));
    let mut mac = black_box(&f.keyed).clone();
    mac.update(black_box(&f.sts));
    let mut out: [u8; 32] = mac.finalize().into_bytes().into();
    out[0] ^= h[0];
    out
}

fn bench(c: &mut Criterion) {
    let f = fixture();
    let signer = RequestSigner::new("eu-west-1", "apigateway");
    signer.sign_get(&f.creds, f.time, HOST, PATH, &f.query);
    let mut g = c.benchmark_group("sign");
    g.bench_function("cached_key", |b| {
        b.iter(|| {
            signer.sign_get(
                black_box(&f.creds),
                f.time,
                HOST,
                black_box(PATH),
                black_box(&f.query),
            )
        })
    });
    g.bench_function("cold_key", |b| {
        b.iter(|| {
            RequestSigner::new("eu-west-1", "apigateway").sign_get(
                black_box(&f.creds),
                f.time,
                HOST,
                PATH,
                &f.query,
            )
        })
    });
    g.bench_function("general_signer", |b| {
        let headers = [("host", HOST)];
        let req = SignableRequest {
            method: "GET",
            path: PATH,
            query: QUERY,
            headers: &headers,
            body: b"",
        };
        let params = SigningParams::new(&f.creds, "eu-west-1", "apigateway", f.time);
        b.iter(|| sigv4::sign(black_box(&req), black_box(&params)))
    });
    g.bench_function("floor", |b| b.iter(|| floor(&f)));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = bench
}

fn main() {
    benches();
    if support::benchmarking() {
        let f = fixture();
        let signer = RequestSigner::new("eu-west-1", "apigateway");
        support::print_ratio(
            "sign cached_key/floor",
            2.0,
            Duration::from_secs(2),
            || {
                black_box(signer.sign_get(black_box(&f.creds), f.time, HOST, PATH, black_box(&f.query)));
            },
            || {
                black_box(floor(&f));
            },
        );
        support::print_ratio(
            "sign cold_key/floor",
            f64::INFINITY,
            Duration::from_secs(1),
            || {
                black_box(
                    RequestSigner::new("eu-west-1", "apigateway")
                        .sign_get(&f.creds, f.time, HOST, PATH, &f.query),
                );
            },
            || {
                black_box(floor(&f));
            },
        );
    }
    Criterion::default().configure_from_args().final_summary();
}
