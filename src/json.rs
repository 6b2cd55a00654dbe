//! The one way the crate reads JSON: a leaf helper shared by the operations and the
//! credential providers, so that each response type's deserializer is compiled once.

use serde::de::DeserializeOwned;

/// Parses a JSON body. The UTF-8 check is done once for the whole body, which is much
/// cheaper than serde_json checking every string of a byte slice on its own; only the
/// `&str` reader is used.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(e) => Err(<serde_json::Error as serde::de::Error>::custom(format_args!(
            "the body is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))),
    }
}
