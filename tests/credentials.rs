//! Credentials, region and endpoint resolved like the AWS CLI: every provider against files
//! in a temporary HOME and small loopback servers (fake STS, SSO portal, container endpoint,
//! instance metadata). Nothing here reads the machine's own ~/.aws or leaves 127.0.0.1.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use apigwv2::config::Env;
use apigwv2::credentials::{DefaultChain, ProvideCredentials};
use apigwv2::testing::{LocalApiGateway, ManualClock};
use apigwv2::{Client, Credentials, Error};
use common::fake::{sts_xml, FakeServer};
use common::{config_message, credentials_message, numbered};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A temporary HOME with optional ~/.aws/config and ~/.aws/credentials.
struct Home(PathBuf);

impl Home {
    fn new(config: &str, credentials: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "apigwv2-home-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        if !config.is_empty() {
            std::fs::write(dir.join(".aws/config"), config).unwrap();
        }
        if !credentials.is_empty() {
            std::fs::write(dir.join(".aws/credentials"), credentials).unwrap();
        }
        Home(dir)
    }

    fn path(&self, rel: &str) -> String {
        self.0.join(rel).to_string_lossy().into_owned()
    }

    /// The environment: this HOME, no instance metadata, plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let home = self.0.to_string_lossy().into_owned();
        let mut all: Vec<(String, String)> = vec![
            ("HOME".into(), home),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ];
        all.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env::from_vars(all)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn chain(env: Env) -> Result<Credentials, Error> {
    DefaultChain::new(env, "us-east-1")?
        .with_timeout(Duration::from_secs(5))
        .provide_credentials()
}

const LATER: &str = "2099-01-01T00:00:00Z";

#[test]
fn environment_wins_over_profile_and_credentials_file_wins_over_config() {
    let home = Home::new(
        "[default]\naws_access_key_id = CONFIGKEY\naws_secret_access_key = c\n[profile dev]\naws_access_key_id = DEVCONFIG\naws_secret_access_key = d\n",
        "[default]\naws_access_key_id = CREDSKEY\naws_secret_access_key = s\naws_session_token = t\n",
    );
    let c = chain(home.env(&[])).unwrap();
    assert_eq!(c.access_key_id(), "CREDSKEY");
    assert_eq!(c.session_token(), Some("t"));
    let c = chain(home.env(&[("AWS_ACCESS_KEY_ID", "ENVKEY"), ("AWS_SECRET_ACCESS_KEY", "e")])).unwrap();
    assert_eq!(c.access_key_id(), "ENVKEY");
    let c = chain(home.env(&[("AWS_PROFILE", "dev")])).unwrap();
    assert_eq!(c.access_key_id(), "DEVCONFIG");
    let e = chain(home.env(&[("AWS_PROFILE", "nope")])).unwrap_err();
    assert_eq!(
        credentials_message(e),
        "the profile \"nope\" (AWS_PROFILE) is not in the config or credentials file"
    );
}

#[test]
fn file_paths_can_be_moved_by_env() {
    let home = Home::new("", "");
    std::fs::write(
        home.path("elsewhere.ini"),
        "[other]\naws_access_key_id = MOVED\naws_secret_access_key = m\n",
    )
    .unwrap();
    let c = chain(home.env(&[
        ("AWS_SHARED_CREDENTIALS_FILE", &home.path("elsewhere.ini")),
        ("AWS_PROFILE", "other"),
    ]))
    .unwrap();
    assert_eq!(c.access_key_id(), "MOVED");
}

#[test]
fn malformed_files_name_the_file_and_line() {
    let home = Home::new("[default]\nregion = eu-west-1\nthis line is wrong\n", "");
    let e = Client::builder().env(home.env(&[])).build().unwrap_err();
    assert_eq!(
        config_message(e),
        format!("{}:3: expected `key = value`", home.path(".aws/config"))
    );
}

#[test]
fn credential_process_success_failure_garbage_and_hang() {
    let home = Home::new("", "");
    let script = |name: &str, body: &str| {
        let path = home.path(name);
        std::fs::write(&path, body).unwrap();
        path
    };
    let ok = script(
        "ok.sh",
        &format!("echo '{{\"Version\": 1, \"AccessKeyId\": \"PROCKEY\", \"SecretAccessKey\": \"p\", \"SessionToken\": \"pt\", \"Expiration\": \"{LATER}\"}}'"),
    );
    let fail = script("fail.sh", "echo 'token expired, run login' >&2; exit 3");
    let garbage = script("garbage.sh", "echo 'not json at all'");
    let v2 = script(
        "v2.sh",
        "echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'",
    );
    let hang = script("hang.sh", "sleep 300");
    let profile = |cmd: &str| format!("[default]\ncredential_process = sh {cmd}\n");
    let run = |cmd: &str, timeout: Duration| {
        std::fs::write(home.path(".aws/config"), profile(cmd)).unwrap();
        DefaultChain::new(home.env(&[]), "us-east-1")
            .unwrap()
            .with_timeout(timeout)
            .provide_credentials()
    };
    // Helpers that answer get all the time a loaded machine may need to start `sh`.
    let run_ok = |cmd: &str| run(cmd, Duration::from_secs(30));
    let c = run_ok(&ok).unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("PROCKEY", Some("pt")));
    // 2099-01-01T00:00:00Z
    assert_eq!(
        c.expiry(),
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_070_908_800))
    );
    assert_eq!(
        credentials_message(run_ok(&fail).unwrap_err()),
        "credential_process: exited with exit status: 3: token expired, run login"
    );
    assert_eq!(
        credentials_message(run_ok(&garbage).unwrap_err()),
        "credential_process: its output is not JSON"
    );
    assert_eq!(
        credentials_message(run_ok(&v2).unwrap_err()),
        "credential_process: its output must have \"Version\": 1"
    );
    // A helper that would hang for 300 s is stopped at the 1 s timeout: the call ends far
    // sooner than the hang (the bound is generous, for a loaded machine).
    let started = Instant::now();
    let e = run(&hang, Duration::from_secs(1)).unwrap_err();
    assert_eq!(
        credentials_message(e),
        "credential_process: did not finish within 1s; it and its children were stopped"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the hang was not bounded: {:?}",
        started.elapsed()
    );
}

fn sso_portal() -> FakeServer {
    FakeServer::start(|req| {
        if req.header("x-amz-sso_bearer_token") != Some("cached-token") {
            return (401, "{}".into());
        }
        (
            200,
            r#"{"roleCredentials":{"accessKeyId":"SSOKEY","secretAccessKey":"ss","sessionToken":"st","expiration":4102444800000}}"#.into(),
        )
    })
}

/// The SSO cache's file name (without `.json`) for a session name or start URL.
fn sso_cache_name(key: &str) -> String {
    use sha1::{Digest, Sha1};
    hex::encode(Sha1::digest(key.as_bytes()))
}

fn write_sso_cache(home: &Home, key: &str, expires_at: &str) {
    let name = format!("{}.json", sso_cache_name(key));
    std::fs::write(
        home.0.join(".aws/sso/cache").join(name),
        format!(r#"{{"accessToken":"cached-token","expiresAt":"{expires_at}"}}"#),
    )
    .unwrap();
}

#[test]
fn sso_session_profiles_use_the_cached_token() {
    let portal = sso_portal();
    let home = Home::new(
        "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
        "",
    );
    let env = home.env(&[("AWS_PROFILE", "sso"), ("AWS_ENDPOINT_URL_SSO", &portal.url)]);
    let cache_file = home
        .0
        .join(".aws/sso/cache")
        .join(format!("{}.json", sso_cache_name("corp")));
    let e = credentials_message(chain(env.clone()).unwrap_err());
    // (The middle is the OS's own text for a missing file.)
    let prefix = format!("SSO: no usable cached token at {} (", cache_file.display());
    assert!(
        e.starts_with(&prefix) && e.ends_with("); run `aws sso login` (for corp)"),
        "no cache yet: {e}"
    );
    write_sso_cache(&home, "corp", "2000-01-01T00:00:00Z");
    let e = credentials_message(chain(env.clone()).unwrap_err());
    assert_eq!(
        e,
        "SSO: the cached token expired at 2000-01-01T00:00:00Z; run `aws sso login` (for corp)"
    );
    assert!(portal.requests().is_empty(), "no token, no call");
    write_sso_cache(&home, "corp", LATER);
    let c = chain(env).unwrap();
    assert_eq!(c.access_key_id(), "SSOKEY");
    let reqs = portal.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].target,
        "/federation/credentials?account_id=111122223333&role_name=Admin"
    );
}

#[test]
fn legacy_sso_profiles_key_the_cache_by_start_url() {
    let portal = sso_portal();
    let home = Home::new(
        "[default]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = R\n",
        "",
    );
    write_sso_cache(&home, "https://legacy.awsapps.com/start", LATER);
    let c = chain(home.env(&[("AWS_ENDPOINT_URL", &portal.url)])).unwrap();
    assert_eq!(c.access_key_id(), "SSOKEY");
}

/// A fake STS that answers AssumeRole and AssumeRoleWithWebIdentity with numbered keys.
fn fake_sts() -> FakeServer {
    let n = Arc::new(AtomicUsize::new(0));
    FakeServer::start(move |req| {
        let i = n.fetch_add(1, Ordering::SeqCst);
        if req
            .body
            .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fdenied")
        {
            return (
                403,
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>rid-9</RequestId></ErrorResponse>".into(),
            );
        }
        let action = if req.body.contains("Action=AssumeRoleWithWebIdentity") {
            "AssumeRoleWithWebIdentity"
        } else {
            "AssumeRole"
        };
        (
            200,
            sts_xml(
                action,
                &format!("ASIAROLE{i}"),
                "role-secret",
                "role-token",
                LATER,
            ),
        )
    })
}

#[test]
fn assume_role_is_signed_by_the_source_profile_and_chains() {
    let sts = fake_sts();
    let home = Home::new(
        "[profile base]\naws_access_key_id = BASEKEY\naws_secret_access_key = b\n\
         [profile middle]\nrole_arn = arn:aws:iam::1:role/middle\nsource_profile = base\n\
         [profile top]\nrole_arn = arn:aws:iam::1:role/top\nsource_profile = middle\nexternal_id = ext-1\nrole_session_name = me\nduration_seconds = 900\n",
        "",
    );
    let c = chain(home.env(&[("AWS_PROFILE", "top"), ("AWS_ENDPOINT_URL_STS", &sts.url)])).unwrap();
    assert_eq!(c.access_key_id(), "ASIAROLE1");
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 2);
    assert!(
        reqs[0]
            .header("authorization")
            .unwrap()
            .contains("Credential=BASEKEY/"),
        "signed with the base keys"
    );
    assert!(reqs[0]
        .header("authorization")
        .unwrap()
        .contains("/us-east-1/sts/aws4_request"));
    assert!(reqs[0]
        .body
        .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fmiddle"));
    assert!(
        reqs[1]
            .header("authorization")
            .unwrap()
            .contains("Credential=ASIAROLE0/"),
        "signed with the middle role"
    );
    assert_eq!(reqs[1].header("x-amz-security-token"), Some("role-token"));
    for part in [
        "Action=AssumeRole",
        "ExternalId=ext-1",
        "RoleSessionName=me",
        "DurationSeconds=900",
    ] {
        assert!(
            reqs[1].body.contains(part),
            "{part} missing from {}",
            reqs[1].body
        );
    }
}

#[test]
fn assumed_role_credentials_sign_real_requests() {
    let sts = fake_sts();
    let gw = LocalApiGateway::builder()
        .credentials(Credentials::new("ASIAROLE0", "role-secret", Some("role-token")))
        .api("api", numbered(3))
        .start()
        .unwrap();
    let home = Home::new(
        "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\nregion = us-east-1\n",
        "",
    );
    // credential_source = Environment: the env keys are the source, not the result.
    let env = home.env(&[
        ("AWS_ENDPOINT_URL_STS", &sts.url),
        ("AWS_ENDPOINT_URL_APIGATEWAYV2", &gw.endpoint_url()),
        ("AWS_CONFIG_FILE", &home.path(".aws/config")),
    ]);
    let env_with_keys = env
        .with_var("AWS_ACCESS_KEY_ID", "SOURCEKEY")
        .with_var("AWS_SECRET_ACCESS_KEY", "src");
    // With keys in the environment, the environment itself wins (first in the chain).
    let c = chain(env_with_keys).unwrap();
    assert_eq!(c.access_key_id(), "SOURCEKEY");
    // Without, the profile's role is assumed; with no keys at all it fails clearly.
    let e = credentials_message(chain(env.clone()).unwrap_err());
    assert_eq!(
        e,
        "profile \"default\": credential_source Environment, but the environment has no keys"
    );
    std::fs::write(
        home.path(".aws/config"),
        "[profile src]\naws_access_key_id = SRCKEY\naws_secret_access_key = s\n[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = src\nregion = us-east-1\n",
    )
    .unwrap();
    let client = Client::builder().env(env).build().unwrap();
    let names: Vec<String> = client.stages("api").map(|s| s.unwrap().stage_name).collect();
    assert_eq!(names, ["stage-0000", "stage-0001", "stage-0002"]);
    assert_eq!(sts.requests().len(), 1, "the role's credentials are cached");
}

#[test]
fn sts_errors_and_profile_cycles_are_clear() {
    let sts = fake_sts();
    let home = Home::new(
        "[profile src]\naws_access_key_id = K\naws_secret_access_key = s\n\
         [profile denied]\nrole_arn = arn:aws:iam::1:role/denied\nsource_profile = src\n\
         [profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n\
         [profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n\
         [profile lonely]\nrole_arn = arn:aws:iam::1:role/l\n",
        "",
    );
    let run = |p: &str| {
        credentials_message(
            chain(home.env(&[("AWS_PROFILE", p), ("AWS_ENDPOINT_URL", &sts.url)])).unwrap_err(),
        )
    };
    assert_eq!(
        run("denied"),
        "STS AssumeRole arn:aws:iam::1:role/denied: AccessDenied (HTTP 403): no [request id rid-9]"
    );
    // The profiles of the loop are listed in the order the chain visited them.
    assert_eq!(
        run("a"),
        "profile \"a\": source_profile chain loops back to it (a, b)"
    );
    assert_eq!(
        run("lonely"),
        "profile \"lonely\": role_arn needs source_profile, credential_source or web_identity_token_file"
    );
    assert_eq!(sts.requests().len(), 1, "only the denied role made a call");
}

#[test]
fn web_identity_from_env_and_from_profile() {
    let sts = fake_sts();
    let home = Home::new(
        "[profile wi]\nrole_arn = arn:aws:iam::1:role/wi\nweb_identity_token_file = TOKENFILE\n",
        "",
    );
    std::fs::write(home.path("token"), "eyJ.jwt.token\n").unwrap();
    let config = std::fs::read_to_string(home.path(".aws/config"))
        .unwrap()
        .replace("TOKENFILE", &home.path("token"));
    std::fs::write(home.path(".aws/config"), config).unwrap();
    let c = chain(home.env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", &home.path("token")),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/env"),
        ("AWS_ROLE_SESSION_NAME", "ci-run"),
        ("AWS_ENDPOINT_URL_STS", &sts.url),
    ]))
    .unwrap();
    assert_eq!(c.access_key_id(), "ASIAROLE0");
    let req = &sts.requests()[0];
    assert!(
        req.header("authorization").is_none(),
        "AssumeRoleWithWebIdentity is unsigned"
    );
    for part in [
        "Action=AssumeRoleWithWebIdentity",
        "WebIdentityToken=eyJ.jwt.token",
        "RoleSessionName=ci-run",
        "role%2Fenv",
    ] {
        assert!(req.body.contains(part), "{part} missing from {}", req.body);
    }
    let c = chain(home.env(&[("AWS_PROFILE", "wi"), ("AWS_ENDPOINT_URL_STS", &sts.url)])).unwrap();
    assert_eq!(c.access_key_id(), "ASIAROLE1");
    assert!(sts.requests()[1].body.contains("role%2Fwi"));
}

#[test]
fn container_credentials_with_token_file_and_host_checks() {
    let ecs = FakeServer::start(|req| {
        if req.header("authorization") != Some("pod-token") {
            return (401, "{}".into());
        }
        (
            200,
            format!(
                r#"{{"AccessKeyId":"ECSKEY","SecretAccessKey":"e","Token":"et","Expiration":"{LATER}"}}"#
            ),
        )
    });
    let home = Home::new("", "");
    std::fs::write(home.path("pod-token"), "pod-token\n").unwrap();
    let full = format!("{}/v1/credentials", ecs.url);
    let c = chain(home.env(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &home.path("pod-token")),
    ]))
    .unwrap();
    assert_eq!((c.access_key_id(), c.session_token()), ("ECSKEY", Some("et")));
    let c = chain(home.env(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &full),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "pod-token"),
    ]))
    .unwrap();
    assert_eq!(c.access_key_id(), "ECSKEY");
    let e =
        chain(home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds")])).unwrap_err();
    assert_eq!(
        credentials_message(e),
        "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI over http must use a \
         loopback address, 169.254.170.2 or 169.254.170.23"
    );
    assert_eq!(
        ecs.requests().len(),
        2,
        "one call for each chain that took its credentials"
    );
}

fn fake_imds() -> FakeServer {
    FakeServer::start(|req| match (req.method.as_str(), req.target.as_str()) {
        ("PUT", "/latest/api/token") => (200, "imds-token".into()),
        (_, _) if req.header("x-aws-ec2-metadata-token") != Some("imds-token") => (401, String::new()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => (200, "web-role\n".into()),
        ("GET", "/latest/meta-data/iam/security-credentials/web-role") => (
            200,
            format!(
                r#"{{"Code":"Success","AccessKeyId":"IMDSKEY","SecretAccessKey":"i","Token":"it","Expiration":"{LATER}"}}"#
            ),
        ),
        ("GET", "/latest/meta-data/placement/region") => (200, "ap-southeast-2".into()),
        _ => (404, String::new()),
    })
}

#[test]
fn instance_metadata_v2_gives_credentials_and_region() {
    let imds = fake_imds();
    let home = Home::new("", "");
    let env = home
        .env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url)])
        .with_var("AWS_EC2_METADATA_DISABLED", "false");
    let c = chain(env.clone()).unwrap();
    assert_eq!(c.access_key_id(), "IMDSKEY");
    let client = Client::builder().env(env).build().unwrap();
    assert_eq!(client.region(), "ap-southeast-2");
    let puts: Vec<_> = imds
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 3);
    for put in &puts {
        assert_eq!(put.header("content-length"), Some("0"), "a sized, empty body");
        assert_eq!(put.header("transfer-encoding"), None, "never chunked");
        assert_eq!(put.header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
    }
}

#[test]
fn absent_instance_metadata_fails_fast_and_the_error_lists_every_source() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let home = Home::new("", "");
    let env = home
        .env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &closed)])
        .with_var("AWS_EC2_METADATA_DISABLED", "false");
    let e = credentials_message(chain(env.clone()).unwrap_err());
    // Every source, in chain order, then the transport's own words for the refusal.
    let want = format!(
        "no credentials found; looked at: \
         environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; \
         profile \"default\": not in the config or credentials file; \
         web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set; \
         container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; \
         EC2 instance metadata: {closed}/latest/api/token: could not connect: "
    );
    assert!(e.starts_with(&want), "{e}");
    let e = Client::builder().env(env).build().unwrap_err();
    assert!(config_message(e).starts_with("no region: "));
}

/// Off EC2, the metadata address usually swallows packets: a connection that is accepted
/// but never answered. Each metadata call gives up after its own 1 s, not after the
/// chain's (here 60 s) provider timeout.
#[test]
fn unanswered_instance_metadata_gives_up_after_its_own_short_timeout() {
    // Bound and listening, never accepting: the kernel completes the connection, nothing
    // ever answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let home = Home::new("", "");
    let env = home
        .env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url)])
        .with_var("AWS_EC2_METADATA_DISABLED", "false");
    let started = Instant::now();
    let e = DefaultChain::new(env, "us-east-1")
        .unwrap()
        .with_timeout(Duration::from_secs(60))
        .provide_credentials()
        .unwrap_err();
    let elapsed = started.elapsed();
    let e = credentials_message(e);
    // The last source tried, and why it failed: a timeout (ureq's words follow).
    let last = e.rsplit("; ").next().unwrap_or_default();
    assert!(
        last.starts_with(&format!(
            "EC2 instance metadata: {url}/latest/api/token: timed out: "
        )),
        "{e}"
    );
    // 1 s per call; the chain's 60 s would be the bug.
    assert!(elapsed < Duration::from_secs(20), "{elapsed:?}");
}

/// A chain that takes container credentials from `url`, on a clock the test moves.
fn container_chain(home: &Home, url: &str, clock: &ManualClock) -> Arc<DefaultChain> {
    Arc::new(
        DefaultChain::new(
            home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)]),
            "us-east-1",
        )
        .unwrap()
        .with_timeout(Duration::from_secs(10))
        .with_clock(clock.clone()),
    )
}

#[test]
fn temporary_credentials_refresh_once_near_expiry_across_threads() {
    const THREADS: usize = 8;
    let start = SystemTime::now();
    let hits = Arc::new(AtomicUsize::new(0));
    // How many threads of the current burst have been released to call the chain.
    let entered = Arc::new(AtomicUsize::new(0));
    let (h, e) = (Arc::clone(&hits), Arc::clone(&entered));
    let ecs = FakeServer::start(move |_| {
        let i = h.fetch_add(1, Ordering::SeqCst);
        // Each fetch gives credentials valid for ten more minutes than the last.
        let expiry = time::OffsetDateTime::from(start + Duration::from_secs(600 * (i as u64 + 1)))
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap();
        // Hold the fetch until every thread of the burst is on its way into the chain, and
        // a moment more, so that a chain that let each thread fetch would be seen doing it.
        // (This only widens the window for that bug: with one fetch per burst, the counts
        // below hold however the threads are scheduled.)
        common::wait_until(30, || e.load(Ordering::SeqCst) % THREADS == 0);
        std::thread::sleep(Duration::from_millis(50));
        (
            200,
            format!(
                r#"{{"AccessKeyId":"KEY{i}","SecretAccessKey":"s","Token":"t","Expiration":"{expiry}"}}"#
            ),
        )
    });
    let home = Home::new("", "");
    let clock = ManualClock::new(start);
    let chain = container_chain(&home, &ecs.url, &clock);
    let burst = |chain: &Arc<DefaultChain>| -> Vec<String> {
        let gate = Arc::new(std::sync::Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let (c, gate, entered) = (Arc::clone(chain), Arc::clone(&gate), Arc::clone(&entered));
                std::thread::spawn(move || {
                    gate.wait();
                    entered.fetch_add(1, Ordering::SeqCst);
                    c.provide_credentials().unwrap().access_key_id().to_owned()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    };
    assert_eq!(burst(&chain), ["KEY0"; THREADS]);
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one fetch for eight threads");
    clock.advance(Duration::from_secs(60));
    assert_eq!(burst(&chain), ["KEY0"; THREADS], "still fresh: no refresh");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(4 * 60 + 30)); // within 5 minutes of expiry
    assert_eq!(burst(&chain), ["KEY1"; THREADS]);
    assert_eq!(hits.load(Ordering::SeqCst), 2, "one refresh for eight threads");
}

/// A container endpoint whose first answer is credentials expiring at `expiry`, and whose
/// every later answer (a refresh) first reports itself on the returned receiver, then
/// waits until the test lets it go (or 60 s), then fails with HTTP 500. The test decides
/// when a refresh ends, so nothing depends on how the threads are scheduled.
fn held_refreshes(
    expiry: SystemTime,
) -> (
    FakeServer,
    std::sync::mpsc::Receiver<()>,
    std::sync::mpsc::Sender<()>,
) {
    let (arrived_tx, arrived) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let release_rx = std::sync::Mutex::new(release_rx);
    let first = std::sync::atomic::AtomicBool::new(true);
    let expiry = time::OffsetDateTime::from(expiry)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let ecs = FakeServer::start(move |_| {
        if first.swap(false, Ordering::SeqCst) {
            return (
                200,
                format!(
                    r#"{{"AccessKeyId":"KEY0","SecretAccessKey":"s","Token":"t","Expiration":"{expiry}"}}"#
                ),
            );
        }
        let _ = arrived_tx.send(());
        let _ = release_rx.lock().unwrap().recv_timeout(Duration::from_secs(60));
        (500, "{}".into())
    });
    (ecs, arrived, release)
}

#[test]
fn stale_credentials_refresh_at_the_boundary_and_serve_until_they_expire() {
    // Whole seconds, so the refresh boundary (5 minutes before expiry) is exact.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    // Valid for ten minutes.
    let (ecs, arrived, release) = held_refreshes(start + Duration::from_secs(600));
    let home = Home::new("", "");
    let clock = ManualClock::new(start);
    let chain = container_chain(&home, &ecs.url, &clock);
    let key = |r: Result<Credentials, Error>| r.map(|c| c.access_key_id().to_owned());
    // Waits for the refresh that `refresher` started to reach the endpoint; fails at once
    // when the call ended without one.
    let refresh_under_way = |refresher: &std::thread::JoinHandle<Result<String, Error>>| {
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            match arrived.recv_timeout(Duration::from_millis(10)) {
                Ok(()) => return,
                Err(_) if refresher.is_finished() => panic!("the call ended without a refresh"),
                Err(_) if Instant::now() > until => panic!("no refresh within 30 s"),
                Err(_) => {}
            }
        }
    };
    assert_eq!(key(chain.provide_credentials()).unwrap(), "KEY0");
    clock.advance(Duration::from_secs(299));
    assert_eq!(key(chain.provide_credentials()).unwrap(), "KEY0");
    assert_eq!(ecs.requests().len(), 1, "fresh until 5 minutes before expiry");

    // Exactly 5 minutes before expiry: a refresh. It fails, and the credentials, which
    // have not expired, are still served: to the refreshing thread, and to a thread whose
    // deadline passes while it waits for that refresh (the refresh cannot end before the
    // test releases it, after that thread has its answer).
    clock.advance(Duration::from_secs(1));
    let refresher = {
        let chain = Arc::clone(&chain);
        std::thread::spawn(move || chain.provide_credentials().map(|c| c.access_key_id().to_owned()))
    };
    refresh_under_way(&refresher);
    let waited = chain.provide_credentials_until(Instant::now() + Duration::from_millis(200));
    assert_eq!(key(waited).unwrap(), "KEY0");
    release.send(()).unwrap();
    assert_eq!(refresher.join().unwrap().unwrap(), "KEY0");
    assert_eq!(ecs.requests().len(), 2, "one refresh at the boundary");

    // At expiry, the same: nothing is served any more.
    clock.advance(Duration::from_secs(300));
    let refresher = {
        let chain = Arc::clone(&chain);
        std::thread::spawn(move || chain.provide_credentials().map(|c| c.access_key_id().to_owned()))
    };
    refresh_under_way(&refresher);
    let waited = chain.provide_credentials_until(Instant::now() + Duration::from_millis(200));
    assert_eq!(
        credentials_message(waited.unwrap_err()),
        "the call's deadline passed while another thread was fetching credentials"
    );
    release.send(()).unwrap();
    assert_eq!(
        credentials_message(refresher.join().unwrap().unwrap_err()),
        format!("container credentials: {} answered HTTP 500", ecs.url),
        "expired credentials served"
    );
    assert_eq!(ecs.requests().len(), 3);
}

#[test]
fn profiles_without_credentials_are_passed_over_and_incomplete_ones_say_what_is_missing() {
    let ecs = FakeServer::start(|_| {
        (
            200,
            r#"{"AccessKeyId":"ECSKEY","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"}"#.into(),
        )
    });
    // A profile with settings but no credentials: the chain goes on to the container.
    let home = Home::new("[default]\nregion = eu-west-1\noutput = json\n", "");
    let c = chain(home.env(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &ecs.url)])).unwrap();
    assert_eq!(c.access_key_id(), "ECSKEY");
    // A key id without its secret.
    let home = Home::new("", "[default]\naws_access_key_id = AKID\n");
    let e = credentials_message(chain(home.env(&[])).unwrap_err());
    assert_eq!(
        e,
        "profile \"default\": aws_access_key_id is set but aws_secret_access_key is not"
    );
    // Any one SSO setting makes an SSO profile, whose error names what it lacks.
    for (sso, want) in [
        (
            "sso_start_url = https://x.example/start",
            "profile \"default\" (SSO): no sso_region",
        ),
        (
            "sso_session = s",
            "profile \"default\" (SSO): no [sso-session s] section",
        ),
        (
            "sso_account_id = 1",
            "profile \"default\" (SSO): no sso_session or sso_start_url",
        ),
    ] {
        let home = Home::new(&format!("[default]\n{sso}\n"), "");
        let e = credentials_message(chain(home.env(&[])).unwrap_err());
        assert_eq!(e, want, "{sso}");
    }
}

#[test]
fn region_and_endpoint_from_profile_with_overrides() {
    let home = Home::new(
        "[default]\nregion = eu-central-1\nservices = local\nmax_attempts = 5\nretry_mode = adaptive\n\
         [services local]\napigatewayv2 =\n  endpoint_url = http://127.0.0.1:4566\n\
         [profile plain]\nregion = us-gov-west-1\nuse_fips_endpoint = true\n\
         [profile dual]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9999\n",
        "[default]\naws_access_key_id = K\naws_secret_access_key = s\n[plain]\naws_access_key_id = K\naws_secret_access_key = s\n[dual]\naws_access_key_id = K\naws_secret_access_key = s\n",
    );
    let c = Client::builder().env(home.env(&[])).build().unwrap();
    assert_eq!(c.region(), "eu-central-1");
    assert_eq!(c.endpoint().to_string(), "http://127.0.0.1:4566");
    assert_eq!(c.retry_config().get_max_attempts(), 5);
    let c = Client::builder()
        .env(home.env(&[("AWS_REGION", "sa-east-1"), ("AWS_MAX_ATTEMPTS", "2")]))
        .build()
        .unwrap();
    assert_eq!(c.region(), "sa-east-1");
    assert_eq!(c.retry_config().get_max_attempts(), 2);
    let c = Client::builder()
        .env(home.env(&[("AWS_PROFILE", "plain")]))
        .build()
        .unwrap();
    assert_eq!(
        c.endpoint().to_string(),
        "https://apigateway-fips.us-gov-west-1.amazonaws.com"
    );
    let c = Client::builder()
        .env(home.env(&[("AWS_PROFILE", "dual")]))
        .build()
        .unwrap();
    assert_eq!(c.endpoint().to_string(), "http://127.0.0.1:9999");
    let c = Client::builder()
        .env(home.env(&[
            ("AWS_PROFILE", "dual"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ]))
        .build()
        .unwrap();
    assert_eq!(c.endpoint().to_string(), "https://apigateway.eu-west-1.api.aws");
    let e = Client::builder()
        .env(home.env(&[("AWS_USE_FIPS_ENDPOINT", "maybe")]))
        .build()
        .unwrap_err();
    assert_eq!(
        config_message(e),
        "AWS_USE_FIPS_ENDPOINT must be true or false, not \"maybe\""
    );
}

#[test]
fn no_secret_from_any_provider_reaches_debug_output() {
    let home = Home::new("", "[default]\naws_access_key_id = K\naws_secret_access_key = very-secret-value\naws_session_token = very-secret-token\n");
    let env = home.env(&[("AWS_REGION", "us-east-1")]);
    let client = Client::builder().env(env.clone()).build().unwrap();
    let chain = DefaultChain::new(env, "us-east-1").unwrap();
    let c = chain.provide_credentials().unwrap();
    for text in [format!("{client:?}"), format!("{chain:?}"), format!("{c:?}")] {
        assert!(!text.contains("very-secret"), "{text}");
    }
}

#[test]
fn chain_order_between_every_pair_of_sources() {
    let sts = fake_sts();
    let imds = fake_imds();
    let ecs = FakeServer::start(|_| {
        (
            200,
            format!(r#"{{"AccessKeyId":"ECSKEY","SecretAccessKey":"e","Token":"t","Expiration":"{LATER}"}}"#),
        )
    });
    let home = Home::new(
        "",
        "[default]\naws_access_key_id = PROFILEKEY\naws_secret_access_key = p\n",
    );
    std::fs::write(home.path("token"), "jwt").unwrap();
    let token = home.path("token");
    // Every source configured at once, in chain order; each step removes the winner.
    let sources: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "ENVKEY",
            vec![("AWS_ACCESS_KEY_ID", "ENVKEY"), ("AWS_SECRET_ACCESS_KEY", "e")],
        ),
        ("PROFILEKEY", vec![]),
        (
            "ASIAROLE",
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", &token),
                ("AWS_ROLE_ARN", "arn:aws:iam::1:role/w"),
            ],
        ),
        ("ECSKEY", vec![("AWS_CONTAINER_CREDENTIALS_FULL_URI", &ecs.url)]),
        (
            "IMDSKEY",
            vec![
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds.url),
                ("AWS_EC2_METADATA_DISABLED", "false"),
            ],
        ),
    ];
    let winners = ["ENVKEY", "PROFILEKEY", "ASIAROLE0", "ECSKEY", "IMDSKEY"];
    for first in 0..sources.len() {
        let mut vars: Vec<(&str, &str)> = vec![("AWS_ENDPOINT_URL_STS", &sts.url)];
        for (_, v) in &sources[first..] {
            vars.extend(v.iter().copied());
        }
        if first > 1 {
            // Past the profile: point the shared files at nothing.
            vars.push(("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"));
        }
        let env = home.env(&[]);
        let env = vars.iter().fold(env, |e, (k, v)| e.with_var(*k, *v));
        let got = chain(env).unwrap();
        assert_eq!(
            got.access_key_id(),
            winners[first],
            "with sources from {}",
            sources[first].0
        );
    }
    // Only the web identity step called STS (once): no later source ran a step before it.
    assert_eq!(sts.requests().len(), 1);
}
