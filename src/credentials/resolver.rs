//! What every source is handed to do its I/O: the environment and files, the HTTP client,
//! the region for STS and Sign-In, and the time budget. Imports nothing else of `credentials`,
//! so that a source calling STS sits one floor above it, not above the whole trait.

use crate::aws::Client;
use crate::aws::call::{CallError, CallErrorKind};
use crate::aws::endpoint::{Region, Service};
use crate::local::env::Env;
use crate::local::settings::Config;
use std::time::Instant;

/// What everything past the plan needs: the environment and files, the HTTP client, the
/// region for STS, and the time budget.
pub struct Resolver<'a> {
    /// The environment, the files and the selected profile.
    pub config: Config<'a>,
    /// The one client of this command: the agent, the retry policy and the deadline.
    pub client: &'a Client<'a>,
    /// The region for STS and Sign-In: `AWS_REGION`, `AWS_DEFAULT_REGION`, the selected
    /// profile's `region`, else the registry's region (which the Go helper forces). Checked
    /// by the sources that call them, and only there.
    pub region: Region,
}

impl<'a> Resolver<'a> {
    pub fn env(&self) -> &'a Env {
        self.config.env
    }

    /// The region, if it can go into `service`'s host name; no request is made otherwise.
    pub fn region_for(&self, service: Service) -> Result<&str, CallError> {
        self.region
            .checked()
            .map_err(|bad| CallError::new(service, CallErrorKind::BadRegion(bad)))
    }

    /// When every call of this command must have ended.
    pub fn deadline(&self) -> Instant {
        self.client.deadline()
    }
}
