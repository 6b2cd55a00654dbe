//! Which HTTP proxy a request goes through, decided per request from its URL.
//!
//! The settings come from the client's [`Env`] (never from the process environment behind
//! its back) or from [`ClientBuilder::proxy`](crate::ClientBuilder::proxy). They apply to
//! the service, STS and the SSO portal; the container and instance-metadata credential
//! endpoints never go through a proxy, since a proxy's own network would answer for them.

use std::fmt;
use std::net::IpAddr;

use super::Env;
use crate::error::Error;

/// Proxy settings: a proxy for `http://` endpoints, one for `https://` endpoints, and the
/// hosts that bypass them (`NO_PROXY`).
///
/// ```
/// use apigwv2::config::{Env, ProxyConfig};
/// let env = Env::from_vars([("HTTPS_PROXY", "http://proxy.corp:3128"), ("NO_PROXY", ".internal,10.0.0.0/8")]);
/// let p = ProxyConfig::from_env(&env).unwrap();
/// assert_eq!(p.proxy_for("https://apigateway.eu-west-1.amazonaws.com/v2/apis"), Some("http://proxy.corp:3128"));
/// assert_eq!(p.proxy_for("https://api.internal/x"), None);
/// assert_eq!(p.proxy_for("https://10.1.2.3/"), None);
/// assert_eq!(p.proxy_for("http://127.0.0.1:4566/"), None); // HTTP_PROXY is not set
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ProxyConfig {
    http: Option<ProxyUrl>,
    https: Option<ProxyUrl>,
    no_proxy: Vec<NoProxy>,
}

/// A parsed proxy URL. Its `Debug` and [`ProxyUrl::display`] hide the password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ProxyUrl {
    pub(crate) https: bool,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) user: Option<String>,
    pub(crate) password: Option<String>,
    /// `scheme://host:port`, without user-info.
    display: String,
}

impl ProxyUrl {
    fn parse(source: &str, url: &str) -> Result<Self, Error> {
        let shown = crate::redact::url_without_userinfo(url);
        let bad = |why: &str| Error::Config {
            message: format!(
                "{source}: proxy URL {:?} {why}",
                shown.chars().take(200).collect::<String>()
            ),
        };
        if url.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad("contains a blank or control character"));
        }
        // `host:port` without a scheme means an HTTP proxy, as curl and botocore read it.
        let (https, rest) = match url.split_once("://") {
            None => (false, url),
            Some((s, r)) if s.eq_ignore_ascii_case("http") => (false, r),
            Some((s, r)) if s.eq_ignore_ascii_case("https") => (true, r),
            Some(_) => return Err(bad("must be an http:// or https:// proxy")),
        };
        let authority = rest.split('/').next().unwrap_or(rest);
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let endpoint =
            super::Endpoint::parse(&format!("{}://{hostport}", if https { "https" } else { "http" }))
                .map_err(|_| bad("has no valid host and port"))?;
        let host = endpoint.host().to_owned();
        let port = endpoint.port().unwrap_or(if https { 443 } else { 80 });
        let decode = |s: &str| crate::encode::percent_decode(s);
        let (user, password) = match userinfo {
            None => (None, None),
            Some(u) => match u.split_once(':') {
                Some((n, p)) => (Some(decode(n)), Some(decode(p))),
                None => (Some(decode(u)), None),
            },
        };
        let display = format!("{}://{host}:{port}", if https { "https" } else { "http" });
        Ok(Self {
            https,
            host,
            port,
            user,
            password,
            display,
        })
    }

    /// `scheme://host:port`, never the user name or password.
    pub(crate) fn display(&self) -> &str {
        &self.display
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyUrl")
            .field("url", &self.display)
            .field("user", &self.user)
            .field(
                "password",
                &self.password.as_ref().map(|_| crate::redact::REDACTED),
            )
            .finish()
    }
}

/// One `NO_PROXY` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
enum NoProxy {
    /// `*`: no proxy at all.
    All,
    /// `example.com` or `.example.com`: that host and every host under it.
    Domain(String),
    /// An IP address, or a network in CIDR form (`10.0.0.0/8`).
    Net(IpAddr, u8),
}

impl NoProxy {
    fn parse(entry: &str) -> Option<Self> {
        let e = entry.trim();
        if e.is_empty() {
            return None;
        }
        if e == "*" {
            return Some(Self::All);
        }
        let e = e.trim_start_matches("*.").trim_start_matches('.');
        let (addr, bits) = match e.split_once('/') {
            Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
            None => (e, None),
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = addr.parse::<IpAddr>() {
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return Some(Self::Net(ip, bits.unwrap_or(max).min(max)));
        }
        // A host name, perhaps with a port, which is not compared.
        let host = e.rsplit_once(':').map_or(e, |(h, p)| {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                e
            }
        });
        Some(Self::Domain(host.to_ascii_lowercase()))
    }

    fn matches(&self, host: &str) -> bool {
        match self {
            Self::All => true,
            Self::Domain(d) => {
                let host = host.trim_end_matches('.');
                host.eq_ignore_ascii_case(d)
                    || (host.len() > d.len()
                        && host.as_bytes()[host.len() - d.len() - 1] == b'.'
                        && host[host.len() - d.len()..].eq_ignore_ascii_case(d))
            }
            Self::Net(net, bits) => {
                let Ok(ip) = host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                else {
                    return false;
                };
                match (ip, net) {
                    (IpAddr::V4(a), IpAddr::V4(b)) => {
                        prefix_eq(u128::from(a.to_bits()), u128::from(b.to_bits()), 32, *bits)
                    }
                    (IpAddr::V6(a), IpAddr::V6(b)) => prefix_eq(a.to_bits(), b.to_bits(), 128, *bits),
                    _ => false,
                }
            }
        }
    }
}

fn prefix_eq(a: u128, b: u128, width: u8, bits: u8) -> bool {
    let shift = u32::from(width - bits.min(width));
    a.checked_shr(shift).unwrap_or(0) == b.checked_shr(shift).unwrap_or(0)
}

impl ProxyConfig {
    /// No proxy for any request, whatever the environment says.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every request (http and https endpoints alike) through the proxy at `url`
    /// (`http://host:port`, `https://host:port`, or `host:port`; a user name and password
    /// may be given as `http://user:password@host:port`).
    pub fn all(url: &str) -> Result<Self, Error> {
        let p = ProxyUrl::parse("proxy", url)?;
        Ok(Self {
            http: Some(p.clone()),
            https: Some(p),
            no_proxy: Vec::new(),
        })
    }

    /// The proxy settings of an environment, as the AWS CLI reads them: `HTTPS_PROXY` for
    /// `https://` endpoints, `HTTP_PROXY` for `http://` endpoints, `ALL_PROXY` for either
    /// when its own is unset, and `NO_PROXY` for hosts that bypass them (host names, which
    /// also cover their subdomains, `.domain`, IP addresses, CIDR networks, `*`). Each name
    /// is read in lower case first, then upper case. An invalid proxy URL is an error that
    /// names the variable (and never the password).
    pub fn from_env(env: &Env) -> Result<Self, Error> {
        let read = |names: [&str; 2]| -> Result<Option<ProxyUrl>, Error> {
            match env.first_var(&names)? {
                Some((name, url)) => ProxyUrl::parse(name, url).map(Some),
                None => Ok(None),
            }
        };
        let all = read(["all_proxy", "ALL_PROXY"])?;
        let http = read(["http_proxy", "HTTP_PROXY"])?.or_else(|| all.clone());
        let https = read(["https_proxy", "HTTPS_PROXY"])?.or(all);
        let no_proxy = env
            .first_var(&["no_proxy", "NO_PROXY"])?
            .map_or_else(Vec::new, |(_, v)| {
                v.split(',').filter_map(NoProxy::parse).collect()
            });
        Ok(Self {
            http,
            https,
            no_proxy,
        })
    }

    /// The same settings with more hosts that bypass the proxy (comma-separated, as in
    /// `NO_PROXY`).
    #[must_use]
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        self.no_proxy.extend(hosts.split(',').filter_map(NoProxy::parse));
        self
    }

    /// The proxy a request to `url` goes through (`scheme://host:port`, without
    /// user-info), or `None` for a direct connection.
    pub fn proxy_for(&self, url: &str) -> Option<&str> {
        self.proxy_url_for(url).map(ProxyUrl::display)
    }

    pub(crate) fn proxy_url_for(&self, url: &str) -> Option<&ProxyUrl> {
        let (scheme, rest) = url.split_once("://")?;
        let proxy = if scheme.eq_ignore_ascii_case("https") {
            self.https.as_ref()
        } else if scheme.eq_ignore_ascii_case("http") {
            self.http.as_ref()
        } else {
            None
        }?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let host = match authority.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(v6),
            None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
        };
        if self.no_proxy.iter().any(|n| n.matches(host)) {
            return None;
        }
        Some(proxy)
    }

    /// True when no request would go through a proxy.
    pub fn is_none(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }
}

/// Shows the proxies without their passwords.
impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("http", &self.http)
            .field("https", &self.https)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_or_control_character_anywhere_is_refused_first() {
        for url in [
            "http://proxy corp:3128",
            "http://proxy.corp:3128 ",
            "http://proxy.corp:3128/\n",
            "http://proxy.corp\t:3128",
            "ftp://proxy\u{7f}.corp:1",
            " http://proxy.corp:1",
        ] {
            let e = ProxyConfig::all(url).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "configuration error: proxy: proxy URL {url:?} contains a blank or control character"
                ),
                "{url:?}"
            );
        }
    }

    #[test]
    fn scheme_specific_with_all_proxy_fallback_and_lower_case_first() {
        let env = Env::from_vars([
            ("ALL_PROXY", "http://all:1"),
            ("https_proxy", "http://lower:2"),
            ("HTTPS_PROXY", "http://upper:3"),
        ]);
        let p = ProxyConfig::from_env(&env).unwrap();
        assert_eq!(p.proxy_for("https://h/"), Some("http://lower:2"));
        assert_eq!(p.proxy_for("http://h/"), Some("http://all:1"));
        let p = ProxyConfig::from_env(&Env::from_vars([("HTTP_PROXY", "proxy.corp:8080")])).unwrap();
        assert_eq!(p.proxy_for("http://h:9/x"), Some("http://proxy.corp:8080"));
        assert_eq!(p.proxy_for("https://h/"), None);
        assert!(ProxyConfig::from_env(&Env::default()).unwrap().is_none());
    }

    #[test]
    fn no_proxy_forms() {
        let p = ProxyConfig::all("http://p:1")
            .unwrap()
            .no_proxy("localhost, .internal,example.com:443,10.0.0.0/8,::1,[fd00::]/8,*.corp");
        for direct in [
            "http://localhost:80/",
            "https://a.b.internal/",
            "https://example.com/",
            "https://www.example.com/",
            "http://10.200.0.1/",
            "http://[::1]:9/",
            "http://[fd12::1]/",
            "https://x.corp/",
        ] {
            assert_eq!(p.proxy_for(direct), None, "{direct}");
        }
        for proxied in [
            "https://notexample.com/",
            "http://11.0.0.1/",
            "http://127.0.0.1/",
            "https://internal.evil/",
            "https://example.com.evil/",
        ] {
            assert_eq!(p.proxy_for(proxied), Some("http://p:1"), "{proxied}");
        }
        let p = ProxyConfig::all("http://p:1").unwrap().no_proxy("*");
        assert_eq!(p.proxy_for("https://anything/"), None);
    }

    #[test]
    fn passwords_never_show() {
        let p = ProxyConfig::all("http://us%40er:hunter2@proxy:3128").unwrap();
        let shown = format!("{p:?} {:?}", p.proxy_for("https://h/"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(p.https.as_ref().unwrap().user.as_deref(), Some("us@er"));
        assert_eq!(p.https.as_ref().unwrap().password.as_deref(), Some("hunter2"));
        for bad in [
            "socks5://u:hunter2@h:1",
            "http://u:hunter2@",
            "http://u:hunter2@h:x",
            "http://h\n:1",
        ] {
            let e = ProxyConfig::all(bad).unwrap_err().to_string();
            assert!(!e.contains("hunter2") && e.contains("proxy URL"), "{e}");
        }
        let env = Env::from_vars([("HTTPS_PROXY", "ftp://u:hunter2@h")]);
        let e = ProxyConfig::from_env(&env).unwrap_err().to_string();
        assert!(e.contains("HTTPS_PROXY") && !e.contains("hunter2"), "{e}");
    }

    /// The proxy for `url` (user-info and all) when the settings name one.
    fn chosen<'a>(p: &'a ProxyConfig, url: &str) -> Option<&'a ProxyUrl> {
        p.proxy_url_for(url)
    }

    #[test]
    fn proxy_urls_take_their_scheme_default_port_and_ignore_a_path() {
        for (url, shown) in [
            ("http://p", "http://p:80"),
            ("p", "http://p:80"),
            ("p:3128", "http://p:3128"),
            ("https://p", "https://p:443"),
            ("HTTPS://P:8443", "https://p:8443"),
            ("HTTP://p:1/some/path?x#y", "http://p:1"),
            ("http://[::1]:3128", "http://[::1]:3128"),
        ] {
            let p = ProxyConfig::all(url).unwrap();
            assert_eq!(p.proxy_for("https://h/"), Some(shown), "{url}");
            assert_eq!(p.proxy_for("http://h/"), Some(shown), "{url}");
            let chosen = chosen(&p, "https://h/").unwrap();
            assert_eq!(chosen.https, shown.starts_with("https"), "{url}");
            assert_eq!(
                (chosen.user.as_deref(), chosen.password.as_deref()),
                (None, None),
                "{url}"
            );
        }
        let p = ProxyConfig::all("https://p").unwrap();
        let c = chosen(&p, "http://h/").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("p", 443));
        let p = ProxyConfig::all("http://p").unwrap();
        assert_eq!(chosen(&p, "http://h/").unwrap().port, 80);
    }

    #[test]
    fn proxy_credentials_split_at_the_last_at_and_the_first_colon_and_are_decoded() {
        for (url, user, password, host) in [
            ("http://u:pw@p:1", Some("u"), Some("pw"), "p"),
            ("http://u@p:1", Some("u"), None, "p"),
            ("http://u:p@ss@p:1", Some("u"), Some("p@ss"), "p"),
            ("http://u:a:b@p:1", Some("u"), Some("a:b"), "p"),
            (
                "http://u%3Ax:pa%3Ass%40%25@p:1",
                Some("u:x"),
                Some("pa:ss@%"),
                "p",
            ),
            ("http://:pw@p:1", Some(""), Some("pw"), "p"),
        ] {
            let p = ProxyConfig::all(url).unwrap();
            let c = chosen(&p, "https://h/").unwrap();
            assert_eq!(
                (c.user.as_deref(), c.password.as_deref(), c.host.as_str(), c.port),
                (user, password, host, 1),
                "{url}"
            );
            assert_eq!(p.proxy_for("https://h/"), Some("http://p:1"), "{url}");
        }
    }

    #[test]
    fn environment_names_lower_case_first_and_all_proxy_for_either_scheme() {
        let p = |vars: &[(&str, &str)]| ProxyConfig::from_env(&Env::from_vars(vars.iter().copied())).unwrap();
        // ALL_PROXY alone serves both schemes.
        let all = p(&[("ALL_PROXY", "http://all:1")]);
        assert_eq!(all.proxy_for("https://h/"), Some("http://all:1"));
        assert_eq!(all.proxy_for("http://h/"), Some("http://all:1"));
        // Each of the four names: lower case first, then upper case; an empty value is unset.
        for (lower, upper, url) in [
            ("all_proxy", "ALL_PROXY", "https://h/"),
            ("http_proxy", "HTTP_PROXY", "http://h/"),
            ("https_proxy", "HTTPS_PROXY", "https://h/"),
        ] {
            assert_eq!(
                p(&[(lower, "http://lower:1"), (upper, "http://upper:2")]).proxy_for(url),
                Some("http://lower:1"),
                "{lower}"
            );
            assert_eq!(
                p(&[(lower, ""), (upper, "http://upper:2")]).proxy_for(url),
                Some("http://upper:2"),
                "{lower}"
            );
        }
        let vars = [
            ("ALL_PROXY", "http://p:1"),
            ("no_proxy", "lower.example"),
            ("NO_PROXY", "upper.example"),
        ];
        assert_eq!(p(&vars).proxy_for("https://lower.example/"), None);
        assert_eq!(p(&vars).proxy_for("https://upper.example/"), Some("http://p:1"));
        // A scheme's own proxy wins over ALL_PROXY, and leaves the other scheme to it.
        let both = p(&[("ALL_PROXY", "http://all:1"), ("HTTP_PROXY", "http://plain:2")]);
        assert_eq!(both.proxy_for("http://h/"), Some("http://plain:2"));
        assert_eq!(both.proxy_for("https://h/"), Some("http://all:1"));
        // An invalid ALL_PROXY is an error that names it, even when each scheme has its own.
        let e = ProxyConfig::from_env(&Env::from_vars([
            ("ALL_PROXY", "ftp://x"),
            ("HTTP_PROXY", "http://p:1"),
            ("HTTPS_PROXY", "http://p:1"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("ALL_PROXY"), "{e}");
    }

    #[test]
    fn no_proxy_entries_match_exactly_what_they_name() {
        let proxied = |entries: &str, url: &str| {
            ProxyConfig::all("http://p:1")
                .unwrap()
                .no_proxy(entries)
                .proxy_for(url)
                .is_some()
        };
        // Names: any case, a trailing dot on the host, subdomains, never a longer name.
        assert!(!proxied("EXAMPLE.com", "https://www.Example.COM/"));
        assert!(!proxied("example.com", "https://example.com./"));
        assert!(proxied("example.com", "https://badexample.com/"));
        assert!(proxied("www.example.com", "https://example.com/"));
        // An address alone is that address; a network its prefix; /0 every address of its
        // family (and none of the other); an over-long prefix is the address.
        assert!(!proxied("10.0.0.1", "http://10.0.0.1/"));
        assert!(proxied("10.0.0.1", "http://10.0.0.2/"));
        assert!(!proxied("10.1.0.0/16", "http://10.1.255.255/"));
        assert!(proxied("10.1.0.0/16", "http://10.2.0.0/"));
        assert!(!proxied("0.0.0.0/0", "http://192.0.2.7/"));
        assert!(proxied("0.0.0.0/0", "http://[2001:db8::1]/"));
        assert!(!proxied("::/0", "http://[2001:db8::1]/"));
        assert!(proxied("::/0", "http://192.0.2.7/"));
        assert!(!proxied("10.0.0.1/40", "http://10.0.0.1/"));
        assert!(proxied("10.0.0.1/40", "http://10.0.0.2/"));
        // A network whose prefix is not a number is no entry at all; empty entries neither.
        assert!(proxied("10.0.0.0/x", "http://10.0.0.1/"));
        assert!(proxied("10.0.0.0/x", "http://192.0.2.7/"));
        assert!(proxied(",, ,", "http://h/"));
        // A name is not an address.
        assert!(proxied("localhost", "http://127.0.0.1/"));
    }

    #[test]
    fn request_urls_are_read_for_their_scheme_and_host() {
        let p = ProxyConfig::from_env(&Env::from_vars([
            ("HTTP_PROXY", "http://plain:1"),
            ("HTTPS_PROXY", "http://secure:2"),
            ("NO_PROXY", "direct.example"),
        ]))
        .unwrap();
        assert_eq!(p.proxy_for("HTTPS://h/"), Some("http://secure:2"));
        assert_eq!(p.proxy_for("Http://h/"), Some("http://plain:1"));
        for none in ["ftp://h/", "h/x", "socks5://h:1"] {
            assert_eq!(p.proxy_for(none), None, "{none}");
        }
        // The host ends at the path, query or fragment, and user-info is not part of it.
        for direct in [
            "https://direct.example?x=1",
            "https://direct.example#f",
            "https://direct.example:8443/p",
            "https://user:pw@direct.example/",
            "https://a@b@direct.example/",
        ] {
            assert_eq!(p.proxy_for(direct), None, "{direct}");
        }
        assert_eq!(
            p.proxy_for("https://direct.example.evil/?h=direct.example"),
            Some("http://secure:2")
        );
        assert_eq!(
            p.proxy_for("https://direct.example@evil/"),
            Some("http://secure:2")
        );
    }

    #[test]
    fn is_none_only_without_any_proxy() {
        let p = |vars: &[(&str, &str)]| ProxyConfig::from_env(&Env::from_vars(vars.iter().copied())).unwrap();
        assert!(p(&[]).is_none());
        assert!(p(&[("NO_PROXY", "*")]).is_none());
        assert!(ProxyConfig::none().no_proxy("x").is_none());
        assert!(!p(&[("HTTPS_PROXY", "http://p:1")]).is_none());
        assert!(!p(&[("HTTP_PROXY", "http://p:1")]).is_none());
        assert!(!p(&[("ALL_PROXY", "http://p:1")]).is_none());
        // A proxy that NO_PROXY switches off for every host is still set.
        assert!(!p(&[("ALL_PROXY", "http://p:1"), ("NO_PROXY", "*")]).is_none());
    }
}
