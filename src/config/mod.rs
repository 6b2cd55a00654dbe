//! Configuration that comes from outside the program: environment variables, the region
//! and the endpoint.
//!
//! [`Env`] is a snapshot of the environment, taken once, so that resolving configuration
//! is a pure function over it and tests never touch the real process environment.

mod endpoint;
mod region;

use std::collections::HashMap;
use std::sync::Arc;

pub use endpoint::Endpoint;
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
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: Arc<HashMap<String, String>>,
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
