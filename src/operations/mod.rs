//! The operations: one file each, with its input, its `Operation` declaration and its
//! `Client` methods. Signing, sending, retries, errors and paging are the same for all.

pub(crate) mod get_apis;
pub(crate) mod get_stage;
pub(crate) mod get_stages;
