//! The kubelet's side of a `CredentialProviderResponse`, as strict as the kubelet is: it
//! decodes the plugin's stdout with Kubernetes' strict JSON decoder (an unknown or repeated
//! field rejects the answer), requires the configured `apiVersion` and kind, one of the three
//! cache key types, and a `cacheDuration` that Go's `time.ParseDuration` accepts. Written from
//! the kubelet's v1 types, not from our encoder. We are stricter in one place: `auth` and
//! each entry's `username` and `password` must be present (we always send them).

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub kind: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    #[serde(rename = "cacheKeyType")]
    pub cache_key_type: String,
    #[serde(rename = "cacheDuration")]
    pub cache_duration: Option<String>,
    #[serde(deserialize_with = "unique_keys")]
    pub auth: BTreeMap<String, Auth>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    pub username: String,
    pub password: String,
}

/// The response in `stdout`, for a provider configured with `api_version`; the cache
/// duration in seconds (`None`: absent, the provider's default applies).
pub fn decode(stdout: &str, api_version: &str) -> Result<(Response, Option<f64>), String> {
    // serde's derived structs reject a repeated field; the map below rejects a repeated key.
    let r: Response = serde_json::from_str(stdout).map_err(|e| format!("strict decode: {e}"))?;
    if r.api_version != api_version {
        return Err(format!(
            "apiVersion {:?}, want {api_version:?}",
            r.api_version
        ));
    }
    if r.kind != "CredentialProviderResponse" {
        return Err(format!("kind {:?}", r.kind));
    }
    if !["Image", "Registry", "Global"].contains(&r.cache_key_type.as_str()) {
        return Err(format!("cacheKeyType {:?}", r.cache_key_type));
    }
    let secs = match &r.cache_duration {
        Some(d) => Some(parse_go_duration(d).map_err(|e| format!("cacheDuration {d:?}: {e}"))?),
        None => None,
    };
    Ok((r, secs))
}

fn unique_keys<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Auth>, D::Error> {
    struct Unique;
    impl<'de> Visitor<'de> for Unique {
        type Value = BTreeMap<String, Auth>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of auth entries")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((k, v)) = map.next_entry::<String, Auth>()? {
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate auth key {k:?}"
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

/// Go's `time.ParseDuration`: an optional sign, then numbers (with fractions) each followed
/// by a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`); `0` alone is allowed; the total must
/// fit in an int64 of nanoseconds. Seconds.
pub fn parse_go_duration(text: &str) -> Result<f64, String> {
    let (sign, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (-1.0, &text[1..]),
        Some(b'+') => (1.0, &text[1..]),
        _ => (1.0, text),
    };
    if rest == "0" {
        return Ok(0.0);
    }
    if rest.is_empty() {
        return Err("empty".into());
    }
    let mut nanos = 0f64;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or("a number without a unit")?;
        let number = &rest[..n];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(format!("bad number {number:?}"));
        }
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => return Err(format!("unknown unit {other:?}")),
        };
        rest = &rest[u..];
        nanos += number.parse::<f64>().map_err(|e| e.to_string())? * scale;
    }
    if nanos > i64::MAX as f64 {
        return Err("out of range".into());
    }
    Ok(sign * nanos / 1e9)
}
