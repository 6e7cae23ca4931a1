//! docker-credential-ecr-login as a library: the modules behind the binary, public so that
//! the conformance tests can drive the parsers and planners directly.
//!
//! Five wings, each importing only the ones below it:
//! [`commands`] > [`get`] > [`credentials`] > [`aws`] > [`local`]; [`error`] (what a command
//! reports) sits beside them and imports only downward. One `get` reads from top to bottom:
//! [`get::registry::parse`] → [`credentials::plan`] → [`local::cache`] →
//! [`credentials::resolve`] → [`get::ecr::get_authorization_token`] → [`local::cache::store`];
//! [`get::get`] strings them together.
// `unsafe` in three places only, each allowed where it is with its reason beside it:
// `local::user::effective_uid`, `local::core_dumps::turn_off` and the allocator, `local::arena`.
#![deny(unsafe_code)]

pub mod aws;
pub mod commands;
pub mod credentials;
pub mod error;
pub mod get;
pub mod local;
