//! Debug events through the `log` crate (feature `log`), target `apigwv2`: one per attempt,
//! one per retry, one naming the credential source chosen. Without the feature the macro
//! expands to nothing. No event holds a secret: operations, statuses, request ids, delays,
//! host names and credential source names only.

/// A `log::debug!` with target `apigwv2` when the `log` feature is on; nothing otherwise.
macro_rules! debug {
    ($($arg:tt)*) => {
        #[cfg(feature = "log")]
        ::log::debug!(target: "apigwv2", $($arg)*);
    };
}
pub(crate) use debug;
