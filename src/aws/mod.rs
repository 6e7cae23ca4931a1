//! The wire: one signed, retried call to an AWS service (or to IMDS or the container
//! endpoint) with its own error, the endpoint and partition tables, SigV4, the retry rules,
//! the one HTTP client, and the credentials value that signing needs. Imports only `local`.
//! A call is made one way, [`Call`]; the HTTP client, SigV4 and the retry rules are private,
//! and what callers need of them is re-exported here.

pub mod answer;
pub mod call;
mod client;
pub mod credentials;
pub mod endpoint;
mod http;
mod http_error;
mod message;
pub mod partition;
mod pem;
mod proxy;
pub mod request;
mod retry;
mod roots;
mod sign;
mod target;
mod tls;
pub mod xml;

pub use crate::local::url::loggable_url;
pub use client::Client;
pub use credentials::Credentials;
pub use http::Http;
pub use http_error::HttpError;
pub use message::{Request, Response, Timeouts};
pub use request::Call;
pub use retry::{Policy, TOTAL_BUDGET};
pub use target::{Target, form_encode, percent_encode, target};
