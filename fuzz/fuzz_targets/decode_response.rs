#![no_main]
//! Fuzz target: `apigwv2::unversioned::fuzz::decode_response` must never panic, whatever the bytes.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    apigwv2::unversioned::fuzz::decode_response(data);
});
