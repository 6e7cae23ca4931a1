//! The doors: what each command does with the layers below, and the credential-helper
//! protocol's shapes.

pub mod explain;
pub mod kubelet;
pub mod protocol;
