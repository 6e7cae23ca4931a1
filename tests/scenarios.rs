//! Data-driven scenarios: each folder under `tests/scenarios/` is one case, and the fault
//! table generates more; each runs through the real binary against loopback stand-ins. The
//! format is documented in `runner/format.rs`, the runner's steps in `runner/`.

mod runner;
mod support;

use runner::format::Scenario;
use std::path::{Path, PathBuf};

#[test]
fn the_verifier_accepts_the_published_example() {
    support::sigv4::self_check();
}

/// The answer checker of the Bazel cases rejects what Bazel rejects.
#[test]
fn the_bazel_decoder_rejects_what_bazel_rejects() {
    support::bazel::self_check();
}

/// The kubelet's strict decode, which every kubelet answer of the scenarios passes, does
/// reject what the kubelet rejects.
#[test]
fn the_kubelet_decoder_rejects_what_the_kubelet_rejects() {
    const V1: &str = "credentialprovider.kubelet.k8s.io/v1";
    let good = r#"{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderResponse","cacheKeyType":"Registry","cacheDuration":"5h59m30s","auth":{"h":{"username":"AWS","password":"p"}}}"#;
    let (_, secs) = support::kubelet::decode(good, V1).unwrap();
    assert_eq!(secs, Some(5.0 * 3600.0 + 59.0 * 60.0 + 30.0));
    let bad = [
        (
            good.replace(r#""kind""#, r#""extra":1,"kind""#),
            "unknown field",
        ),
        (
            good.replace(r#""kind""#, r#""cacheKeyType":"Image","kind""#),
            "duplicate field",
        ),
        (
            good.replace(
                r#""password":"p"}"#,
                r#""password":"p"},"h":{"username":"AWS","password":"q"}"#,
            ),
            "duplicate auth key",
        ),
        (
            good.replace(r#""cacheKeyType":"Registry","#, ""),
            "missing field",
        ),
        (good.replace(r#","password":"p""#, ""), "missing field"),
        (good.replace("Registry", "registry"), "cacheKeyType"),
        (good.replace("5h59m30s", "34695809h1m7s"), "out of range"),
        (good.replace("5h59m30s", "21600"), "without a unit"),
        (
            good.replace("CredentialProviderResponse", "CredentialProviderRequest"),
            "kind",
        ),
    ];
    for (text, why) in bad {
        let e = support::kubelet::decode(&text, V1).unwrap_err();
        assert!(e.contains(why), "{text}: {e}");
    }
    assert!(support::kubelet::decode(good, "credentialprovider.kubelet.k8s.io/v1beta1").is_err());
    for (d, s) in [
        ("0", 0.0),
        ("1.5h", 5400.0),
        ("90m", 5400.0),
        ("250ms", 0.25),
        ("1h0m0s", 3600.0),
    ] {
        assert_eq!(support::kubelet::parse_go_duration(d), Ok(s), "{d}");
    }
}

/// Every case: the folders, then the fault table's and the `aws login` vectors'.
fn all_scenarios(root: &Path) -> Vec<Scenario> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut all: Vec<Scenario> = dirs
        .iter()
        .map(|d| Scenario::load(d).unwrap_or_else(|e| panic!("{}: {e}", d.display())))
        .collect();
    // Emulated targets run the cases once: the twins test the same code on their amd64 twin.
    let twins: Vec<Scenario> = match support::targets::cpu_emulated() {
        true => {
            support::report(&format!(
                "not run on {}: the first-run twins at the default log level (emulated; the amd64 build of the same code runs them)",
                support::targets::target()
            ));
            Vec::new()
        }
        false => all.iter().filter_map(first_run_twin).collect(),
    };
    for generated in runner::faults::all()
        .into_iter()
        .chain(runner::login_vectors::all())
        .chain(twins)
    {
        assert!(
            all.iter().all(|s| s.name != generated.name),
            "the folder {} has the name of a generated fault case",
            generated.name
        );
        all.push(generated);
    }
    all
}

/// The suffix of a case's twin at the default log level.
const TWIN: &str = "@default_log_level";

/// A case that starts from a home with no `~/.ecr`, run again as people start: at the default
/// log level, which writes nothing before the first warning, so that nothing the debug log
/// creates (`~/.ecr/log/`, and with it `~/.ecr`) can make a first run work. Its checks are
/// the case's, but those of the log file. Not for cases that set the level themselves, seed
/// the cache in `~/.ecr` (a registry map there is not a cache), or are about time-outs (their waits are the same at any level).
fn first_run_twin(s: &Scenario) -> Option<Scenario> {
    // `~/.ecr/config` alone (the registry map, which a user writes) is not a seeded cache:
    // the first run still makes `locks/` and `log/` itself.
    let cache_seeded = |p: &str| p.starts_with(".ecr") && p != ".ecr/config";
    let seeded = match &s.home {
        runner::format::Home::Folder(dir) => std::fs::read_dir(dir.join(".ecr"))
            .is_ok_and(|d| d.flatten().any(|e| e.file_name() != "config")),
        runner::format::Home::Files(files) => files.iter().any(|(p, _)| cache_seeded(p)),
        runner::format::Home::None => false,
    } || s
        .case
        .runs
        .first()
        .is_some_and(|r| r.write_files.keys().any(|p| cache_seeded(p)));
    let sets_level = s.env.contains_key("AWS_ECR_LOG_LEVEL")
        || s.case
            .runs
            .iter()
            .any(|r| r.env.contains_key("AWS_ECR_LOG_LEVEL"));
    let timed = s.case.runs.iter().any(|r| r.max_seconds.is_some());
    if seeded || sets_level || timed {
        return None;
    }
    let mut twin = s.clone();
    twin.name = format!("{}{TWIN}", s.name);
    twin.env.insert("AWS_ECR_LOG_LEVEL".into(), None);
    let not_log = |path: &String| !path.contains("/log/");
    for run in &mut twin.case.runs {
        run.files_contain.retain(|p, _| not_log(p));
        run.files_lack.retain(|p, _| not_log(p));
        run.file_lines.retain(|p, _| not_log(p));
        run.private_files.retain(not_log);
    }
    Some(twin)
}

enum Verdict {
    /// The case ran, with this many runs of the binary.
    Ran(usize),
    /// It does not apply to this target, for this reason.
    Excluded(&'static str),
}

/// The longest a case may take by its own `max_seconds` bounds (0 when it sets none).
fn slowest(s: &Scenario) -> f64 {
    s.case.runs.iter().filter_map(|r| r.max_seconds).sum()
}

#[test]
fn scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut cases = all_scenarios(&root);
    // `SCENARIOS=a,b` runs only those (while working on them; the full run is the check).
    if let Ok(only) = std::env::var("SCENARIOS") {
        let only: Vec<&str> = only.split(',').collect();
        cases.retain(|s| only.contains(&s.name.as_str()));
    }
    assert!(!cases.is_empty(), "no scenarios under {}", root.display());
    // The slowest first, so that the long waits overlap with everything else.
    cases.sort_by(|a, b| slowest(b).total_cmp(&slowest(a)));
    // A bounded pool, not a thread per case: on two busy cores, a hundred helpers and their
    // stand-ins at once starve each other past the helper's own (one-second) IMDS bounds.
    let workers = std::env::var("SCENARIO_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8usize);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(s) = cases.get(i) else { break };
                    let name = s.name.clone();
                    let r = match support::targets::excluded(name.trim_end_matches(TWIN)) {
                        Some(why) => Ok(Verdict::Excluded(why)),
                        None => std::panic::catch_unwind(|| runner::run_case(s).map(Verdict::Ran))
                            .unwrap_or_else(|_| Err("panicked".into())),
                    };
                    results.lock().unwrap().push((name, r));
                }
            });
        }
    });
    let mut results: Vec<(String, Result<Verdict, String>)> = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut failed = Vec::new();
    let mut excluded = 0;
    for (name, r) in &results {
        match r {
            Ok(Verdict::Ran(runs)) => println!("scenario {name}: ok ({runs} runs)"),
            Ok(Verdict::Excluded(why)) => {
                excluded += 1;
                support::report(&format!(
                    "excluded on {}: scenario {name}: {why}",
                    support::targets::target()
                ));
            }
            Err(e) => {
                println!("scenario {name}: FAILED: {e}");
                failed.push(name.clone());
            }
        }
    }
    support::report(&format!(
        "scenarios on {}, {} cases: {} passed, {} failed, {excluded} excluded",
        support::targets::target(),
        results.len(),
        results.len() - failed.len() - excluded,
        failed.len()
    ));
    assert!(failed.is_empty(), "failed scenarios: {failed:?}");
}
