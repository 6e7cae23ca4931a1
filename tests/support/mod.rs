//! Loopback stand-ins for the services the helper calls, a SigV4 verifier written from the
//! published algorithm (it does not use aws-sigv4), a test CA, a CONNECT proxy, and a
//! runner for the real binary.
#![allow(dead_code)]

pub mod http;
pub mod proxy;
pub mod replay;
pub mod run;
pub mod sigv4;
pub mod standin;
pub mod tls;
