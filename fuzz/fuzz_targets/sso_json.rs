//! SSO's answers: GetRoleCredentials and the token refresh (CreateToken), at any time.
#![no_main]
use docker_credential_ecr_login::credentials::sources::sso;
use libfuzzer_sys::fuzz_target;
use time::OffsetDateTime;

fuzz_target!(|data: &[u8]| {
    let _ = sso::parse(data);
    // The first eight bytes pick the clock, from the calendar's start to its end.
    let (clock, body) = data.split_at(data.len().min(8));
    let mut secs = [0u8; 8];
    secs[..clock.len()].copy_from_slice(clock);
    let now = OffsetDateTime::from_unix_timestamp(i64::from_le_bytes(secs) % 253_402_300_799)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    let _ = sso::parse_token(body, now);
});
