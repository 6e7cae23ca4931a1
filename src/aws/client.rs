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
use std::time::{Duration, Instant};

/// See the module's documentation.
pub struct Client<'a> {
    http: Http<'a>,
    policy: Policy,
    /// The command's own deadline, when it has one: it bounds what the calls' budget does
    /// not (a `credential_process`).
    limit: Option<Instant>,
}

impl<'a> Client<'a> {
    /// A client for `env` (its proxies and `AWS_MAX_ATTEMPTS`), with `ca_bundle` as its TLS
    /// roots when one is given, whose calls all end by `deadline`.
    pub fn new(env: &'a Env, ca_bundle: Option<PathBuf>, deadline: Instant) -> Client<'a> {
        Client {
            http: Http::new(env, ca_bundle),
            policy: Policy::from_env(env, deadline),
            limit: None,
        }
    }

    /// The same client within the command's own deadline, if it has one: every call ends by
    /// then, and so does whatever asks [`Client::within_limit`].
    pub fn limited(mut self, limit: Option<Instant>) -> Client<'a> {
        if let Some(limit) = limit {
            self.policy.deadline = self.policy.deadline.min(limit);
            self.limit = Some(limit);
        }
        self
    }

    /// The command's own deadline, if it has one.
    pub fn limit(&self) -> Option<Instant> {
        self.limit
    }

    /// `wait`, shortened to what is left before the command's deadline.
    pub fn within_limit(&self, wait: Duration) -> Duration {
        match self.limit {
            Some(limit) => wait.min(limit.saturating_duration_since(Instant::now())),
            None => wait,
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
