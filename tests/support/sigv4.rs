//! A SigV4 verifier written from the published algorithm ("Create a signed AWS API
//! request"), with ring's HMAC and SHA-256. It shares no code with aws-sigv4.

use super::http::HttpRequest;
use ring::{digest, hmac};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key: String,
    pub region: String,
    pub service: String,
    pub session_token: Option<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data)
        .as_ref()
        .to_vec()
}

/// RFC 3986 unreserved characters stay, everything else is %XX (upper case).
fn uri_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k), false),
                uri_encode(&percent_decode(v), false),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Checks the `Authorization` header of `req` against the secret of its access key.
/// `now` is the verifier's clock in unix seconds: the signature must be within 15 minutes.
pub fn verify(
    req: &HttpRequest,
    secrets: &HashMap<String, String>,
    now: i64,
) -> Result<Verified, String> {
    let auth = req
        .header("authorization")
        .ok_or("no Authorization header")?;
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("not AWS4-HMAC-SHA256")?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or("bad Authorization part")?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed_headers = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(format!("unknown Authorization part {k}")),
        }
    }
    let credential = credential.ok_or("no Credential")?;
    let signed_headers = signed_headers.ok_or("no SignedHeaders")?;
    let signature = signature.ok_or("no Signature")?;
    let scope_parts: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, terminator] = scope_parts[..] else {
        return Err(format!("bad credential scope {credential}"));
    };
    if terminator != "aws4_request" {
        return Err("scope does not end in aws4_request".into());
    }
    let amz_date = req.header("x-amz-date").ok_or("no X-Amz-Date")?;
    if !amz_date.starts_with(date) {
        return Err("X-Amz-Date and the scope date differ".into());
    }
    let when = time::PrimitiveDateTime::parse(
        amz_date,
        time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map_err(|_| "bad X-Amz-Date")?
    .assume_utc()
    .unix_timestamp();
    if (when - now).abs() > 15 * 60 {
        return Err("signature time is more than 15 minutes off".into());
    }
    let names: Vec<&str> = signed_headers.split(';').collect();
    for required in ["host", "x-amz-date"] {
        if !names.contains(&required) {
            return Err(format!("{required} is not signed"));
        }
    }
    let token = req.header("x-amz-security-token").map(str::to_string);
    if token.is_some() && !names.contains(&"x-amz-security-token") {
        return Err("x-amz-security-token is sent but not signed".into());
    }
    let mut sorted = names.clone();
    sorted.sort();
    if sorted != names {
        return Err("SignedHeaders are not sorted".into());
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        if values.is_empty() {
            return Err(format!("signed header {name} was not sent"));
        }
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        req.method,
        uri_encode(&percent_decode(req.path()), true),
        canonical_query(req.query()),
        canonical_headers,
        signed_headers,
        sha256_hex(&req.body)
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let secret = secrets
        .get(access_key)
        .ok_or_else(|| format!("unknown access key {access_key}"))?;
    let mut key = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    let expected = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    if expected != signature {
        return Err("signature does not match".into());
    }
    Ok(Verified {
        access_key: access_key.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        session_token: token,
    })
}

/// The AWS documentation's worked example ("GET https://iam.amazonaws.com/?Action=ListUsers
/// &Version=2010-05-08"), so that the verifier itself is checked against published figures.
pub fn self_check() {
    let req = HttpRequest {
        method: "GET".into(),
        target: "/?Action=ListUsers&Version=2010-05-08".into(),
        headers: vec![
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded; charset=utf-8".into(),
            ),
            ("Host".into(), "iam.amazonaws.com".into()),
            ("X-Amz-Date".into(), "20150830T123600Z".into()),
            (
                "Authorization".into(),
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7".into(),
            ),
        ],
        body: vec![],
    };
    let secrets = HashMap::from([(
        "AKIDEXAMPLE".to_string(),
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string(),
    )]);
    let v = verify(&req, &secrets, 1440938160).expect("the published example verifies");
    assert_eq!(
        (v.region.as_str(), v.service.as_str()),
        ("us-east-1", "iam")
    );
    let mut bad = req.clone();
    bad.target = "/?Action=ListUsers&Version=2010-05-09".into();
    assert!(verify(&bad, &secrets, 1440938160).is_err());
}
