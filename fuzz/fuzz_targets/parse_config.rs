#![no_main]
//! Fuzz target: `apigwv2::unversioned::fuzz::parse_config` (the AWS config file parser, the XML
//! reader and the STS answer reader) must never panic, whatever the bytes.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    apigwv2::unversioned::fuzz::parse_config(data);
});
