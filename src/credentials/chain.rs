//! The default credentials chain, in the AWS SDKs' order: environment, shared profile files
//! (static keys, `credential_process`, SSO, `role_arn` with `source_profile` or
//! `credential_source`, `role_arn` with `web_identity_token_file`), web identity from the
//! environment, the container endpoint, EC2 instance metadata. Results are cached and
//! refreshed shortly before they expire, by one thread at a time.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use super::{container, imds, process, sso, sts};
use crate::clock::{Clock, SystemClock};
use crate::config::profile_file::{sso_cache_dir, ProfileSet, Properties};
use crate::config::{configured_endpoint_parsed, validate_region, Endpoint, Env, ProxyConfig};
use crate::credentials::{Credentials, EnvironmentProvider, ProvideCredentials};
use crate::error::Error;
use crate::transport::Transport;
use crate::ureq_transport::{Timeouts, UreqTransport};

/// The longest `source_profile` chain followed (the AWS CLI has no need of more).
const MAX_PROFILE_CHAIN: usize = 32;
/// Refresh temporary credentials this long before they expire.
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);
/// The bound on each credential provider's call or process.
pub const DEFAULT_PROVIDER_TIMEOUT: Duration = Duration::from_secs(30);

/// The default chain. Made by [`ClientBuilder::build`](crate::ClientBuilder::build) when no
/// credentials are given; usable on its own.
///
/// ```
/// use apigwv2::config::Env;
/// use apigwv2::credentials::{DefaultChain, ProvideCredentials};
/// let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET"), ("HOME", "/nonexistent")]);
/// let chain = DefaultChain::new(env, "us-east-1").unwrap();
/// assert_eq!(chain.provide_credentials().unwrap().access_key_id(), "AKID");
/// ```
#[derive(Debug)]
pub struct DefaultChain {
    ctx: Context,
    cache: Mutex<Cache>,
    /// Signalled when a refresh ends.
    refreshed: Condvar,
}

#[derive(Debug, Default)]
struct Cache {
    credentials: Option<Credentials>,
    /// A thread is resolving credentials now; others wait for it, each up to its deadline.
    refreshing: bool,
}

#[derive(Debug, Clone)]
struct Context {
    env: Env,
    profiles: Arc<ProfileSet>,
    region: String,
    timeout: Duration,
    clock: Arc<dyn Clock>,
    /// What every provider call is sent through (the client's own transport).
    transport: Arc<dyn Transport>,
}

impl DefaultChain {
    /// A chain over this environment (and the files it points at), signing STS calls for
    /// `region`. Reads the profile files now: a malformed file, or a region that cannot be
    /// part of a host name, is an error here.
    pub fn new(env: Env, region: impl Into<String>) -> Result<Self, Error> {
        let region = region.into();
        validate_region(&region)?;
        let profiles = Arc::new(ProfileSet::load(&env)?);
        let transport = UreqTransport::with_proxy(Timeouts::default(), &ProxyConfig::from_env(&env)?)?;
        Ok(Self::with_profiles(
            env,
            profiles,
            region,
            DEFAULT_PROVIDER_TIMEOUT,
            Arc::new(SystemClock),
            Arc::new(transport),
        ))
    }

    /// The same chain reading time from `clock` (for expiry and refresh decisions).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.ctx.clock = Arc::new(clock);
        self
    }

    /// The same chain sending its calls (STS, the SSO portal, the container and instance
    /// metadata endpoints) through `transport`. Defaults to this crate's own transport
    /// ([`unversioned::UreqTransport`](crate::unversioned::UreqTransport)) with the
    /// environment's proxy settings ([`ProxyConfig::from_env`]); a client's chain uses the
    /// client's transport.
    #[must_use]
    pub fn with_transport(mut self, transport: impl Transport + 'static) -> Self {
        self.ctx.transport = Arc::new(transport);
        self
    }

    /// The same chain with this bound on each provider's work. Defaults to 30 s.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.ctx.timeout = timeout;
        self
    }

    pub(crate) fn with_profiles(
        env: Env,
        profiles: Arc<ProfileSet>,
        region: String,
        timeout: Duration,
        clock: Arc<dyn Clock>,
        transport: Arc<dyn Transport>,
    ) -> Self {
        Self {
            ctx: Context {
                env,
                profiles,
                region,
                timeout,
                clock,
                transport,
            },
            cache: Mutex::new(Cache::default()),
            refreshed: Condvar::new(),
        }
    }

    fn resolve(&self, deadline: Instant) -> Result<Credentials, Error> {
        let ctx = &self.ctx;
        let mut passed = Vec::new();
        match EnvironmentProvider::new(ctx.env.clone()).credentials()? {
            Some(c) => return Ok(c),
            None => {
                passed.push("environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set".to_owned())
            }
        }
        let name = ctx.profiles.selected().to_owned();
        match ctx.profiles.profile(&name) {
            Some(p) if has_credentials(p) => {
                return ctx.profile_credentials(&name, &mut Vec::new(), deadline)
            }
            Some(_) => passed.push(format!("profile {name:?}: it has no credential settings")),
            None if ctx.env.var("AWS_PROFILE")?.is_some() => {
                return Err(Error::InvalidCredentials {
                    message: format!(
                        "the profile {name:?} (AWS_PROFILE) is not in the config or credentials file"
                    ),
                })
            }
            None => passed.push(format!("profile {name:?}: not in the config or credentials file")),
        }
        match (
            ctx.env.var("AWS_WEB_IDENTITY_TOKEN_FILE")?,
            ctx.env.var("AWS_ROLE_ARN")?,
        ) {
            (Some(file), Some(role)) => {
                let session = ctx.env.var("AWS_ROLE_SESSION_NAME")?.map(str::to_owned);
                return ctx.web_identity(file, role, session, deadline);
            }
            _ => passed
                .push("web identity: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not both set".into()),
        }
        match container::endpoint(&ctx.env)? {
            Some(url) => return container::credentials(&ctx.env, &url, ctx.step_timeout(deadline)?, &*ctx.transport),
            None => passed.push(
                "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set".into(),
            ),
        }
        if imds::disabled(&ctx.env)? {
            passed.push("EC2 instance metadata: disabled by AWS_EC2_METADATA_DISABLED".into());
        } else {
            match imds::credentials(&ctx.env, ctx.step_timeout(deadline)?, &*ctx.transport) {
                Ok(c) => return Ok(c),
                // A variable that cannot be read is the user's to fix: said as it is.
                Err(e @ Error::Config { .. }) => return Err(e),
                Err(e) => passed.push(e.message().unwrap_or_default().to_owned()),
            }
        }
        Err(Error::InvalidCredentials {
            message: format!("no credentials found; looked at: {}", passed.join("; ")),
        })
    }
}

fn has_credentials(p: &Properties) -> bool {
    [
        "aws_access_key_id",
        "credential_process",
        "role_arn",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
    ]
    .iter()
    .any(|k| p.contains_key(*k))
}

/// Whether a profile is an SSO profile: any one SSO setting makes it one (and its error
/// then names what it lacks). One test for the chain and for naming its source.
fn is_sso(p: &Properties) -> bool {
    ["sso_session", "sso_start_url", "sso_account_id"]
        .iter()
        .any(|k| p.get(*k).is_some_and(|v| !v.is_empty()))
}

impl Context {
    /// Which source the chain takes credentials from, for the debug event: the first that
    /// is configured, in the chain's order (names only, never values).
    #[cfg_attr(not(feature = "log"), allow(dead_code))]
    fn describe_source(&self) -> String {
        if self.env.get("AWS_ACCESS_KEY_ID").is_some() {
            return "the environment".into();
        }
        let name = self.profiles.selected();
        if let Some(p) = self.profiles.profile(name).filter(|p| has_credentials(p)) {
            let kind = if p.contains_key("role_arn") {
                "assume role"
            } else if is_sso(p) {
                "SSO"
            } else if p.contains_key("credential_process") {
                "credential_process"
            } else {
                "static keys"
            };
            return format!("profile {name:?} ({kind})");
        }
        if self.env.get("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() {
            return "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)".into();
        }
        if self.env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
            || self.env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
        {
            return "the container endpoint".into();
        }
        "EC2 instance metadata".into()
    }

    fn now(&self) -> SystemTime {
        self.clock.now()
    }

    fn sts_endpoint(&self) -> Result<sts::StsEndpoint, Error> {
        let region = if self.region.is_empty() {
            "us-east-1"
        } else {
            &self.region
        };
        validate_region(region)?;
        let endpoint = match configured_endpoint_parsed(&self.env, &self.profiles, "STS", "sts")? {
            Some(e) => e,
            None => {
                let suffix = if region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                Endpoint::parse(&format!("https://sts.{region}.{suffix}"))?
            }
        };
        Ok(sts::StsEndpoint {
            endpoint,
            region: region.to_owned(),
            transport: Arc::clone(&self.transport),
        })
    }

    fn session_name(&self, configured: Option<String>) -> String {
        configured.unwrap_or_else(|| {
            let secs = self
                .now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            format!("apigwv2-{secs}")
        })
    }

    /// How long the next provider step may take: the provider timeout, cut to what is left
    /// before the call's deadline; an error once nothing is left.
    fn step_timeout(&self, deadline: Instant) -> Result<Duration, Error> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::InvalidCredentials {
                message: "the call's deadline passed before credentials were found".into(),
            });
        }
        Ok(self.timeout.min(left))
    }

    fn web_identity(
        &self,
        file: &str,
        role: &str,
        session: Option<String>,
        deadline: Instant,
    ) -> Result<Credentials, Error> {
        let token = crate::files::read_regular_text(std::path::Path::new(file), crate::files::MAX_TOKEN_FILE)
            .map_err(|e| Error::InvalidCredentials {
                message: format!("web identity: the token file {file}: {e}"),
            })?;
        sts::assume_role_with_web_identity(
            &self.sts_endpoint()?,
            role,
            &self.session_name(session),
            token.trim(),
            self.step_timeout(deadline)?,
        )
    }

    fn profile_credentials(
        &self,
        name: &str,
        visited: &mut Vec<String>,
        deadline: Instant,
    ) -> Result<Credentials, Error> {
        let fail = |why: String| Error::InvalidCredentials {
            message: format!("profile {name:?}: {why}"),
        };
        if visited.len() >= MAX_PROFILE_CHAIN {
            return Err(fail(format!(
                "source_profile chain is longer than {MAX_PROFILE_CHAIN} profiles"
            )));
        }
        // The profiles in the order the chain visited them, so the message reads as the chain.
        if visited.iter().any(|v| v == name) {
            return Err(fail(format!(
                "source_profile chain loops back to it ({})",
                visited.join(", ")
            )));
        }
        visited.push(name.to_owned());
        let p = self
            .profiles
            .profile(name)
            .ok_or_else(|| fail("not in the config or credentials file".into()))?;
        let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
        if let Some(role) = get("role_arn") {
            let session = get("role_session_name").map(str::to_owned);
            if let Some(file) = get("web_identity_token_file") {
                return self.web_identity(file, role, session, deadline);
            }
            let source = if let Some(src) = get("source_profile") {
                if src == name {
                    // A profile may name itself to use its own static keys.
                    self.static_keys(name, p)?
                } else {
                    self.profile_credentials(src, visited, deadline)?
                }
            } else if let Some(cs) = get("credential_source") {
                match cs {
                    "Environment" => EnvironmentProvider::new(self.env.clone())
                        .credentials()?
                        .ok_or_else(|| {
                            fail("credential_source Environment, but the environment has no keys".into())
                        })?,
                    "Ec2InstanceMetadata" => {
                        imds::credentials(&self.env, self.step_timeout(deadline)?, &*self.transport)?
                    }
                    "EcsContainer" => {
                        let url = container::endpoint(&self.env)?.ok_or_else(|| {
                            fail("credential_source EcsContainer, but no container endpoint is set".into())
                        })?;
                        container::credentials(
                            &self.env,
                            &url,
                            self.step_timeout(deadline)?,
                            &*self.transport,
                        )?
                    }
                    other => return Err(fail(format!("unknown credential_source {other:?}"))),
                }
            } else {
                return Err(fail(
                    "role_arn needs source_profile, credential_source or web_identity_token_file".into(),
                ));
            };
            let duration = match get("duration_seconds") {
                Some(d) => Some(
                    d.parse::<u32>()
                        .map_err(|_| fail(format!("duration_seconds {d:?} is not a number")))?,
                ),
                None => None,
            };
            let session = self.session_name(session);
            return sts::assume_role(
                &self.sts_endpoint()?,
                &source,
                &sts::AssumeRole {
                    role_arn: role,
                    session_name: &session,
                    external_id: get("external_id"),
                    duration_seconds: duration,
                },
                self.now(),
                self.step_timeout(deadline)?,
            );
        }
        if is_sso(p) {
            return self.sso(name, p, deadline);
        }
        if let Some(cmd) = get("credential_process") {
            return process::run(cmd, self.step_timeout(deadline)?);
        }
        self.static_keys(name, p)
    }

    fn static_keys(&self, name: &str, p: &Properties) -> Result<Credentials, Error> {
        let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(id), Some(secret)) => {
                let c = Credentials::new(id, secret, get("aws_session_token"));
                c.validate()?;
                Ok(c)
            }
            (Some(_), None) => Err(Error::InvalidCredentials {
                message: format!(
                    "profile {name:?}: aws_access_key_id is set but aws_secret_access_key is not"
                ),
            }),
            _ => Err(Error::InvalidCredentials {
                message: format!("profile {name:?}: no credentials in it"),
            }),
        }
    }

    fn sso(&self, name: &str, p: &Properties, deadline: Instant) -> Result<Credentials, Error> {
        let fail = |why: String| Error::InvalidCredentials {
            message: format!("profile {name:?} (SSO): {why}"),
        };
        let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let (cache_key, sso_region) = match get("sso_session") {
            Some(session) => {
                let s = self
                    .profiles
                    .sso_session(session)
                    .ok_or_else(|| fail(format!("no [sso-session {session}] section")))?;
                let region = s
                    .get("sso_region")
                    .cloned()
                    .ok_or_else(|| fail(format!("[sso-session {session}] has no sso_region")))?;
                (session.to_owned(), region)
            }
            None => {
                let url =
                    get("sso_start_url").ok_or_else(|| fail("no sso_session or sso_start_url".into()))?;
                let region = get("sso_region").ok_or_else(|| fail("no sso_region".into()))?;
                (url.to_owned(), region.to_owned())
            }
        };
        let account_id = get("sso_account_id").ok_or_else(|| fail("no sso_account_id".into()))?;
        let role_name = get("sso_role_name").ok_or_else(|| fail("no sso_role_name".into()))?;
        // sso_region becomes part of a host name: `x@127.0.0.1:9/` must not.
        validate_region(&sso_region)
            .map_err(|e| fail(format!("sso_region: {}", e.message().unwrap_or_default())))?;
        let portal = match configured_endpoint_parsed(&self.env, &self.profiles, "SSO", "sso")? {
            Some(e) => e,
            None => Endpoint::parse(&format!("https://portal.sso.{sso_region}.amazonaws.com"))?,
        };
        let portal_url = portal.to_string();
        let cache_dir =
            sso_cache_dir(&self.env)?.ok_or_else(|| fail("no home directory for ~/.aws/sso/cache".into()))?;
        sso::credentials(
            &sso::SsoProfile {
                cache_key,
                account_id: account_id.to_owned(),
                role_name: role_name.to_owned(),
                portal_url,
                transport: Arc::clone(&self.transport),
            },
            &cache_dir,
            self.now(),
            self.step_timeout(deadline)?,
        )
    }
}

impl DefaultChain {
    fn lock(&self) -> MutexGuard<'_, Cache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Ends a refresh, also when resolving panicked: waiters are never left waiting for it.
struct RefreshGuard<'a>(&'a DefaultChain);

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        self.0.lock().refreshing = false;
        self.0.refreshed.notify_all();
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        // No call deadline: each provider step is still bounded by the provider timeout.
        self.provide_credentials_until(crate::clock::deadline_after(Instant::now(), Duration::MAX))
    }

    /// Cached credentials while they are fresh; otherwise one thread resolves the chain
    /// (each step bounded by the provider timeout and the deadline) while the others wait
    /// for that refresh, each only until its own deadline (then they take the cached
    /// credentials if those have not expired yet).
    fn provide_credentials_until(&self, deadline: Instant) -> Result<Credentials, Error> {
        let mut cache = self.lock();
        loop {
            let now = self.ctx.now();
            let cached = cache.credentials.as_ref();
            if let Some(c) = cached {
                let fresh = c
                    .expiry()
                    .is_none_or(|exp| now.checked_add(REFRESH_BEFORE).is_some_and(|t| exp > t));
                if fresh {
                    return Ok(c.clone());
                }
            }
            if !cache.refreshing {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                if let Some(c) = cached.filter(|c| c.expiry().is_none_or(|exp| exp > now)) {
                    return Ok(c.clone());
                }
                return Err(Error::InvalidCredentials {
                    message: "the call's deadline passed while another thread was fetching credentials"
                        .into(),
                });
            }
            cache = self
                .refreshed
                .wait_timeout(cache, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        cache.refreshing = true;
        drop(cache);
        let guard = RefreshGuard(self);
        let result = self.resolve(deadline);
        #[cfg(feature = "log")]
        if let Ok(c) = &result {
            crate::logging::debug!(
                "credentials from {} (access key id {}, {})",
                self.ctx.describe_source(),
                c.access_key_id(),
                if c.expiry().is_some() {
                    "temporary"
                } else {
                    "long-term"
                }
            );
        }
        let mut cache = self.lock();
        let now = self.ctx.now();
        let out = match result {
            Ok(fresh) => {
                cache.credentials = Some(fresh.clone());
                Ok(fresh)
            }
            // Refreshing failed, but the old credentials have not expired yet: keep using them.
            Err(e) => match cache.credentials.as_ref() {
                Some(c) if c.expiry().is_some_and(|exp| exp > now) => Ok(c.clone()),
                _ => Err(e),
            },
        };
        drop(cache);
        drop(guard);
        out
    }
}
