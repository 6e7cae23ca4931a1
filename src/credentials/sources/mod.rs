//! One file per credential source: how each gets its credentials (the files it reads, the
//! service it calls), with the DPoP proofs of `aws login` and the credentials documents that
//! IMDS, the container endpoint and `credential_process` share.

pub mod cli_session;
pub mod container;
pub mod document;
pub mod dpop;
pub(crate) mod environment;
pub mod imds;
pub mod login;
pub mod process;
pub mod service_account;
pub mod sso;
pub mod sts;
pub mod web_identity;
