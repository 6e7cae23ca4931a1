//! The wire: one signed, retried call to an AWS service (or to IMDS or the container
//! endpoint) with its own error, the endpoint and partition tables, SigV4, the retry rules,
//! the one HTTP client, and the credentials value that signing needs. Imports only `local`.
//! A call is made one way, [`Call`]; the HTTP client, SigV4 and the retry rules are private,
//! and what callers need of them is re-exported here.

pub mod answer;
pub mod call;
pub mod credentials;
pub mod endpoint;
mod http;
pub mod partition;
pub mod request;
mod retry;
mod sign;
pub mod xml;

pub use credentials::Credentials;
pub use http::{
    Http, HttpError, Request, Response, Timeouts, form_encode, loggable_url, percent_encode, target,
};
pub use request::Call;
pub use retry::{Policy, TOTAL_BUDGET};
