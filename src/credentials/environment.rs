//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.

use crate::config::Env;
use crate::credentials::{Credentials, ProvideCredentials};
use crate::error::Error;

/// Reads credentials from a snapshot of the environment, as the first link of the AWS
/// CLI's chain does. An empty variable counts as unset.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// A provider over the given environment snapshot.
    pub fn new(env: Env) -> Self {
        Self { env }
    }

    /// The credentials the environment holds: `Ok(None)` when neither key variable is set,
    /// an error when only one of the two is, or when one of the three is not valid Unicode
    /// (the error names the variable, never its value).
    pub fn credentials(&self) -> Result<Option<Credentials>, Error> {
        let id = self.env.var("AWS_ACCESS_KEY_ID")?;
        let secret = self.env.var("AWS_SECRET_ACCESS_KEY")?;
        match (id, secret) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(Error::InvalidCredentials {
                message: "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
            }),
            (None, Some(_)) => Err(Error::InvalidCredentials {
                message: "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into(),
            }),
            (Some(id), Some(secret)) => {
                let creds = Credentials::new(id, secret, self.env.var("AWS_SESSION_TOKEN")?);
                creds.validate()?;
                Ok(Some(creds))
            }
        }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> Result<Credentials, Error> {
        self.credentials()?.ok_or_else(|| Error::InvalidCredentials {
            message: "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
                      (and AWS_SESSION_TOKEN for temporary credentials)"
                .into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_token() {
        let env = Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let c = EnvironmentProvider::new(env).provide_credentials().unwrap();
        assert_eq!(c, Credentials::new("AKID", "SECRET", Some("TOKEN")));
    }

    #[test]
    fn half_set_and_unset_are_clear_errors() {
        let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKID")]);
        let e = EnvironmentProvider::new(env).credentials().unwrap_err();
        assert!(e.to_string().contains("AWS_SECRET_ACCESS_KEY is not"), "{e}");
        let e = EnvironmentProvider::new(Env::from_vars::<_, &str, &str>([]))
            .provide_credentials()
            .unwrap_err();
        assert!(e.to_string().contains("set AWS_ACCESS_KEY_ID"), "{e}");
    }

    #[test]
    fn empty_token_is_no_token() {
        let env = Env::from_vars([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", ""),
        ]);
        let c = EnvironmentProvider::new(env).provide_credentials().unwrap();
        assert_eq!(c.session_token(), None);
    }
}
