//! `credential_process`: a command run through the shell (`sh -c`, `cmd.exe /C` on
//! Windows) that prints Version 1 JSON. Bounded by Go's one-minute timeout.

use super::{Credentials, Provider, Resolver};
use crate::error::Error;
use serde_json::Value;
use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const TIMEOUT: Duration = Duration::from_secs(60);
/// More than any credentials document; a process printing more is not one.
const MAX_OUTPUT: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub command: String,
    pub profile: String,
    /// The profile's `aws_account_id`, used when the output has no `AccountId`.
    pub account_id: Option<String>,
}

impl Provider for Process {
    fn kind(&self) -> &'static str {
        "credential_process"
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn identity(&self) -> String {
        format!("credential-process\n{}", self.command)
    }

    fn provide(&self, _r: &Resolver) -> Result<Credentials, Error> {
        let fail =
            |msg: String| Error::Message(format!("credential_process `{}`: {msg}", self.command));
        let output = run(&self.command, TIMEOUT).map_err(fail)?;
        let mut creds = parse(&output).map_err(fail)?;
        if creds.account_id.is_none() {
            creds.account_id = self.account_id.clone();
        }
        Ok(creds)
    }
}

fn shell(command: &str) -> Command {
    #[cfg(windows)]
    {
        // cmd.exe parses its own command line: the line goes to it verbatim, as the SDKs pass
        // it, since the usual argument quoting would hide a quoted path from cmd.
        use std::os::windows::process::CommandExt;
        let mut c = Command::new("cmd.exe");
        c.arg("/C").raw_arg(command);
        c
    }
    #[cfg(not(windows))]
    {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    }
}

pub fn run(command: &str, timeout: Duration) -> Result<Vec<u8>, String> {
    let mut child = shell(command)
        // stdin belongs to the docker protocol and is already read.
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start it: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let r = (&mut stdout).take(MAX_OUTPUT + 1).read_to_end(&mut out);
        let _ = tx.send(r.map(|_| out));
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut err);
        err
    });
    let out = match rx.recv_timeout(timeout) {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("could not read its output: {e}"));
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "did not finish within {} s; it was stopped",
                timeout.as_secs()
            ));
        }
    };
    let status = child.wait().map_err(|e| e.to_string())?;
    let err = err_reader.join().unwrap_or_default();
    if out.len() as u64 > MAX_OUTPUT {
        return Err("printed more than 1 MiB".into());
    }
    if !status.success() {
        let err = String::from_utf8_lossy(&err);
        let err = err.trim();
        return Err(match status.code() {
            Some(code) => format!("exited with status {code}: {err}"),
            None => format!("was killed by a signal: {err}"),
        });
    }
    Ok(out)
}

/// Version 1 output: `Version`, `AccessKeyId`, `SecretAccessKey`, optional `SessionToken`,
/// `Expiration` (RFC 3339) and `AccountId`. Keys match in any case, as in the SDKs.
pub fn parse(output: &[u8]) -> Result<Credentials, String> {
    let v: Value =
        serde_json::from_slice(output).map_err(|_| "its output is not JSON".to_string())?;
    let obj = v.as_object().ok_or("its output is not a JSON object")?;
    let get = |name: &str| {
        obj.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    match get("Version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(_) => return Err("its output has a Version other than 1".into()),
        None => return Err("its output has no Version field (expected 1)".into()),
    }
    let text = |name: &str| -> Result<Option<String>, String> {
        match get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("{name} in its output is not a string")),
        }
    };
    let required = |name: &str| {
        text(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("its output has no {name}"))
    };
    let expiry = match text("Expiration")? {
        Some(e) => Some(
            OffsetDateTime::parse(&e, &Rfc3339)
                .map_err(|_| "Expiration in its output is not an RFC 3339 time".to_string())?,
        ),
        None => None,
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: required("SecretAccessKey")?,
        session_token: text("SessionToken")?.filter(|s| !s.is_empty()),
        expiry,
        account_id: text("AccountId")?.filter(|s| !s.is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_version_1() {
        let c = parse(br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"T","Expiration":"2022-05-02T18:36:00+00:00","AccountId":"123"}"#).unwrap();
        assert_eq!(c.access_key_id, "AK");
        assert_eq!(c.account_id.as_deref(), Some("123"));
        assert!(c.expiry.is_some());
        let c = parse(br#"{"version":1,"accesskeyid":"AK","secretaccesskey":"SK"}"#).unwrap();
        assert_eq!(c.session_token, None);
    }

    #[test]
    fn rejects_bad_output() {
        for bad in [
            &b"not json"[..],
            br#"[]"#,
            br#"{"AccessKeyId":"AK","SecretAccessKey":"SK"}"#,
            br#"{"Version":2,"AccessKeyId":"AK","SecretAccessKey":"SK"}"#,
            br#"{"Version":1,"SecretAccessKey":"SK"}"#,
            br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","Expiration":"tomorrow"}"#,
        ] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[cfg(unix)]
    #[test]
    fn runs_through_the_shell() {
        assert_eq!(run("printf '%s' a | tr a b", TIMEOUT).unwrap(), b"b");
        let e = run("echo oops >&2; exit 3", TIMEOUT).unwrap_err();
        assert_eq!(e, "exited with status 3: oops");
        let e = run("sleep 5", Duration::from_millis(50)).unwrap_err();
        assert!(e.contains("did not finish"), "{e}");
    }
}
