//! Exit codes and error rendering: 0 ok, 1 invalid input, 2 usage or I/O error;
//! a broken pipe (e.g. `tern ... | head`) ends quietly with 0. `diff` and `plan` with
//! `--detailed-exitcode` use `terraform plan -detailed-exitcode`'s codes instead: 0 nothing
//! to do, 1 any error, 2 changes. Command lines clap refuses are usage errors like any other
//! (JSON on stderr under `--format json`).

use std::ffi::OsString;
use std::io;
use std::process::ExitCode;

use tern_diag::Finding;

use crate::app::{Format, GlobalArgs};
use crate::report::Findings;

/// What a subcommand reports when it finishes normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was valid.
    Ok,
    /// The command ran but found invalid input (findings already printed).
    Invalid,
    /// `diff` or `plan` with `--detailed-exitcode` found changes (exit 2).
    Changes,
}

/// The exit codes a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codes {
    /// 0 ok, 1 invalid input, 2 usage or I/O error.
    Standard,
    /// `--detailed-exitcode`: 0 nothing to do, 1 any error, 2 changes.
    Detailed,
}

/// What the raw command line asks for before clap has read it: the error of a command line
/// clap refuses follows these too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Requested {
    /// `--format json` (or `--format=json`).
    pub(crate) json: bool,
    /// The exit codes.
    pub(crate) codes: Codes,
}

impl Requested {
    /// Scans `args` (the program name first), up to a `--`.
    pub(crate) fn scan(args: impl IntoIterator<Item = OsString>) -> Self {
        let mut requested = Requested {
            json: false,
            codes: Codes::Standard,
        };
        let mut previous = OsString::new();
        for arg in args.into_iter().skip(1) {
            if arg == "--" {
                break;
            }
            if arg == "--format=json" || (previous == "--format" && arg == "json") {
                requested.json = true;
            }
            if arg == "--detailed-exitcode" {
                requested.codes = Codes::Detailed;
            }
            previous = arg;
        }
        requested
    }
}

/// A command line clap refused, or a request for help or the version: help and version on
/// stdout (exit 0); errors as clap words them (exit 2, or 1 under `--detailed-exitcode`), or
/// under `--format json` as the findings JSON on stderr.
pub(crate) fn refused(e: &clap::Error, requested: Requested) -> ExitCode {
    if !e.use_stderr() {
        // Help or version; a closed stdout is no error.
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let code = match requested.codes {
        Codes::Standard => 2,
        Codes::Detailed => 1,
    };
    if !requested.json {
        let _ = e.print();
        return ExitCode::from(code);
    }
    let json = GlobalArgs {
        format: Format::Json,
        ..GlobalArgs::default()
    };
    Findings::from(vec![usage_finding(e)]).eprint(&json);
    ExitCode::from(code)
}

// clap's error as one finding: its first line the message, the rest (tip, usage) the hint.
fn usage_finding(e: &clap::Error) -> Finding {
    let text = e.render().to_string();
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"));
    let usage = text.lines().find(|l| l.starts_with("Usage:"));
    let (message, rest): (String, Vec<&str>) =
        if e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            // clap prints the whole help here: the usage line is the useful part.
            (
                "a subcommand or argument is missing".to_owned(),
                usage.into_iter().collect(),
            )
        } else {
            let first = lines.next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first).to_owned();
            (first, lines.collect())
        };
    let finding = Finding::error("cli.usage", message);
    if rest.is_empty() {
        finding
    } else {
        finding.with_hint(rest.join("; "))
    }
}

/// Why a subcommand could not finish.
#[derive(Debug)]
pub enum CliError {
    /// Invalid input: findings naming file, line, column and rule (with the source, when
    /// known, for a snippet).
    Invalid(Box<Findings>),
    /// Usage errors and failures to read or write files.
    Usage {
        /// What went wrong.
        message: String,
        /// What to do instead, when there is a standard answer.
        help: Option<String>,
    },
    /// Writing to stdout failed.
    Io(io::Error),
    /// A run that could not finish for another reason than its input (a provider that does
    /// not answer): findings with their own rule ids, exit 2.
    Failed(Box<Findings>),
}

impl CliError {
    /// A usage or file-system error (exit 2).
    pub(crate) fn usage(message: impl std::fmt::Display) -> Self {
        CliError::Usage {
            message: message.to_string(),
            help: None,
        }
    }

    /// A usage error with a hint.
    pub(crate) fn usage_with_help(
        message: impl std::fmt::Display,
        help: impl std::fmt::Display,
    ) -> Self {
        CliError::Usage {
            message: message.to_string(),
            help: Some(help.to_string()),
        }
    }

    /// Invalid input (exit 1), one finding.
    pub(crate) fn invalid(finding: Finding) -> Self {
        CliError::Invalid(Box::new(Findings::from(vec![finding])))
    }

    /// Invalid input (exit 1), one finding about `source` (shown as a snippet in text).
    pub(crate) fn invalid_in(finding: Finding, source: &str) -> Self {
        let mut findings = Findings::default();
        findings.push_in(finding, source);
        CliError::Invalid(Box::new(findings))
    }
}

impl CliError {
    /// The findings this error is reported with, and its exit code (1 invalid input, 2 usage
    /// or I/O). Commands that go on after one input fails print it with these.
    pub(crate) fn into_findings(self) -> (Findings, u8) {
        match self {
            CliError::Io(e) => (
                Findings::from(vec![Finding::error("cli.io", e.to_string())]),
                2,
            ),
            CliError::Invalid(findings) => (*findings, 1),
            CliError::Failed(findings) => (*findings, 2),
            CliError::Usage { message, help } => {
                let mut finding = Finding::error("cli.usage", message);
                finding.hint = help;
                (Findings::from(vec![finding]), 2)
            }
        }
    }
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

impl From<Findings> for CliError {
    fn from(findings: Findings) -> Self {
        CliError::Invalid(Box::new(findings))
    }
}

/// Turns a command result into the process exit code, printing any diagnostic on stderr in
/// the shape `--format` asks for (text with snippets, or the findings JSON).
pub(crate) fn finish(
    result: Result<Outcome, CliError>,
    global: &GlobalArgs,
    codes: Codes,
) -> ExitCode {
    let error = match result {
        Ok(Outcome::Ok) => return ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => return ExitCode::from(1),
        Ok(Outcome::Changes) => return ExitCode::from(2),
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        Err(e) => e,
    };
    let (findings, code) = error.into_findings();
    findings.eprint(global);
    match codes {
        Codes::Standard => ExitCode::from(code),
        Codes::Detailed => ExitCode::from(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(args: &[&str]) -> Requested {
        Requested::scan(
            std::iter::once("tern")
                .chain(args.iter().copied())
                .map(OsString::from),
        )
    }

    #[test]
    fn the_raw_command_line_says_json_and_detailed_codes() {
        assert!(scan(&["--format", "json", "ovf", "info"]).json);
        assert!(scan(&["ovf", "info", "--format=json"]).json);
        assert!(!scan(&["ovf", "info", "--", "--format=json"]).json);
        assert!(!scan(&["--format", "text", "json"]).json);
        assert_eq!(
            scan(&["plan", "--detailed-exitcode", "a", "b"]).codes,
            Codes::Detailed
        );
        assert_eq!(scan(&["plan", "a", "b"]).codes, Codes::Standard);
    }
}
