//! Bazel's credential-helper protocol: Bazel runs `<helper> get` and writes `{"uri": "…"}` on
//! stdin; the answer is `{"headers": {"Authorization": ["…"]}, "expires": "…"}`. Bazel cannot
//! pass an argument, so `get` tells its requests from docker's by the first byte of stdin: a
//! JSON object is Bazel's, a registry host is docker's. The same cache answers both.
//!
//! ```text
//! $ echo '{"uri":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/manifests/1"}' | docker-credential-ecr-login get
//! {"headers":{"Authorization":["Basic QVdTOi…"]},"expires":"2026-12-07T14:03:11Z"}
//! ```

use super::outcome::Outcome;
use super::protocol::json_string;
use crate::aws::loggable_url;
use crate::get::{self, registry, registry_token, route};
use crate::local::log::Level;
use crate::local::settings::Settings;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The whole answer, failure included, comes within this: Bazel kills a helper after 10 s
/// (`--credential_helper_timeout`) and then shows none of its stderr.
pub const BUDGET: Duration = Duration::from_secs(8);

/// Whether `input` is Bazel's request: its first byte but blanks is `{` (docker writes a
/// host, which never starts so).
pub fn is_request(input: &[u8]) -> bool {
    input.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// What is wrong with a request. Never its text in a message: a URI may carry a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestProblem {
    NotJson(String),
    NotAnObject,
    NoUri,
    UriNotAString,
    EmptyUri,
    NoHost,
}

impl std::fmt::Display for RequestProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Bazel's request on stdin ")?;
        match self {
            RequestProblem::NotJson(e) => write!(f, "is not JSON ({e})"),
            RequestProblem::NotAnObject => f.write_str("is not a JSON object"),
            RequestProblem::NoUri => f.write_str("has no \"uri\""),
            RequestProblem::UriNotAString => f.write_str("has a \"uri\" that is not a string"),
            RequestProblem::EmptyUri => f.write_str("has an empty \"uri\""),
            RequestProblem::NoHost => f.write_str("has a \"uri\" with no host"),
        }?;
        f.write_str(": Bazel sends {\"uri\": \"https://HOST/…\"}")
    }
}

/// What a request's `uri` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `host` or `host:port`, as it came.
    pub authority: String,
    /// The repository of a full URL's `/v2/REPO/…` path; `None` for a bare host, or a path
    /// that names none.
    pub repository: Option<String>,
    /// Whether the `uri` was a full URL (Bazel's downloader) rather than a bare host
    /// (rules_img's keychain).
    pub full_url: bool,
}

/// Reads a request: the `uri`'s host and repository. Other members are ignored, as the
/// specification asks.
pub fn parse(input: &[u8]) -> Result<Target, RequestProblem> {
    let v: Value =
        serde_json::from_slice(input).map_err(|e| RequestProblem::NotJson(e.to_string()))?;
    let Value::Object(members) = v else {
        return Err(RequestProblem::NotAnObject);
    };
    let uri = match members.get("uri") {
        None => return Err(RequestProblem::NoUri),
        Some(Value::String(uri)) => uri.trim(),
        Some(_) => return Err(RequestProblem::UriNotAString),
    };
    if uri.is_empty() {
        return Err(RequestProblem::EmptyUri);
    }
    let (full_url, rest) = match uri.split_once("://") {
        Some((_, rest)) => (true, rest),
        None => (false, uri),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    // Userinfo is never a host: `user:pass@host` → `host`.
    let authority = rest[..end].rsplit('@').next().unwrap_or("");
    if authority.is_empty() {
        return Err(RequestProblem::NoHost);
    }
    let path = &rest[end..];
    let path = &path[..path.find(['?', '#']).unwrap_or(path.len())];
    Ok(Target {
        authority: authority.to_string(),
        repository: full_url.then(|| repository_of(path)).flatten(),
        full_url,
    })
}

/// `/v2/REPO/manifests/REF` (or `blobs/…`, `tags/list`, `referrers/…`, `blobs/uploads/…`) →
/// `REPO`, which may hold slashes.
fn repository_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v2/")?;
    // A reference or digest has no slash: the name is what is left before the kind.
    let repo = match rest.strip_suffix("/tags/list") {
        Some(repo) => repo,
        None => {
            let (head, _reference) = rest.rsplit_once('/')?;
            ["/manifests", "/blobs/uploads", "/blobs", "/referrers"]
                .iter()
                .find_map(|kind| head.strip_suffix(kind))?
        }
    };
    let valid = !repo.is_empty()
        && repo
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b));
    valid.then(|| repo.to_string())
}

/// Answers one request read from stdin.
pub fn get(settings: Settings, input: &[u8]) -> Outcome {
    let settings = settings.with_deadline(Instant::now() + BUDGET);
    let target = match parse(input) {
        Ok(t) => t,
        Err(problem) => return Outcome::failed().reason(problem),
    };
    let host = target.authority.as_str();
    let direct = registry::parse(host);
    if direct.is_err() && !route::is_alias(&settings.env, host) {
        return Outcome::failed()
            .log(
                Level::Debug,
                "Not an ECR registry; no headers for Bazel",
                &[("registry", &loggable_url(host))],
            )
            .reason(format!(
                "{} is not an Amazon ECR registry: this helper answers Bazel only for ECR hosts (*.dkr.ecr.REGION.amazonaws.com, public.ecr.aws) and the names ~/.ecr/config maps to them; scope --credential_helper to those hosts",
                loggable_url(host)
            ));
    }
    // Bazel's own downloader sends what it is given straight to public.ecr.aws, which takes
    // only a pull token of its token service there; rules_img's bare host goes through a
    // client that makes that exchange itself, with the Basic credentials.
    let public = matches!(direct, Ok(registry::Registry::Public { .. }));
    let answer = match (public && target.full_url, &target.repository) {
        (true, None) => {
            return Outcome::failed().reason(format!(
                "{}: a request for ECR Public needs a repository in its path (/v2/REPO/manifests/…) to ask the registry for a pull token",
                loggable_url(host)
            ));
        }
        (true, Some(repository)) => registry_token::registry_token(&settings, host, repository)
            .map(|t| (format!("Bearer {}", t.token.expose()), t.refresh_at)),
        (false, _) => get::get(&settings, host).map(|t| {
            let basic = STANDARD.encode(format!("{}:{}", t.username, t.password.expose()));
            (format!("Basic {basic}"), t.refresh_at)
        }),
    };
    match answer {
        Ok((header, refresh_at)) => Outcome::done(response(&header, refresh_at)),
        Err(e) => Outcome::failed()
            .log(
                Level::Error,
                "Error answering Bazel",
                &[("registry", &loggable_url(host)), ("error", &e.to_string())],
            )
            .reason(&e)
            .process_stderr(e.process_stderr()),
    }
}

/// The answer: the header, and when to ask again (when this helper would fetch anew), in
/// whole seconds and UTC, as Bazel parses it (`yyyy-MM-dd'T'HH:mm:ssXXX`: a fraction makes
/// it reject the whole answer).
fn response(authorization: &str, expires: OffsetDateTime) -> String {
    format!(
        "{{\"headers\":{{\"Authorization\":[{}]}},\"expires\":\"{}\"}}",
        json_string(authorization),
        rfc3339_seconds(expires)
    )
}

fn rfc3339_seconds(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(uri: &str) -> Target {
        parse(format!("{{\"uri\":{}}}", json_string(uri)).as_bytes()).unwrap()
    }

    #[test]
    fn requests() {
        assert!(is_request(b" \n{\"uri\":\"x\"}"));
        assert!(!is_request(b"123456789012.dkr.ecr.us-east-1.amazonaws.com"));
        assert!(!is_request(b""));
        let t = target(
            "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/team/app/manifests/sha256:ab",
        );
        assert_eq!(t.authority, "123456789012.dkr.ecr.eu-west-1.amazonaws.com");
        assert_eq!(t.repository.as_deref(), Some("team/app"));
        assert!(t.full_url);
        let t = target("public.ecr.aws");
        assert_eq!(
            (t.authority.as_str(), t.full_url),
            ("public.ecr.aws", false)
        );
        assert_eq!(
            target("https://u:p@public.ecr.aws:8443/v2/").authority,
            "public.ecr.aws:8443"
        );
        for (path, repo) in [
            (
                "/v2/docker/library/alpine/blobs/sha256:1",
                Some("docker/library/alpine"),
            ),
            ("/v2/a/blobs/uploads/x", Some("a")),
            ("/v2/a/blobs/uploads/", Some("a")),
            ("/v2/a/blobs/b/manifests/x", Some("a/blobs/b")),
            ("/v2/a/tags/list?n=1", Some("a")),
            ("/v2/manifests/manifests/x", Some("manifests")),
            ("/v2/", None),
            ("/v2/_catalog", None),
            ("/v2/UPPER/manifests/x", None),
            ("/other/a/manifests/x", None),
        ] {
            let t = target(&format!("https://public.ecr.aws{path}"));
            assert_eq!(t.repository.as_deref(), repo, "{path}");
        }
        // Members besides uri are ignored; Gson's escapes are JSON's.
        let t = parse(br#"{"uri":"https://h/v2/a/manifests/1?x\u003d1","extra":[1]}"#).unwrap();
        assert_eq!(t.repository.as_deref(), Some("a"));
        for (input, problem) in [
            (&b"{"[..], "is not JSON"),
            (b"[]", "is not a JSON object"),
            (b"{}", "has no \"uri\""),
            (br#"{"uri":1}"#, "not a string"),
            (br#"{"uri":" "}"#, "an empty"),
            (br#"{"uri":"https:///v2/"}"#, "no host"),
        ] {
            let e = parse(input).unwrap_err().to_string();
            assert!(e.contains(problem), "{e}");
        }
    }

    #[test]
    fn expiry_in_whole_seconds() {
        let t = time::macros::datetime!(2026-07-08 14:00:00.75 +02:00);
        assert_eq!(rfc3339_seconds(t), "2026-07-08T12:00:00Z");
        let r: Value = serde_json::from_str(&response("Basic x", t)).unwrap();
        assert_eq!(r["headers"]["Authorization"][0], "Basic x");
        assert_eq!(r["expires"], "2026-07-08T12:00:00Z");
    }
}
