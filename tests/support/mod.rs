//! Loopback stand-ins for the services the helper calls, a SigV4 verifier written from the
//! published algorithm (it does not use aws-sigv4), a DPoP proof checker (RustCrypto's p256), a test CA, a CONNECT proxy, and a
//! runner for the real binary.
#![allow(dead_code)]

pub mod bazel;
pub mod dpop;
pub mod http;
pub mod kubelet;
pub mod proxy;
pub mod replay;
pub mod run;
pub mod sigv4;
pub mod socks;
pub mod standin;
pub mod targets;
pub mod tls;

/// A line that shows in `cargo test`'s output even when the test passes: libtest captures
/// `print!` and `eprint!`, not writes to the stderr handle, and a reader of the output should
/// see how many conformance cases and scenarios ran.
pub fn report(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
