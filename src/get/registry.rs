//! Registry host → [`Registry`]: every ECR host form the Go helper accepts, matched the way
//! DNS matches names (any case, an optional trailing dot).

use crate::aws::endpoint::{Region, RegionOrigin};
use crate::local::cache::KeyScope;
use std::fmt;

/// The DNS suffixes of private ECR registry hosts, as the Go helper's pattern lists them.
const PRIVATE_SUFFIXES: &[&str] = &[
    "amazonaws.com",
    "amazonaws.com.cn",
    "amazonaws.eu",
    "on.aws",
    "on.amazonwebservices.com.cn",
    "sc2s.sgov.gov",
    "c2s.ic.gov",
    "cloud.adc-e.uk",
    "csp.hci.ic.gov",
];

/// The ECR Public hosts: IPv4-only and dual-stack.
const PUBLIC_HOSTS: &[&str] = &["public.ecr.aws", "ecr-public.aws.com"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registry {
    Private(PrivateRegistry),
    Public {
        /// `public.ecr.aws` or `ecr-public.aws.com`, lower case.
        host: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateRegistry {
    /// The 12-digit account id, which is also the registry id.
    pub account_id: String,
    /// Lower-cased region, e.g. `eu-west-1`.
    pub region: String,
    /// The host's DNS suffix, e.g. `amazonaws.com`.
    pub suffix: &'static str,
    pub fips: bool,
    pub dual_stack: bool,
}

/// ECR Public's API lives in one region.
pub const ECR_PUBLIC_REGION: &str = "us-east-1";

impl Registry {
    /// The region its API is called in: the host's, or ECR Public's.
    pub fn api_region(&self) -> &str {
        match self {
            Registry::Private(p) => &p.region,
            Registry::Public { .. } => ECR_PUBLIC_REGION,
        }
    }

    /// [`Registry::api_region`], with the host it came from for messages.
    pub fn region(&self) -> Region {
        let host = match self {
            Registry::Private(p) => p.host(),
            Registry::Public { host } => host.clone(),
        };
        Region::new(self.api_region(), RegionOrigin::Host(host))
    }

    /// What its cache keys are scoped to.
    pub fn key_scope(&self) -> KeyScope {
        match self {
            Registry::Private(p) => KeyScope::Private {
                region: p.region.clone(),
                account_id: p.account_id.clone(),
            },
            Registry::Public { .. } => KeyScope::Public,
        }
    }

    pub fn is_public(&self) -> bool {
        matches!(self, Registry::Public { .. })
    }
}

impl PrivateRegistry {
    /// Its host, in the form the host named it (`dkr-ecr` for the dual-stack suffixes).
    pub fn host(&self) -> String {
        let (dkr, fips) = match (self.dual_stack, self.fips) {
            (true, true) => ("dkr-ecr", "-fips"),
            (true, false) => ("dkr-ecr", ""),
            (false, true) => ("dkr.ecr", "-fips"),
            (false, false) => ("dkr.ecr", ""),
        };
        format!(
            "{}.{dkr}{fips}.{}.{}",
            self.account_id, self.region, self.suffix
        )
    }

    pub fn partition(&self) -> &'static crate::aws::partition::Partition {
        crate::aws::partition::Partition::of_region(&self.region)
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Registry::Public { host } => write!(f, "ECR Public ({host})"),
            Registry::Private(p) => write!(
                f,
                "ECR registry {} in {}{}{}",
                p.account_id,
                p.region,
                if p.fips { ", FIPS" } else { "" },
                if p.dual_stack { ", dual-stack" } else { "" }
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotEcr;

/// Parses what docker passes on stdin: a bare host, `host:port`, or an `https://` URL with
/// optional user info, path, query and fragment.
pub fn parse(input: &str) -> Result<Registry, NotEcr> {
    let host = host_of(input).ok_or(NotEcr)?;
    let host = host.to_ascii_lowercase();
    // DNS: `name.` and `name` are the same host.
    let host = host.strip_suffix('.').unwrap_or(&host);
    if let Some(public) = PUBLIC_HOSTS.iter().find(|h| **h == host) {
        return Ok(Registry::Public {
            host: public.to_string(),
        });
    }
    parse_private(host).map(Registry::Private).ok_or(NotEcr)
}

/// Why a host that looks like a private ECR host (`….dkr.ecr.…`) is not one, for the one
/// line a near miss gets (a typo otherwise fails in silence, as any other registry does).
/// `None` for a host that is ECR, or that looks nothing like it.
pub fn near_miss(input: &str) -> Option<String> {
    if parse(input).is_ok() {
        return None;
    }
    let host = host_of(input)?.to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    let at = host.find(".dkr.ecr").or_else(|| host.find(".dkr-ecr"))?;
    let account = &host[..at];
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("its account id {account:?} is not 12 digits"));
    }
    // After `dkr.ecr` or `dkr-ecr` (and `-fips`): `.REGION.SUFFIX`.
    let rest = host[at + 8..].trim_start_matches("-fips");
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if PRIVATE_SUFFIXES.contains(&rest) {
        return Some("it names no region (ACCOUNT.dkr.ecr.REGION.amazonaws.com)".into());
    }
    let suffix = rest.split_once('.').map_or("", |(_, s)| s);
    if !PRIVATE_SUFFIXES.contains(&suffix) {
        return Some(format!(
            "{suffix:?} is not one of ECR's domains ({})",
            PRIVATE_SUFFIXES.join(", ")
        ));
    }
    Some("it is not in ECR's form ACCOUNT.dkr.ecr.REGION.amazonaws.com".into())
}

/// `host` or `host:port` of `input` (a bare host, `host:port`, or an `https://` URL), as
/// written: the registry map's key of a host that is not ECR keeps its port.
pub fn host_port(input: &str) -> Option<&str> {
    let rest = match input.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("https://") => &input[8..],
        _ => input,
    };
    Some(authority(rest)).filter(|a| !a.is_empty())
}

/// What follows the user info, up to the path, query or fragment. User info as the
/// redaction finds it, so that `user:pa/ss@host` names `host`, never `user`.
fn authority(rest: &str) -> &str {
    let rest = match crate::local::url::userinfo_end(rest) {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    // Bytes, not a `char` pattern: this runs on every hit.
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The host part of `input`, as Go's `url.Parse("https://" + input).Hostname()` would find it,
/// or `None` where Go would fail to parse (a bad port, a control character, a `%` escape).
fn host_of(input: &str) -> Option<&str> {
    let rest = match input.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("https://") => &input[8..],
        _ => input,
    };
    let host_port = authority(rest);
    if host_port.starts_with('[') {
        return None; // an IP literal is never an ECR host
    }
    let host = match host_port.rfind(':') {
        Some(i) => {
            let port = &host_port[i + 1..];
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            &host_port[..i]
        }
        None => host_port,
    };
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b'_')
    {
        return None;
    }
    Some(host)
}

/// `^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-z0-9][a-z0-9-_]*)\.(<suffix>)$` on a lower-cased host.
fn parse_private(host: &str) -> Option<PrivateRegistry> {
    let (account_id, rest) = host.split_once('.')?;
    if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest
        .strip_prefix("dkr.ecr")
        .or_else(|| rest.strip_prefix("dkr-ecr"))?;
    let (fips, rest) = match rest.strip_prefix("-fips") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = rest.strip_prefix('.')?;
    let (region, suffix) = rest.split_once('.')?;
    let first = region.bytes().next()?;
    if !first.is_ascii_alphanumeric()
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let suffix = *PRIVATE_SUFFIXES.iter().find(|s| **s == suffix)?;
    Some(PrivateRegistry {
        account_id: account_id.to_string(),
        region: region.to_string(),
        suffix,
        fips,
        dual_stack: suffix.starts_with("on."),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private(id: &str, region: &str, fips: bool) -> (String, String, bool) {
        (id.to_string(), region.to_string(), fips)
    }

    fn summary(r: &Registry) -> (String, String, bool) {
        match r {
            Registry::Private(p) => (p.account_id.clone(), p.region.clone(), p.fips),
            Registry::Public { host } => (host.clone(), String::new(), false),
        }
    }

    #[test]
    fn near_misses_say_why() {
        let why = |h: &str| near_miss(h).unwrap_or_default();
        assert!(why("12345678901.dkr.ecr.us-east-1.amazonaws.com").contains("not 12 digits"));
        assert!(
            why("123456789012.dkr.ecr.us-east-1.amazonaws.co").contains("\"amazonaws.co\" is not")
        );
        assert!(why("123456789012.dkr.ecr.amazonaws.com").contains("no region"));
        assert!(why("123456789012.dkr-ecr-fips.us-east-1.on.aw").contains("\"on.aw\" is not"));
        assert_eq!(
            near_miss("123456789012.dkr.ecr.us-east-1.amazonaws.com"),
            None
        );
        assert_eq!(near_miss("ghcr.io"), None);
    }

    /// The 29 cases of the Go helper's `TestExtractRegistry`.
    #[test]
    fn go_extract_registry_cases() {
        let ok: &[(&str, (String, String, bool))] = &[
            (
                "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/blah/blah",
                private("123456789012", "us-east-1", false),
            ),
            (
                "123456789012.dkr.ecr.us-west-2.amazonaws.com",
                private("123456789012", "us-west-2", false),
            ),
            (
                "123456789012.dkr-ecr.us-west-2.on.aws",
                private("123456789012", "us-west-2", false),
            ),
            (
                "123456789012.dkr-ecr-fips.us-west-2.on.aws",
                private("123456789012", "us-west-2", true),
            ),
            (
                "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/foo",
                private("210987654321", "cn-north-1", false),
            ),
            (
                "210987654321.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn",
                private("210987654321", "cn-north-1", false),
            ),
            (
                "210987654321.dkr.ecr.us-iso-east-1.c2s.ic.gov",
                private("210987654321", "us-iso-east-1", false),
            ),
            (
                "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov",
                private("123456789012", "us-isob-east-1", false),
            ),
            (
                "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk",
                private("123456789012", "eu-isoe-west-1", false),
            ),
            (
                "123456789012.dkr.ecr.us-isof-east-1.csp.hci.ic.gov",
                private("123456789012", "us-isof-east-1", false),
            ),
            (
                "123456789012.dkr-ecr.us-gov-east-1.on.aws",
                private("123456789012", "us-gov-east-1", false),
            ),
            (
                "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
                private("123456789012", "us-gov-west-1", true),
            ),
            (
                "123456789012.dkr-ecr-fips.us-gov-east-1.on.aws",
                private("123456789012", "us-gov-east-1", true),
            ),
            (
                "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu",
                private("123456789012", "eusc-de-east-1", false),
            ),
        ];
        for (input, want) in ok {
            let got = parse(input).unwrap_or_else(|_| panic!("{input} should parse"));
            assert!(!got.is_public(), "{input}");
            assert_eq!(&summary(&got), want, "{input}");
        }
        let public = [
            ("https://public.ecr.aws", "public.ecr.aws"),
            ("https://ecr-public.aws.com", "ecr-public.aws.com"),
            ("public.ecr.aws", "public.ecr.aws"),
            ("ecr-public.aws.com", "ecr-public.aws.com"),
            ("https://public.ecr.aws/amazonlinux", "public.ecr.aws"),
            (
                "https://ecr-public.aws.com/amazonlinux",
                "ecr-public.aws.com",
            ),
        ];
        for (input, host) in public {
            assert_eq!(
                parse(input),
                Ok(Registry::Public {
                    host: host.to_string()
                }),
                "{input}"
            );
        }
        let bad = [
            ".dkr.ecr.not-real.amazonaws.com",
            "not.ecr.io",
            "https://123456789012.dkr.ecr.us-west-2.amazonaws.com.fake.example.com/image:latest",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com.fake.example.com",
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com.fake.example.com",
            "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn.fake.example.com.cn",
            "210987654321.dkr.ecr.cn-north-1.on.aws.com.cn",
            "https://public.ecr.aws.fake.example.com",
            "public.ecr.aws.fake.example.com",
        ];
        for input in bad {
            assert_eq!(parse(input), Err(NotEcr), "{input}");
        }
    }

    #[test]
    fn go_probe_cases_still_hold() {
        for input in [
            "http://123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "https://https://123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "//123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "ftp://123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.-us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us.east.1.amazonaws.com",
            "123456789012.dkr.ecr.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com:abc",
            "12345678901.dkr.ecr.us-east-1.amazonaws.com",
            "1234567890123.dkr.ecr.us-east-1.amazonaws.com",
            "١٢٣٤٥٦٧٨٩٠١٢.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr_ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.eu.com",
            "123456789012%2Edkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com..",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com\0",
            "http://public.ecr.aws",
            "gallery.ecr.aws",
            "api.ecr-public.us-east-1.amazonaws.com",
            "docker.io",
            "localhost:5000",
            "[::1]:5000",
            "",
        ] {
            assert_eq!(parse(input), Err(NotEcr), "{input:?}");
        }
        for (input, region) in [
            ("123456789012.dkr.ecr.us_east_1.amazonaws.com", "us_east_1"),
            ("123456789012.dkr.ecr.a.amazonaws.com", "a"),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
                "us-east-1",
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com:5000/v2/x",
                "us-east-1",
            ),
            ("123456789012.dkr.ecr.us-east-1.amazonaws.com/", "us-east-1"),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com?x=y",
                "us-east-1",
            ),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com#frag",
                "us-east-1",
            ),
            (
                "user:pass@123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "us-east-1",
            ),
            (
                "https://user:pass@123456789012.dkr.ecr.us-east-1.amazonaws.com/",
                "us-east-1",
            ),
            ("123456789012.dkr-ecr.us-east-1.amazonaws.com", "us-east-1"),
            ("123456789012.dkr.ecr.us-east-1.on.aws", "us-east-1"),
            (
                "123456789012.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn",
                "cn-north-1",
            ),
        ] {
            let Ok(Registry::Private(p)) = parse(input) else {
                panic!("{input} should parse")
            };
            assert_eq!(p.region, region, "{input}");
        }
        for input in [
            "public.ecr.aws:443",
            "https://public.ecr.aws/",
            "user@public.ecr.aws",
            "ecr-public.aws.com/foo",
        ] {
            assert!(parse(input).unwrap().is_public(), "{input}");
        }
    }

    /// Where DECISIONS.md does better than Go: DNS names match in any case, with or without
    /// the root dot, and the region is lower-cased.
    #[test]
    fn dns_rules() {
        let Ok(Registry::Private(p)) = parse("123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM") else {
            panic!()
        };
        assert_eq!(p.region, "us-east-1");
        let Ok(Registry::Private(p)) = parse("123456789012.dkr.ecr-FIPS.us-east-1.amazonaws.com.")
        else {
            panic!()
        };
        assert!(p.fips);
        assert_eq!(
            parse("PUBLIC.ECR.AWS."),
            Ok(Registry::Public {
                host: "public.ecr.aws".into()
            })
        );
        assert!(parse("HTTPS://public.ecr.aws").is_ok());
    }

    #[test]
    fn dual_stack_follows_the_domain() {
        for (input, ds) in [
            ("123456789012.dkr-ecr.us-west-2.on.aws", true),
            (
                "123456789012.dkr.ecr.cn-north-1.on.amazonwebservices.com.cn",
                true,
            ),
            ("123456789012.dkr-ecr.us-west-2.amazonaws.com", false),
        ] {
            let Ok(Registry::Private(p)) = parse(input) else {
                panic!()
            };
            assert_eq!(p.dual_stack, ds, "{input}");
        }
    }
}
