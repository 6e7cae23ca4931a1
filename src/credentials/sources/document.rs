//! The JSON credentials document, one parser for the three sources that answer with it: the
//! container endpoint and IMDS (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`) and
//! `credential_process` (the same with `Version: 1` and `SessionToken`, keys in any case).

use crate::aws::Credentials;
use crate::local::secret::Secret;
use serde_json::{Map, Value};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Who wrote the document: what it must contain, and how messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Document {
    Container,
    Imds,
    Process,
}

impl Document {
    /// The document in messages.
    fn name(self) -> &'static str {
        match self {
            Document::Container => "the answer",
            Document::Imds => "the IMDS answer",
            Document::Process => "its output",
        }
    }

    /// The session token's key.
    fn token_key(self) -> &'static str {
        match self {
            Document::Process => "SessionToken",
            Document::Container | Document::Imds => "Token",
        }
    }
}

/// Why a document gives no credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    NotJson(Document),
    NotObject(Document),
    NoVersion(Document),
    WrongVersion(Document),
    NotString(Document, &'static str),
    Missing(Document, &'static str),
    BadExpiration(Document),
    /// IMDS answered with a `Code` other than `Success`.
    Refused {
        code: String,
        message: String,
    },
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocumentError::NotJson(Document::Imds) => {
                f.write_str("the IMDS credentials answer is not JSON")
            }
            DocumentError::NotJson(d) => write!(f, "{} is not JSON", d.name()),
            DocumentError::NotObject(d) => write!(f, "{} is not a JSON object", d.name()),
            DocumentError::NoVersion(d) => {
                write!(f, "{} has no Version field (expected 1)", d.name())
            }
            DocumentError::WrongVersion(d) => write!(f, "{} has a Version other than 1", d.name()),
            DocumentError::NotString(d, k) => write!(f, "{k} in {} is not a string", d.name()),
            DocumentError::Missing(d, k) => write!(f, "{} has no {k}", d.name()),
            DocumentError::BadExpiration(d) => {
                write!(f, "Expiration in {} is not an RFC 3339 time", d.name())
            }
            DocumentError::Refused { code, message } => {
                let hint = if code == "AssumeRoleUnauthorizedAccess" {
                    " (does the role have a trust relationship with EC2?)"
                } else {
                    ""
                };
                write!(
                    f,
                    "IMDS could not give credentials: {code}: {message}{hint}"
                )
            }
        }
    }
}

impl std::error::Error for DocumentError {}

/// The credentials in `body`. The metadata documents (container, IMDS) are read as the SDKs
/// read them: exact keys, a value that is not a string counts as absent. A process's output is
/// checked strictly: `Version` 1, keys in any case, a value of the wrong type is an error.
pub fn parse(body: &[u8], doc: Document) -> Result<Credentials, DocumentError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| DocumentError::NotJson(doc))?;
    let empty = Map::new();
    let obj = match (v.as_object(), doc) {
        (Some(o), _) => o,
        (None, Document::Process) => return Err(DocumentError::NotObject(doc)),
        (None, _) => &empty,
    };
    let get = |name: &str| match doc {
        Document::Process => obj
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v),
        _ => obj.get(name),
    };
    // An empty string is absent, except in a process's output, where an empty Expiration
    // is an error as any other unparsable one is.
    let text = |name: &'static str| -> Result<Option<String>, DocumentError> {
        match (get(name), doc) {
            (Some(Value::String(s)), Document::Process) => Ok(Some(s.clone())),
            (Some(Value::String(s)), _) if !s.is_empty() => Ok(Some(s.clone())),
            (None | Some(Value::Null | Value::String(_)), _) => Ok(None),
            (Some(_), Document::Process) => Err(DocumentError::NotString(doc, name)),
            (Some(_), _) => Ok(None),
        }
    };
    let optional = |name: &'static str| Ok(text(name)?.filter(|s| !s.is_empty()));
    let required = |name: &'static str| optional(name)?.ok_or(DocumentError::Missing(doc, name));
    if doc == Document::Process {
        match get("Version") {
            Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
            Some(_) => return Err(DocumentError::WrongVersion(doc)),
            None => return Err(DocumentError::NoVersion(doc)),
        }
    }
    if doc == Document::Imds
        && let Some(code) = optional("Code")?.filter(|c| !c.eq_ignore_ascii_case("Success"))
    {
        return Err(DocumentError::Refused {
            code,
            message: optional("Message")?.unwrap_or_default(),
        });
    }
    let expiry = match text("Expiration")? {
        Some(e) => Some(
            OffsetDateTime::parse(&e, &Rfc3339).map_err(|_| DocumentError::BadExpiration(doc))?,
        ),
        None => None,
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: Secret::new(required("SecretAccessKey")?),
        session_token: optional(doc.token_key())?.map(Secret::new),
        expiry,
        account_id: optional("AccountId")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_writer_read_its_own_way() {
        // Keys in any case, and a type error, only in a process's output.
        let lower = br#"{"version":1,"accesskeyid":"AK","secretaccesskey":"SK"}"#;
        assert!(parse(lower, Document::Process).is_ok());
        assert_eq!(
            parse(lower, Document::Container),
            Err(DocumentError::Missing(Document::Container, "AccessKeyId"))
        );
        let number = br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","AccountId":7}"#;
        assert_eq!(
            parse(number, Document::Process).unwrap_err().to_string(),
            "AccountId in its output is not a string"
        );
        let number = br#"{"AccessKeyId":"AK","SecretAccessKey":"SK","AccountId":7}"#;
        assert_eq!(parse(number, Document::Imds).unwrap().account_id, None);
        // The token's key, and an empty Expiration.
        let c = parse(
            br#"{"AccessKeyId":"AK","SecretAccessKey":"SK","Token":"T","Expiration":""}"#,
            Document::Container,
        )
        .unwrap();
        assert_eq!(
            (c.session_token.as_ref().map(Secret::as_str), c.expiry),
            (Some("T"), None)
        );
        assert_eq!(
            parse(
                br#"{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","Expiration":""}"#,
                Document::Process
            ),
            Err(DocumentError::BadExpiration(Document::Process))
        );
        // IMDS's Code, and what each document is called.
        assert_eq!(
            parse(br#"{"Code":"Failed","Message":"no"}"#, Document::Imds)
                .unwrap_err()
                .to_string(),
            "IMDS could not give credentials: Failed: no"
        );
        assert_eq!(
            parse(b"[]", Document::Process).unwrap_err().to_string(),
            "its output is not a JSON object"
        );
        assert_eq!(
            parse(b"{", Document::Imds).unwrap_err().to_string(),
            "the IMDS credentials answer is not JSON"
        );
    }
}
