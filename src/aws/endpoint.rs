//! Registry or service → URL: partitions, FIPS, dual-stack, and the standard endpoint
//! overrides (`AWS_ENDPOINT_URL*`, a profile's `endpoint_url` and `[services]` section).

pub use crate::aws::partition::Partition;
use crate::local::config::sub_properties;
use crate::local::env::parse_bool;
use crate::local::settings::Config;

/// A service this helper calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ecr,
    EcrPublic,
    Sts,
    Sso,
    SsoOidc,
    /// AWS Sign-In, which refreshes `aws login` sessions.
    Signin,
}

impl Service {
    /// Every service called; each has an `AWS_ENDPOINT_URL_<ID>` variable.
    pub const ALL: [Service; 6] = [
        Service::Ecr,
        Service::EcrPublic,
        Service::Sts,
        Service::Sso,
        Service::SsoOidc,
        Service::Signin,
    ];

    /// The `AWS_ENDPOINT_URL_<ID>` suffix: the serviceId upper-cased, spaces → `_`.
    pub fn env_id(self) -> &'static str {
        match self {
            Service::Ecr => "ECR",
            Service::EcrPublic => "ECR_PUBLIC",
            Service::Sts => "STS",
            Service::Sso => "SSO",
            Service::SsoOidc => "SSO_OIDC",
            Service::Signin => "SIGNIN",
        }
    }

    /// The `[services]` section key: the serviceId lower-cased, spaces → `_`.
    pub fn config_key(self) -> &'static str {
        match self {
            Service::Ecr => "ecr",
            Service::EcrPublic => "ecr_public",
            Service::Sts => "sts",
            Service::Sso => "sso",
            Service::SsoOidc => "sso_oidc",
            Service::Signin => "signin",
        }
    }

    /// The SigV4 signing name.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Ecr => "ecr",
            Service::EcrPublic => "ecr-public",
            Service::Sts => "sts",
            Service::Sso => "awsssoportal",
            Service::SsoOidc => "sso-oauth",
            Service::Signin => "signin",
        }
    }

    /// The name people know it by, for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Service::Ecr => "ECR",
            Service::EcrPublic => "ECR Public",
            Service::Sts => "STS",
            Service::Sso => "SSO",
            Service::SsoOidc => "SSO OIDC",
            Service::Signin => "AWS Sign-In",
        }
    }
}

/// Where to send a request and how to sign it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub signing_region: String,
    pub service: Service,
    /// `true` when the URL came from `AWS_ENDPOINT_URL*` or the config file.
    pub configured: bool,
}

/// ECR Public has one API region.
fn flag(config: &Config, env_var: &str, profile_key: &str) -> bool {
    config
        .lookup(env_var, profile_key)
        .and_then(parse_bool)
        .unwrap_or(false)
}

pub fn use_fips(config: &Config) -> bool {
    flag(config, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
}

pub fn use_dual_stack(config: &Config) -> bool {
    flag(
        config,
        "AWS_USE_DUALSTACK_ENDPOINT",
        "use_dualstack_endpoint",
    )
}

/// A configured endpoint URL for `service`, in the SDKs' order: service env, global env, the
/// profile's `[services]` section, the profile's `endpoint_url`.
pub fn configured_url(config: &Config, service: Service) -> Option<String> {
    if flag(
        config,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
        "ignore_configured_endpoint_urls",
    ) {
        return None;
    }
    let service_var = format!("AWS_ENDPOINT_URL_{}", service.env_id());
    if let Some(v) = config
        .env
        .get(&service_var)
        .or_else(|| config.env.get("AWS_ENDPOINT_URL"))
    {
        return Some(v.to_string());
    }
    if let Some(name) = config.profile_value("services") {
        let from_section = config
            .files
            .services
            .get(name)
            .and_then(|s| s.get(service.config_key()))
            .map(|v| sub_properties(v))
            .and_then(|p| p.get("endpoint_url").cloned())
            .filter(|v| !v.is_empty());
        if from_section.is_some() {
            return from_section;
        }
    }
    config.profile_value("endpoint_url").map(str::to_string)
}

/// Where a region came from, so that a bad one is blamed on what set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionOrigin {
    /// `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's `region`.
    Configured,
    /// The registry host the request named.
    Host(String),
}

/// A region to call a service in, checked only where it goes into a host name: a bad
/// `AWS_REGION` must not refuse a get that never calls STS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub name: String,
    pub origin: RegionOrigin,
}

impl Region {
    pub fn new(name: impl Into<String>, origin: RegionOrigin) -> Region {
        Region {
            name: name.into(),
            origin,
        }
    }

    /// The name, if it can go into a host name.
    pub fn checked(&self) -> Result<&str, BadRegion> {
        match valid_region(&self.name) {
            true => Ok(&self.name),
            false => Err(BadRegion(self.clone())),
        }
    }
}

/// A region that cannot go into a host name, and what set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRegion(pub Region);

impl std::fmt::Display for BadRegion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Region { name, origin } = &self.0;
        match origin {
            RegionOrigin::Configured => write!(
                f,
                "the region {name:?} is not a region name (letters, digits and dashes, such as us-east-1); fix AWS_REGION, AWS_DEFAULT_REGION or the profile's region"
            ),
            RegionOrigin::Host(host) => write!(
                f,
                "the registry host {host:?} names the region {name:?}, which is not a region name (letters, digits and dashes, such as us-east-1); check the host you pull from (ACCOUNT.dkr.ecr.REGION.amazonaws.com)"
            ),
        }
    }
}

impl std::error::Error for BadRegion {}

/// A region name goes into a host name: one DNS label of letters, digits and dashes. Anything
/// else (`evil.example/x?`) would send a request, and a bearer token, somewhere else.
pub fn valid_region(region: &str) -> bool {
    (1..=63).contains(&region.len())
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
}

/// The endpoint of STS, SSO or SSO OIDC in `region`: a configured URL, else the regional
/// endpoint with the FIPS and dual-stack settings of the environment and profile.
pub fn for_service(service: Service, region: &str, config: &Config) -> Endpoint {
    let (url, configured) = match configured_url(config, service) {
        Some(u) => (u, true),
        None => {
            let part = Partition::of_region(region);
            let (fips, ds) = (use_fips(config), use_dual_stack(config));
            let suffix = if ds {
                part.dual_stack_dns_suffix
            } else {
                part.dns_suffix
            };
            let regional = |host: &str| format!("https://{host}.{region}.{suffix}");
            let url = match (service, fips) {
                (Service::Signin, _) => signin_url(region, part, fips, ds),
                (Service::Sts, false) => regional("sts"),
                (Service::Sts, true) => regional("sts-fips"),
                (Service::Sso, false) => regional("portal.sso"),
                (Service::Sso, true) => regional("portal.sso-fips"),
                (Service::SsoOidc, false) => regional("oidc"),
                (Service::SsoOidc, true) => regional("oidc-fips"),
                (Service::Ecr, false) => regional("api.ecr"),
                (Service::Ecr, true) => regional("api.ecr-fips"),
                (Service::EcrPublic, false) => regional("api.ecr-public"),
                (Service::EcrPublic, true) => regional("api.ecr-public-fips"),
            };
            (url, false)
        }
    };
    Endpoint {
        url,
        signing_region: region.to_string(),
        service,
        configured,
    }
}

/// AWS Sign-In's endpoint rules (the Go SDK's signin v1.0.6 model): the three commercial
/// partitions have hosts of their own; FIPS and dual-stack follow the common pattern.
fn signin_url(region: &str, part: &Partition, fips: bool, dual_stack: bool) -> String {
    let suffix = match dual_stack {
        true => part.dual_stack_dns_suffix,
        false => part.dns_suffix,
    };
    match (fips, dual_stack, part.id) {
        (false, false, "aws") => format!("https://{region}.signin.aws.amazon.com"),
        (false, false, "aws-cn") => format!("https://{region}.signin.amazonaws.cn"),
        (false, false, "aws-us-gov") => format!("https://{region}.signin.amazonaws-us-gov.com"),
        (false, _, _) => format!("https://signin.{region}.{suffix}"),
        (true, _, _) => format!("https://signin-fips.{region}.{suffix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::local::config::ProfileSet;
    use crate::local::env::Env;
    use crate::local::settings::Settings;

    fn settings(env: &[(&str, &str)]) -> Settings {
        Settings::new(Env::from_pairs(env.iter().copied()))
    }

    #[test]
    fn credential_service_endpoints() {
        let no_files = ProfileSet::default();
        let plain = settings(&[]);
        let plain = plain.config(&no_files);
        let url = |svc, region, c: &Config| for_service(svc, region, c).url;
        assert_eq!(
            url(Service::Sts, "eu-west-1", &plain),
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            url(Service::Sts, "cn-north-1", &plain),
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            url(Service::Sso, "us-east-2", &plain),
            "https://portal.sso.us-east-2.amazonaws.com"
        );
        assert_eq!(
            url(Service::SsoOidc, "us-east-2", &plain),
            "https://oidc.us-east-2.amazonaws.com"
        );
        let both = settings(&[
            ("AWS_USE_FIPS_ENDPOINT", "true"),
            ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
        ]);
        let both = both.config(&no_files);
        assert_eq!(
            url(Service::Sts, "us-east-1", &both),
            "https://sts-fips.us-east-1.api.aws"
        );
        assert_eq!(
            url(Service::Sso, "us-east-2", &both),
            "https://portal.sso-fips.us-east-2.api.aws"
        );
        let over = settings(&[
            ("AWS_ENDPOINT_URL", "http://global"),
            ("AWS_ENDPOINT_URL_STS", "http://sts"),
        ]);
        let over = over.config(&no_files);
        assert_eq!(url(Service::Sts, "us-east-1", &over), "http://sts");
        assert_eq!(url(Service::Sso, "us-east-1", &over), "http://global");
        // AWS Sign-In: the global URL applies to it too (the Go SDK ignores it there).
        assert_eq!(url(Service::Signin, "us-east-1", &over), "http://global");
        let signin = settings(&[("AWS_ENDPOINT_URL_SIGNIN", "http://signin/base/")]);
        let signin = signin.config(&no_files);
        assert_eq!(
            url(Service::Signin, "eu-west-1", &signin),
            "http://signin/base/"
        );
    }

    #[test]
    fn signin_endpoints_per_partition() {
        let no_files = ProfileSet::default();
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (&[], "us-east-1", "https://us-east-1.signin.aws.amazon.com"),
            (&[], "cn-north-1", "https://cn-north-1.signin.amazonaws.cn"),
            (
                &[],
                "us-gov-west-1",
                "https://us-gov-west-1.signin.amazonaws-us-gov.com",
            ),
            (
                &[],
                "us-iso-east-1",
                "https://signin.us-iso-east-1.c2s.ic.gov",
            ),
            (
                &[],
                "eusc-de-east-1",
                "https://signin.eusc-de-east-1.amazonaws.eu",
            ),
            (
                &[("AWS_USE_FIPS_ENDPOINT", "true")],
                "us-east-1",
                "https://signin-fips.us-east-1.amazonaws.com",
            ),
            (
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "eu-west-1",
                "https://signin.eu-west-1.api.aws",
            ),
            (
                &[("AWS_USE_DUALSTACK_ENDPOINT", "true")],
                "cn-north-1",
                "https://signin.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                &[
                    ("AWS_USE_FIPS_ENDPOINT", "true"),
                    ("AWS_USE_DUALSTACK_ENDPOINT", "true"),
                ],
                "us-east-1",
                "https://signin-fips.us-east-1.api.aws",
            ),
        ];
        for (vars, region, want) in cases {
            let s = settings(vars);
            let e = for_service(Service::Signin, region, &s.config(&no_files));
            assert_eq!(e.url, *want, "{vars:?} {region}");
            assert!(!e.configured);
        }
    }

    #[test]
    fn configured_urls_in_precedence_order() {
        let mut profiles = ProfileSet::default();
        profiles
            .merge(
                "[profile p]\nservices = s\nendpoint_url = http://profile\n\
                 [services s]\necr =\n  endpoint_url = http://section\n",
                crate::local::config::FileKind::Config,
            )
            .unwrap();
        let p = settings(&[("AWS_PROFILE", "p")]);
        let config = p.config(&profiles);
        assert_eq!(
            configured_url(&config, Service::Ecr).as_deref(),
            Some("http://section")
        );
        assert_eq!(
            configured_url(&config, Service::EcrPublic).as_deref(),
            Some("http://profile")
        );
        let p = settings(&[("AWS_PROFILE", "p"), ("AWS_ENDPOINT_URL", "http://env")]);
        assert_eq!(
            configured_url(&p.config(&profiles), Service::Ecr).as_deref(),
            Some("http://env")
        );
    }
}
