//! cache.json: any bytes parse or are refused; what parses renders and parses back the same;
//! a hit's lookup (which parses one entry) never panics, and on what we write it finds every
//! entry the full parse finds.
#![no_main]
use docker_credential_ecr_login::local::cache;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let probe = vec!["eu-west-1-key=-123456789012".to_string()];
    let _ = cache::lookup_in(data, &probe);
    if let Ok(entries) = cache::parse(data) {
        let text = cache::render(&entries);
        let again = cache::parse(text.as_bytes()).expect("what we write parses");
        assert_eq!(again, entries);
        for (key, entry) in entries.iter().take(8) {
            let found = cache::lookup_in(text.as_bytes(), std::slice::from_ref(key))
                .expect("what we write can be looked up");
            assert_eq!(found, Some((key.clone(), entry.clone())), "{key}");
        }
    }
});
