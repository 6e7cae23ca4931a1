//! Bazel's side of a credential helper's answer, written from the credential-helper
//! specification's response schema (an object; `headers` an object of arrays of strings;
//! `expires` an RFC 3339 date-time; other members allowed) and from how Bazel reads `expires`
//! (`yyyy-MM-dd'T'HH:mm:ssXXX`: whole seconds, `Z` or `±HH:MM`), not from our encoder.

use serde_json::Value;

/// A decoded answer: the headers, and `expires` as a time.
#[derive(Debug)]
pub struct Answer {
    pub headers: Vec<(String, Vec<String>)>,
    pub expires: Option<time::OffsetDateTime>,
}

/// Decodes `stdout` as Bazel would, or says why Bazel would reject it.
pub fn decode(stdout: &str) -> Result<Answer, String> {
    let v: Value = serde_json::from_str(stdout).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(members) = v else {
        return Err("not a JSON object".into());
    };
    let mut headers = Vec::new();
    match members.get("headers") {
        None => {}
        Some(Value::Object(h)) => {
            for (name, values) in h {
                let Value::Array(values) = values else {
                    return Err(format!("header {name} is not an array"));
                };
                let values = values
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<Vec<_>>>()
                    .ok_or_else(|| format!("header {name} has a value that is not a string"))?;
                headers.push((name.clone(), values));
            }
        }
        Some(_) => return Err("headers is not an object".into()),
    }
    let expires = match members.get("expires") {
        None => None,
        Some(Value::String(s)) => Some(bazel_time(s)?),
        Some(_) => return Err("expires is not a string".into()),
    };
    Ok(Answer { headers, expires })
}

/// `yyyy-MM-dd'T'HH:mm:ssXXX`, exactly: no fraction, an offset of `Z` or `±HH:MM`.
fn bazel_time(s: &str) -> Result<time::OffsetDateTime, String> {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && match &b[19..] {
            [b'Z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] => {
                [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
            }
            _ => false,
        };
    if !shape {
        return Err(format!("expires {s:?} is not yyyy-MM-dd'T'HH:mm:ssXXX"));
    }
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("expires {s:?}: {e}"))
}

/// The decoder rejects what Bazel rejects (a scenario test runs it).
pub fn self_check() {
    {
        assert!(
            decode(r#"{"headers":{"Authorization":["Basic x"]},"expires":"2026-07-08T12:00:00Z"}"#)
                .is_ok()
        );
        assert!(decode(r#"{"expires":"2026-07-08T12:00:00+02:00","extra":1}"#).is_ok());
        assert!(decode("{}").is_ok());
        for bad in [
            r#"{"expires":"2026-07-08T12:00:00.5Z"}"#,
            r#"{"expires":"2026-07-08 12:00:00Z"}"#,
            r#"{"expires":"2026-07-08T12:00:00"}"#,
            r#"{"expires":1}"#,
            r#"{"headers":{"A":"x"}}"#,
            r#"{"headers":{"A":[1]}}"#,
            r#"[]"#,
            "",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
