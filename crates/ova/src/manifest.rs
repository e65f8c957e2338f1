//! OVF manifests (`.mf`): one `SHA256(name)= hex` line per file of the package.
//!
//! Written exactly in that spelling (what ovftool writes and vCenter accepts). Read strictly, except
//! that the BSD spelling `SHA256 (name) = hex` and other spacing or case variants are accepted
//! with a warning, because tools such as `sha256sum --tag` produce them and vCenter rejects them.

use std::collections::HashMap;
use std::fmt;

use tern_diag::{Finding, Position};

use crate::digest::{Algorithm, DigestValue, from_hex, to_hex};

/// A parsed or generated manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// The lines, in file order.
    pub entries: Vec<ManifestEntry>,
}

/// One `ALG(name)= hex` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The file name as written between the parentheses.
    pub name: String,
    /// The recorded digest.
    pub digest: DigestValue,
    /// 1-based line number in the source (0 for entries built in memory).
    pub line: usize,
}

/// A manifest (or certificate) line that could not be read strictly: the first finding,
/// placed at its line and column (no file: the caller names the manifest with
/// [`Finding::in_file`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{finding}")]
#[non_exhaustive]
pub struct ManifestError {
    /// Rule id (`MF-SYNTAX`, `MF-ALGORITHM`, `MF-DIGEST`, `MF-DUPLICATE`, `MF-SPELLING`, or
    /// `CERT-SYNTAX` for certificates), severity, message and position. Boxed: errors stay
    /// small.
    pub finding: Box<Finding>,
}

impl From<ManifestError> for Finding {
    fn from(e: ManifestError) -> Finding {
        *e.finding
    }
}

/// The result of a lenient parse: the usable entries and every finding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParsedManifest {
    /// Entries from the lines that could be read (including warned ones).
    pub manifest: Manifest,
    /// Errors (lines skipped) and warnings (lines accepted), in line order, each placed at
    /// its line and column.
    pub findings: Vec<Finding>,
}

impl Manifest {
    /// Parses leniently: bad lines become error diagnostics and are skipped; non-canonical but
    /// unambiguous lines (BSD spelling, lower-case algorithm, other spacing) are kept with a
    /// warning. Empty lines are ignored; a trailing `\r` (CRLF files) is accepted.
    pub fn parse(bytes: &[u8]) -> ParsedManifest {
        let mut parsed = ParsedManifest::default();
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (index, raw) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_no = index + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let Ok(text) = std::str::from_utf8(raw) else {
                parsed
                    .findings
                    .push(error(line_no, 1, "MF-SYNTAX", "line is not valid UTF-8".into()).into());
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            match parse_line(text, line_no, true) {
                Ok((entry, warning)) => {
                    parsed.findings.extend(warning);
                    if let Some(first) = first_line.get(&entry.name) {
                        parsed.findings.push(
                            error(
                                line_no,
                                1,
                                "MF-DUPLICATE",
                                format!("'{}' is already listed on line {first}", entry.name),
                            )
                            .into(),
                        );
                        continue;
                    }
                    first_line.insert(entry.name.clone(), line_no);
                    parsed.manifest.entries.push(entry);
                }
                Err(e) => parsed.findings.push(e.into()),
            }
        }
        parsed
    }

    /// Parses strictly: the first diagnostic of any severity is the error.
    pub fn parse_strict(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let parsed = Manifest::parse(bytes);
        match parsed.findings.into_iter().next() {
            Some(finding) => Err(ManifestError {
                finding: Box::new(finding),
            }),
            None => Ok(parsed.manifest),
        }
    }

    /// Appends an entry.
    pub fn push(&mut self, name: impl Into<String>, digest: DigestValue) {
        self.entries.push(ManifestEntry {
            name: name.into(),
            digest,
            line: 0,
        });
    }

    /// The entries recorded for `name` (normally at most one).
    pub fn entries_for<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ManifestEntry> {
        self.entries.iter().filter(move |e| e.name == name)
    }

    /// The manifest text: `ALG(name)= hex` lines, each ending in `\n`.
    pub fn render(&self) -> String {
        self.to_string()
    }

    /// Length in bytes of the rendered line for `name` under `algorithm`: known before the
    /// digest is, which lets a packer reserve the manifest's place in the archive.
    pub(crate) fn line_len(algorithm: Algorithm, name: &str) -> usize {
        algorithm.name().len() + 1 + name.len() + 3 + algorithm.hex_len() + 1
    }
}

impl fmt::Display for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.entries {
            writeln!(
                f,
                "{}({})= {}",
                e.digest.algorithm,
                e.name,
                to_hex(&e.digest.bytes)
            )?;
        }
        Ok(())
    }
}

/// An error at `line`, `column` (1-based, in characters).
fn error(line: usize, column: usize, rule: &'static str, message: String) -> ManifestError {
    ManifestError {
        finding: Box::new(Finding::error(rule, message).at(Position::new(line, column))),
    }
}

/// The 1-based column, in characters, of byte `offset` of `text`.
fn column(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(offset, |s| s.chars().count()) + 1
}

/// Parses one non-empty line into an entry and an optional spelling warning. With `exact`, the
/// hex must have the algorithm's digest length (manifests); without, any even length
/// (certificates carry a signature there).
pub(crate) fn parse_line(
    text: &str,
    line: usize,
    exact: bool,
) -> Result<(ManifestEntry, Option<Finding>), ManifestError> {
    const EXPECTED: &str = "expected `ALG(name)= hex`";
    let bytes = text.as_bytes();
    let mut canonical = true;

    let alg_end = text
        .find(|c: char| c == '(' || c.is_ascii_whitespace())
        .ok_or_else(|| {
            error(
                line,
                1,
                "MF-SYNTAX",
                format!("no '(' on the line; {EXPECTED}"),
            )
        })?;
    if alg_end == 0 {
        return Err(error(
            line,
            1,
            "MF-SYNTAX",
            format!("the line does not start with an algorithm name; {EXPECTED}"),
        ));
    }
    let alg_text = &text[..alg_end];

    let mut pos = alg_end;
    while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
        pos += 1;
        canonical = false;
    }
    if bytes.get(pos) != Some(&b'(') {
        return Err(error(
            line,
            column(text, pos),
            "MF-SYNTAX",
            format!("expected '(' after {alg_text}; {EXPECTED}"),
        ));
    }
    // The shape is right so far: now the algorithm may be judged.
    let algorithm: Algorithm = alg_text
        .parse()
        .map_err(|e: crate::digest::UnknownAlgorithm| {
            error(line, 1, "MF-ALGORITHM", e.to_string())
        })?;
    if alg_text != algorithm.name() {
        canonical = false;
    }
    let name_start = pos + 1;

    // Digests never contain '=', names may contain ')' or '=': split at the last '='.
    let eq = text.rfind('=').filter(|&i| i > name_start).ok_or_else(|| {
        error(
            line,
            column(text, name_start),
            "MF-SYNTAX",
            format!("no '=' after the file name; {EXPECTED}"),
        )
    })?;
    let before_eq = text[..eq].trim_end_matches(|c: char| c.is_ascii_whitespace());
    if before_eq.len() != eq {
        canonical = false;
    }
    let Some(name) = before_eq
        .get(name_start..)
        .and_then(|n| n.strip_suffix(')'))
    else {
        return Err(error(
            line,
            column(text, before_eq.len().max(name_start)),
            "MF-SYNTAX",
            format!("expected ')' before '='; {EXPECTED}"),
        ));
    };
    if name.is_empty() {
        return Err(error(
            line,
            column(text, name_start),
            "MF-SYNTAX",
            "empty file name".into(),
        ));
    }

    let (digest, canonical_digest) = parse_digest(text, eq, line, algorithm, exact)?;
    canonical &= canonical_digest;

    let warning = (!canonical).then(|| {
        Finding::warning(
            "MF-SPELLING",
            format!(
                "non-canonical spelling (e.g. BSD `{algorithm} (name) = hex`); vCenter accepts only `{algorithm}({name})= hex`"
            ),
        )
        .at(Position::new(line, 1))
    });
    let entry = ManifestEntry {
        name: name.to_owned(),
        digest: DigestValue {
            algorithm,
            bytes: digest,
        },
        line,
    };
    Ok((entry, warning))
}

/// The hex after the `=` at byte `eq`; also whether it was written as exactly `= hex`.
fn parse_digest(
    text: &str,
    eq: usize,
    line: usize,
    algorithm: Algorithm,
    exact: bool,
) -> Result<(Vec<u8>, bool), ManifestError> {
    let after_eq = &text[eq + 1..];
    let hex = after_eq.trim_matches(|c: char| c.is_ascii_whitespace());
    let canonical = after_eq.strip_prefix(' ') == Some(hex);
    let at = column(
        text,
        eq + 1 + (after_eq.len() - after_eq.trim_start().len()),
    );
    let digest = from_hex(hex).filter(|_| !hex.is_empty()).ok_or_else(|| {
        error(
            line,
            at,
            "MF-DIGEST",
            format!("'{hex}' is not a hexadecimal digest"),
        )
    })?;
    if exact && digest.len() != algorithm.digest_len() {
        return Err(error(
            line,
            at,
            "MF-DIGEST",
            format!(
                "a {algorithm} digest has {} hex digits, found {}",
                algorithm.hex_len(),
                hex.len()
            ),
        ));
    }
    Ok((digest, canonical))
}
