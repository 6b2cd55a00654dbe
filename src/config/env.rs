//! [`Env`]: a snapshot of environment variables, taken once.

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;

use crate::error::Error;

/// One variable's value: text, or something that is not valid Unicode (kept as such, so
/// that a lookup can say so instead of reading it as unset).
#[derive(Clone, PartialEq, Eq)]
enum Value {
    Text(String),
    NotUnicode,
}

/// A snapshot of environment variables, cheap to clone.
///
/// An empty value reads as unset, as it does for the AWS CLI. A value that is not valid
/// Unicode (UTF-8 on Unix) is kept as such: the crate answers a variable it reads with such
/// a value with an [`Error::Config`] that names the variable (never its value), rather than
/// falling back to a default as if it were unset.
///
/// ```
/// use apigwv2::config::Env;
/// let env = Env::from_vars([("AWS_REGION", "eu-west-1"), ("AWS_PROFILE", "")]);
/// assert_eq!(env.get("AWS_REGION"), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None);
/// ```
#[derive(Clone, Default)]
pub struct Env {
    vars: Arc<HashMap<String, Value>>,
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
    /// The variables of this process, as they are now. A variable whose value is not valid
    /// Unicode is kept as such (the crate names it in an error when it reads it); one whose
    /// *name* is not valid Unicode is skipped (no variable the crate reads has such a name).
    pub fn process() -> Self {
        Self::from_vars_os(std::env::vars_os())
    }

    /// A snapshot made of the given pairs, for tests and embedding.
    pub fn from_vars<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: Arc::new(
                vars.into_iter()
                    .map(|(k, v)| (k.into(), Value::Text(v.into())))
                    .collect(),
            ),
        }
    }

    /// A snapshot made of OS strings, as [`Env::process`] reads them: a value that is not
    /// valid Unicode is kept as such, a name that is not is skipped. For tests of what the
    /// crate does with such values, and for embedding.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::ffi::OsStr;
    /// use std::os::unix::ffi::OsStrExt;
    /// use apigwv2::config::Env;
    /// let env = Env::from_vars_os([("AWS_PROFILE", OsStr::from_bytes(b"\xff"))]);
    /// assert_eq!(env.get("AWS_PROFILE"), None);
    /// let e = apigwv2::Client::builder()
    ///     .env(env)
    ///     .region("eu-west-1")
    ///     .credentials(apigwv2::Credentials::new("AKID", "SECRET", None::<String>))
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "configuration error: the environment variable AWS_PROFILE is not valid UTF-8"
    /// );
    /// # }
    /// ```
    pub fn from_vars_os<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<OsString>,
        V: Into<OsString>,
    {
        Self {
            vars: Arc::new(
                vars.into_iter()
                    .filter_map(|(k, v)| {
                        let name = k.into().into_string().ok()?;
                        let value = v.into().into_string().map_or(Value::NotUnicode, Value::Text);
                        Some((name, value))
                    })
                    .collect(),
            ),
        }
    }

    /// The same snapshot with one variable set (or replaced), e.g. a CLI's `--profile`.
    #[must_use]
    pub fn with_var(&self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut vars = (*self.vars).clone();
        vars.insert(name.into(), Value::Text(value.into()));
        Self { vars: Arc::new(vars) }
    }

    /// The value of a variable; `None` when unset, empty, or not valid Unicode. The crate
    /// itself tells the last case apart: it is an error that names the variable.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.var(name).ok().flatten()
    }

    /// The first of several variables that is set, with its name (as [`Env::get`]: a value
    /// that is not valid Unicode is passed over).
    pub fn first_of<'a>(&self, names: &[&'a str]) -> Option<(&'a str, &str)> {
        names.iter().find_map(|n| self.get(n).map(|v| (*n, v)))
    }

    /// The value of a variable: `Ok(None)` when unset or empty, and an [`Error::Config`]
    /// that names the variable (and not its value) when its value is not valid Unicode.
    pub(crate) fn var(&self, name: &str) -> Result<Option<&str>, Error> {
        match self.vars.get(name) {
            None => Ok(None),
            Some(Value::Text(v)) => Ok(Some(v.as_str()).filter(|v| !v.is_empty())),
            Some(Value::NotUnicode) => Err(not_unicode(name)),
        }
    }

    /// The first of several variables that is set, with its name, as [`Env::var`] reads
    /// each: the first one present decides, and an error names it when its value is not
    /// valid Unicode (the later ones are not consulted in its place).
    pub(crate) fn first_var<'a>(&self, names: &[&'a str]) -> Result<Option<(&'a str, &str)>, Error> {
        for n in names {
            if let Some(v) = self.var(n)? {
                return Ok(Some((*n, v)));
            }
        }
        Ok(None)
    }
}

/// The error for a variable whose value is not valid Unicode: its name only, since the
/// value may be a secret (and is not printable text anyway).
fn not_unicode(name: &str) -> Error {
    Error::Config {
        message: format!(
            "the environment variable {} is not valid UTF-8",
            crate::redact::Escaped(name)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn raw(bytes: &[u8]) -> OsString {
        use std::os::unix::ffi::OsStrExt;
        std::ffi::OsStr::from_bytes(bytes).to_owned()
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_unicode_is_an_error_that_names_the_variable() {
        let env = Env::from_vars_os([
            (OsString::from("AWS_PROFILE"), raw(b"dev\xff")),
            (OsString::from("AWS_REGION"), OsString::from("eu-west-1")),
            (OsString::from("EMPTY"), OsString::new()),
            // A name that is not Unicode is no name the crate reads: skipped.
            (raw(b"X\xfe"), OsString::from("v")),
        ]);
        match env.var("AWS_PROFILE") {
            Err(Error::Config { message }) => {
                assert_eq!(message, "the environment variable AWS_PROFILE is not valid UTF-8")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(env.var("AWS_REGION").unwrap(), Some("eu-west-1"));
        assert_eq!(env.var("EMPTY").unwrap(), None);
        assert_eq!(env.var("UNSET").unwrap(), None);
        // The plain getters read it as unset, as before.
        assert_eq!(env.get("AWS_PROFILE"), None);
        assert_eq!(
            format!("{env:?}"),
            "Env { names: [\"AWS_PROFILE\", \"AWS_REGION\", \"EMPTY\"] }"
        );
        // Replacing the value makes it readable.
        let env = env.with_var("AWS_PROFILE", "ops");
        assert_eq!(env.var("AWS_PROFILE").unwrap(), Some("ops"));
    }

    #[cfg(unix)]
    #[test]
    fn the_first_variable_present_decides() {
        let env = Env::from_vars_os([
            (OsString::from("AWS_REGION"), raw(b"\xff")),
            (OsString::from("AWS_DEFAULT_REGION"), OsString::from("us-east-2")),
            (OsString::from("https_proxy"), OsString::new()),
            (OsString::from("HTTPS_PROXY"), raw(b"http://\xc3(")),
            (OsString::from("http_proxy"), OsString::from("http://p:1")),
            (OsString::from("HTTP_PROXY"), raw(b"\x80")),
        ]);
        let e = env.first_var(&["AWS_REGION", "AWS_DEFAULT_REGION"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration error: the environment variable AWS_REGION is not valid UTF-8"
        );
        // An empty one is unset: the next one is read, and refused.
        let e = env.first_var(&["https_proxy", "HTTPS_PROXY"]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "configuration error: the environment variable HTTPS_PROXY is not valid UTF-8"
        );
        // A readable one first: the unreadable one after it is not consulted.
        assert_eq!(
            env.first_var(&["http_proxy", "HTTP_PROXY"]).unwrap(),
            Some(("http_proxy", "http://p:1"))
        );
        assert_eq!(env.first_var(&["UNSET", "ALSO_UNSET"]).unwrap(), None);
    }

    #[test]
    fn unicode_values_read_as_they_are() {
        let env = Env::from_vars_os([("A", "ü"), ("B", "")]);
        assert_eq!(env.var("A").unwrap(), Some("ü"));
        assert_eq!(env.var("B").unwrap(), None);
        assert_eq!(env.first_var(&["B", "A"]).unwrap(), Some(("A", "ü")));
    }
}
