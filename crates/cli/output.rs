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

/// Writes `bytes` to `path` so that no reader ever sees half a file: a temporary file in
/// the same directory, flushed, then renamed over the target.
pub(crate) fn write_file(
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<(), crate::exit::CliError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.tern-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        crate::exit::CliError::usage(format!("cannot write {}: {e}", path.display()))
    })
}
