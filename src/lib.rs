//! docker-credential-ecr-login as a library: the modules behind the binary, public so that
//! the conformance tests can drive the parsers and planners directly.
//!
//! One `get` reads from top to bottom: [`registry::parse`] → [`credentials::plan`] →
//! [`cache`] → [`credentials::resolve`] → [`ecr::get_authorization_token`] → [`cache::store`];
//! [`get::get`] strings them together.
#![forbid(unsafe_code)]

pub mod aws_call;
pub mod cache;
pub mod config;
pub mod credentials;
pub mod ecr;
pub mod ecr_endpoint;
pub mod endpoint;
pub mod env;
pub mod error;
pub mod explain;
pub mod files;
pub mod get;
pub mod http;
pub mod kubelet;
pub mod log;
pub mod partition;
pub mod prepare;
pub mod protocol;
pub mod registry;
pub mod retry;
pub mod settings;
pub mod sign;
pub mod xml;
