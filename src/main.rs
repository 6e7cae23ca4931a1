//! `docker-credential-ecr-login`: argv → [`commands::parse`] → [`commands::run`] → exit code.
#![forbid(unsafe_code)]

use docker_credential_ecr_login::commands;
use docker_credential_ecr_login::local::arena::Arena;
use std::io::Write;
use std::process::ExitCode;

/// A hit's allocations from a static arena (see there: a third of its instructions, and page
/// faults, were musl's allocator's).
#[global_allocator]
static ALLOCATOR: Arena = Arena::new();

/// A panic is a bug, and its message or a core file could hold a secret: report a fixed
/// line, without the payload, and exit (instead of aborting, which could write a core).
fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| {
        let _ = writeln!(
            std::io::stderr().lock(),
            "docker-credential-ecr-login: internal error (a bug; please report it with the command that ran); nothing was printed"
        );
        std::process::exit(PANIC_EXIT);
    }));
}

/// The exit code after an internal error (EX_SOFTWARE).
const PANIC_EXIT: i32 = 70;

fn main() -> ExitCode {
    docker_credential_ecr_login::local::core_dumps::turn_off();
    quiet_panics();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    ExitCode::from(commands::run(commands::parse(&args)))
}
