//! Where requests go: a parsed base URL, from an override or from the region.

use std::fmt;

use crate::error::Error;
use crate::generated::endpoints::{self, Outcome, Partition, Piece, Requirement, Rule, Segment};

/// A parsed endpoint: scheme, host, optional port and optional base path. A client's is
/// [`Client::endpoint`](crate::Client::endpoint); `Display` writes it as a URL.
///
/// ```
/// use apigwv2::{Client, Credentials};
/// let creds = Credentials::new("AKID", "SECRET", None::<String>);
/// let c = Client::builder().region("cn-north-1").credentials(creds.clone()).build()?;
/// assert_eq!(c.endpoint().to_string(), "https://apigateway.cn-north-1.amazonaws.com.cn");
/// let c = Client::builder()
///     .region("eu-west-1")
///     .credentials(creds)
///     .endpoint_url("http://127.0.0.1:4566/prefix/")
///     .build()?;
/// let e = c.endpoint();
/// assert_eq!((e.scheme(), e.host(), e.port(), e.base_path()), ("http", "127.0.0.1", Some(4566), "/prefix"));
/// # Ok::<(), apigwv2::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: &'static str,
    host: String,
    port: Option<u16>,
    base_path: String,
    host_header: String,
}

impl Endpoint {
    /// The default endpoint for a region: `https://apigateway.{region}.amazonaws.com`, or
    /// the region's partition's suffix (`.amazonaws.com.cn` in China, ...). A region that
    /// cannot be a DNS label is an [`Error::Config`].
    pub fn for_region(region: &str) -> Result<Self, Error> {
        Self::resolve(region, false, false)
    }

    /// The service's endpoint rules (generated from its model's `endpoint-rule-set-1.json`
    /// and `partitions.json`): `https://apigateway[-fips].{region}.{suffix}`, where the suffix
    /// is the region's partition's DNS suffix, or its dual-stack suffix when `dual_stack` is
    /// on. A region belongs to the partition that names it (`aws-iso-global` is in
    /// `aws-iso`), else to the first whose region pattern it matches, else to `aws`.
    ///
    /// ```
    /// use apigwv2::config::Endpoint;
    /// let e = Endpoint::resolve("us-gov-west-1", true, true).unwrap();
    /// assert_eq!(e.to_string(), "https://apigateway-fips.us-gov-west-1.api.aws");
    /// let e = Endpoint::resolve("us-iso-east-1", false, true).unwrap();
    /// assert_eq!(e.to_string(), "https://apigateway.us-iso-east-1.api.aws.ic.gov");
    /// ```
    pub fn resolve(region: &str, fips: bool, dual_stack: bool) -> Result<Self, Error> {
        // The region becomes part of a host name: `x@evil:1/` must not.
        super::validate_region(region)?;
        let host = resolve_host(endpoints::PARTITIONS, &endpoints::RULES, region, fips, dual_stack)?;
        Ok(Self {
            scheme: "https",
            host_header: host.clone(),
            host,
            port: None,
            base_path: String::new(),
        })
    }

    /// Parses an endpoint URL such as `https://example.com` or `http://127.0.0.1:8080/base`.
    /// Only `http` and `https` are accepted; a query, fragment or user name is an error.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let bad = |why: &str| Error::Config {
            message: format!(
                "endpoint URL {:?} {why}",
                crate::redact::url_without_userinfo(url)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ),
        };
        if url.chars().any(|c| c.is_control() || c == ' ') {
            return Err(bad("contains a blank or control character"));
        }
        let (scheme, rest) = if let Some(r) = url.strip_prefix("https://") {
            ("https", r)
        } else if let Some(r) = url.strip_prefix("http://") {
            ("http", r)
        } else {
            return Err(bad("must start with http:// or https://"));
        };
        if rest.contains(['?', '#']) {
            return Err(bad("must not have a query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(bad("must not contain a user name or password"));
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let end = v6.find(']').ok_or_else(|| bad("has an unclosed IPv6 bracket"))?;
            let host = &authority[..end + 2];
            match &v6[end + 1..] {
                "" => (host, None),
                p => (
                    host,
                    Some(
                        p.strip_prefix(':')
                            .ok_or_else(|| bad("has junk after the IPv6 address"))?,
                    ),
                ),
            }
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if host.is_empty()
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'[' | b']' | b':'))
        {
            return Err(bad("has no valid host"));
        }
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| bad("has an invalid port"))?,
            ),
        };
        let default_port = if scheme == "https" { 443 } else { 80 };
        let host = host.to_ascii_lowercase();
        let host_header = match port {
            Some(p) if p != default_port => format!("{host}:{p}"),
            _ => host.clone(),
        };
        Ok(Self {
            scheme,
            host,
            port,
            base_path: path.trim_end_matches('/').to_owned(),
            host_header,
        })
    }

    /// The value of the `Host` header: the host, with the port when it is not the scheme's
    /// default.
    pub fn host_header(&self) -> &str {
        &self.host_header
    }

    /// The host (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when the URL names one.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        self.scheme
    }

    /// The path every request path is appended to (empty, or starting with `/`).
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    /// The full URL for a request path (which starts with `/`) and query string, under the
    /// base path.
    pub fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}://{}{}{}",
            self.scheme, self.host_header, self.base_path, path_and_query
        )
    }

    /// The full URL for a path that already includes the base path.
    pub(crate) fn url_for_path(&self, path_and_query: &str) -> String {
        let mut url =
            String::with_capacity(self.scheme.len() + 3 + self.host_header.len() + path_and_query.len());
        url.push_str(self.scheme);
        url.push_str("://");
        url.push_str(&self.host_header);
        url.push_str(path_and_query);
        url
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.host_header, self.base_path)
    }
}

/// The partition of a region: the one that names it, else the first whose pattern it
/// matches, else the default (`aws`).
fn partition_of<'a>(partitions: &'a [Partition], region: &str) -> Option<&'a Partition> {
    partitions
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| partitions.iter().find(|p| matches(p.pattern, region)))
        .or_else(|| partitions.iter().find(|p| p.id == endpoints::DEFAULT_PARTITION))
}

/// Whether all of `text` is matched by `pieces` (a compiled `regionRegex`).
fn matches(pieces: &[Piece], text: &str) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return text.is_empty();
    };
    match first {
        Piece::OneOf(options) => options
            .iter()
            .any(|o| text.strip_prefix(o).is_some_and(|t| matches(rest, t))),
        Piece::Word | Piece::Digits => {
            let class = |c: u8| match first {
                Piece::Word => c.is_ascii_alphanumeric() || c == b'_',
                _ => c.is_ascii_digit(),
            };
            let run = text.bytes().take_while(|c| class(*c)).count();
            // One or more: try the longest run first, then shorter ones.
            (1..=run).rev().any(|n| matches(rest, &text[n..]))
        }
    }
}

/// The host name the rules give for a region, or the rules' error.
fn resolve_host(
    partitions: &[Partition],
    rules: &[&[Rule]; 4],
    region: &str,
    fips: bool,
    dual_stack: bool,
) -> Result<String, Error> {
    let partition = partition_of(partitions, region).ok_or_else(|| Error::Config {
        message: format!("no partition for the region {region}"),
    })?;
    let supports = |r: &Requirement| match r {
        Requirement::Fips => partition.supports_fips,
        Requirement::DualStack => partition.supports_dual_stack,
    };
    let rule = rules[usize::from(fips) * 2 + usize::from(dual_stack)]
        .iter()
        .find(|rule| rule.requires.iter().all(supports));
    match rule.map(|r| r.outcome) {
        Some(Outcome::Url(segments)) => {
            let mut url = String::new();
            for s in segments {
                url.push_str(match s {
                    Segment::Text(t) => t,
                    Segment::Region => region,
                    Segment::DnsSuffix => partition.dns_suffix,
                    Segment::DualStackDnsSuffix => partition.dual_stack_dns_suffix,
                });
            }
            url.strip_prefix("https://")
                .filter(|host| !host.contains(['/', ':', '@']))
                .map(str::to_owned)
                .ok_or_else(|| Error::Config {
                    message: format!("the endpoint rules gave {url:?}, which is not an https host"),
                })
        }
        Some(Outcome::Error(why)) => Err(Error::Config {
            message: format!("{why} (the {} partition, region {region})", partition.id),
        }),
        None => Err(Error::Config {
            message: format!("the endpoint rules give nothing for the region {region}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let e = Endpoint::parse("https://apigateway.eu-west-1.amazonaws.com").unwrap();
        assert_eq!(e.host_header(), "apigateway.eu-west-1.amazonaws.com");
        assert_eq!(
            e.url("/v2/apis"),
            "https://apigateway.eu-west-1.amazonaws.com/v2/apis"
        );
        let e = Endpoint::parse("http://localhost:80/").unwrap();
        assert_eq!(e.host_header(), "localhost");
        assert_eq!(e.base_path(), "");
        let e = Endpoint::parse("http://[::1]:9000").unwrap();
        assert_eq!(e.host_header(), "[::1]:9000");
        let e = Endpoint::parse("HTTP://x").err();
        assert!(e.is_some());
    }

    #[test]
    fn rejects_bad_urls() {
        for u in [
            "",
            "ftp://x",
            "http://",
            "http://:80",
            "http://x:0",
            "http://x:99999",
            "http://x:abc",
            "http://u:p@x",
            "http://x/?q",
            "http://x/#f",
            "http://x y",
            "http://[::1",
            "http://x\n",
        ] {
            let e = Endpoint::parse(u).unwrap_err();
            assert!(e.to_string().contains("endpoint URL"), "{u}: {e}");
        }
    }

    #[test]
    fn partitions_fips_and_dual_stack() {
        for (region, fips, dual, want) in [
            ("eu-west-1", false, false, "apigateway.eu-west-1.amazonaws.com"),
            (
                "eu-west-1",
                true,
                false,
                "apigateway-fips.eu-west-1.amazonaws.com",
            ),
            ("eu-west-1", false, true, "apigateway.eu-west-1.api.aws"),
            (
                "cn-north-1",
                false,
                true,
                "apigateway.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-gov-east-1",
                true,
                false,
                "apigateway-fips.us-gov-east-1.amazonaws.com",
            ),
            (
                "us-iso-east-1",
                false,
                false,
                "apigateway.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                true,
                false,
                "apigateway-fips.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "eu-isoe-west-1",
                false,
                false,
                "apigateway.eu-isoe-west-1.cloud.adc-e.uk",
            ),
            (
                "us-isof-south-1",
                false,
                false,
                "apigateway.us-isof-south-1.csp.hci.ic.gov",
            ),
            ("local", false, false, "apigateway.local.amazonaws.com"),
        ] {
            assert_eq!(Endpoint::resolve(region, fips, dual).unwrap().host_header(), want);
        }
        for hostile in ["x@127.0.0.1:9/", "evil.com/", "us-east-1.evil.com", "", "a b"] {
            let e = Endpoint::resolve(hostile, false, false).unwrap_err();
            assert!(e.to_string().contains("not a valid region"), "{e}");
        }
    }

    /// (scheme, host, port, base path, Host header) of a parsed URL.
    fn parts(url: &str) -> (String, String, Option<u16>, String, String) {
        let e = Endpoint::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        (
            e.scheme().to_owned(),
            e.host().to_owned(),
            e.port(),
            e.base_path().to_owned(),
            e.host_header().to_owned(),
        )
    }

    #[test]
    fn parses_every_part_exactly() {
        let p = |s: &str, h: &str, port: Option<u16>, b: &str, hh: &str| {
            (s.to_owned(), h.to_owned(), port, b.to_owned(), hh.to_owned())
        };
        for (url, want) in [
            ("https://h", p("https", "h", None, "", "h")),
            ("http://h", p("http", "h", None, "", "h")),
            // The scheme's default port is kept as given and left out of the Host header;
            // the other scheme's default is just a port.
            ("https://h:443", p("https", "h", Some(443), "", "h")),
            ("http://h:80", p("http", "h", Some(80), "", "h")),
            ("https://h:80", p("https", "h", Some(80), "", "h:80")),
            ("http://h:443", p("http", "h", Some(443), "", "h:443")),
            ("http://h:65535", p("http", "h", Some(65535), "", "h:65535")),
            ("http://h:1", p("http", "h", Some(1), "", "h:1")),
            // Host names are lower-cased; `_`, `-` and `.` are host characters.
            (
                "https://LocalStack.Example_1-a",
                p(
                    "https",
                    "localstack.example_1-a",
                    None,
                    "",
                    "localstack.example_1-a",
                ),
            ),
            // IPv6 in brackets, with or without a port.
            ("http://[::1]", p("http", "[::1]", None, "", "[::1]")),
            (
                "http://[fd00:EC2::23]:8080/x",
                p("http", "[fd00:ec2::23]", Some(8080), "/x", "[fd00:ec2::23]:8080"),
            ),
            // A base path loses its trailing slashes, not its case.
            ("http://h/Base/", p("http", "h", None, "/Base", "h")),
            ("http://h/a/b//", p("http", "h", None, "/a/b", "h")),
            ("http://h/", p("http", "h", None, "", "h")),
        ] {
            assert_eq!(parts(url), want, "{url}");
        }
        let e = Endpoint::parse("http://127.0.0.1:4566/prefix/").unwrap();
        assert_eq!(e.url("/v2/apis?x=1"), "http://127.0.0.1:4566/prefix/v2/apis?x=1");
        assert_eq!(
            e.url_for_path("/prefix/v2/apis"),
            "http://127.0.0.1:4566/prefix/v2/apis"
        );
        assert_eq!(e.to_string(), "http://127.0.0.1:4566/prefix");
        let e = Endpoint::parse("https://h:443/p").unwrap();
        assert_eq!(e.to_string(), "https://h/p");
        assert_eq!(e.url("/v2"), "https://h/p/v2");
    }

    #[test]
    fn each_refusal_says_why_and_never_shows_user_info() {
        for (url, why) in [
            ("", "must start with http:// or https://"),
            ("HTTP://x", "must start with http:// or https://"),
            ("ftp://x", "must start with http:// or https://"),
            ("x:80", "must start with http:// or https://"),
            ("http://x y", "contains a blank or control character"),
            ("http://x\t", "contains a blank or control character"),
            ("http://x\u{7f}", "contains a blank or control character"),
            ("http://x/?q", "must not have a query or fragment"),
            ("http://x#f", "must not have a query or fragment"),
            ("http://[::1", "has an unclosed IPv6 bracket"),
            ("http://[::1]x", "has junk after the IPv6 address"),
            ("http://", "has no valid host"),
            ("http://:80", "has no valid host"),
            ("http:///path", "has no valid host"),
            ("http://ex%41mple", "has no valid host"),
            ("http://a,b", "has no valid host"),
            ("http://ü.example", "has no valid host"),
            ("http://x:", "has an invalid port"),
            ("http://x:0", "has an invalid port"),
            ("http://x:65536", "has an invalid port"),
            ("http://x:-1", "has an invalid port"),
            ("http://x:8o", "has an invalid port"),
        ] {
            match Endpoint::parse(url) {
                Err(Error::Config { message }) => {
                    assert_eq!(message, format!("endpoint URL {url:?} {why}"), "{url:?}")
                }
                other => panic!("{url:?}: {other:?}"),
            }
        }
        // User-info is hidden, whatever else is wrong.
        for (url, shown, why) in [
            (
                "http://user:pa55@host:1",
                "http://***@host:1",
                "must not contain a user name or password",
            ),
            (
                "http://user@x",
                "http://***@x",
                "must not contain a user name or password",
            ),
            (
                "https://user:p/w?#@h",
                "https://***@h",
                "must not have a query or fragment",
            ),
        ] {
            let e = Endpoint::parse(url).unwrap_err().to_string();
            assert_eq!(e, format!("configuration error: endpoint URL {shown:?} {why}"));
        }
        // A long URL is shown cut to 200 characters.
        let long = format!("ftp://{}", "a".repeat(500));
        let e = Endpoint::parse(&long).unwrap_err().to_string();
        assert!(e.contains(&format!("{:?}", &long[..200])), "{e}");
        assert!(!e.contains(&long[..201]), "{e}");
    }

    #[test]
    fn every_partition_with_fips_and_dual_stack() {
        for (region, fips, dual, want) in [
            ("us-east-1", false, false, "apigateway.us-east-1.amazonaws.com"),
            ("us-east-1", true, true, "apigateway-fips.us-east-1.api.aws"),
            (
                "us-gov-west-1",
                false,
                false,
                "apigateway.us-gov-west-1.amazonaws.com",
            ),
            ("us-gov-west-1", false, true, "apigateway.us-gov-west-1.api.aws"),
            (
                "us-gov-west-1",
                true,
                true,
                "apigateway-fips.us-gov-west-1.api.aws",
            ),
            (
                "cn-north-1",
                true,
                false,
                "apigateway-fips.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-northwest-1",
                true,
                true,
                "apigateway-fips.cn-northwest-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-iso-west-1",
                true,
                false,
                "apigateway-fips.us-iso-west-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                false,
                "apigateway.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "us-isof-east-1",
                true,
                false,
                "apigateway-fips.us-isof-east-1.csp.hci.ic.gov",
            ),
            (
                "eu-isoe-west-1",
                true,
                false,
                "apigateway-fips.eu-isoe-west-1.cloud.adc-e.uk",
            ),
            (
                "eusc-de-east-1",
                false,
                false,
                "apigateway.eusc-de-east-1.amazonaws.eu",
            ),
            (
                "eusc-de-east-1",
                true,
                false,
                "apigateway-fips.eusc-de-east-1.amazonaws.eu",
            ),
            // A prefix counts only at the start; an unknown region is in `aws`.
            ("xcn-north-1", false, true, "apigateway.xcn-north-1.api.aws"),
            ("eu-west-1", false, false, "apigateway.eu-west-1.amazonaws.com"),
            ("mars-1", false, true, "apigateway.mars-1.api.aws"),
        ] {
            let e = Endpoint::resolve(region, fips, dual).unwrap();
            assert_eq!(
                (e.scheme(), e.host(), e.host_header(), e.port(), e.base_path()),
                ("https", want, want, None, ""),
                "{region} fips={fips} dual={dual}"
            );
            assert_eq!(e.to_string(), format!("https://{want}"));
        }
        // Every partition has dual-stack endpoints in the model, the isolated ones included;
        // the `aws-*-global` pseudo-regions belong to their own partition, and a region no
        // partition names goes by the partitions' patterns (`\w` has no hyphen).
        for (region, fips, dual, want) in [
            (
                "us-iso-east-1",
                false,
                true,
                "apigateway.us-iso-east-1.api.aws.ic.gov",
            ),
            (
                "us-iso-east-1",
                true,
                true,
                "apigateway-fips.us-iso-east-1.api.aws.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                true,
                "apigateway.us-isob-east-1.api.aws.scloud",
            ),
            (
                "us-isof-south-1",
                true,
                true,
                "apigateway-fips.us-isof-south-1.api.aws.hci.ic.gov",
            ),
            (
                "eu-isoe-west-1",
                false,
                true,
                "apigateway.eu-isoe-west-1.api.cloud-aws.adc-e.uk",
            ),
            (
                "eusc-de-east-1",
                false,
                true,
                "apigateway.eusc-de-east-1.api.amazonwebservices.eu",
            ),
            ("aws-global", false, false, "apigateway.aws-global.amazonaws.com"),
            (
                "aws-cn-global",
                false,
                false,
                "apigateway.aws-cn-global.amazonaws.com.cn",
            ),
            (
                "aws-us-gov-global",
                true,
                false,
                "apigateway-fips.aws-us-gov-global.amazonaws.com",
            ),
            (
                "aws-iso-global",
                false,
                false,
                "apigateway.aws-iso-global.c2s.ic.gov",
            ),
            (
                "aws-iso-b-global",
                false,
                false,
                "apigateway.aws-iso-b-global.sc2s.sgov.gov",
            ),
            (
                "aws-iso-e-global",
                false,
                false,
                "apigateway.aws-iso-e-global.cloud.adc-e.uk",
            ),
            (
                "aws-iso-f-global",
                false,
                false,
                "apigateway.aws-iso-f-global.csp.hci.ic.gov",
            ),
            (
                "us-iso-north-9",
                false,
                false,
                "apigateway.us-iso-north-9.c2s.ic.gov",
            ),
            (
                "us-isob-north-9",
                false,
                false,
                "apigateway.us-isob-north-9.sc2s.sgov.gov",
            ),
            (
                "cn-south-7",
                false,
                false,
                "apigateway.cn-south-7.amazonaws.com.cn",
            ),
            (
                "eusc-de-north-2",
                false,
                false,
                "apigateway.eusc-de-north-2.amazonaws.eu",
            ),
            (
                "eusc-fr-east-1",
                false,
                false,
                "apigateway.eusc-fr-east-1.amazonaws.com",
            ),
            (
                "us-iso-south-x-12",
                false,
                false,
                "apigateway.us-iso-south-x-12.amazonaws.com",
            ),
            (
                "us-iso-south-12a",
                false,
                false,
                "apigateway.us-iso-south-12a.amazonaws.com",
            ),
        ] {
            let e = Endpoint::resolve(region, fips, dual).unwrap();
            assert_eq!(e.host_header(), want, "{region} fips={fips} dual={dual}");
        }
        assert_eq!(
            Endpoint::for_region("eusc-de-east-1").unwrap(),
            Endpoint::resolve("eusc-de-east-1", false, false).unwrap()
        );
    }

    #[test]
    fn a_partition_without_fips_or_dual_stack_gets_the_rules_error() {
        let lonely = Partition {
            id: "test",
            regions: &["r-1"],
            pattern: &[],
            dns_suffix: "example",
            dual_stack_dns_suffix: "dual.example",
            supports_fips: false,
            supports_dual_stack: false,
        };
        let both = Partition {
            id: "aws",
            regions: &[],
            pattern: &[
                Piece::OneOf(&["b-"]),
                Piece::Word,
                Piece::OneOf(&["-"]),
                Piece::Digits,
            ],
            supports_fips: true,
            supports_dual_stack: true,
            ..lonely
        };
        let parts = [lonely, both];
        let host = |region: &str, fips: bool, dual: bool| {
            resolve_host(&parts, &endpoints::RULES, region, fips, dual).map_err(|e| e.to_string())
        };
        assert_eq!(host("r-1", false, false).unwrap(), "apigateway.r-1.example");
        for (fips, dual, why) in [
            (
                true,
                false,
                "FIPS is enabled but this partition does not support FIPS",
            ),
            (
                false,
                true,
                "DualStack is enabled but this partition does not support DualStack",
            ),
            (
                true,
                true,
                "FIPS and DualStack are enabled, but this partition does not support one or both",
            ),
        ] {
            assert_eq!(
                host("r-1", fips, dual).unwrap_err(),
                format!("configuration error: {why} (the test partition, region r-1)")
            );
        }
        // Named by no partition: the pattern, then the default partition.
        assert_eq!(
            host("b-x_1-22", true, true).unwrap(),
            "apigateway-fips.b-x_1-22.dual.example"
        );
        assert_eq!(host("r-2", false, false).unwrap(), "apigateway.r-2.example");
        assert_eq!(host("b--1", false, false).unwrap(), "apigateway.b--1.example");
        assert!(matches(both.pattern, "b-xy-0"));
        for no in ["b-xy-", "b-xy-1a", "b-x-y-1", "bb-x-1", "b-x-1-", "b-x-1 "] {
            assert!(!matches(both.pattern, no), "{no}");
        }
        assert!(matches(&[], ""));
        assert!(!matches(&[], "a"));
    }

    #[test]
    fn region_defaults() {
        assert_eq!(
            Endpoint::for_region("us-east-1").unwrap().to_string(),
            "https://apigateway.us-east-1.amazonaws.com"
        );
        assert_eq!(
            Endpoint::for_region("cn-northwest-1").unwrap().host_header(),
            "apigateway.cn-northwest-1.amazonaws.com.cn"
        );
    }
}
