//! Registry or service → URL: partitions, FIPS, dual-stack, and the standard endpoint
//! overrides (`AWS_ENDPOINT_URL*`, a profile's `endpoint_url` and `[services]` section).

use crate::config::sub_properties;
use crate::env::parse_bool;
pub use crate::partition::Partition;
use crate::registry::{PrivateRegistry, Registry};
use crate::settings::Config;

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
pub use crate::registry::ECR_PUBLIC_REGION;

fn flag(config: &Config, env_var: &str, profile_key: &str) -> bool {
    config
        .lookup(env_var, profile_key)
        .and_then(parse_bool)
        .unwrap_or(false)
}

fn use_fips(config: &Config) -> bool {
    flag(config, "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")
}

fn use_dual_stack(config: &Config) -> bool {
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

/// The `GetAuthorizationToken` endpoint for a registry. FIPS and dual-stack registry hosts
/// choose the FIPS and dual-stack API by themselves; the environment and profile can turn
/// them on for any host. A configured URL wins over both.
pub fn for_registry(registry: &Registry, config: &Config) -> Endpoint {
    let fips_setting = use_fips(config);
    let ds_setting = use_dual_stack(config);
    match registry {
        Registry::Private(p) => {
            let service = Service::Ecr;
            let url = configured_url(config, service).map(|u| (u, true));
            let (url, configured) = url.unwrap_or_else(|| {
                (
                    ecr_url(p, p.fips || fips_setting, p.dual_stack || ds_setting),
                    false,
                )
            });
            Endpoint {
                url,
                signing_region: p.region.clone(),
                service,
                configured,
            }
        }
        Registry::Public { host } => {
            let service = Service::EcrPublic;
            let dual_stack = host == "ecr-public.aws.com" || ds_setting;
            let (url, configured) = match configured_url(config, service) {
                Some(u) => (u, true),
                None => (
                    ecr_public_url(ECR_PUBLIC_REGION, fips_setting, dual_stack),
                    false,
                ),
            };
            Endpoint {
                url,
                signing_region: ECR_PUBLIC_REGION.to_string(),
                service,
                configured,
            }
        }
    }
}

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
            if service == Service::Signin {
                return Endpoint {
                    url: signin_url(region, part, fips, ds),
                    signing_region: region.to_string(),
                    service,
                    configured: false,
                };
            }
            let host = match (service, fips) {
                (Service::Sts, false) => "sts",
                (Service::Sts, true) => "sts-fips",
                (Service::Sso, false) => "portal.sso",
                (Service::Sso, true) => "portal.sso-fips",
                (Service::SsoOidc, false) => "oidc",
                (Service::SsoOidc, true) => "oidc-fips",
                (Service::Ecr, false) => "api.ecr",
                (Service::Ecr, true) => "api.ecr-fips",
                (Service::EcrPublic, false) => "api.ecr-public",
                (Service::EcrPublic, true) => "api.ecr-public-fips",
                (Service::Signin, _) => unreachable!("returned above"),
            };
            (format!("https://{host}.{region}.{suffix}"), false)
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

/// ECR's endpoint rules.
fn ecr_url(p: &PrivateRegistry, fips: bool, dual_stack: bool) -> String {
    let part = p.partition();
    let r = &p.region;
    match (fips, dual_stack) {
        (false, false) => format!("https://api.ecr.{r}.{}", part.dns_suffix),
        (false, true) if part.is_aws_or_gov() || part.id == "aws-cn" => {
            format!("https://ecr.{r}.{}", part.dual_stack_dns_suffix)
        }
        (false, true) => format!("https://api.ecr.{r}.{}", part.dual_stack_dns_suffix),
        (true, false) if part.is_aws_or_gov() => {
            format!("https://ecr-fips.{r}.{}", part.dns_suffix)
        }
        (true, false) => format!("https://api.ecr-fips.{r}.{}", part.dns_suffix),
        (true, true) if part.is_aws_or_gov() => {
            format!("https://ecr-fips.{r}.{}", part.dual_stack_dns_suffix)
        }
        (true, true) => format!("https://api.ecr-fips.{r}.{}", part.dual_stack_dns_suffix),
    }
}

/// ECR Public's endpoint rules.
fn ecr_public_url(region: &str, fips: bool, dual_stack: bool) -> String {
    let part = Partition::of_region(region);
    match (fips, dual_stack) {
        (false, false) => format!("https://api.ecr-public.{region}.{}", part.dns_suffix),
        (false, true) => format!("https://ecr-public.{region}.{}", part.dual_stack_dns_suffix),
        (true, false) => format!("https://api.ecr-public-fips.{region}.{}", part.dns_suffix),
        (true, true) => format!(
            "https://ecr-public-fips.{region}.{}",
            part.dual_stack_dns_suffix
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry;

    use crate::config::ProfileSet;
    use crate::env::Env;
    use crate::settings::Settings;

    fn settings(env: &[(&str, &str)]) -> Settings {
        Settings::new(Env::from_pairs(env.iter().copied()))
    }

    fn url_for(host: &str, env: &[(&str, &str)]) -> Endpoint {
        let no_files = ProfileSet::default();
        for_registry(
            &registry::parse(host).unwrap(),
            &settings(env).config(&no_files),
        )
    }

    fn private(region: &str, fips: bool, ds: bool) -> String {
        let p = PrivateRegistry {
            account_id: "123456789012".into(),
            region: region.into(),
            suffix: "amazonaws.com",
            fips,
            dual_stack: ds,
        };
        ecr_url(&p, fips, ds)
    }

    /// Cases from ECR's published endpoint rule tests.
    #[test]
    fn ecr_endpoint_rules() {
        let cases = [
            (
                "us-east-1",
                false,
                false,
                "https://api.ecr.us-east-1.amazonaws.com",
            ),
            (
                "us-east-1",
                true,
                false,
                "https://ecr-fips.us-east-1.amazonaws.com",
            ),
            ("us-east-1", false, true, "https://ecr.us-east-1.api.aws"),
            (
                "us-east-1",
                true,
                true,
                "https://ecr-fips.us-east-1.api.aws",
            ),
            (
                "cn-north-1",
                false,
                false,
                "https://api.ecr.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-north-1",
                false,
                true,
                "https://ecr.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "cn-north-1",
                true,
                false,
                "https://api.ecr-fips.cn-north-1.amazonaws.com.cn",
            ),
            (
                "cn-north-1",
                true,
                true,
                "https://api.ecr-fips.cn-north-1.api.amazonwebservices.com.cn",
            ),
            (
                "us-gov-east-1",
                false,
                false,
                "https://api.ecr.us-gov-east-1.amazonaws.com",
            ),
            (
                "us-gov-west-1",
                true,
                false,
                "https://ecr-fips.us-gov-west-1.amazonaws.com",
            ),
            (
                "us-gov-east-1",
                false,
                true,
                "https://ecr.us-gov-east-1.api.aws",
            ),
            (
                "us-gov-west-1",
                true,
                true,
                "https://ecr-fips.us-gov-west-1.api.aws",
            ),
            (
                "us-iso-east-1",
                false,
                false,
                "https://api.ecr.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-iso-east-1",
                true,
                false,
                "https://api.ecr-fips.us-iso-east-1.c2s.ic.gov",
            ),
            (
                "us-isob-east-1",
                false,
                false,
                "https://api.ecr.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "us-isob-east-1",
                true,
                false,
                "https://api.ecr-fips.us-isob-east-1.sc2s.sgov.gov",
            ),
            (
                "eu-isoe-west-1",
                false,
                false,
                "https://api.ecr.eu-isoe-west-1.cloud.adc-e.uk",
            ),
            (
                "us-isof-south-1",
                false,
                false,
                "https://api.ecr.us-isof-south-1.csp.hci.ic.gov",
            ),
            (
                "eusc-de-east-1",
                false,
                false,
                "https://api.ecr.eusc-de-east-1.amazonaws.eu",
            ),
        ];
        for (region, fips, ds, want) in cases {
            assert_eq!(
                private(region, fips, ds),
                want,
                "{region} fips={fips} ds={ds}"
            );
        }
    }

    #[test]
    fn hosts_choose_fips_and_dual_stack() {
        let e = url_for("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", &[]);
        assert_eq!(e.url, "https://ecr-fips.us-gov-west-1.amazonaws.com");
        assert_eq!(e.signing_region, "us-gov-west-1");
        let e = url_for("123456789012.dkr-ecr.eu-west-1.on.aws", &[]);
        assert_eq!(e.url, "https://ecr.eu-west-1.api.aws");
        let e = url_for("123456789012.dkr-ecr-fips.us-east-1.on.aws", &[]);
        assert_eq!(e.url, "https://ecr-fips.us-east-1.api.aws");
        let e = url_for("public.ecr.aws", &[]);
        assert_eq!(e.url, "https://api.ecr-public.us-east-1.amazonaws.com");
        assert_eq!(e.signing_region, "us-east-1");
        assert_eq!(e.service.signing_name(), "ecr-public");
        let e = url_for("ecr-public.aws.com", &[]);
        assert_eq!(e.url, "https://ecr-public.us-east-1.api.aws");
    }

    #[test]
    fn environment_flags() {
        let host = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
        let e = url_for(host, &[("AWS_USE_FIPS_ENDPOINT", "TRUE")]);
        assert_eq!(e.url, "https://ecr-fips.us-west-2.amazonaws.com");
        let e = url_for(host, &[("AWS_USE_DUALSTACK_ENDPOINT", "true")]);
        assert_eq!(e.url, "https://ecr.us-west-2.api.aws");
        let e = url_for(host, &[("AWS_USE_FIPS_ENDPOINT", "false")]);
        assert_eq!(e.url, "https://api.ecr.us-west-2.amazonaws.com");
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
        let host = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
        let e = url_for(
            host,
            &[
                ("AWS_ENDPOINT_URL", "http://global"),
                ("AWS_ENDPOINT_URL_ECR", "http://service"),
            ],
        );
        assert_eq!((e.url.as_str(), e.configured), ("http://service", true));
        assert_eq!(e.signing_region, "us-west-2");
        let e = url_for(host, &[("AWS_ENDPOINT_URL", "http://global")]);
        assert_eq!(e.url, "http://global");
        let e = url_for(
            host,
            &[
                ("AWS_ENDPOINT_URL", "http://global"),
                ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
            ],
        );
        assert_eq!(e.url, "https://api.ecr.us-west-2.amazonaws.com");
        let e = url_for(
            "public.ecr.aws",
            &[
                ("AWS_ENDPOINT_URL_ECR", "http://ecr"),
                ("AWS_ENDPOINT_URL_ECR_PUBLIC", "http://public"),
            ],
        );
        assert_eq!(e.url, "http://public");

        let mut profiles = ProfileSet::default();
        profiles
            .merge(
                "[profile p]\nservices = s\nendpoint_url = http://profile\n\
                 [services s]\necr =\n  endpoint_url = http://section\n",
                crate::config::FileKind::Config,
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
