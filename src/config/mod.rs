//! Configuration that comes from outside the program: environment variables, the region
//! and the endpoint.
//!
//! [`Env`] is a snapshot of the environment, taken once, so that resolving configuration
//! is a pure function over it and tests never touch the real process environment.

mod endpoint;
pub mod profile_file;
pub(crate) mod proxy;
mod region;

use std::collections::HashMap;
use std::sync::Arc;

pub use endpoint::Endpoint;
pub use proxy::ProxyConfig;
pub(crate) use region::validate_region;

/// A snapshot of environment variables, cheap to clone.
///
/// An empty value reads as unset, as it does for the AWS CLI.
///
/// ```
/// use apigwv2::config::Env;
/// let env = Env::from_vars([("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "")]);
/// assert_eq!(env.get("AWS_REGION"), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None);
/// ```
#[derive(Clone, Default)]
pub struct Env {
    vars: Arc<HashMap<String, String>>,
}

/// Shows the variable names only: values may be secrets.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Env").field("names", &names).finish()
    }
}

impl Env {
    /// The variables of this process, as they are now. Variables whose name or value is not
    /// valid Unicode are skipped.
    pub fn process() -> Self {
        Self {
            vars: Arc::new(
                std::env::vars_os()
                    .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                    .collect(),
            ),
        }
    }

    /// A snapshot made of the given pairs, for tests and embedding.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: Arc::new(vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect()),
        }
    }

    /// The same snapshot with one variable set (or replaced), e.g. a CLI's `--profile`.
    #[must_use]
    pub fn with_var(&self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut vars = (*self.vars).clone();
        vars.insert(name.into(), value.into());
        Self { vars: Arc::new(vars) }
    }

    /// The value of a variable; `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// The first of several variables that is set, with its name.
    pub fn first_of<'a>(&self, names: &[&'a str]) -> Option<(&'a str, &str)> {
        names.iter().find_map(|n| self.get(n).map(|v| (*n, v)))
    }
}

/// True when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
/// `ignore_configured_endpoint_urls`) is `true`.
pub(crate) fn ignore_configured_endpoints(env: &Env, profiles: &profile_file::ProfileSet) -> bool {
    env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .or_else(|| profiles.get("ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The endpoint configured for a service, as the AWS CLI finds it: `AWS_ENDPOINT_URL_<ID>`,
/// then `AWS_ENDPOINT_URL`, then the profile's `services` section (`<key> = ` then
/// `endpoint_url = ...`), then the profile's `endpoint_url`. `None` when nothing is set or
/// configured endpoints are ignored. It is parsed by the same URL rules as every endpoint;
/// an invalid URL is an error that names where it came from (and never its user-info).
pub(crate) fn configured_endpoint_parsed(
    env: &Env,
    profiles: &profile_file::ProfileSet,
    env_id: &str,
    services_key: &str,
) -> Result<Option<Endpoint>, crate::error::Error> {
    let Some((source, url)) = configured_endpoint_with_source(env, profiles, env_id, services_key) else {
        return Ok(None);
    };
    Endpoint::parse(&url)
        .map(Some)
        .map_err(|e| crate::error::Error::Config {
            message: format!("{source}: {}", e.message().unwrap_or_default()),
        })
}

/// As [`configured_endpoint_parsed`], unparsed, with where the value came from.
pub(crate) fn configured_endpoint_with_source(
    env: &Env,
    profiles: &profile_file::ProfileSet,
    env_id: &str,
    services_key: &str,
) -> Option<(String, String)> {
    if ignore_configured_endpoints(env, profiles) {
        return None;
    }
    let specific = format!("AWS_ENDPOINT_URL_{env_id}");
    if let Some((name, v)) = env.first_of(&[&specific, "AWS_ENDPOINT_URL"]) {
        return Some((name.to_owned(), v.to_owned()));
    }
    if let Some(section) = profiles.get("services").and_then(|name| profiles.services(name)) {
        if let Some(url) = section
            .get(&format!("{services_key}.endpoint_url"))
            .filter(|v| !v.is_empty())
        {
            return Some((
                format!("the profile's services section ({services_key})"),
                url.clone(),
            ));
        }
    }
    profiles
        .get("endpoint_url")
        .map(|v| ("the profile's endpoint_url".to_owned(), v.to_owned()))
}
