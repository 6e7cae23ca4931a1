//! What every source is handed to do its I/O: the environment and files, the HTTP client,
//! the region for STS and Sign-In, and the time budget. Imports nothing else of `credentials`,
//! so that a source calling STS sits one floor above it, not above the whole trait.

use crate::aws::Http;
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
    pub http: &'a Http<'a>,
    /// The region for STS and Sign-In: `AWS_REGION`, `AWS_DEFAULT_REGION`, the selected
    /// profile's `region`, else the registry's region (which the Go helper forces). Checked
    /// by the sources that call them, and only there.
    pub region: Region,
    pub deadline: Instant,
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

    pub fn policy(&self) -> crate::aws::Policy {
        crate::aws::Policy::from_env(self.config.env, self.deadline)
    }
}
