//! The one error type of a `get`. Each message says what happened and what to do, and none
//! carries a secret.

use crate::config::ConfigError;
use crate::credentials::error::CredentialsError;
use crate::http::HttpError;
use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// stdin could not be read, or is not a registry host at all.
    Input(String),
    /// The host is not an ECR or ECR Public registry.
    NotEcr {
        host: String,
    },
    Config(ConfigError),
    Credentials(CredentialsError),
    /// The request never got an HTTP answer.
    Http {
        service: &'static str,
        error: HttpError,
    },
    /// AWS answered with an error.
    Api {
        service: &'static str,
        status: u16,
        code: String,
        message: String,
    },
    /// AWS answered 200 with something unusable.
    BadResponse {
        service: &'static str,
        detail: String,
    },
    Signing(String),
    /// `get-login-password` with no host needs a region to find the default registry in.
    NoRegion,
    /// The configured region cannot go into a host name.
    InvalidRegion {
        region: String,
    },
    /// A failure while one half of the environment's key pair was set and ignored.
    HalfKeys {
        error: Box<Error>,
        set: &'static str,
        missing: &'static str,
    },
    /// An error inside a credential provider, with the provider named (`profile `dev`
    /// (credential_process)`).
    Provider {
        provider: String,
        error: Box<Error>,
    },
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Error::Credentials(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(msg) => f.write_str(msg),
            Error::NotEcr { host } => write!(
                f,
                "{host:?} is not an Amazon ECR registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com and the other partitions' forms, or public.ecr.aws), so this helper has no credentials for it; if credHelpers in ~/.docker/config.json names it, remove it there"
            ),
            Error::Config(e) => e.fmt(f),
            Error::Credentials(e) => e.fmt(f),
            Error::Http { service, error } => write!(f, "{service}: {error}"),
            Error::Api {
                service,
                status,
                code,
                message,
            } => {
                write!(f, "{service} answered HTTP {status}")?;
                if !code.is_empty() {
                    write!(f, " {code}")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                if let Some(hint) = api_hint(code, *status) {
                    write!(f, "; {hint}")?;
                }
                Ok(())
            }
            Error::BadResponse { service, detail } => {
                write!(
                    f,
                    "{service} sent an answer this helper cannot use: {detail}"
                )
            }
            Error::Signing(detail) => write!(f, "could not sign the request: {detail}"),
            Error::NoRegion => f.write_str(
                "no registry host given and no region configured: name the registry (get-login-password 123456789012.dkr.ecr.REGION.amazonaws.com) or set AWS_REGION",
            ),
            Error::InvalidRegion { region } => write!(
                f,
                "the region {region:?} (AWS_REGION, AWS_DEFAULT_REGION or the profile's region) is not a region name (letters, digits and dashes, such as us-east-1)"
            ),
            Error::Provider { provider, error } => write!(f, "{provider}: {error}"),
            Error::HalfKeys {
                error,
                set,
                missing,
            } => write!(
                f,
                "{error} (note: {set} is set but {missing} is not, so the environment's keys were not used; set both, or unset {set})"
            ),
        }
    }
}

// Each message already includes its cause's text (one line for people), so `source()` is
// left at `None`, as the API guidelines ask of an error that shows its cause.
impl std::error::Error for Error {}

fn api_hint(code: &str, status: u16) -> Option<&'static str> {
    Some(match code {
        "AccessDeniedException" | "AccessDenied" => {
            "allow ecr:GetAuthorizationToken (ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken for ECR Public) in the IAM policy of these credentials"
        }
        "UnrecognizedClientException"
        | "InvalidClientTokenId"
        | "InvalidSignatureException"
        | "SignatureDoesNotMatch"
        | "IncompleteSignature" => {
            "the AWS credentials are wrong; check the access key, secret key and session token"
        }
        "ExpiredTokenException" | "ExpiredToken" | "RequestExpired" => {
            "the AWS credentials have expired; refresh them (aws sso login, a new session token)"
        }
        _ if code.contains("Throttl") || status == 429 => {
            "AWS is limiting the request rate; try again shortly"
        }
        _ if status >= 500 => "AWS had a server error; try again shortly",
        _ => return None,
    })
}
