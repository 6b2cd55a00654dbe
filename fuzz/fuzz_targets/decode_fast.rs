#![no_main]
//! Fuzz target: whatever the fast page reader accepts, serde reads as the same value.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = apigwv2::unversioned::fuzz::fast_decode_agrees(data) {
        panic!("{e}");
    }
});
