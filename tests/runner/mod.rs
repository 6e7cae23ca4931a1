//! The scenario runner: a case's set-up ([`world`]), each run of the real binary
//! ([`execute`]), and the checks after it ([`checks`]). The format is in [`format`]; the
//! fault cases are generated from a table in [`faults`].

pub mod checks;
pub mod faults;
pub mod format;
pub mod login_vectors;
pub mod world;

use crate::support;
use checks::Outcome;
use format::{Run, Scenario};
use world::World;

/// Runs every run of the scenario; the number of runs, or the first failure.
pub fn run_case(s: &Scenario) -> Result<usize, String> {
    let mut world = World::set_up(s);
    for (i, run) in s.case.runs.iter().enumerate() {
        let outcome = execute(&mut world, run);
        checks::all(&world, run, &outcome).map_err(|e| format!("run {}: {e}", i + 1))?;
    }
    let unused = world.standin.unused_replies();
    if unused != 0 && !s.case.allow_unused_replies {
        return Err(format!("{unused} scripted replies were never asked for"));
    }
    Ok(s.case.runs.len())
}

/// One invocation of the helper, as docker would make it.
fn execute(world: &mut World, run: &Run) -> Outcome {
    let env = world.prepare(run);
    let args = run.args.clone().unwrap_or_else(|| vec!["get".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let stdin = world.substitute(&run.stdin);
    let cwd = world.tmp.path();
    let started = std::time::Instant::now();
    let program = match &run.invoke_as {
        Some(name) => support::run::install_as(&cwd.join("bin"), name),
        None => support::run::bin(),
    };
    let hosts = world.hosts_file.as_deref();
    let out = support::run::helper_in(&program, &args, stdin.as_bytes(), &env, cwd, hosts);
    Outcome {
        took: started.elapsed(),
        recorded: world.standin.take(),
        out,
    }
}
