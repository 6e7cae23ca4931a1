//! A loopback stand-in for ECR that answers every `GetAuthorizationToken` with a token, after
//! checking its SigV4 signature (the tests' stand-in). For `scripts/bench.sh` and for trying
//! the helper by hand:
//!
//! ```sh
//! cargo run --release --example standin        # prints its URL, serves until stdin closes
//! ```

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::io::Read;
use support::standin::{Reply, StandIn};

fn main() {
    let ecr = StandIn::start(
        HashMap::from([(
            "AKIDEXAMPLE".to_string(),
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string(),
        )]),
        None,
    );
    ecr.set_fallback(Reply::Token("AWS:password-from-the-stand-in".into()));
    ecr.set_recording(false);
    println!("{}", ecr.url());
    // Serve until whoever started us closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
