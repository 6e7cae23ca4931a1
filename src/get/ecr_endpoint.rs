//! ECR's and ECR Public's endpoint rules: which `GetAuthorizationToken` URL a registry host
//! calls. The host chooses FIPS and dual-stack by itself; the settings can turn them on.

use crate::aws::endpoint::{
    Endpoint, Partition, Service, configured_url, use_dual_stack, use_fips,
};
use crate::get::registry::{ECR_PUBLIC_REGION, PrivateRegistry, Registry};
use crate::local::settings::Config;

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
    use crate::get::registry;
    use crate::local::config::ProfileSet;
    use crate::local::env::Env;
    use crate::local::settings::Settings;

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
    }
}
