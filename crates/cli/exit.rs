//! Exit codes and error rendering: 0 ok, 1 invalid input, 2 usage or I/O error;
//! a broken pipe (e.g. `tern ... | head`) ends quietly with 0.

use std::io;
use std::process::ExitCode;

use tern_diag::Finding;

use crate::app::Format;
use crate::report::Findings;

/// What a subcommand reports when it finishes normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything was valid.
    Ok,
    /// The command ran but found invalid input (findings already printed).
    Invalid,
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
pub(crate) fn finish(result: Result<Outcome, CliError>, format: Format) -> ExitCode {
    let (findings, code) = match result {
        Ok(Outcome::Ok) => return ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => return ExitCode::from(1),
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            return ExitCode::SUCCESS;
        }
        Err(CliError::Io(e)) => (
            Findings::from(vec![Finding::error("cli.io", e.to_string())]),
            2,
        ),
        Err(CliError::Invalid(findings)) => (*findings, 1),
        Err(CliError::Usage { message, help }) => {
            let message = match help {
                Some(help) => format!("{message}\n  help: {help}"),
                None => message,
            };
            (
                Findings::from(vec![Finding::error("cli.usage", message)]),
                2,
            )
        }
    };
    findings.eprint(format);
    ExitCode::from(code)
}
