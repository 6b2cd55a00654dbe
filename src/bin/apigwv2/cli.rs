//! What every command of `apigwv2` shares: reading options, the client they choose, the
//! error sentence and the exit status.

use std::process::ExitCode;

use apigwv2::config::Env;
use apigwv2::{Client, Error, Paginated, Paginator};

/// A word of the command line as an option name and the value written after `=` in it
/// (`--page-size=3`); any other word is its own name, with no value.
pub(crate) fn split_option(arg: &str) -> (String, Option<String>) {
    match arg.split_once('=') {
        Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
        _ => (arg.to_owned(), None),
    }
}

/// The value of option `name`: the one written after `=`, else the next word.
pub(crate) fn option_value(
    name: &str,
    inline: &Option<String>,
    argv: &mut impl Iterator<Item = String>,
    what: &str,
) -> Result<String, String> {
    inline
        .clone()
        .or_else(|| argv.next())
        .ok_or_else(|| format!("{name} needs {what}"))
}

/// A short error sentence for stderr: the error's own, which names code, status and request
/// id, with any control characters from the server already escaped.
pub(crate) fn report(e: &Error) -> String {
    format!("apigwv2: {e}")
}

/// The value of a count option (`--page-size`, `--max-items`, ...): a whole number of at
/// least 1.
pub(crate) fn positive<N: std::str::FromStr + PartialOrd + From<u8>>(v: &str) -> Option<N> {
    v.parse().ok().filter(|n| *n >= N::from(1))
}

/// [`positive`], or the sentence that says what option `name` takes instead of `v`.
pub(crate) fn count<N: std::str::FromStr + PartialOrd + From<u8>>(name: &str, v: &str) -> Result<N, String> {
    positive(v).ok_or_else(|| format!("{name} must be a whole number of at least 1, not {v:?}"))
}

/// The options that choose the client: `--region`, `--profile`, `--endpoint-url`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ClientOptions {
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
}

pub(crate) fn client_for(args: &ClientOptions) -> Result<Client, Error> {
    let mut builder = Client::builder().env(Env::process());
    if let Some(p) = &args.profile {
        builder = builder.profile(p.clone());
    }
    if let Some(r) = &args.region {
        builder = builder.region(r.clone());
    }
    if let Some(u) = &args.endpoint_url {
        builder = builder.endpoint_url(u.clone());
    }
    // Say what to type: the command's own options, not the library's names.
    builder.build().map_err(|e| match e {
        Error::Config { message } => Error::Config {
            message: if message.starts_with("no region") {
                format!("{message}; or pass --region")
            } else {
                message.replace("(ClientBuilder::profile)", "(--profile)")
            },
        },
        other => other,
    })
}

/// 2 for what the user typed wrong (nothing was sent), 1 for everything else.
pub(crate) fn exit_for(e: &Error) -> ExitCode {
    match e {
        Error::InvalidInput { .. } | Error::Config { .. } => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// The paging options every listing takes: page size, item limit, starting token.
pub(crate) fn paging<R: Paginated>(
    mut it: Paginator<R>,
    page_size: Option<u32>,
    max_items: Option<usize>,
    starting_token: Option<String>,
) -> Paginator<R> {
    if let Some(n) = page_size {
        it = it.page_size(n);
    }
    if let Some(n) = max_items {
        it = it.max_items(n);
    }
    if let Some(t) = starting_token {
        it = it.starting_token(t);
    }
    it
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_numbers_of_at_least_one() {
        assert_eq!(count::<u32>("--page-size", "1"), Ok(1));
        assert_eq!(count::<u32>("--page-size", "4294967295"), Ok(u32::MAX));
        assert_eq!(count::<usize>("--max-items", "4294967296"), Ok(1 << 32));
        for bad in ["0", "-1", "", " 1", "1.0", "x", "4294967296"] {
            assert_eq!(
                count::<u32>("--page-size", bad),
                Err(format!(
                    "--page-size must be a whole number of at least 1, not {bad:?}"
                )),
                "{bad:?}"
            );
        }
        assert_eq!(positive::<usize>("0"), None);
        assert_eq!(positive::<usize>("2"), Some(2));
    }

    #[test]
    fn what_the_user_must_fix_exits_2() {
        let code = |e: &Error| format!("{:?}", exit_for(e));
        let two = format!("{:?}", ExitCode::from(2));
        let one = format!("{:?}", ExitCode::from(1));
        assert_eq!(
            code(&Error::InvalidInput {
                field: "api_id",
                reason: "x".into()
            }),
            two
        );
        assert_eq!(code(&Error::Config { message: "x".into() }), two);
        assert_eq!(code(&Error::InvalidCredentials { message: "x".into() }), one);
        assert_eq!(
            code(&Error::ApiName {
                name: "n".into(),
                api_ids: vec![]
            }),
            one
        );
    }

    #[test]
    fn options_take_their_values_inline_or_next() {
        assert_eq!(
            split_option("--page-size=3"),
            ("--page-size".to_owned(), Some("3".to_owned()))
        );
        assert_eq!(
            split_option("--x=a=b"),
            ("--x".to_owned(), Some("a=b".to_owned()))
        );
        assert_eq!(split_option("-x=1"), ("-x=1".to_owned(), None));
        assert_eq!(split_option("api=1"), ("api=1".to_owned(), None));
    }
}
