//! Configuration that comes from outside the program: environment variables, the region
//! and the endpoint.
//!
//! [`Env`] is a snapshot of the environment, taken once, so that resolving configuration
//! is a pure function over it and tests never touch the real process environment.

mod endpoint;
mod env;
pub(crate) mod profile_file;
pub(crate) mod proxy;
mod region;

pub use endpoint::Endpoint;
pub use env::Env;
pub use proxy::ProxyConfig;
pub(crate) use region::validate_region;

/// True when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the profile's
/// `ignore_configured_endpoint_urls`) is `true`.
pub(crate) fn ignore_configured_endpoints(
    env: &Env,
    profiles: &profile_file::ProfileSet,
) -> Result<bool, crate::error::Error> {
    Ok(env
        .var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?
        .or_else(|| profiles.get("ignore_configured_endpoint_urls"))
        .is_some_and(|v| v.eq_ignore_ascii_case("true")))
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
    let Some((source, url)) = configured_endpoint_with_source(env, profiles, env_id, services_key)? else {
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
) -> Result<Option<(String, String)>, crate::error::Error> {
    if ignore_configured_endpoints(env, profiles)? {
        return Ok(None);
    }
    let specific = format!("AWS_ENDPOINT_URL_{env_id}");
    if let Some((name, v)) = env.first_var(&[&specific, "AWS_ENDPOINT_URL"])? {
        return Ok(Some((name.to_owned(), v.to_owned())));
    }
    if let Some(section) = profiles.get("services").and_then(|name| profiles.services(name)) {
        if let Some(url) = section
            .get(&format!("{services_key}.endpoint_url"))
            .filter(|v| !v.is_empty())
        {
            return Ok(Some((
                format!("the profile's services section ({services_key})"),
                url.clone(),
            )));
        }
    }
    Ok(profiles
        .get("endpoint_url")
        .map(|v| ("the profile's endpoint_url".to_owned(), v.to_owned())))
}
