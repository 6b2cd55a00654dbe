#![no_main]
//! Fuzz target: `apigwv2::fuzz_entry::decode_response` must never panic, whatever the bytes.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    apigwv2::fuzz_entry::decode_response(data);
});
