//! What a command line asks for, parsed once into types: the program's own answers (help,
//! the version), a usage error, or a command with its arguments. Strings stay here: nothing
//! after parsing looks at argv again (ripgrep's `ParseResult`).

/// The result of parsing a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// `-v`, `--version`: the Go helper's three lines.
    VersionFlag,
    /// `-h`, `--help`.
    Help,
    /// A command line that asks for nothing this program does.
    Usage(UsageError),
    /// Something to do.
    Run(Command),
}

/// What is wrong with a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// A flag Go's flag package would not know.
    UnknownFlag(String),
    /// A docker-protocol action with other than one argument, or none at all.
    DockerArguments,
    /// An action nobody knows.
    UnknownAction(String),
    /// `get-login-password` with more than one host.
    GetLoginPassword,
    /// `explain` without exactly one host.
    Explain,
}

/// A command, with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// One of the docker credential-helper protocol's actions.
    Docker(Action),
    /// `version`.
    Version,
    /// `get-login-password [HOST]`: without a host, the default registry.
    GetLoginPassword { host: Option<String> },
    /// `explain HOST [--resolve]`.
    Explain { host: String, resolve: bool },
    /// `kubelet-credential-provider`.
    Kubelet,
}

/// The docker credential-helper protocol's actions (cargo-credential's `Action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Get,
    List,
    Store,
    Erase,
}

impl Action {
    /// The action's name: on argv, and to another helper (the fallback store).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Get => "get",
            Action::List => "list",
            Action::Store => "store",
            Action::Erase => "erase",
        }
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The command in `args` (without the program name). Flags first, as Go's flag package
/// parses them before the action; the docker protocol's actions take exactly one argument.
pub fn parse(args: &[String]) -> Parsed {
    if let Some(arg) = args
        .first()
        .filter(|a| a.starts_with('-') && *a != "-" && *a != "--")
    {
        // Go's flag package takes `--v` for `-v`; `--version` is what people type.
        return match arg.trim_start_matches('-') {
            "v" | "v=true" | "version" => Parsed::VersionFlag,
            "h" | "help" => Parsed::Help,
            _ => Parsed::Usage(UsageError::UnknownFlag(arg.clone())),
        };
    }
    let rest = &args[args.len().min(1)..];
    let command = match args.first().map(String::as_str) {
        Some("get-login-password") => match rest {
            [] => Command::GetLoginPassword { host: None },
            [host] => Command::GetLoginPassword {
                host: Some(host.trim().to_string()),
            },
            _ => return Parsed::Usage(UsageError::GetLoginPassword),
        },
        Some("explain") => {
            let hosts: Vec<&String> = rest.iter().filter(|a| *a != "--resolve").collect();
            match hosts[..] {
                [host] => Command::Explain {
                    host: host.trim().to_string(),
                    resolve: hosts.len() < rest.len(),
                },
                _ => return Parsed::Usage(UsageError::Explain),
            }
        }
        Some("kubelet-credential-provider") => Command::Kubelet,
        _ if args.len() != 1 => return Parsed::Usage(UsageError::DockerArguments),
        Some("get") => Command::Docker(Action::Get),
        Some("list") => Command::Docker(Action::List),
        Some("store") => Command::Docker(Action::Store),
        Some("erase") => Command::Docker(Action::Erase),
        Some("version") => Command::Version,
        Some(other) => return Parsed::Usage(UsageError::UnknownAction(other.to_string())),
        None => return Parsed::Usage(UsageError::DockerArguments),
    };
    Parsed::Run(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Parsed {
        parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn commands_as_go_parses_them() {
        assert_eq!(parsed(&["get"]), Parsed::Run(Command::Docker(Action::Get)));
        assert_eq!(parsed(&["--v"]), Parsed::VersionFlag);
        assert_eq!(parsed(&["-version", "get"]), Parsed::VersionFlag);
        assert_eq!(
            parsed(&["-x"]),
            Parsed::Usage(UsageError::UnknownFlag("-x".into()))
        );
        assert_eq!(
            parsed(&["get", "extra"]),
            Parsed::Usage(UsageError::DockerArguments)
        );
        assert_eq!(parsed(&[]), Parsed::Usage(UsageError::DockerArguments));
        assert_eq!(
            parsed(&["-"]),
            Parsed::Usage(UsageError::UnknownAction("-".into()))
        );
        assert_eq!(
            parsed(&["explain", "h", "--resolve"]),
            Parsed::Run(Command::Explain {
                host: "h".into(),
                resolve: true
            })
        );
        assert_eq!(
            parsed(&["explain", "--resolve", " h "]),
            Parsed::Run(Command::Explain {
                host: "h".into(),
                resolve: true
            })
        );
        assert_eq!(
            parsed(&["explain", "a", "b"]),
            Parsed::Usage(UsageError::Explain)
        );
        assert_eq!(
            parsed(&["get-login-password"]),
            Parsed::Run(Command::GetLoginPassword { host: None })
        );
        assert_eq!(
            parsed(&["get-login-password", "a", "b"]),
            Parsed::Usage(UsageError::GetLoginPassword)
        );
    }
}
