//! Exit codes and error rendering: 0 ok, 1 invalid input, 2 usage or I/O error;
//! a broken pipe (e.g. `tern ... | head`) ends quietly with 0.

use std::io;
use std::process::ExitCode;

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
    /// Invalid input: a diagnostic naming file, line, column and rule.
    Invalid(miette::Report),
    /// Usage errors and failures to read or write files.
    Usage(miette::Report),
    /// Writing to stdout failed.
    Io(io::Error),
}

impl From<io::Error> for CliError {
    fn from(e: io::Error) -> Self {
        CliError::Io(e)
    }
}

/// Turns a command result into the process exit code, printing any diagnostic on stderr.
pub(crate) fn finish(result: Result<Outcome, CliError>) -> ExitCode {
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(CliError::Io(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(CliError::Invalid(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
        Err(CliError::Usage(report)) => {
            eprintln!("{report:?}");
            ExitCode::from(2)
        }
    }
}
