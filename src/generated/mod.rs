//! Code written by the generator (`codegen/`) from the service model, never by hand.
//!
//! Written by `cargo run -p apigwv2-codegen` from the model files in `codegen/model/`: do not edit.

pub(crate) mod endpoints;
