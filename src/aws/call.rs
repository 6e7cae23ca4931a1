//! One AWS API call in the standard retry mode: build (and sign) a request per attempt,
//! send it, retry connection errors, 5xx and throttling, and turn an error answer into
//! [`CallErrorKind::Api`] with its code and message. [`CallError`] is the wire's own error:
//! every call names its [`Callee`], so no message carries a service name as a literal.

use crate::aws::endpoint::Service;
use crate::aws::http::Http;
use crate::aws::http_error::HttpError;
use crate::aws::message::{Request, Response};
use crate::aws::retry::{self, Attempt};
use crate::local::text::shown;
use serde_json::Value;
use std::fmt;

/// Whom a call goes to: an AWS API, or one of the two credential endpoints beside the
/// machine, which have no endpoint rules and are never signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    Aws(Service),
    Imds,
    Container,
    /// A registry's own token service (`https://public.ecr.aws/token`).
    Registry,
}

impl fmt::Display for Callee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Callee::Aws(s) => s.display_name(),
            Callee::Imds => "the EC2 instance metadata service",
            Callee::Container => "the container credentials endpoint",
            Callee::Registry => "the registry's token service",
        })
    }
}

impl From<Service> for Callee {
    fn from(s: Service) -> Self {
        Callee::Aws(s)
    }
}

/// A call that failed, and whom it went to.
#[derive(Debug)]
pub struct CallError {
    pub callee: Callee,
    pub kind: CallErrorKind,
}

#[derive(Debug)]
pub enum CallErrorKind {
    /// The request never got an HTTP answer.
    Http(HttpError),
    /// The service answered with an error.
    Api {
        status: u16,
        code: String,
        message: String,
    },
    /// The service answered 2xx with something unusable.
    BadResponse(String),
    /// The request could not be signed (or given its proof).
    Signing(String),
    /// The region it would go to cannot go into a host name: no request was made.
    BadRegion(crate::aws::endpoint::BadRegion),
}

impl CallError {
    pub fn http(callee: impl Into<Callee>, error: HttpError) -> Self {
        Self::new(callee, CallErrorKind::Http(error))
    }

    pub fn bad_response(callee: impl Into<Callee>, detail: impl Into<String>) -> Self {
        Self::new(callee, CallErrorKind::BadResponse(detail.into()))
    }

    pub fn signing(callee: impl Into<Callee>, detail: impl Into<String>) -> Self {
        Self::new(callee, CallErrorKind::Signing(detail.into()))
    }

    // Out of line, as the From conversions into the wider errors are: a failure path, and
    // inlined at every `?` it cost 12 KiB of the binary.
    #[inline(never)]
    pub fn new(callee: impl Into<Callee>, kind: CallErrorKind) -> Self {
        CallError {
            callee: callee.into(),
            kind,
        }
    }

    /// This error with `secret` taken out of what the server said: for a call whose answer
    /// may echo what it sent (a refresh token, a web identity token).
    pub fn without(mut self, secret: &str) -> Self {
        match &mut self.kind {
            CallErrorKind::Api { message, .. } | CallErrorKind::BadResponse(message) => {
                *message = crate::local::text::without(message, secret);
            }
            _ => {}
        }
        self
    }

    /// The HTTP status and error code of an error answer.
    pub fn api(&self) -> Option<(u16, &str)> {
        match &self.kind {
            CallErrorKind::Api { status, code, .. } => Some((*status, code)),
            _ => None,
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let callee = self.callee;
        match &self.kind {
            CallErrorKind::Http(error) => write!(f, "{callee}: {error}"),
            CallErrorKind::Api {
                status,
                code,
                message,
            } => {
                write!(f, "{callee} answered HTTP {status}")?;
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
            CallErrorKind::BadResponse(detail) => {
                write!(
                    f,
                    "{callee} sent an answer this helper cannot use: {detail}"
                )
            }
            CallErrorKind::Signing(detail) => write!(f, "could not sign the request: {detail}"),
            CallErrorKind::BadRegion(bad) => write!(f, "{callee} is not called: {bad}"),
        }
    }
}

// The message includes its cause's text, so `source()` stays `None`.
impl std::error::Error for CallError {}

/// What to do about the error codes people meet.
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

/// The error codes the standard retry mode retries besides 5xx.
const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
    "IDPCommunicationError",
];

/// The error codes that can mean our clock is off, which the SDKs answer by signing again
/// with the time of the answer's `Date` when it is more than four minutes from ours.
const SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// An HTTP `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`, the one form servers send).
fn http_date(value: &str) -> Option<std::time::SystemTime> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let t = time::PrimitiveDateTime::parse(value.trim(), format).ok()?;
    Some(t.assume_utc().into())
}

/// How an error answer carries its code and message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat {
    /// `{"__type": "…#Code", "message": "…"}` or the `x-amzn-ErrorType` header (JSON
    /// protocols, REST-JSON).
    Json,
    /// `<ErrorResponse><Error><Code>…</Code><Message>…</Message></Error></ErrorResponse>`
    /// (the query protocol: STS).
    Xml,
    /// [`Json`](ErrorFormat::Json), but an OAuth `error` member (`TOKEN_EXPIRED`) is the
    /// code when there is one: AWS Sign-In's `AccessDeniedException` says why in it.
    SignIn,
    /// The distribution spec's `{"errors": [{"code": "DENIED", "message": "…"}]}` (a
    /// registry's token service).
    Registry,
}

/// Sends the request `make` builds for each attempt, retrying as the SDKs do, and returns
/// the first 2xx answer.
pub fn call(
    http: &Http,
    policy: retry::Policy,
    callee: impl Into<Callee>,
    format: ErrorFormat,
    mut make: impl FnMut(u32) -> Result<Request, CallError>,
) -> Result<Response, CallError> {
    let callee = callee.into();
    retry::run(policy, |attempt| {
        let req = match make(attempt) {
            Ok(r) => r,
            Err(e) => return Attempt::Fail(e),
        };
        crate::local::log::debug(
            "Calling AWS",
            &[
                ("service", &callee.to_string()),
                ("url", &crate::local::url::loggable_url(&req.url)),
                ("attempt", &attempt.to_string()),
            ],
        );
        match http.send(&req, policy.deadline) {
            Err(error) if error.is_retryable() => Attempt::Retry(CallError::http(callee, error)),
            Err(error) => Attempt::Fail(CallError::http(callee, error)),
            Ok(r) if (200..300).contains(&r.status) => Attempt::Done(r),
            Ok(r) => {
                let e = api_error(callee, format, &r);
                match e.api() {
                    Some((status, code)) if status >= 500 || RETRYABLE_CODES.contains(&code) => {
                        Attempt::Retry(e)
                    }
                    // Our clock is off: sign again with the server's time, as the SDKs do.
                    Some((_, code))
                        if SKEW_CODES.contains(&code)
                            && r.header("date")
                                .and_then(http_date)
                                .is_some_and(crate::aws::sign::note_server_time) =>
                    {
                        crate::local::log::warn(
                            "This machine's clock is off by more than four minutes; signing with the server's time (set the clock right)",
                            &[("service", &callee.to_string())],
                        );
                        Attempt::Retry(e)
                    }
                    _ => Attempt::Fail(e),
                }
            }
        }
    })
}

/// An error answer as [`CallErrorKind::Api`]; the code is cut to 100 characters, the message
/// to 300, and their control characters escaped.
pub fn api_error(callee: impl Into<Callee>, format: ErrorFormat, r: &Response) -> CallError {
    let (code, message) = match format {
        ErrorFormat::Json | ErrorFormat::SignIn => {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let oauth = body
                .get("error")
                .and_then(Value::as_str)
                .filter(|e| format == ErrorFormat::SignIn && !e.is_empty());
            let raw = body
                .get("__type")
                .or_else(|| body.get("code"))
                .or_else(|| body.get("Code"))
                .and_then(Value::as_str)
                .or_else(|| r.header("x-amzn-errortype"))
                .unwrap_or("");
            let code = raw.rsplit('#').next().unwrap_or("");
            let code = oauth
                .unwrap_or_else(|| code.split(':').next().unwrap_or(""))
                .to_string();
            let message = body
                .get("message")
                .or_else(|| body.get("Message"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            (code, message)
        }
        ErrorFormat::Registry => {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
            let first = body.get("errors").and_then(|e| e.get(0));
            let text = |k: &str| {
                first
                    .and_then(|e| e.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            (text("code"), text("message"))
        }
        ErrorFormat::Xml => {
            let text = String::from_utf8_lossy(&r.body);
            (
                crate::aws::xml::text_cut(&text, "Code", 100).unwrap_or_default(),
                crate::aws::xml::text_cut(&text, "Message", 300).unwrap_or_default(),
            )
        }
    };
    // A server's text is shown on a terminal and in the log: bounded and escaped here, once.
    CallError::new(
        callee,
        CallErrorKind::Api {
            status: r.status,
            code: shown(&code, 100),
            message: shown(&message, 300),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: Vec<(String, String)>, body: &str) -> Response {
        Response {
            status,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn json_error_codes() {
        let r = resp(
            400,
            vec![],
            r#"{"__type":"com.amazonaws.ecr#ThrottlingException","message":"slow down"}"#,
        );
        let CallErrorKind::Api { code, message, .. } =
            api_error(Service::Ecr, ErrorFormat::Json, &r).kind
        else {
            panic!()
        };
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("ThrottlingException", "slow down")
        );
        let r = resp(
            403,
            vec![(
                "X-Amzn-ErrorType".into(),
                "AccessDeniedException:http://x".into(),
            )],
            "",
        );
        let CallErrorKind::Api { code, .. } = api_error(Service::Ecr, ErrorFormat::Json, &r).kind
        else {
            panic!()
        };
        assert_eq!(code, "AccessDeniedException");
    }

    #[test]
    fn http_dates() {
        let t = http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(secs, 784_111_777);
        assert_eq!(http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
    }

    #[test]
    fn xml_error_codes() {
        let r = resp(
            403,
            vec![],
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &lt;allowed&gt;</Message></Error><RequestId>x</RequestId></ErrorResponse>",
        );
        let CallErrorKind::Api { code, message, .. } =
            api_error(Service::Sts, ErrorFormat::Xml, &r).kind
        else {
            panic!()
        };
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("AccessDenied", "not <allowed>")
        );
    }
}
