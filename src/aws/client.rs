//! The client every call of one command goes through: the HTTP agent (proxies, TLS roots) and
//! the retry policy with its deadline, made once by the prepared get and handed down.
//!
//! ```ignore
//! let client = Client::new(&env, ca_bundle, Instant::now() + TOTAL_BUDGET);
//! let answer = Call::get(Service::Sso, &url).send(&client)?;
//! ```

use crate::aws::http::Http;
use crate::aws::retry::Policy;
use crate::local::env::Env;
use std::path::PathBuf;
use std::time::Instant;

/// See the module's documentation.
pub struct Client<'a> {
    http: Http<'a>,
    policy: Policy,
}

impl<'a> Client<'a> {
    /// A client for `env` (its proxies and `AWS_MAX_ATTEMPTS`), with `ca_bundle` as its TLS
    /// roots when one is given, whose calls all end by `deadline`.
    pub fn new(env: &'a Env, ca_bundle: Option<PathBuf>, deadline: Instant) -> Client<'a> {
        Client {
            http: Http::new(env, ca_bundle),
            policy: Policy::from_env(env, deadline),
        }
    }

    /// The agent, for a caller that sends by rules of its own (IMDS).
    pub fn http(&self) -> &Http<'a> {
        &self.http
    }

    pub(super) fn policy(&self) -> Policy {
        self.policy
    }

    /// When every call of this command must have ended.
    pub fn deadline(&self) -> Instant {
        self.policy.deadline
    }
}
