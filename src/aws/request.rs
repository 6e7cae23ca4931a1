//! One call described as a value: where it goes, what it sends, how it is signed and how its
//! errors read. [`Call::send`] parses the URL once, then builds each attempt's request
//! (signed afresh with the service's own signing name, with the SDKs' attempt header when
//! asked, with a header made anew per attempt, such as a DPoP proof) and retries as the SDKs
//! do. Every call site in the crate is one expression:
//!
//! ```ignore
//! let answer = Call::post(Service::Sts, &url, "application/x-www-form-urlencoded", body)
//!     .errors(ErrorFormat::Xml)
//!     .signed(&credentials, &region, "sts")
//!     .send(&client)?;
//! ```

use crate::aws::call::{self, CallError, Callee, ErrorFormat};
use crate::aws::client::Client;
use crate::aws::credentials::Credentials;
use crate::aws::message::{Request, Response, Timeouts};
use crate::aws::sign;
use crate::aws::target::target;

/// How each attempt is signed: with these credentials, for this region and signing name.
struct Signer<'a> {
    credentials: &'a Credentials,
    region: &'a str,
    name: &'a str,
}

/// A header whose value is made anew for each attempt.
type PerAttempt<'a> = Box<dyn Fn() -> Result<String, CallError> + 'a>;

/// See the module's documentation.
pub struct Call<'a> {
    callee: Callee,
    method: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    format: ErrorFormat,
    signer: Option<Signer<'a>>,
    attempt_header: bool,
    per_attempt: Option<(&'static str, PerAttempt<'a>)>,
    timeouts: Timeouts,
}

impl<'a> Call<'a> {
    fn new(callee: impl Into<Callee>, method: &'static str, url: &str) -> Call<'a> {
        Call {
            callee: callee.into(),
            method,
            url: url.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            format: ErrorFormat::Json,
            signer: None,
            attempt_header: false,
            per_attempt: None,
            timeouts: Timeouts::DEFAULT,
        }
    }

    pub fn get(callee: impl Into<Callee>, url: &str) -> Call<'a> {
        Call::new(callee, "GET", url)
    }

    pub fn put(callee: impl Into<Callee>, url: &str) -> Call<'a> {
        Call::new(callee, "PUT", url)
    }

    pub fn post(
        callee: impl Into<Callee>,
        url: &str,
        content_type: &str,
        body: impl Into<Vec<u8>>,
    ) -> Call<'a> {
        let mut call = Call::new(callee, "POST", url).header("content-type", content_type);
        call.body = body.into();
        call
    }

    pub fn header(mut self, name: &str, value: &str) -> Call<'a> {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// How an error answer carries its code and message (JSON unless said).
    pub fn errors(mut self, format: ErrorFormat) -> Call<'a> {
        self.format = format;
        self
    }

    /// Signs each attempt with SigV4 for `region` and the service's signing `name`.
    pub fn signed(
        mut self,
        credentials: &'a Credentials,
        region: &'a str,
        name: &'a str,
    ) -> Call<'a> {
        self.signer = Some(Signer {
            credentials,
            region,
            name,
        });
        self
    }

    /// Sends the SDKs' `amz-sdk-request: attempt=N; max=M` with each attempt.
    pub fn attempt_header(mut self) -> Call<'a> {
        self.attempt_header = true;
        self
    }

    /// A header made anew for each attempt (a proof that carries the time).
    pub fn header_per_attempt(
        mut self,
        name: &'static str,
        value: impl Fn() -> Result<String, CallError> + 'a,
    ) -> Call<'a> {
        self.per_attempt = Some((name, Box::new(value)));
        self
    }

    pub fn timeouts(mut self, timeouts: Timeouts) -> Call<'a> {
        self.timeouts = timeouts;
        self
    }

    /// The request of one attempt, unsigned and without per-attempt headers: for a caller
    /// that sends it by its own rules (IMDS).
    pub fn request(&self) -> Result<Request, CallError> {
        let host = target(&self.url)
            .map_err(|error| CallError::http(self.callee, error))?
            .authority;
        Ok(self.build(&host))
    }

    fn build(&self, host: &str) -> Request {
        let mut headers = Vec::with_capacity(self.headers.len() + 4);
        headers.push(("host".to_string(), host.to_string()));
        headers.extend(self.headers.iter().cloned());
        Request {
            method: self.method,
            url: self.url.clone(),
            headers,
            body: self.body.clone(),
            timeouts: self.timeouts,
        }
    }

    /// Sends it through `client`, retrying as its policy allows, and returns the first 2xx
    /// answer.
    pub fn send(self, client: &Client) -> Result<Response, CallError> {
        let (http, policy) = (client.http(), client.policy());
        let host = target(&self.url)
            .map_err(|error| CallError::http(self.callee, error))?
            .authority;
        call::call(http, policy, self.callee, self.format, |attempt| {
            let mut req = self.build(&host);
            if self.attempt_header {
                let value = format!("attempt={attempt}; max={}", policy.max_attempts);
                req.headers.push(("amz-sdk-request".into(), value));
            }
            if let Some((name, value)) = &self.per_attempt {
                req.headers.push((name.to_string(), value()?));
            }
            if let Some(s) = &self.signer {
                sign::sign_request(&mut req, s.credentials, s.region, s.name, sign::now())
                    .map_err(|e| CallError::signing(self.callee, e.to_string()))?;
            }
            Ok(req)
        })
    }
}
