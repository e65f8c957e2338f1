//! What tern's tests share (a dev-dependency only).
//!
//! The real-world files live in `shared/reference/` beside the repository and are read in
//! place, never copied. A checkout without them skips those tests with a note; CI sets
//! `TERN_REQUIRE_REFERENCE=1`, and then a missing folder fails the test with a message
//! saying what is missing and where it was looked for.
//!
//! ```
//! // In a test: `let Some(dir) = tern_testkit::reference("ovf/samples") else { return };`
//! let _ = tern_testkit::REQUIRE_REFERENCE;
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::{Path, PathBuf};

/// The environment variable that turns a missing reference folder into a failure.
pub const REQUIRE_REFERENCE: &str = "TERN_REQUIRE_REFERENCE";

/// The repository root: the nearest ancestor of the current crate holding `Cargo.lock`.
pub fn repo_root() -> PathBuf {
    let start = crate_dir();
    start
        .ancestors()
        .find(|d| d.join("Cargo.lock").is_file())
        .map_or(start.clone(), Path::to_path_buf)
}

/// `shared/reference/<sub>` found by walking up from the crate being tested.
///
/// # Panics
/// When it is absent and `TERN_REQUIRE_REFERENCE` is set to anything but `0` or empty.
pub fn reference(sub: &str) -> Option<PathBuf> {
    let start = crate_dir();
    if let Some(found) = start
        .ancestors()
        .map(|d| d.join("shared/reference").join(sub))
        .find(|c| c.exists())
    {
        return Some(found);
    }
    let required = std::env::var(REQUIRE_REFERENCE).is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(
        !required,
        "shared/reference/{sub} was not found in any ancestor of {} and {REQUIRE_REFERENCE} is set: \
         this test reads the real-world reference files in place; put the `shared` folder beside \
         the repository or unset {REQUIRE_REFERENCE}",
        start.display()
    );
    eprintln!(
        "note: shared/reference/{sub} not found; skipping (set {REQUIRE_REFERENCE}=1 to fail)"
    );
    None
}

/// The files directly inside `dir` whose name ends with one of `suffixes` (any case),
/// sorted.
///
/// # Panics
/// When `dir` cannot be read or holds fewer than `at_least` such files: a sweep over
/// samples that silently finds nothing would pass while testing nothing.
pub fn files(dir: &Path, suffixes: &[&str], at_least: usize) -> Vec<PathBuf> {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            p.is_file()
                && suffixes
                    .iter()
                    .any(|s| name.ends_with(&s.to_ascii_lowercase()))
        })
        .collect();
    found.sort();
    assert!(
        found.len() >= at_least,
        "{} holds {} file(s) ending in {suffixes:?}, expected at least {at_least}",
        dir.display(),
        found.len()
    );
    found
}

// Cargo sets CARGO_MANIFEST_DIR for tests it runs; fall back to the working directory.
fn crate_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || std::env::current_dir().unwrap_or_default(),
        PathBuf::from,
    )
}

/// The findings of `rule` among `findings`, after checking what `tern_diag::Bounded` promises
/// for an input that broke `rule` `total` times (more than the bound): the first
/// `Bounded::PER_RULE` are kept, and the last finding is the note counting the rest.
///
/// # Panics
///
/// When they are not (the test fails).
pub fn bounded_findings<'f>(
    findings: &'f [tern_diag::Finding],
    rule: &str,
    total: usize,
) -> Vec<&'f tern_diag::Finding> {
    let kept: Vec<_> = findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(
        kept.len(),
        tern_diag::Bounded::PER_RULE,
        "findings of {rule} kept"
    );
    let note = findings.last().expect("a finding");
    assert_eq!(note.rule, tern_diag::LIMIT_RULE);
    let left = total - tern_diag::Bounded::PER_RULE;
    assert!(
        note.message
            .starts_with(&format!("{left} more {rule} findings")),
        "{}",
        note.message
    );
    kept
}
