//! cache.json: any bytes parse or are refused; what parses renders and parses back the same.
#![no_main]
use docker_credential_ecr_login::cache;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = cache::parse(data) {
        let text = cache::render(&entries);
        let again = cache::parse(text.as_bytes()).expect("what we write parses");
        assert_eq!(again, entries);
    }
});
