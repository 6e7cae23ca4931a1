//! The manual page, `src/docker-credential-ecr-login.1`, and the README's table name every
//! environment variable the code reads: a variable added to the code and not to both fails
//! here. The names are found in the sources, not listed by hand: every string literal in
//! `src/` that is spelled like a variable (`AWS_REGION`), and every literal an environment
//! lookup takes (`env.get("HOME")`), less the few that are something else, each with its
//! reason; plus `AWS_ENDPOINT_URL_<ID>` for every service. (CI renders the page with
//! `groff -man -ww`, which must print no warning.)

use docker_credential_ecr_login::aws::endpoint::Service;
use std::collections::BTreeSet;
use std::path::Path;

/// Literals spelled like variables that are not read from the environment.
const NOT_VARIABLES: &[(&str, &str)] = &[
    (
        "CARGO_PKG_VERSION",
        "read by the compiler (env!), not at run time",
    ),
    (
        "ECR_LOGIN_GIT_COMMIT",
        "read by the build (env!), not at run time",
    ),
    (
        "OUT_DIR",
        "where the build writes the parsed roots (env!), not read at run time",
    ),
    ("TOKEN_EXPIRED", "an AWS Sign-In error code"),
    ("USER_CREDENTIALS_CHANGED", "an AWS Sign-In error code"),
    ("INSUFFICIENT_PERMISSIONS", "an AWS Sign-In error code"),
];

/// The calls that take a variable's name as their first argument.
const LOOKUPS: &[&str] = &["get(\"", "raw(\"", "lookup(\"", "var(\"", "var_os(\""];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

/// The variable names `text` reads.
fn variables_in(text: &str) -> BTreeSet<String> {
    let suffixes: Vec<&str> = Service::ALL.iter().map(|s| s.env_id()).collect();
    let mut found = BTreeSet::new();
    for (i, _) in text.match_indices('"') {
        let rest = &text[i + 1..];
        let Some(end) = rest.find('"') else { break };
        let literal = &rest[..end];
        let spelled = !literal.is_empty()
            && literal.starts_with(|c: char| c.is_ascii_uppercase())
            && literal
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !spelled {
            continue;
        }
        let looked_up = LOOKUPS.iter().any(|l| text[..i + 1].ends_with(l));
        let like_a_variable = literal.contains('_') && !suffixes.contains(&literal);
        if looked_up || like_a_variable {
            found.insert(literal.to_string());
        }
    }
    for (name, _) in NOT_VARIABLES {
        found.remove(*name);
    }
    found
}

fn read_by_the_code() -> BTreeSet<String> {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let mut names: BTreeSet<String> = files.iter().flat_map(|(_, t)| variables_in(t)).collect();
    names.extend(
        Service::ALL
            .iter()
            .map(|s| format!("AWS_ENDPOINT_URL_{}", s.env_id())),
    );
    names
}

/// The names `doc` does not mention (as a whole word: `AWS_ROLE_ARN` is not found inside
/// `AWS_ECR_ROLE_ARN`).
fn missing_from<'a>(doc: &str, names: &'a BTreeSet<String>) -> Vec<&'a String> {
    let words: BTreeSet<&str> = doc
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    names
        .iter()
        .filter(|n| !words.contains(n.as_str()))
        .collect()
}

#[test]
fn the_manual_page_names_every_variable() {
    let names = read_by_the_code();
    assert!(names.len() > 40, "too few variables found: {names:?}");
    let page = std::fs::read_to_string("src/docker-credential-ecr-login.1").unwrap();
    let missing = missing_from(&page, &names);
    assert!(missing.is_empty(), "the manual page lacks {missing:?}");
}

#[test]
fn the_readme_names_every_variable() {
    let names = read_by_the_code();
    let readme = std::fs::read_to_string("README.md").unwrap();
    let missing = missing_from(&readme, &names);
    assert!(missing.is_empty(), "the README lacks {missing:?}");
}

/// The check finds what it should: a variable read by a lookup or spelled like one, not a
/// suffix or an error code, and it reports a page that lacks one.
#[test]
fn the_check_sees_a_planted_variable() {
    let code = r#"
        let a = env.get("AWS_PLANTED_VARIABLE");
        let b = env.raw("TERMINAL");
        let c = "Not_A_Variable";
        let d = "TOKEN_EXPIRED";
        let e = "SSO_OIDC";
        let f = matches!(x, "POST");
    "#;
    let found = variables_in(code);
    let want: BTreeSet<String> = ["AWS_PLANTED_VARIABLE", "TERMINAL"]
        .map(String::from)
        .into();
    assert_eq!(found, want);
    let page = ".B AWS_PLANTED_VARIABLE_X\n.B TERMINAL\n";
    assert_eq!(
        missing_from(page, &found),
        vec![&"AWS_PLANTED_VARIABLE".to_string()]
    );
}
