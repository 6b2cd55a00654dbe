//! [`ClientBuilder`]: every setting of a [`Client`], from the builder's methods first, then
//! from the environment and the shared files the way the AWS CLI reads them.

use std::sync::atomic::AtomicI64;
use std::sync::Arc;
use std::time::Duration;

use crate::client::{Client, Inner, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_OPERATION_TIMEOUT, SIGNING_NAME};
use crate::clock::{Clock, SystemClock};
use crate::config::profile_file::ProfileSet;
use crate::config::{configured_endpoint_parsed, validate_region, Endpoint, Env, ProxyConfig};
use crate::credentials::{
    Credentials, DefaultChain, EnvironmentProvider, ProvideCredentials, DEFAULT_PROVIDER_TIMEOUT,
};
use crate::error::Error;
use crate::http1::MAX_WAIT;
use crate::retry::{self, QuotaBucket, RetryConfig, RetryMode, Sleeper, ThreadSleeper};
use crate::sigv4::RequestSigner;
use crate::transport::{Transport, Trust};
use crate::ureq_transport::{Timeouts, UreqTransport};

impl Client {
    /// A hermetic builder: it reads no environment variable and no file, so every setting
    /// comes from its methods (for tests and embedded configuration). For the AWS CLI's
    /// defaults with your overrides on top, start from [`ClientBuilder::from_env`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment and the shared files, like the AWS CLI:
    ///
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, EC2 instance
    ///   metadata;
    /// - credentials: the default chain ([`DefaultChain`]): environment, profile (static
    ///   keys, `credential_process`, SSO, assumed roles), web identity, container, instance
    ///   metadata;
    /// - endpoint: `AWS_ENDPOINT_URL_APIGATEWAYV2`, `AWS_ENDPOINT_URL`, the profile's
    ///   `services` section and `endpoint_url` (all skipped when
    ///   `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), then the endpoint rules (FIPS, dual-stack).
    ///
    /// A missing region is an [`Error::Config`] that names what to set; missing credentials
    /// are reported by the first request, listing what each source looked at.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env().build()
    }
}

/// Builds a [`Client`]. Settings made here win over the environment.
///
/// Start from [`ClientBuilder::from_env`] for the environment's and `~/.aws`'s defaults,
/// then override what you need:
///
/// ```no_run
/// # fn main() -> Result<(), apigwv2::Error> {
/// let client = apigwv2::ClientBuilder::from_env()
///     .profile("dev")                           // as AWS_PROFILE=dev would
///     .endpoint_url("http://127.0.0.1:4566")   // e.g. LocalStack
///     .build()?;
/// # Ok(()) }
/// ```
///
/// [`Client::builder`] reads nothing from the environment: every setting comes from its
/// methods, and a missing region or credentials is an error that says what to call.
///
/// ```
/// # fn main() -> Result<(), apigwv2::Error> {
/// use apigwv2::{Client, Credentials};
/// let client = Client::builder()
///     .region("eu-west-1")
///     .credentials(Credentials::new("AKID", "SECRET", None::<String>))
///     .endpoint_url("http://127.0.0.1:8080")
///     .build()?;
/// assert_eq!(client.region(), "eu-west-1");
/// # Ok(()) }
/// ```
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    region: Option<String>,
    credentials: Option<Credentials>,
    provider: Option<Arc<dyn ProvideCredentials>>,
    endpoint_url: Option<String>,
    env: Option<Env>,
    profile: Option<String>,
    trust: Option<Trust>,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    sleeper: Option<Arc<dyn Sleeper>>,
    timeouts: Timeouts,
    provider_timeout: Option<Duration>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    operation_timeout: Option<Duration>,
    max_response_bytes: Option<u64>,
    retry: Option<RetryConfig>,
    proxy: Option<ProxyConfig>,
}

/// Shows the settings made; an endpoint URL without its user-info, credentials redacted.
impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("provider", &self.provider)
            .field(
                "endpoint_url",
                &self
                    .endpoint_url
                    .as_deref()
                    .map(crate::redact::url_without_userinfo),
            )
            .field("env", &self.env)
            .field("proxy", &self.proxy)
            .field("timeouts", &self.timeouts)
            .field("operation_timeout", &self.operation_timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder whose defaults come from the process environment and the shared files,
    /// the way the AWS CLI reads them (see [`Client::from_env`] for each setting's
    /// sources); every setting made on it wins over those defaults. The same as
    /// `Client::builder().env(Env::process())`.
    pub fn from_env() -> Self {
        Client::builder().env(Env::process())
    }

    /// The region, e.g. `eu-west-1`. Defaults to the environment's (see
    /// [`ClientBuilder::env`]); without either, `build` fails.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Static credentials. Defaults to the environment's (see [`ClientBuilder::env`]);
    /// without either, `build` fails.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self.provider = None;
        self
    }

    /// A provider asked for credentials before every request, for credentials that change.
    /// Replaces [`ClientBuilder::credentials`].
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.provider = Some(Arc::new(provider));
        self.credentials = None;
        self
    }

    /// The endpoint to send requests to, e.g. `http://127.0.0.1:4566` for LocalStack.
    /// Defaults to the environment's override, then `https://apigateway.{region}.amazonaws.com`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Reads region, credentials and endpoint overrides from this environment snapshot
    /// for whatever is not set on the builder. Defaults to none: a plain builder reads no
    /// environment variable. [`Client::from_env`] uses [`Env::process`].
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// The profile of `~/.aws/config` and `~/.aws/credentials` to read, as `AWS_PROFILE`
    /// would (it wins over `AWS_PROFILE`); it must exist. It needs an environment to find
    /// the files: start from [`ClientBuilder::from_env`] (or call [`ClientBuilder::env`]);
    /// on a hermetic [`Client::builder`], `build` fails and says so. Defaults to
    /// `AWS_PROFILE`, else `default`.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Which certificates TLS trusts. Defaults to `AWS_CA_BUNDLE`, then the profile's
    /// `ca_bundle` (a PEM file that replaces the bundled roots, as the AWS CLI reads it),
    /// when [`ClientBuilder::env`] is set; else to [`Trust::Bundled`]. Applies to the
    /// default transport only.
    pub fn trust(mut self, trust: Trust) -> Self {
        self.trust = Some(trust);
        self
    }

    /// Time allowed to connect (DNS, TCP, TLS). Defaults to 3.1 s. Every timeout is cut
    /// to a year, so `Duration::MAX` means no limit.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.connect = timeout.min(MAX_WAIT);
        self
    }

    /// Time allowed for one attempt, from sending to the last byte of the response.
    /// Defaults to 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeouts.attempt = timeout.min(MAX_WAIT);
        self
    }

    /// The deadline of one call, all attempts and backoff included: no retry starts that
    /// could not finish in time, and each attempt gets at most what is left. Defaults to
    /// 90 s ([`DEFAULT_OPERATION_TIMEOUT`]).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout.min(MAX_WAIT));
        self
    }

    /// How failed requests are retried. Defaults to the environment's `AWS_MAX_ATTEMPTS`
    /// and `AWS_RETRY_MODE` when [`ClientBuilder::env`] is set, else to
    /// [`RetryConfig::default`]: standard mode, 3 attempts, backoff up to 20 s, retry
    /// quota on.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Use the FIPS endpoint (`apigateway-fips`). Defaults to `AWS_USE_FIPS_ENDPOINT`, then the
    /// profile's `use_fips_endpoint`, then `false`.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = Some(on);
        self
    }

    /// Use the dual-stack (IPv4 and IPv6) endpoint. Defaults to `AWS_USE_DUALSTACK_ENDPOINT`,
    /// then the profile's `use_dualstack_endpoint`, then `false`.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = Some(on);
        self
    }

    /// The bound on each credential provider's work (an STS or SSO call, the container
    /// endpoint, a `credential_process`). Defaults to 30 s; instance metadata always uses 1 s.
    pub fn credentials_timeout(mut self, timeout: Duration) -> Self {
        self.provider_timeout = Some(timeout.min(MAX_WAIT));
        self
    }

    /// What waits between attempts. Defaults to sleeping the thread; inject one to test
    /// retries without waiting.
    pub fn sleeper(mut self, sleeper: impl Sleeper + 'static) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
        self
    }

    /// The largest response body read, in bytes; a larger one is an
    /// [`Error::ResponseTooLarge`]. Defaults to 16 MiB ([`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The proxy for the service, STS and the SSO portal, or [`ProxyConfig::none`] for none.
    /// Defaults to the environment's `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` when [`ClientBuilder::env`] is set ([`ProxyConfig::from_env`]), else to
    /// none. The container and instance-metadata credential endpoints never use a proxy.
    /// Applies to the default transport only.
    ///
    /// ```
    /// use apigwv2::config::ProxyConfig;
    /// let builder = apigwv2::Client::builder()
    ///     .proxy(ProxyConfig::all("http://proxy.corp:3128")?.no_proxy("localhost,.internal"));
    /// # Ok::<(), apigwv2::Error>(())
    /// ```
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// The HTTP transport for every call the client makes: the service's, and the
    /// credential providers' (STS, the SSO portal, the container and instance-metadata
    /// endpoints, whose requests are marked `bypass_proxy`). Defaults to this crate's own
    /// HTTP/1.1 transport ([`unversioned::UreqTransport`](crate::unversioned::UreqTransport))
    /// with the configured timeouts and proxy (which do not apply to a transport given here).
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// The clock used for signing. Defaults to the system clock.
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Resolves every setting and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client, Error> {
        if let (Some(name), None) = (&self.profile, &self.env) {
            return Err(Error::Config {
                message: format!(
                    "ClientBuilder::profile(\"{}\") needs the environment to find ~/.aws: start from \
                     ClientBuilder::from_env() instead of Client::builder(), or call ClientBuilder::env",
                    crate::redact::Escaped(name)
                ),
            });
        }
        let env = self.env.clone().unwrap_or_default();
        // The shared files are read only when the environment is consulted.
        let env = match &self.profile {
            Some(name) => env.with_var("AWS_PROFILE", name.clone()),
            None => env,
        };
        let env_opt = self.env.as_ref().map(|_| env.clone());
        let profiles = Arc::new(match &env_opt {
            Some(env) => ProfileSet::load(env)?,
            None => ProfileSet::default(),
        });
        // A profile that was asked for by name must exist: say so before anything else
        // (a missing region would otherwise hide it), as the AWS CLI does.
        if let Some(env) = &env_opt {
            let asked = match &self.profile {
                Some(_) => Some("ClientBuilder::profile"),
                None => env.get("AWS_PROFILE").map(|_| "AWS_PROFILE"),
            };
            if let Some(source) = asked {
                if profiles.profile(profiles.selected()).is_none() {
                    return Err(Error::Config {
                        message: format!(
                            "the profile {:?} ({source}) is not in the config or credentials file",
                            profiles.selected()
                        ),
                    });
                }
            }
        }
        let proxy = match self.proxy {
            Some(p) => p,
            None => match &self.env {
                Some(env) => ProxyConfig::from_env(env)?,
                None => ProxyConfig::none(),
            },
        };
        // One transport for everything the client sends: the service, and the credential
        // providers' calls (and the instance-metadata region lookup).
        let transport: Arc<dyn Transport> = match self.transport {
            Some(t) => t,
            None => {
                let trust = match self.trust {
                    Some(t) => t,
                    None => env_opt
                        .as_ref()
                        .map(|env| env.var("AWS_CA_BUNDLE").map(|v| v.map(str::to_owned)))
                        .transpose()?
                        .flatten()
                        .or_else(|| profiles.get("ca_bundle").map(str::to_owned))
                        .map_or(Trust::Bundled, |p| Trust::CaBundle(p.into())),
                };
                Arc::new(UreqTransport::with_trust(self.timeouts, &proxy, &trust)?)
            }
        };
        let region = match self.region.clone() {
            Some(r) => r,
            None => resolve_region(env_opt.as_ref(), &profiles, &*transport)?,
        };
        validate_region(&region)?;
        let clock: Arc<dyn Clock> = self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock));
        let credentials: Arc<dyn ProvideCredentials> = match (self.credentials, self.provider) {
            (Some(c), _) => {
                c.validate()?;
                Arc::new(c)
            }
            (None, Some(p)) => p,
            (None, None) => match (&env_opt, EnvironmentProvider::new(env.clone()).credentials()?) {
                (_, Some(c)) => Arc::new(c),
                (Some(env), None) => Arc::new(DefaultChain::with_profiles(
                    env.clone(),
                    Arc::clone(&profiles),
                    region.clone(),
                    self.provider_timeout.unwrap_or(DEFAULT_PROVIDER_TIMEOUT),
                    Arc::clone(&clock),
                    Arc::clone(&transport),
                )),
                (None, None) => {
                    return Err(Error::InvalidCredentials {
                        message: "no credentials: call ClientBuilder::credentials, or start from \
                                  ClientBuilder::from_env() to use the AWS CLI's sources"
                            .into(),
                    })
                }
            },
        };
        // The FIPS and dual-stack flags are read (and checked) even when an endpoint is set.
        let fips = match self.use_fips {
            Some(b) => b,
            None => flag(&env, &profiles, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?,
        };
        let dual = match self.use_dual_stack {
            Some(b) => b,
            None => flag(
                &env,
                &profiles,
                "AWS_USE_DUALSTACK_ENDPOINT",
                "use_dualstack_endpoint",
            )?,
        };
        let endpoint = match self.endpoint_url {
            Some(url) => Endpoint::parse(&url)?,
            None => match configured_endpoint_parsed(&env, &profiles, "APIGATEWAYV2", "apigatewayv2")? {
                Some(endpoint) => endpoint,
                None => Endpoint::resolve(&region, fips, dual)?,
            },
        };
        let retry = match self.retry {
            Some(r) => r,
            None => retry_from_env(&env, &profiles)?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                signer: RequestSigner::new(region.clone(), SIGNING_NAME),
                region,
                endpoint,
                credentials,
                transport,
                clock,
                sleeper: self.sleeper.unwrap_or_else(|| Arc::new(ThreadSleeper)),
                max_response_bytes: self.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES),
                quota: QuotaBucket::new(retry.get_quota()),
                jitter: retry::Jitter::new(),
                limiter: (retry.get_mode() == RetryMode::Adaptive)
                    .then(crate::rate_limiter::RateLimiter::new),
                retry,
                attempt_timeout: self.timeouts.attempt,
                operation_timeout: self.operation_timeout.unwrap_or(DEFAULT_OPERATION_TIMEOUT),
                skew_ms: AtomicI64::new(0),
            }),
        })
    }
}

/// Retry settings from `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`, then the profile's
/// `max_attempts` and `retry_mode`; an invalid value is an error that names its source.
fn retry_from_env(env: &Env, profiles: &ProfileSet) -> Result<RetryConfig, Error> {
    let mut retry = RetryConfig::default();
    let attempts = env
        .var("AWS_MAX_ATTEMPTS")?
        .map(|v| ("AWS_MAX_ATTEMPTS", v))
        .or_else(|| {
            profiles
                .get("max_attempts")
                .map(|v| ("the profile's max_attempts", v))
        });
    if let Some((source, v)) = attempts {
        let n = v
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| Error::Config {
                message: format!("{source} must be a whole number of at least 1, not {v:?}"),
            })?;
        retry = retry.max_attempts(n);
    }
    let mode = env
        .var("AWS_RETRY_MODE")?
        .map(|v| ("AWS_RETRY_MODE", v))
        .or_else(|| {
            profiles
                .get("retry_mode")
                .map(|v| ("the profile's retry_mode", v))
        });
    if let Some((source, v)) = mode {
        let mode = RetryMode::parse(v).ok_or_else(|| Error::Config {
            message: format!("{source} must be standard, adaptive or legacy, not {v:?}"),
        })?;
        retry = retry.mode(mode);
    }
    Ok(retry)
}

/// A boolean setting from an environment variable, then a profile key.
fn flag(env: &Env, profiles: &ProfileSet, var: &str, key: &str) -> Result<bool, Error> {
    let Some((source, v)) = env
        .var(var)?
        .map(|v| (var, v))
        .or_else(|| profiles.get(key).map(|v| (key, v)))
    else {
        return Ok(false);
    };
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::Config {
            message: format!("{source} must be true or false, not {v:?}"),
        }),
    }
}

/// The region from `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then EC2
/// instance metadata (unless disabled).
fn resolve_region(
    env: Option<&Env>,
    profiles: &ProfileSet,
    transport: &dyn Transport,
) -> Result<String, Error> {
    let missing = || Error::Config {
        message: "no region: call ClientBuilder::region, set AWS_REGION (or AWS_DEFAULT_REGION), \
                  or add `region = ...` to the profile"
            .into(),
    };
    let Some(env) = env else {
        return Err(Error::Config {
            message: "no region: call ClientBuilder::region, or start from ClientBuilder::from_env() to \
                      read AWS_REGION and the profile"
                .into(),
        });
    };
    if let Some((_, v)) = env.first_var(&["AWS_REGION", "AWS_DEFAULT_REGION"])? {
        return Ok(v.to_owned());
    }
    if let Some(v) = profiles.get("region") {
        return Ok(v.to_owned());
    }
    if crate::credentials::imds_disabled(env)? {
        return Err(missing());
    }
    crate::credentials::imds_region(env, transport).map_err(|e| Error::Config {
        message: format!(
            "no region: set AWS_REGION or the profile's region (EC2 instance metadata had none: {})",
            e.message().unwrap_or_default()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_settings_from_env() {
        let base = [KEYS[0], KEYS[1], ("AWS_REGION", "eu-west-1")];
        let c = Client::builder().env(env(&base)).build().unwrap();
        assert_eq!(c.retry_config(), RetryConfig::default());
        let mut vars = base.to_vec();
        vars.push(("AWS_MAX_ATTEMPTS", "7"));
        vars.push(("AWS_RETRY_MODE", "adaptive"));
        let c = Client::builder().env(env(&vars)).build().unwrap();
        assert_eq!(c.retry_config().get_max_attempts(), 7);
        assert_eq!(c.retry_config().get_mode(), RetryMode::Adaptive);
        let c = Client::builder()
            .env(env(&vars))
            .retry_config(RetryConfig::disabled())
            .build()
            .unwrap();
        assert_eq!(c.retry_config().get_max_attempts(), 1);
        for (k, v) in [
            ("AWS_MAX_ATTEMPTS", "0"),
            ("AWS_MAX_ATTEMPTS", "lots"),
            ("AWS_RETRY_MODE", "fast"),
        ] {
            let mut vars = base.to_vec();
            vars.push((k, v));
            let e = Client::builder().env(env(&vars)).build().unwrap_err();
            assert!(e.to_string().contains(k), "{e}");
        }
    }

    /// An environment with no home (so no shared files) and no instance metadata, plus `vars`.
    fn env(vars: &[(&str, &str)]) -> Env {
        Env::from_vars(
            vars.iter()
                .copied()
                .chain([("AWS_EC2_METADATA_DISABLED", "true")]),
        )
    }

    const KEYS: [(&str, &str); 2] = [("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")];

    #[test]
    fn region_precedence() {
        let e = env(&[
            KEYS[0],
            KEYS[1],
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
        ]);
        let c = Client::builder().env(e.clone()).build().unwrap();
        assert_eq!(c.region(), "eu-west-1");
        let c = Client::builder().env(e).region("ap-south-1").build().unwrap();
        assert_eq!(c.region(), "ap-south-1");
        let c = Client::builder()
            .env(env(&[KEYS[0], KEYS[1], ("AWS_DEFAULT_REGION", "us-east-2")]))
            .build()
            .unwrap();
        assert_eq!(c.region(), "us-east-2");
        assert_eq!(
            c.endpoint().to_string(),
            "https://apigateway.us-east-2.amazonaws.com"
        );
    }

    #[test]
    fn hermetic_builder_says_what_to_call() {
        // A profile with nothing to read it from is refused, not ignored.
        let e = Client::builder()
            .profile("dev\u{1b}[2J")
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SECRET", None::<String>))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "configuration error: ClientBuilder::profile(\"dev\\u{1b}[2J\") needs the environment to find \
             ~/.aws: start from ClientBuilder::from_env() instead of Client::builder(), or call ClientBuilder::env"
        );
        let e = Client::builder()
            .credentials(Credentials::new("AKID", "SECRET", None::<String>))
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration error: no region: call ClientBuilder::region, or start from \
             ClientBuilder::from_env() to read AWS_REGION and the profile"
        );
        let e = Client::builder().region("eu-west-1").build().unwrap_err();
        assert!(matches!(e, Error::InvalidCredentials { .. }), "{e:?}");
        assert!(
            e.to_string()
                .contains("call ClientBuilder::credentials, or start from ClientBuilder::from_env()"),
            "{e}"
        );
    }

    #[test]
    fn from_env_is_the_process_environment() {
        assert_eq!(
            format!("{:?}", ClientBuilder::from_env()),
            format!("{:?}", Client::builder().env(Env::process()))
        );
        assert_ne!(
            format!("{:?}", ClientBuilder::from_env()),
            format!("{:?}", Client::builder())
        );
    }

    #[test]
    fn profile_with_an_environment_reads_its_region_and_keys() {
        let home = std::env::temp_dir().join(format!("apigwv2-builder-profile-{}", std::process::id()));
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(
            home.join(".aws/config"),
            "[profile dev]\nregion = ap-south-1\naws_access_key_id = DEVKEY\naws_secret_access_key = d\n",
        )
        .unwrap();
        let e = env(&[("HOME", home.to_str().unwrap())]);
        let c = Client::builder()
            .env(e.clone())
            .profile("dev")
            .endpoint_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(c.region(), "ap-south-1");
        assert_eq!(c.endpoint().to_string(), "http://127.0.0.1:9");
        let e = Client::builder().env(e).profile("nope").build().unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration error: the profile \"nope\" (ClientBuilder::profile) is not in the config or credentials file"
        );
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn missing_settings_name_what_to_set() {
        let e = Client::builder().env(env(&KEYS)).build().unwrap_err();
        assert!(e.to_string().contains("set AWS_REGION"), "{e}");
        // Credentials are looked for lazily, by the first request, which lists every source.
        let c = Client::builder()
            .env(env(&[("AWS_REGION", "eu-west-1")]))
            .build()
            .unwrap();
        let e = c.get_stages(&crate::GetStagesRequest::new("a")).unwrap_err();
        assert!(matches!(e, Error::InvalidCredentials { .. }), "{e:?}");
        let text = e.to_string();
        for source in [
            "environment:",
            "profile \"default\"",
            "web identity:",
            "container:",
            "EC2 instance metadata: disabled",
        ] {
            assert!(text.contains(source), "{source} missing from {text}");
        }
        let e = Client::builder().region("eu-west-1").build().unwrap_err();
        assert!(e.to_string().contains("ClientBuilder::credentials"), "{e}");
        let e = Client::builder()
            .region("eu west")
            .credentials(Credentials::new("a", "b", None::<String>))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Config { .. }), "{e}");
    }

    #[test]
    fn endpoint_precedence() {
        let base = [KEYS[0], KEYS[1], ("AWS_REGION", "eu-west-1")];
        let mut vars = base.to_vec();
        vars.push(("AWS_ENDPOINT_URL", "http://127.0.0.1:1"));
        let c = Client::builder().env(env(&vars)).build().unwrap();
        assert_eq!(c.endpoint().to_string(), "http://127.0.0.1:1");
        vars.push(("AWS_ENDPOINT_URL_APIGATEWAYV2", "http://127.0.0.1:2"));
        let c = Client::builder().env(env(&vars)).build().unwrap();
        assert_eq!(c.endpoint().to_string(), "http://127.0.0.1:2");
        let c = Client::builder()
            .env(env(&vars))
            .endpoint_url("http://localhost:3")
            .build()
            .unwrap();
        assert_eq!(c.endpoint().to_string(), "http://localhost:3");
        vars.push(("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        let c = Client::builder().env(env(&vars)).build().unwrap();
        assert_eq!(
            c.endpoint().to_string(),
            "https://apigateway.eu-west-1.amazonaws.com"
        );
        let e = Client::builder()
            .env(env(&[
                KEYS[0],
                KEYS[1],
                ("AWS_REGION", "eu-west-1"),
                ("AWS_ENDPOINT_URL", "ftp://x"),
            ]))
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("AWS_ENDPOINT_URL: endpoint URL"), "{e}");
    }

    #[test]
    fn bad_credentials_fail_at_build_without_quoting_them() {
        let e = Client::builder()
            .region("eu-west-1")
            .credentials(Credentials::new("AKID", "SEC\nRET", None::<String>))
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::InvalidCredentials { .. }));
        assert!(!e.to_string().contains("SEC"), "{e}");
    }
}
