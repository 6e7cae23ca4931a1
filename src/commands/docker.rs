//! The docker credential-helper protocol's actions (`get`, `list`, `store`, `erase`) and
//! `get-login-password`, each answering with an [`Outcome`] for the one report site.

use super::args::Action;
use super::fallback::{self, Fallback, FallbackError};
use super::outcome::{Outcome, program};
use super::protocol;
use crate::aws::loggable_url;
use crate::error::Error;
use crate::get::{self, registry};
use crate::local::env::Env;
use crate::local::log::Level;
use crate::local::settings::Settings;
use std::io::Read;

pub fn get(settings: Settings) -> Outcome {
    let input = match protocol::read_input(&mut std::io::stdin().lock()) {
        Ok(input) => input,
        Err(reason) => return failed_get("", &reason.to_string()),
    };
    // Bazel runs `get` too, with a JSON request (see `bazel`).
    if super::bazel::is_request(&input) {
        return super::bazel::get(settings, &input);
    }
    let server_url = match protocol::server_url(&input) {
        Ok(s) if s.is_empty() => {
            // The Go helper's line, so that callers that match it keep working.
            let p = program();
            return Outcome::failed().stdout(protocol::NO_SERVER_URL).reason(format!(
                "no registry host on stdin; send one, as docker does: echo 123456789012.dkr.ecr.us-east-1.amazonaws.com | {p} get"
            ));
        }
        Ok(s) => s,
        Err(reason) => return failed_get("", &reason.to_string()),
    };
    if let Some(handed) = hand_over(&settings.env, Action::Get, &server_url, &input) {
        return handed;
    }
    match get::get(&settings, &server_url) {
        Ok(token) => Outcome::done(protocol::credentials_json(
            &server_url,
            &token.username,
            token.password.expose(),
        )),
        // With `credsStore`, docker asks about every registry: a host that is not ECR is an
        // ordinary answer, not an error worth a line on every pull. `explain` tells why. A
        // near miss (a typo in an ECR host) gets one line, as it would otherwise fail in
        // silence.
        Err(e @ Error::NotEcr { .. }) => {
            let answer = Outcome::failed().stdout(protocol::NOT_FOUND).log(
                Level::Debug,
                "Not an ECR registry; no credentials for it",
                &[
                    ("serverURL", &loggable_url(&server_url)),
                    ("reason", &e.to_string()),
                ],
            );
            match registry::near_miss(&server_url) {
                Some(why) => answer.reason(format!(
                    "{} looks like an Amazon ECR host but is not one: {why}",
                    loggable_url(&server_url)
                )),
                None => answer,
            }
        }
        Err(e) => failed_get(&server_url, &e.to_string()).process_stderr(e.process_stderr()),
    }
}

/// stdout keeps the protocol line; the reason goes to stderr and the log.
fn failed_get(server_url: &str, reason: &str) -> Outcome {
    let host = loggable_url(server_url);
    let hint = match host.is_empty() {
        true => String::new(),
        false => format!(" ({} explain {host} shows how a get goes)", program()),
    };
    Outcome::failed()
        .stdout(protocol::NOT_FOUND)
        .log(
            Level::Error,
            "Error getting credentials",
            &[("serverURL", &host), ("error", reason)],
        )
        .reason(format!("{reason}{hint}"))
}

pub fn get_login_password(settings: &Settings, host: Option<&str>) -> Outcome {
    let result = match host {
        None => get::get_default_registry(settings).map(|(_, t)| t),
        Some(host) => get::get(settings, host),
    };
    match result {
        Ok(token) => Outcome::done(token.password.into_inner()),
        Err(e) => Outcome::failed()
            .log(
                Level::Error,
                "Error getting the login password",
                &[("error", &e.to_string())],
            )
            .reason(&e)
            .process_stderr(e.process_stderr()),
    }
}

/// The cached registries, `{"https://HOST":"AWS"}`, after fetching what `list` fetches.
pub fn list(settings: Settings) -> Outcome {
    // The other helper first: when it fails, the answer is its failure, and ours would be
    // fetched for nothing.
    let theirs = match fallback::from_env(&settings.env) {
        None => Default::default(),
        Some(Err(e)) => return refused(Action::List, "", &e),
        Some(Ok(f)) => match f.call(&settings.env, Action::List, b"") {
            Err(e) => return refused(Action::List, "", &e),
            Ok(out) if !out.status.success() => return passed_on(&f, Action::List, "", out),
            Ok(out) => match f.parse_list(&out.stdout) {
                Ok(list) => list,
                Err(e) => return refused(Action::List, "", &e),
            },
        },
    };
    // ECR hosts are ours: a get for one comes here, whatever the other store lists.
    let mut merged: std::collections::BTreeMap<String, String> = theirs
        .into_iter()
        .filter(|(host, _)| registry::parse(host).is_err())
        .collect();
    merged.extend(get::list(&settings));
    let body: Vec<String> = merged
        .iter()
        .map(|(k, v)| format!("{}:{}", protocol::json_string(k), protocol::json_string(v)))
        .collect();
    Outcome::done(format!("{{{}}}", body.join(",")))
}

pub fn store_or_erase(env: &Env, action: Action) -> Outcome {
    let store = action == Action::Store;
    let mut input = Vec::new();
    let _ = std::io::stdin()
        .lock()
        .take(protocol::MAX_INPUT as u64 + 1)
        .read_to_end(&mut input);
    let verb = action.as_str();
    let host = match store {
        true => protocol::store_server_url(&input),
        false => Some(String::from_utf8_lossy(&input).trim().to_string()),
    };
    if let Some(host) = host.filter(|h| !h.trim().is_empty())
        && let Some(handed) = hand_over(env, action, &host, &input)
    {
        return handed;
    }
    let server_url = if store {
        protocol::validate_store(&input)
    } else {
        match String::from_utf8_lossy(&input).trim() {
            "" => Err(protocol::InputError::NoServerUrl),
            url => Ok(url.to_string()),
        }
    };
    let server_url = match server_url {
        Ok(url) => url,
        Err(msg) => return Outcome::failed().stdout(msg.to_string()),
    };
    let ecr = registry::parse(&server_url).is_ok();
    let server_url = loggable_url(&server_url);
    // What keeps other registries' logins, said where a login was just refused or lost.
    let keep_others = format!(
        "to keep logins to other registries, set {}=NAME to hand them to docker-credential-NAME (desktop, osxkeychain, wincred, pass, secretservice), or name only ECR hosts in credHelpers in ~/.docker/config.json instead of credsStore",
        fallback::VARIABLE
    );
    if env.raw("AWS_ECR_IGNORE_CREDS_STORAGE") == Some("true") {
        // The login "succeeds", so say where the credentials went: nowhere.
        let what = match store {
            true => "not saved",
            false => "never saved, so there is nothing to erase",
        };
        return Outcome::succeeded()
                .log(
                    Level::Warn,
                    &format!(
                        "Ignoring request to {verb} credentials since AWS_ECR_IGNORE_CREDS_STORAGE is set; ecr-login does not need docker login"
                    ),
                    &[("serverURL", &server_url)],
                )
                .reason(format!(
                    "{verb}: the credentials for {server_url} were {what}: AWS_ECR_IGNORE_CREDS_STORAGE=true discards every docker login. Amazon ECR needs none; {keep_others}"
                ));
    }
    Outcome::failed()
        .log(
            Level::Warn,
            &format!(
                "Request to {verb} credentials is not supported; set AWS_ECR_IGNORE_CREDS_STORAGE=true to accept it silently"
            ),
            &[("serverURL", &server_url)],
        )
        .stdout("not implemented")
        .reason(match ecr {
            true => format!(
                "Amazon ECR needs no docker login: this helper gets a token from your AWS credentials on every pull and push. Name ECR hosts in credHelpers in ~/.docker/config.json (other registries then keep their own logins), or set AWS_ECR_IGNORE_CREDS_STORAGE=true to let {verb} succeed and discard the credentials"
            ),
            false => format!(
                "{server_url} is not an Amazon ECR registry, and this helper keeps no other logins; {keep_others}"
            ),
        })
}

/// A request for a host that is not ECR, given to the fallback store when one is set:
/// `None` when we answer it ourselves.
fn hand_over(env: &Env, action: Action, host: &str, input: &[u8]) -> Option<Outcome> {
    // The variable first: without it (the usual case, and every cache hit of a
    // `credHelpers` set-up) the host is not parsed twice.
    let fallback = fallback::from_env(env)?;
    if registry::parse(host).is_ok() || crate::get::route::is_alias(env, host) {
        return None;
    }
    let host = loggable_url(host);
    let outcome = match fallback {
        Ok(f) => match f.call(env, action, input) {
            Ok(out) => passed_on(&f, action, &host, out),
            Err(e) => refused(action, &host, &e),
        },
        Err(e) => refused(action, &host, &e),
    };
    Some(outcome)
}

/// The other helper's answer as it came, its exit status ours; on a failure that is not an
/// ordinary "not found", one line more from us saying where the answer came from.
fn passed_on(
    f: &Fallback,
    action: Action,
    host: &str,
    out: crate::local::program::Output,
) -> Outcome {
    let helper = f.program();
    let code = out.status.code();
    let how = match code {
        Some(c) => format!("exited with status {c}"),
        None => "was killed by a signal".to_string(),
    };
    let fields = [
        ("action", action.as_str()),
        ("serverURL", host),
        ("helper", helper.as_str()),
        ("status", how.as_str()),
    ];
    if out.status.success() {
        return Outcome::succeeded()
            .passed_through(out.stdout, out.stderr)
            .log(Level::Debug, "Passed on to the fallback store", &fields);
    }
    let not_found = String::from_utf8_lossy(&out.stdout).trim() == protocol::NOT_FOUND;
    let mut o = Outcome::failed()
        .exit_code(
            code.and_then(|c| u8::try_from(c).ok())
                .filter(|c| *c != 0)
                .unwrap_or(1),
        )
        .passed_through(out.stdout, out.stderr)
        .log(
            match not_found {
                true => Level::Debug,
                false => Level::Warn,
            },
            "The fallback store answered with a failure",
            &fields,
        );
    if !(not_found && action == Action::Get) {
        let why = match host.is_empty() {
            true => format!("{action} went to {helper} too"),
            false => format!("{host} is not an Amazon ECR registry, so {action} went to {helper}"),
        };
        o = o.reason(format!(
            "{why} ({}), which {how}; its answer is above, as it came",
            fallback::VARIABLE
        ));
    }
    o
}

/// The fallback could not answer: its reason on stdout (docker shows stdout in its error)
/// and stderr, and in the log.
fn refused(action: Action, host: &str, e: &FallbackError) -> Outcome {
    Outcome::failed()
        .stdout(e.to_string())
        .log(
            Level::Error,
            "The fallback store could not answer",
            &[
                ("action", action.as_str()),
                ("serverURL", host),
                ("error", &e.to_string()),
            ],
        )
        .reason(e)
}
