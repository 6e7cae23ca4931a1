//! One AWS API call in the standard retry mode: build (and sign) a request per attempt,
//! send it, retry connection errors, 5xx and throttling, and turn an error answer into
//! [`Error::Api`] with its code and message.

use crate::error::Error;
use crate::http::{Http, Request, Response};
use crate::retry::{self, Attempt};
use serde_json::Value;

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
}

/// Sends the request `make` builds for each attempt, retrying as the SDKs do, and returns
/// the first 2xx answer.
pub fn call(
    http: &Http,
    policy: retry::Policy,
    service: &'static str,
    format: ErrorFormat,
    mut make: impl FnMut(u32) -> Result<Request, Error>,
) -> Result<Response, Error> {
    retry::run(policy, |attempt| {
        let req = match make(attempt) {
            Ok(r) => r,
            Err(e) => return Attempt::Fail(e),
        };
        crate::log::debug(
            "Calling AWS",
            &[
                ("service", service),
                ("url", &req.url),
                ("attempt", &attempt.to_string()),
            ],
        );
        match http.send(&req, policy.deadline) {
            Err(error) if error.is_retryable() => Attempt::Retry(Error::Http { service, error }),
            Err(error) => Attempt::Fail(Error::Http { service, error }),
            Ok(r) if (200..300).contains(&r.status) => Attempt::Done(r),
            Ok(r) => {
                let e = api_error(service, format, &r);
                match &e {
                    Error::Api { status, code, .. }
                        if *status >= 500 || RETRYABLE_CODES.contains(&code.as_str()) =>
                    {
                        Attempt::Retry(e)
                    }
                    _ => Attempt::Fail(e),
                }
            }
        }
    })
}

/// An error answer as [`Error::Api`]; the message is cut to 300 characters.
pub fn api_error(service: &'static str, format: ErrorFormat, r: &Response) -> Error {
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
        ErrorFormat::Xml => {
            let text = String::from_utf8_lossy(&r.body);
            (
                crate::xml::text(&text, "Code").unwrap_or_default(),
                crate::xml::text(&text, "Message").unwrap_or_default(),
            )
        }
    };
    Error::Api {
        service,
        status: r.status,
        code,
        message: message.chars().take(300).collect(),
    }
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
        let Error::Api { code, message, .. } = api_error("ECR", ErrorFormat::Json, &r) else {
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
        let Error::Api { code, .. } = api_error("ECR", ErrorFormat::Json, &r) else {
            panic!()
        };
        assert_eq!(code, "AccessDeniedException");
    }

    #[test]
    fn xml_error_codes() {
        let r = resp(
            403,
            vec![],
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not &lt;allowed&gt;</Message></Error><RequestId>x</RequestId></ErrorResponse>",
        );
        let Error::Api { code, message, .. } = api_error("STS", ErrorFormat::Xml, &r) else {
            panic!()
        };
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("AccessDenied", "not <allowed>")
        );
    }
}
