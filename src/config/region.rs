//! Region names: checked before they end up in a host name or a signature.

use crate::error::Error;

/// Checks that `region` can be a DNS label, as every AWS region name is: 1 to 63 ASCII
/// letters, digits and `-`, neither first nor last a `-`.
pub(crate) fn validate_region(region: &str) -> Result<(), Error> {
    let ok = !region.is_empty()
        && region.len() <= 63
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::Config {
            message: format!(
                "{:?} is not a valid region name (expected something like \"eu-west-1\")",
                region.chars().take(80).collect::<String>()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_regions() {
        for r in [
            "us-east-1",
            "eu-west-1",
            "cn-north-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "local",
        ] {
            validate_region(r).unwrap();
        }
    }

    #[test]
    fn rejects_what_cannot_be_a_host_label() {
        for r in [
            "",
            "-us",
            "us-",
            "us east",
            "us/east",
            "us.east",
            "eu-west-1\n",
            "ü",
            &"a".repeat(64),
        ] {
            let e = validate_region(r).unwrap_err();
            assert!(e.to_string().contains("not a valid region"), "{e}");
        }
    }
}
