//! `docker-credential-ecr-login`: argv → action → exit code.
#![forbid(unsafe_code)]

use docker_credential_ecr_login::aws::http::redact_userinfo;
use docker_credential_ecr_login::commands::{explain, kubelet, protocol};
use docker_credential_ecr_login::error::Error;
use docker_credential_ecr_login::get::{self, ecr};
use docker_credential_ecr_login::local::settings::Settings;
use docker_credential_ecr_login::local::{cache, config, env, log};

use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::OnceLock;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT_COMMIT: &str = env!("ECR_LOGIN_GIT_COMMIT");

const HELP: &str = "\
docker-credential-ecr-login: Amazon ECR credentials for docker, podman, buildah, skopeo, crane,
helm and the kubelet. One static binary; finds AWS credentials as the AWS SDKs do.

Usage: docker-credential-ecr-login <get|list|store|erase|version>   (the docker protocol)
       docker-credential-ecr-login get-login-password [HOST]
       docker-credential-ecr-login explain HOST [--resolve]
       docker-credential-ecr-login kubelet-credential-provider
       docker-credential-ecr-login -v

  get                  read a registry host on stdin, print {\"ServerURL\",\"Username\",\"Secret\"}
  list                 print the cached registries as {\"https://HOST\":\"AWS\"}, first fetching the
                       default registry and ECR Public when the cache lacks them
  store, erase         succeed only with AWS_ECR_IGNORE_CREDS_STORAGE=true (ECR needs no docker login)
  version              print the version
  get-login-password   print only the password (for helm/oras/podman login --password-stdin);
                       without HOST, for the default registry in AWS_REGION
  explain              show how a get would go: registry, credential source and why, endpoints,
                       cache entry; no secret, no network call unless --resolve
  kubelet-credential-provider
                       answer a kubelet CredentialProviderRequest on stdin

Linked as docker-credential-ecr-login-NAME, it uses AWS profile NAME.

Examples:
  echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com | docker-credential-ecr-login get
  docker-credential-ecr-login explain 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  docker-credential-ecr-login get-login-password public.ecr.aws | helm registry login --username AWS --password-stdin public.ecr.aws

Settings (environment): AWS credentials as the AWS SDKs read them (AWS_ACCESS_KEY_ID,
AWS_PROFILE, ~/.aws/config, web identity, container, IMDS, ...), AWS_ECR_CACHE_DIR (default
~/.ecr), AWS_ECR_DISABLE_CACHE, AWS_ECR_LOG_LEVEL (off|error|warn|info|debug),
AWS_ECR_IGNORE_CREDS_STORAGE, AWS_ENDPOINT_URL_ECR, AWS_CA_BUNDLE, HTTPS_PROXY. The README
lists them all.
";

/// `println!` that reports failure instead of panicking: when the reader has gone away
/// (`get-login-password | head -c0`) the program ends quietly with a non-zero exit.
macro_rules! out {
    ($($arg:tt)*) => {{
        let mut o = std::io::stdout().lock();
        writeln!(o, $($arg)*).and_then(|_| o.flush()).is_ok()
    }};
}

/// `eprintln!` without its panic: with stderr closed there is nobody left to tell.
macro_rules! err {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

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
    quiet_panics();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // Flags first, as Go's flag package parses them before the action.
    if let Some(arg) = args
        .first()
        .filter(|a| a.starts_with('-') && *a != "-" && *a != "--")
    {
        match arg.trim_start_matches('-') {
            // Go's flag package takes `--v` for `-v`; `--version` is what people type.
            "v" | "v=true" | "version" => {
                let ok = out!(
                    "docker-credential-ecr-login\nVersion:    {VERSION}\nGit commit: {GIT_COMMIT}"
                );
                return if ok {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                };
            }
            "h" | "help" => {
                err!("{}", HELP.trim_end());
                return ExitCode::SUCCESS;
            }
            _ => {
                err!("flag provided but not defined: {arg}\n{}", HELP.trim_end());
                return ExitCode::from(2);
            }
        }
    }
    // The docker protocol's actions take exactly one argument, as in the Go helper; the
    // others take their own.
    let extended = matches!(
        args.first().map(String::as_str),
        Some("get-login-password" | "explain" | "kubelet-credential-provider")
    );
    if args.len() != 1 && !extended {
        let _ = out!("{}", protocol::USAGE);
        return ExitCode::FAILURE;
    }
    let env = match profile_from_name() {
        Some(profile) => env::Env::from_process().with_explicit_profile(&profile),
        None => env::Env::from_process(),
    };
    log::init(&env);
    if let Some((dir, why)) = config::cache_distrust(&env) {
        err!(
            "{}: not using {} for the cache or the log: {why}",
            program(),
            dir.display()
        );
    }
    let ok = match args[0].as_str() {
        "get" => action_get(env),
        "list" => action_list(env),
        "store" => action_store_or_erase(&env, true),
        "erase" => action_store_or_erase(&env, false),
        "get-login-password" => action_get_login_password(env, &args[1..]),
        "explain" => action_explain(env, &args[1..]),
        "kubelet-credential-provider" => action_kubelet(env),
        "version" => match GIT_COMMIT {
            "" => out!("docker-credential-ecr-login (ecr-login-rs) {VERSION}"),
            commit => out!("docker-credential-ecr-login (ecr-login-rs) {VERSION} (git {commit})"),
        },
        other => {
            let _ = out!("docker-credential-ecr-login: unknown action: {other}");
            false
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The name this program was started as, without a Windows `.exe`: hints name the command
/// the user ran, so that through a profile link (`docker-credential-ecr-login-prod`) they
/// explain that profile, not the default chain.
fn program() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = std::env::args_os()
            .next()
            .and_then(|a| {
                let file = std::path::Path::new(&a).file_name()?.to_str()?.to_string();
                // `get` gives None off a character boundary: no slicing through a character.
                let stem = file.len().checked_sub(4).and_then(|i| {
                    let (stem, ext) = (file.get(..i)?, file.get(i..)?);
                    (cfg!(windows) && ext.eq_ignore_ascii_case(".exe") && !stem.is_empty())
                        .then_some(stem)
                });
                Some(stem.map_or_else(|| file.clone(), str::to_string))
            })
            .filter(|n| !n.is_empty());
        name.unwrap_or_else(|| "docker-credential-ecr-login".into())
    })
}

/// Invoked as `docker-credential-ecr-login-NAME` (a link, named in docker's `credHelpers`
/// as `ecr-login-NAME`), the helper uses AWS profile `NAME`.
fn profile_from_name() -> Option<String> {
    let profile = program().strip_prefix("docker-credential-ecr-login-")?;
    (!profile.is_empty()).then(|| profile.to_string())
}

fn action_get(env: env::Env) -> bool {
    let server_url = match protocol::read_server_url(&mut std::io::stdin().lock()) {
        Ok(s) if s.is_empty() => {
            // The Go helper's line, so that callers that match it keep working.
            let _ = out!("{}", protocol::NO_SERVER_URL);
            err!(
                "{}: no registry host on stdin; send one, as docker does: echo 123456789012.dkr.ecr.us-east-1.amazonaws.com | {} get",
                program(),
                program()
            );
            return false;
        }
        Ok(s) => s,
        Err(reason) => return fail_get("", &reason),
    };
    let settings = Settings::new(env);
    match get::get(&settings, &server_url) {
        Ok(token) => {
            let line = protocol::credentials_json(&server_url, &token.username, &token.password);
            out!("{line}")
        }
        Err(e @ Error::NotEcr { .. }) => {
            // With `credsStore`, docker asks about every registry: a host that is not ECR is
            // an ordinary answer, not an error worth a line on every pull. `explain` tells why.
            log::debug(
                "Not an ECR registry; no credentials for it",
                &[
                    ("serverURL", &redact_userinfo(&server_url)),
                    ("reason", &e.to_string()),
                ],
            );
            let _ = out!("{}", protocol::NOT_FOUND);
            false
        }
        Err(e) => fail_get(&server_url, &e.to_string()),
    }
}

/// stdout keeps the protocol line; the reason goes to stderr and the log.
fn fail_get(server_url: &str, reason: &str) -> bool {
    let host = redact_userinfo(server_url);
    log::error(
        "Error getting credentials",
        &[("serverURL", &host), ("error", reason)],
    );
    let _ = out!("{}", protocol::NOT_FOUND);
    let p = program();
    let hint = match host.is_empty() {
        true => String::new(),
        false => format!(" ({p} explain {host} shows how a get goes)"),
    };
    err!("{p}: {reason}{hint}");
    false
}

fn action_get_login_password(env: env::Env, rest: &[String]) -> bool {
    let settings = Settings::new(env);
    let result = match rest {
        [] => get::get_default_registry(&settings).map(|(_, t)| t),
        [host] => get::get(&settings, host.trim()),
        _ => {
            err!("usage: {} get-login-password [HOST]", program());
            return false;
        }
    };
    match result {
        Ok(token) => out!("{}", token.password),
        Err(e) => {
            log::error(
                "Error getting the login password",
                &[("error", &e.to_string())],
            );
            err!("{}: {e}", program());
            false
        }
    }
}

fn action_explain(env: env::Env, rest: &[String]) -> bool {
    let resolve = rest.iter().any(|a| a == "--resolve");
    let hosts: Vec<&String> = rest.iter().filter(|a| *a != "--resolve").collect();
    let [host] = hosts[..] else {
        err!("usage: {} explain HOST [--resolve]", program());
        return false;
    };
    let settings = Settings::new(env);
    let (report, ok) = explain::explain(&settings, host.trim(), resolve);
    out!("{}", report.trim_end_matches('\n')) && ok
}

fn action_kubelet(env: env::Env) -> bool {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(protocol::MAX_INPUT as u64 + 1)
        .read_to_end(&mut input)
    {
        err!("{}: could not read the request: {e}", program());
        return false;
    }
    let settings = Settings::new(env);
    match kubelet::respond(&settings, &input) {
        Ok(response) => out!("{response}"),
        Err(e) => {
            log::error("Error answering the kubelet", &[("error", &e)]);
            err!("{}: {e}", program());
            false
        }
    }
}

fn action_list(env: env::Env) -> bool {
    let settings = Settings::new(env);
    get::prime_for_list(&settings);
    let env = &settings.env;
    let now = time::OffsetDateTime::now_utc();
    let mut out = std::collections::BTreeMap::new();
    if let Some(file) = cache::file(env) {
        for e in cache::load(&file).unwrap_or_default().into_values() {
            if e.is_expired(now) {
                continue;
            }
            if let Ok((user, _)) = ecr::decode(&e.token) {
                out.insert(e.proxy_endpoint, user);
            }
        }
    }
    let body: Vec<String> = out
        .iter()
        .map(|(k, v)| format!("{}:{}", protocol::json_string(k), protocol::json_string(v)))
        .collect();
    out!("{{{}}}", body.join(","))
}

fn action_store_or_erase(env: &env::Env, store: bool) -> bool {
    let mut input = Vec::new();
    let _ = std::io::stdin()
        .lock()
        .take(protocol::MAX_INPUT as u64 + 1)
        .read_to_end(&mut input);
    let server_url = if store {
        protocol::validate_store(&input)
    } else {
        match String::from_utf8_lossy(&input).trim() {
            "" => Err(protocol::NO_SERVER_URL.to_string()),
            url => Ok(url.to_string()),
        }
    };
    let server_url = match server_url {
        Ok(url) => redact_userinfo(&url),
        Err(msg) => {
            let _ = out!("{msg}");
            return false;
        }
    };
    let p = program();
    let verb = if store { "store" } else { "erase" };
    if env.raw("AWS_ECR_IGNORE_CREDS_STORAGE") == Some("true") {
        log::warn(
            &format!(
                "Ignoring request to {verb} credentials since AWS_ECR_IGNORE_CREDS_STORAGE is set; ecr-login does not need docker login"
            ),
            &[("serverURL", &server_url)],
        );
        // The login "succeeds", so say where the credentials went: nowhere.
        let what = match store {
            true => "not saved",
            false => "never saved, so there is nothing to erase",
        };
        err!(
            "{p}: {verb}: the credentials for {server_url} were {what}: AWS_ECR_IGNORE_CREDS_STORAGE=true discards every docker login. Amazon ECR needs none; to keep logins to other registries, name only ECR hosts in credHelpers in ~/.docker/config.json instead of credsStore"
        );
        return true;
    }
    log::warn(
        &format!(
            "Request to {verb} credentials is not supported; set AWS_ECR_IGNORE_CREDS_STORAGE=true to accept it silently"
        ),
        &[("serverURL", &server_url)],
    );
    let _ = out!("not implemented");
    err!(
        "{p}: Amazon ECR needs no docker login: this helper gets a token from your AWS credentials on every pull and push. Name ECR hosts in credHelpers in ~/.docker/config.json (other registries then keep their own logins), or set AWS_ECR_IGNORE_CREDS_STORAGE=true to let {verb} succeed and discard the credentials"
    );
    false
}
