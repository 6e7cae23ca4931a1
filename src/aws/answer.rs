//! What can be wrong with a service's answer that arrived whole: a member missing, a time
//! that is not one. Each parser of an answer returns it; the call's error carries its text.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerProblem {
    NotJson,
    NotJsonObject,
    /// `no NAME`: a member that is missing or empty.
    Missing(String),
    /// `no NAME in the answer` (an XML element).
    MissingElement(&'static str),
    NotRfc3339(&'static str),
    OutOfRange(&'static str),
}

impl fmt::Display for AnswerProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnswerProblem::NotJson => f.write_str("the answer is not JSON"),
            AnswerProblem::NotJsonObject => f.write_str("the answer is not a JSON object"),
            AnswerProblem::Missing(name) => write!(f, "no {name}"),
            AnswerProblem::MissingElement(name) => write!(f, "no {name} in the answer"),
            AnswerProblem::NotRfc3339(name) => write!(f, "{name} is not an RFC 3339 time"),
            AnswerProblem::OutOfRange(name) => write!(f, "{name} is out of range"),
        }
    }
}

impl std::error::Error for AnswerProblem {}
