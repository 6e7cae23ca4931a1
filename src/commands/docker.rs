//! The docker credential-helper protocol's actions (`get`, `list`, `store`, `erase`) and
//! `get-login-password`, each answering with an [`Outcome`] for the one report site.

use super::{Outcome, program, protocol};
use crate::aws::http::redact_userinfo;
use crate::error::Error;
use crate::get;
use crate::local::env::Env;
use crate::local::log::Level;
use crate::local::settings::Settings;
use std::io::Read;

pub fn get(settings: Settings) -> Outcome {
    let server_url = match protocol::read_server_url(&mut std::io::stdin().lock()) {
        Ok(s) if s.is_empty() => {
            // The Go helper's line, so that callers that match it keep working.
            let p = program();
            return Outcome::failed().stdout(protocol::NO_SERVER_URL).reason(format!(
                "no registry host on stdin; send one, as docker does: echo 123456789012.dkr.ecr.us-east-1.amazonaws.com | {p} get"
            ));
        }
        Ok(s) => s,
        Err(reason) => return failed_get("", &reason),
    };
    match get::get(&settings, &server_url) {
        Ok(token) => Outcome::done(protocol::credentials_json(
            &server_url,
            &token.username,
            &token.password,
        )),
        // With `credsStore`, docker asks about every registry: a host that is not ECR is an
        // ordinary answer, not an error worth a line on every pull. `explain` tells why.
        Err(e @ Error::NotEcr { .. }) => Outcome::failed().stdout(protocol::NOT_FOUND).log(
            Level::Debug,
            "Not an ECR registry; no credentials for it",
            &[
                ("serverURL", &redact_userinfo(&server_url)),
                ("reason", &e.to_string()),
            ],
        ),
        Err(e) => failed_get(&server_url, &e.to_string()).process_stderr(e.process_stderr()),
    }
}

/// stdout keeps the protocol line; the reason goes to stderr and the log.
fn failed_get(server_url: &str, reason: &str) -> Outcome {
    let host = redact_userinfo(server_url);
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

pub fn get_login_password(settings: &Settings, args: &[String]) -> Outcome {
    let result = match args {
        [] => get::get_default_registry(settings).map(|(_, t)| t),
        [host] => get::get(settings, host.trim()),
        _ => {
            return Outcome::failed()
                .text(format!("usage: {} get-login-password [HOST]", program()));
        }
    };
    match result {
        Ok(token) => Outcome::done(token.password),
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
    let body: Vec<String> = get::list(&settings)
        .iter()
        .map(|(k, v)| format!("{}:{}", protocol::json_string(k), protocol::json_string(v)))
        .collect();
    Outcome::done(format!("{{{}}}", body.join(",")))
}

pub fn store_or_erase(env: &Env, store: bool) -> Outcome {
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
        Err(msg) => return Outcome::failed().stdout(msg),
    };
    let verb = if store { "store" } else { "erase" };
    if env.raw("AWS_ECR_IGNORE_CREDS_STORAGE") == Some("true") {
        // The login "succeeds", so say where the credentials went: nowhere.
        let what = match store {
            true => "not saved",
            false => "never saved, so there is nothing to erase",
        };
        return Outcome {
            ok: true,
            ..Outcome::failed()
                .log(
                    Level::Warn,
                    &format!(
                        "Ignoring request to {verb} credentials since AWS_ECR_IGNORE_CREDS_STORAGE is set; ecr-login does not need docker login"
                    ),
                    &[("serverURL", &server_url)],
                )
                .reason(format!(
                    "{verb}: the credentials for {server_url} were {what}: AWS_ECR_IGNORE_CREDS_STORAGE=true discards every docker login. Amazon ECR needs none; to keep logins to other registries, name only ECR hosts in credHelpers in ~/.docker/config.json instead of credsStore"
                ))
        };
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
        .reason(format!(
            "Amazon ECR needs no docker login: this helper gets a token from your AWS credentials on every pull and push. Name ECR hosts in credHelpers in ~/.docker/config.json (other registries then keep their own logins), or set AWS_ECR_IGNORE_CREDS_STORAGE=true to let {verb} succeed and discard the credentials"
        ))
}
