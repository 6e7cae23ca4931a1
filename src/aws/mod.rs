//! The wire: one signed, retried call to an AWS service (or to IMDS or the container
//! endpoint) with its own error, the endpoint and partition tables, SigV4, the retry rules,
//! the one HTTP client, and the credentials value that signing needs. Imports only `local`.

pub mod answer;
pub mod call;
pub mod credentials;
pub mod endpoint;
pub mod http;
pub mod partition;
pub mod retry;
pub mod sign;
pub mod xml;

pub use credentials::Credentials;
