//! Times a command started directly (no shell): spawn, wait, repeat. `scripts/bench.sh` uses
//! it beside hyperfine to show the cost of a process without the cost of `sh`.
//!
//! `spawnbench RUNS STDIN_FILE COMMAND [ARGS…]` prints `median min max` in milliseconds.

use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [runs, input, program, rest @ ..] = &args[..] else {
        eprintln!("usage: spawnbench RUNS STDIN_FILE COMMAND [ARGS…]");
        std::process::exit(2);
    };
    let runs: usize = runs.parse().expect("RUNS is a number");
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs + runs / 10 {
        let stdin = std::fs::File::open(input).expect("STDIN_FILE opens");
        let start = Instant::now();
        let status = Command::new(program)
            .args(rest)
            .stdin(stdin)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the command starts");
        let t = start.elapsed().as_secs_f64() * 1000.0;
        assert!(status.success(), "{program} failed");
        // The first tenth warms up caches and is not counted.
        if i >= runs / 10 {
            times.push(t);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{:.3} {:.3} {:.3}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
}
