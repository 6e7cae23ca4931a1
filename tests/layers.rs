//! The `use` lines of `src/` form no cycle: imports run one way, from the actions down to the
//! leaves. Each file is a node; an edge is a `crate::…` path to another file, a `use super::`
//! (the child needs its parent), or a parent's `use child::` (the parent needs its child).
//! Unit-test modules are left out: they may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/credentials/mod.rs` → `credentials`, `src/cache/lock.rs` → `cache::lock`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .filter(|c| c != "mod")
        .collect();
    parts.join("::")
}

/// The longest prefix of `path` (`a::b::C`) that is a module of `modules`.
fn module_in(path: &str, modules: &BTreeSet<String>) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|k| parts[..k].join("::"))
        .find(|m| modules.contains(m))
}

/// The first-level names of a `{…}` group (`{b, c::{D, E}}` → `b`, `c`), given the text
/// from its opening brace.
fn group_items(text: &str) -> Vec<String> {
    let (mut depth, mut items, mut current) = (0, Vec::new(), String::new());
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 1 => break,
            '}' => depth -= 1,
            ',' if depth == 1 => items.push(std::mem::take(&mut current)),
            _ if depth == 1 => current.push(c),
            _ => {}
        }
    }
    items.push(current);
    items
        .iter()
        .map(|i| i.trim().split("::").next().unwrap_or("").trim().to_string())
        .filter(|i| !i.is_empty() && i != "self")
        .collect()
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let sources: Vec<(String, String)> = all
        .iter()
        .map(|f| (module_of(&src, f), std::fs::read_to_string(f).unwrap()))
        .collect();
    graph_of(&sources)
}

/// The child modules a file declares (`mod x;`, `pub mod x;`, `pub(crate) mod x;`).
fn declared_children(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter_map(|line| {
            let rest = line.strip_prefix("pub ").or(Some(line))?;
            let rest = rest.strip_prefix("pub(crate) ").unwrap_or(rest);
            let name = rest.strip_prefix("mod ")?.strip_suffix(';')?;
            Some(name.trim().to_string())
        })
        .collect()
}

/// The graph of `(module, text)` pairs: the edges `use` lines and `crate::` paths make, and a
/// parent's calls into a child it declares (`child::f()`), which need no `use`.
fn graph_of(sources: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = sources.iter().map(|(m, _)| m.clone()).collect();
    let mut edges = BTreeMap::new();
    for (module, text) in sources {
        let module = module.clone();
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        let mut deps = BTreeSet::new();
        for (i, _) in text.match_indices("crate::") {
            let path: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let prefix = path.trim_end_matches(':');
            let after = &text[i + 7 + path.len()..];
            if path.ends_with("::") && after.starts_with('{') {
                // `crate::a::{b, c::D}`: each first-level name is a path of its own.
                for item in group_items(after) {
                    if let Some(m) = module_in(&format!("{prefix}::{item}"), &modules) {
                        deps.insert(m);
                    }
                }
            } else if let Some(m) = module_in(prefix, &modules) {
                deps.insert(m);
            }
        }
        for line in text.lines().map(str::trim_start) {
            let Some(rest) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("use "))
            else {
                continue;
            };
            if let Some(after) = rest.strip_prefix("super::") {
                // `use super::sibling::…` needs the sibling; anything else, the parent.
                if let Some((parent, _)) = module.rsplit_once("::") {
                    let items = match after.starts_with('{') {
                        true => group_items(after),
                        false => vec![after.split("::").next().unwrap_or("").to_string()],
                    };
                    for item in items {
                        let sibling = format!("{parent}::{}", item.trim_end_matches(';'));
                        deps.insert(match modules.contains(&sibling) {
                            true => sibling,
                            false => parent.to_string(),
                        });
                    }
                }
            } else if let Some((first, _)) = rest.split_once("::") {
                let child = if module.is_empty() || module == "lib" || module == "main" {
                    first.to_string()
                } else {
                    format!("{module}::{first}")
                };
                if modules.contains(&child) {
                    deps.insert(child);
                }
            }
        }
        // `child::…` anywhere in the parent (not after another `::`): a call or a type.
        for child in declared_children(text) {
            let full = match module.as_str() {
                "" | "lib" | "main" => child.clone(),
                _ => format!("{module}::{child}"),
            };
            let needle = format!("{child}::");
            let called = text.match_indices(&needle).any(|(i, _)| {
                !text[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            });
            if called && modules.contains(&full) {
                deps.insert(full);
            }
        }
        deps.remove(&module);
        edges.insert(module, deps);
    }
    edges
}

/// A cycle in `edges`, as the path that closes it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first search; a node met again while still on the path closes a cycle.
    fn visit(
        v: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == v) {
            let mut cycle = path[i..].to_vec();
            cycle.push(v.to_string());
            return Some(cycle);
        }
        if done.contains(v) {
            return None;
        }
        path.push(v.to_string());
        for w in edges.get(v).into_iter().flatten() {
            if let Some(c) = visit(w, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|v| visit(v, edges, &mut Vec::new(), &mut done))
}

#[test]
fn imports_form_no_cycle() {
    let edges = graph();
    assert!(edges.len() > 20, "found the sources: {:?}", edges.keys());
    if let Some(cycle) = find_cycle(&edges) {
        panic!("an import cycle: {}", cycle.join(" -> "));
    }
}

/// The check itself: a parent that calls into a child (no `use` needed) while the child
/// imports the parent is a cycle; the child importing a sibling instead is not.
#[test]
fn a_call_into_a_child_that_imports_its_parent_is_a_cycle() {
    let source = |m: &str, text: &str| (m.to_string(), text.to_string());
    let parent = source(
        "commands",
        "mod docker;\nmod outcome;\npub fn run() -> u8 { report(docker::get()) }\n",
    );
    let planted = [
        parent.clone(),
        source("commands::docker", "use super::{Outcome, program};\n"),
        source("commands::outcome", "pub struct Outcome;\n"),
    ];
    assert_eq!(
        find_cycle(&graph_of(&planted)),
        Some(vec![
            "commands".to_string(),
            "commands::docker".to_string(),
            "commands".to_string()
        ])
    );
    let mended = [
        parent,
        source(
            "commands::docker",
            "use super::outcome::{Outcome, program};\n",
        ),
        source("commands::outcome", "pub struct Outcome;\n"),
    ];
    assert_eq!(find_cycle(&graph_of(&mended)), None);
}

/// Each module's level: 0 for a leaf, else one more than its highest import. Printed with
/// `cargo test --test layers -- --nocapture`, top level first (the README's Code layout).
#[test]
fn levels() {
    let edges = graph();
    fn level(
        v: &str,
        e: &BTreeMap<String, BTreeSet<String>>,
        memo: &mut BTreeMap<String, usize>,
    ) -> usize {
        if let Some(l) = memo.get(v) {
            return *l;
        }
        // While on the path, 0: a cycle (which `imports_form_no_cycle` reports) ends here.
        memo.insert(v.to_string(), 0);
        let l = e
            .get(v)
            .into_iter()
            .flatten()
            .map(|w| level(w, e, memo) + 1)
            .max()
            .unwrap_or(0);
        memo.insert(v.to_string(), l);
        l
    }
    let mut memo = BTreeMap::new();
    let mut by_level: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for v in edges.keys() {
        by_level
            .entry(level(v, &edges, &mut memo))
            .or_default()
            .push(v);
    }
    for (l, modules) in by_level.iter().rev() {
        println!("{l:>2}: {}", modules.join(", "));
    }
    assert!(by_level.len() > 3);
}

/// The wings, top to bottom: each imports only the ones below it (and itself). `error.rs`,
/// what a command reports, sits between `get` and `credentials`; `main` and `lib` stand on top.
fn rank(module: &str) -> Option<u8> {
    Some(match module.split("::").next()? {
        "main" | "lib" => 6,
        "commands" => 5,
        "get" => 4,
        "error" => 3,
        "credentials" => 2,
        "aws" => 1,
        "local" => 0,
        _ => return None,
    })
}

/// The imports that run upward (or leave the wings), as `from -> to`.
fn wing_violations(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut bad = Vec::new();
    for (from, deps) in edges {
        for to in deps {
            match (rank(from), rank(to)) {
                (Some(f), Some(t)) if t <= f => {}
                _ => bad.push(format!("{from} -> {to}")),
            }
        }
    }
    bad
}

#[test]
fn imports_follow_the_wing_order() {
    let edges = graph();
    let bad = wing_violations(&edges);
    assert!(
        bad.is_empty(),
        "imports that run upward (commands > get > error > credentials > aws > local): {bad:?}"
    );
    // The check itself: an upward import, and a module outside the wings, are both caught.
    let mut planted = BTreeMap::new();
    planted.insert(
        "local::log".to_string(),
        BTreeSet::from(["aws::http".to_string()]),
    );
    planted.insert(
        "aws::call".to_string(),
        BTreeSet::from(["error".to_string(), "local::env".to_string()]),
    );
    planted.insert(
        "stray".to_string(),
        BTreeSet::from(["local::env".to_string()]),
    );
    assert_eq!(
        wing_violations(&planted),
        [
            "aws::call -> error",
            "local::log -> aws::http",
            "stray -> local::env"
        ]
    );
}
