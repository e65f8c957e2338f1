//! Writing command output to stdout, so that a broken pipe surfaces as an error the exit
//! logic can recognise instead of a panic from `println!`.

use std::io::{self, Write};

/// Writes `text` to stdout and flushes.
pub(crate) fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Writes raw bytes to stdout and flushes.
pub(crate) fn print_bytes(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Writes `value` as pretty JSON followed by a newline.
pub(crate) fn print_json(value: &serde_json::Value) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    print(&text)
}
