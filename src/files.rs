//! Reading the small files that configuration and credentials come from (shared config
//! and credentials files, token files, the SSO token cache), so that none of them can hang
//! or exhaust the process: only regular files are read (a FIFO, `/dev/stdin` or a device
//! would block or never end), and never more than a bound.

use std::io::Read;
use std::path::Path;

/// The most read from a token or cache file.
pub(crate) const MAX_TOKEN_FILE: u64 = 64 * 1024;
/// The most read from a shared config or credentials file.
pub(crate) const MAX_CONFIG_FILE: u64 = 16 * 1024 * 1024;

/// Reads a regular file of at most `max` bytes (a symlink to one is fine). Anything else
/// is an error that says what is wrong; `NotFound` keeps its kind.
pub(crate) fn read_regular(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    let mut out = Vec::new();
    std::fs::File::open(path)?.take(max + 1).read_to_end(&mut out)?;
    if out.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {max} bytes"),
        ));
    }
    Ok(out)
}

/// As [`read_regular`], as UTF-8 text.
pub(crate) fn read_regular_text(path: &Path, max: u64) -> std::io::Result<String> {
    String::from_utf8(read_regular(path, max)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8"))
}
