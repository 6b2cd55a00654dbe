//! The AWS shared configuration files, `~/.aws/config` and `~/.aws/credentials`, read as the
//! AWS CLI reads them: `[profile name]` sections in the config file (`[default]` too),
//! `[name]` in the credentials file (whose keys win), `[sso-session name]` and
//! `[services name]` sections, `key = value` lines, indented sub-properties
//! (`s3 =` then `  endpoint_url = ...`), `#` and `;` comments. A malformed line is an error
//! that names the file and the line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Env;
use crate::error::Error;

/// One section's keys (lower-cased names) and values; sub-properties as `parent.child`.
pub(crate) type Properties = HashMap<String, String>;

/// The parsed files: profiles, SSO sessions and services sections, by name. Its `Debug`
/// shows section and key names only: values may be secrets.
#[derive(Clone, Default)]
pub(crate) struct ProfileSet {
    profiles: HashMap<String, Properties>,
    sso_sessions: HashMap<String, Properties>,
    services: HashMap<String, Properties>,
    /// The name of the selected profile (`AWS_PROFILE`, else `default`).
    selected: String,
}

impl std::fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |t: &HashMap<String, Properties>| {
            let mut v: Vec<String> = t
                .iter()
                .map(|(name, props)| {
                    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
                    keys.sort_unstable();
                    format!("{name}: [{}]", keys.join(", "))
                })
                .collect();
            v.sort();
            v
        };
        f.debug_struct("ProfileSet")
            .field("selected", &self.selected)
            .field("profiles", &names(&self.profiles))
            .field("sso_sessions", &names(&self.sso_sessions))
            .field("services", &names(&self.services))
            .finish()
    }
}

/// Which file a section came from: they name their sections differently.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Config,
    Credentials,
}

fn home_dir(env: &Env) -> Result<Option<PathBuf>, Error> {
    Ok(env
        .first_var(&["HOME", "USERPROFILE"])?
        .map(|(_, home)| PathBuf::from(home)))
}

fn expand_home(path: &str, env: &Env) -> Result<PathBuf, Error> {
    Ok(match (path.strip_prefix("~/"), home_dir(env)?) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    })
}

/// The path of the config file: `AWS_CONFIG_FILE`, else `~/.aws/config`.
pub(crate) fn config_path(env: &Env) -> Result<Option<PathBuf>, Error> {
    match env.var("AWS_CONFIG_FILE")? {
        Some(p) => expand_home(p, env).map(Some),
        None => Ok(home_dir(env)?.map(|h| h.join(".aws").join("config"))),
    }
}

/// The path of the credentials file: `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`.
pub(crate) fn credentials_path(env: &Env) -> Result<Option<PathBuf>, Error> {
    match env.var("AWS_SHARED_CREDENTIALS_FILE")? {
        Some(p) => expand_home(p, env).map(Some),
        None => Ok(home_dir(env)?.map(|h| h.join(".aws").join("credentials"))),
    }
}

/// The SSO token cache folder, `~/.aws/sso/cache`.
pub(crate) fn sso_cache_dir(env: &Env) -> Result<Option<PathBuf>, Error> {
    Ok(home_dir(env)?.map(|h| h.join(".aws").join("sso").join("cache")))
}

impl ProfileSet {
    /// Reads both files (a missing file is empty) and selects `AWS_PROFILE` or `default`.
    pub(crate) fn load(env: &Env) -> Result<Self, Error> {
        let mut set = ProfileSet {
            selected: env.var("AWS_PROFILE")?.unwrap_or("default").to_owned(),
            ..Self::default()
        };
        if let Some(path) = config_path(env)? {
            if let Some(text) = read_optional(&path)? {
                set.parse(&text, &path, FileKind::Config)?;
            }
        }
        if let Some(path) = credentials_path(env)? {
            if let Some(text) = read_optional(&path)? {
                set.parse(&text, &path, FileKind::Credentials)?;
            }
        }
        Ok(set)
    }

    /// Parses config-file text (for tests and fuzzing).
    pub(crate) fn parse_config(text: &str) -> Result<Self, Error> {
        let mut set = ProfileSet {
            selected: "default".into(),
            ..Self::default()
        };
        set.parse(text, Path::new("config"), FileKind::Config)?;
        Ok(set)
    }

    /// The selected profile's name.
    pub(crate) fn selected(&self) -> &str {
        &self.selected
    }

    /// A profile by name.
    pub(crate) fn profile(&self, name: &str) -> Option<&Properties> {
        self.profiles.get(name)
    }

    /// A key of the selected profile.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.profile(&self.selected)?
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// An `[sso-session name]` section.
    pub(crate) fn sso_session(&self, name: &str) -> Option<&Properties> {
        self.sso_sessions.get(name)
    }

    /// A `[services name]` section.
    pub(crate) fn services(&self, name: &str) -> Option<&Properties> {
        self.services.get(name)
    }

    fn parse(&mut self, text: &str, path: &Path, kind: FileKind) -> Result<(), Error> {
        let bad = |line: usize, why: &str| Error::Config {
            message: format!("{}:{}: {why}", path.display(), line),
        };
        // The section being filled: (table, name); None before the first header or in a
        // section that is ignored.
        let mut current: Option<(u8, String)> = None;
        let mut parent: Option<String> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches('\r');
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if let Some(header) = trimmed.strip_prefix('[') {
                let Some((inner, after)) = header.split_once(']') else {
                    return Err(bad(line_no, "unclosed section header"));
                };
                let after = after.trim();
                if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
                    return Err(bad(line_no, "malformed section header"));
                }
                let inner = inner.trim();
                parent = None;
                current = match kind {
                    FileKind::Credentials => Some((0, inner.to_owned())),
                    FileKind::Config => {
                        let mut words = inner.split_whitespace();
                        match (words.next(), words.next(), words.next()) {
                            (Some("default"), None, _) => Some((0, "default".into())),
                            (Some("profile"), Some(name), None) => Some((0, name.to_owned())),
                            (Some("sso-session"), Some(name), None) => Some((1, name.to_owned())),
                            (Some("services"), Some(name), None) => Some((2, name.to_owned())),
                            (Some("profile" | "sso-session" | "services"), None, _) => {
                                return Err(bad(line_no, "empty section name"))
                            }
                            // Unknown or legacy headers (e.g. `[foo]` in config) are ignored,
                            // as the AWS CLI does.
                            _ => None,
                        }
                    }
                };
                if let Some((t, name)) = &current {
                    if name.is_empty() {
                        return Err(bad(line_no, "empty section name"));
                    }
                    self.table(*t).entry(name.clone()).or_default();
                }
                continue;
            }
            let indented = line.starts_with([' ', '\t']);
            let Some((key, value)) = trimmed.split_once('=') else {
                return Err(bad(line_no, "expected `key = value`"));
            };
            let key = key.trim().to_ascii_lowercase();
            let value = strip_inline_comment(value.trim()).to_owned();
            if key.is_empty() {
                return Err(bad(line_no, "empty key"));
            }
            let Some((t, name)) = &current else {
                if self.profiles.is_empty() && self.sso_sessions.is_empty() && self.services.is_empty() {
                    return Err(bad(line_no, "a key outside any [section]"));
                }
                continue;
            };
            let full_key = match (&parent, indented) {
                (Some(p), true) => format!("{p}.{key}"),
                (_, true) => return Err(bad(line_no, "an indented line without a parent key")),
                (_, false) => {
                    parent = value.is_empty().then(|| key.clone());
                    key
                }
            };
            let (t, name) = (*t, name.clone());
            self.table(t).entry(name).or_default().insert(full_key, value);
        }
        Ok(())
    }

    fn table(&mut self, t: u8) -> &mut HashMap<String, Properties> {
        match t {
            0 => &mut self.profiles,
            1 => &mut self.sso_sessions,
            _ => &mut self.services,
        }
    }
}

/// Drops a ` #` or ` ;` comment at the end of a value.
fn strip_inline_comment(value: &str) -> &str {
    for (i, c) in value.char_indices() {
        if (c == '#' || c == ';') && value[..i].ends_with([' ', '\t']) {
            return value[..i].trim_end();
        }
    }
    value
}

fn read_optional(path: &Path) -> Result<Option<String>, Error> {
    match crate::files::read_regular_text(path, crate::files::MAX_CONFIG_FILE) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::Config {
            message: format!("{}: {e}", path.display()),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_profiles_sessions_services_and_sub_properties() {
        let text = "\
# comment
[default]
region = eu-west-1 ; trailing comment
[profile dev]
aws_access_key_id=AKID
role_arn = arn:aws:iam::1:role/r  # note
services = local
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[services local]
apigatewayv2 =
  endpoint_url = http://127.0.0.1:4566
sts =
  endpoint_url = http://127.0.0.1:4567
[unknown header]
ignored = yes
";
        let set = ProfileSet::parse_config(text).unwrap();
        assert_eq!(set.get("region"), Some("eu-west-1"));
        let dev = set.profile("dev").unwrap();
        assert_eq!(dev["aws_access_key_id"], "AKID");
        assert_eq!(dev["role_arn"], "arn:aws:iam::1:role/r");
        assert_eq!(set.sso_session("corp").unwrap()["sso_region"], "us-east-1");
        let local = set.services("local").unwrap();
        assert_eq!(local["apigatewayv2.endpoint_url"], "http://127.0.0.1:4566");
        assert_eq!(local["sts.endpoint_url"], "http://127.0.0.1:4567");
        assert!(set.profile("header").is_none());
    }

    #[test]
    fn debug_shows_names_and_never_values() {
        let set = ProfileSet::parse_config(
            "[default]\naws_secret_access_key = SECRETKEYVALUE\naws_session_token = SESSIONTOKENVALUE\n\
             [sso-session corp]\nsso_start_url = https://corp.example/start\n",
        )
        .unwrap();
        assert_eq!(
            format!("{set:?}"),
            "ProfileSet { selected: \"default\", profiles: [\"default: [aws_secret_access_key, aws_session_token]\"], \
             sso_sessions: [\"corp: [sso_start_url]\"], services: [] }"
        );
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        for (text, line, why) in [
            ("[default]\nregion eu-west-1\n", 2, "expected `key = value`"),
            ("[default\nregion=x\n", 1, "section header"),
            ("region = x\n", 1, "outside any [section]"),
            ("[default]\n  = x\n", 2, "empty key"),
            ("[default]\n  indented = x\n", 2, "without a parent key"),
            ("[profile ]\n", 1, "section header"),
        ] {
            let e = ProfileSet::parse_config(text).unwrap_err().to_string();
            assert!(e.contains(&format!("config:{line}: ")), "{text:?}: {e}");
            assert!(e.contains(why) || e.contains("empty section"), "{text:?}: {e}");
        }
    }
}
