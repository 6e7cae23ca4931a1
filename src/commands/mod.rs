//! The doors: what a command line asks for ([`args::parse`] → [`Parsed`]), doing it
//! ([`run`]), and the one place that reports the outcome ([`outcome::report`]), so that every
//! command fails the same way.

pub mod args;
pub mod bazel;
mod docker;
pub mod explain;
pub mod fallback;
pub mod kubelet;
pub mod outcome;
pub mod protocol;

use crate::local::log::{self, Level};
use crate::local::settings::Settings;
use crate::local::{config, env};
pub use args::{Action, Command, Parsed, UsageError, parse};
use outcome::{Outcome, err, program, report};
use std::io::Read;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const GIT_COMMIT: &str = env!("ECR_LOGIN_GIT_COMMIT");

const HELP: &str = "\
docker-credential-ecr-login: Amazon ECR credentials for docker, podman, buildah, skopeo, crane,
helm, the kubelet and Bazel. One static binary; finds AWS credentials as the AWS SDKs do.

Usage: docker-credential-ecr-login <get|list|store|erase|version>   (the docker protocol)
       docker-credential-ecr-login get-login-password [HOST]
       docker-credential-ecr-login explain HOST [--resolve]
       docker-credential-ecr-login kubelet-credential-provider
       docker-credential-ecr-login -v

  get                  read a registry host on stdin, print {\"ServerURL\",\"Username\",\"Secret\"}
                       (given Bazel's {\"uri\": ...} instead, the headers Bazel asks for:
                       .bazelrc --credential_helper=*.dkr.ecr.REGION.amazonaws.com=PATH)
  list                 print the cached registries as {\"https://HOST\":\"AWS\"}, first fetching the
                       default registry and ECR Public when the cache lacks them
  store, erase         for ECR hosts: succeed only with AWS_ECR_IGNORE_CREDS_STORAGE=true (ECR needs
                       no docker login); for other hosts, with AWS_ECR_FALLBACK_CREDS_STORE=NAME,
                       handed to docker-credential-NAME (so are get and list)
  version              print the version
  get-login-password   print only the password (for helm/oras/podman login --password-stdin);
                       without HOST, for the default registry in AWS_REGION
  explain              show how a get would go: registry, credential source and why, endpoints,
                       cache entry; no secret, no network call unless --resolve
  kubelet-credential-provider
                       answer a kubelet CredentialProviderRequest on stdin; with the pod's
                       service-account token, pull as the role its eks.amazonaws.com/ecr-role-arn
                       annotation (or AWS_ECR_ROLE_ARN) names

Linked as docker-credential-ecr-login-NAME, it uses AWS profile NAME.

Examples:
  echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com | docker-credential-ecr-login get
  docker-credential-ecr-login explain 123456789012.dkr.ecr.eu-west-1.amazonaws.com
  docker-credential-ecr-login get-login-password public.ecr.aws | helm registry login --username AWS --password-stdin public.ecr.aws

Settings (environment): AWS credentials as the AWS SDKs read them (AWS_ACCESS_KEY_ID,
AWS_PROFILE, ~/.aws/config, web identity, container, IMDS, ...), AWS_ECR_CACHE_DIR (default
~/.ecr), AWS_ECR_DISABLE_CACHE, AWS_ECR_LOG_LEVEL (off|error|warn|info|debug),
AWS_ECR_IGNORE_CREDS_STORAGE, AWS_ECR_FALLBACK_CREDS_STORE, AWS_ENDPOINT_URL_ECR, AWS_CA_BUNDLE,
HTTPS_PROXY. The README lists them all.
";

/// Runs what the command line asked for and returns the process's exit code.
pub fn run(parsed: Parsed) -> u8 {
    report(outcome(parsed))
}

fn outcome(parsed: Parsed) -> Outcome {
    let command = match parsed {
        Parsed::VersionFlag => {
            return Outcome::done(format!(
                "docker-credential-ecr-login\nVersion:    {VERSION}\nGit commit: {GIT_COMMIT}"
            ));
        }
        // Asked for, help is the answer: stdout, exit 0.
        Parsed::Help => return Outcome::done(HELP.trim_end()),
        Parsed::Usage(error) => return usage(error),
        Parsed::Run(command) => command,
    };
    let settings = settings();
    match command {
        Command::Docker(Action::Get) => docker::get(settings),
        Command::Docker(Action::List) => docker::list(settings),
        Command::Docker(action @ (Action::Store | Action::Erase)) => {
            docker::store_or_erase(&settings.env, action)
        }
        Command::GetLoginPassword { host } => {
            docker::get_login_password(&settings, host.as_deref())
        }
        Command::Explain { host, resolve } => explain_command(&settings, &host, resolve),
        Command::Kubelet => kubelet_command(&settings),
        Command::Version => Outcome::done(match GIT_COMMIT {
            "" => format!("docker-credential-ecr-login (ecr-login-rs) {VERSION}"),
            commit => {
                format!("docker-credential-ecr-login (ecr-login-rs) {VERSION} (git {commit})")
            }
        }),
    }
}

/// A command line that asks for nothing this program does.
fn usage(error: UsageError) -> Outcome {
    let p = program();
    match error {
        UsageError::UnknownFlag(flag) => Outcome::failed()
            .text(format!("flag provided but not defined: {flag}\n{}", HELP.trim_end()))
            .exit_code(2),
        // Go's line on stdout, as callers may match it; the commands it leaves out on stderr.
        UsageError::DockerArguments => Outcome::failed().stdout(protocol::USAGE).text(format!(
            "       {p} get-login-password [HOST]\n       {p} explain HOST [--resolve]\n       {p} kubelet-credential-provider\n       {p} -h    (help: every command and environment variable)"
        )),
        UsageError::UnknownAction(other) => {
            Outcome::failed().stdout(format!("docker-credential-ecr-login: unknown action: {other}"))
        }
        UsageError::GetLoginPassword => {
            Outcome::failed().text(format!("usage: {p} get-login-password [HOST]"))
        }
        UsageError::Explain => Outcome::failed().text(format!("usage: {p} explain HOST [--resolve]")),
    }
}

/// The environment an action runs in: a profile link's profile, the log, and a word on
/// stderr about a cache directory that cannot be trusted.
fn settings() -> Settings {
    let env = match profile_from_name() {
        Some(profile) => env::Env::from_process().with_explicit_profile(&profile),
        None => env::Env::from_process(),
    };
    log::init(&env);
    if let Some((dir, part, why)) = config::cache_distrust(&env) {
        let at = match part == dir {
            true => String::new(),
            false => format!("{}: ", part.display()),
        };
        err(&format!(
            "{}: not using {} for the cache or the log: {at}{why}",
            program(),
            dir.display()
        ));
    }
    Settings::new(env)
}

fn explain_command(settings: &Settings, host: &str, resolve: bool) -> Outcome {
    let (report, ok) = explain::explain(settings, host, resolve);
    let report = report.trim_end_matches('\n');
    match ok {
        true => Outcome::done(report),
        false => Outcome::failed().stdout(report),
    }
}

fn kubelet_command(settings: &Settings) -> Outcome {
    let mut input = Vec::new();
    if let Err(e) = std::io::stdin()
        .lock()
        .take(protocol::MAX_INPUT as u64 + 1)
        .read_to_end(&mut input)
    {
        return Outcome::failed().reason(format!("could not read the request: {e}"));
    }
    match kubelet::respond(settings, &input) {
        Ok(response) => Outcome::done(response),
        Err(kubelet::Failure {
            message,
            process_stderr,
        }) => Outcome::failed()
            .log(
                Level::Error,
                "Error answering the kubelet",
                &[("error", &message)],
            )
            .reason(message)
            .process_stderr(process_stderr.as_deref()),
    }
}

/// Invoked as `docker-credential-ecr-login-NAME` (a link, named in docker's `credHelpers`
/// as `ecr-login-NAME`), the helper uses AWS profile `NAME`.
fn profile_from_name() -> Option<String> {
    let profile = program().strip_prefix("docker-credential-ecr-login-")?;
    (!profile.is_empty()).then(|| profile.to_string())
}
