//! Randomized no-panic checks of every parser that reads outside input, run in the normal
//! test suite (deterministic seeds, bounded iterations). The `fuzz/` targets drive the same
//! entry points with cargo-fuzz for deeper, coverage-guided runs.

use apigwv2::unversioned::fuzz;

mod common;

use common::rng::{mutate, Rng};

fn run(seeds: &[&[u8]], iterations: usize, seed: u64, f: fn(&[u8])) {
    let mut rng = Rng(seed);
    for s in seeds {
        f(s);
    }
    for i in 0..iterations {
        let base = seeds[i % seeds.len()];
        let input = mutate(&mut rng, base);
        f(&input);
    }
}

const PAGE: &[u8] = br#"{"items":[{"accessLogSettings":{"destinationArn":"arn:aws:logs:x","format":"$context.requestId"},"apiGatewayManaged":false,"autoDeploy":true,"clientCertificateId":"c","createdDate":"2024-01-02T03:04:05Z","defaultRouteSettings":{"dataTraceEnabled":true,"detailedMetricsEnabled":false,"loggingLevel":"INFO","throttlingBurstLimit":100,"throttlingRateLimit":50.5},"deploymentId":"d","description":"x","lastDeploymentStatusMessage":"m","lastUpdatedDate":1700000000,"routeSettings":{"GET /":{"loggingLevel":"OFF"}},"stageName":"prod","stageVariables":{"a":"b"},"tags":{"k":"v"}}],"nextToken":"abc/+="}"#;

#[test]
fn response_decoder_never_panics() {
    let mut ok = vec![0u8];
    ok.extend_from_slice(b"\n\n");
    ok.extend_from_slice(PAGE);
    run(
        &[&ok, b"\x00\n\n{}", b"\x00\n\n{\"items\":null}"],
        30_000,
        0x9e37_79b9_7f4a_7c15,
        fuzz::decode_response,
    );
}

#[test]
fn error_decoder_never_panics() {
    run(
        &[
            b"\xccNotFoundException:http://x/\nreq-1\n{\"message\":\"m\",\"resourceType\":\"Api\"}",
            b"\x1d\n\n{\"__type\":\"a#TooManyRequestsException\",\"limitType\":\"Rate\"}",
            b"\x2e\n\n<html>502</html>",
            b"\x00InvalidSignatureException\nr\n{\"message\":\"Signature expired: 20200101T000000Z\"}",
        ],
        30_000,
        0x1234_5678_9abc_def1,
        fuzz::decode_error,
    );
}

#[test]
fn text_parsers_never_panic() {
    run(
        &[
            b"http://127.0.0.1:8080/base/",
            b"https://[::1]:443",
            b"Sun, 06 Nov 1994 08:49:37 GMT",
            b"apigwv2:skip=3:abc/+=",
            b"eu-west-1",
            b"120",
        ],
        30_000,
        0x0bad_cafe_dead_beef,
        fuzz::parse_text,
    );
}

#[test]
fn signer_never_panics() {
    run(
        &[
            b"GET\n/v2/apis/a%2F/stages\nmaxResults=5&nextToken=a%2Bb\nx",
            b"POST\n/./../a//b\n=&&a=b=c\n  v  ",
            b"\n\n\n",
        ],
        10_000,
        0xfeed_f00d_1234_4321,
        fuzz::sign,
    );
}

#[test]
fn config_file_and_xml_parsers_never_panic() {
    run(
        &[
            b"[default]\nregion = eu-west-1 # c\n[profile a]\nrole_arn = x\n[services s]\nsts =\n  endpoint_url = http://x\n",
            b"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>",
            b"<?xml version=\"1.0\"?><a b=\"c\"><!-- x --><d/>&amp;&#65;</a>",
        ],
        30_000,
        0x005e_ed0f_c0ff_ee11,
        fuzz::parse_config,
    );
}
