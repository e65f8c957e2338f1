//! Access to `shared/reference/cdmi/`, the test oracle, through tern-testkit: absent on a
//! machine without the shared folder, the tests that need it pass with a note, unless
//! `TERN_REQUIRE_REFERENCE=1` (CI), which makes them fail.

use std::path::PathBuf;

/// The `shared/reference/cdmi` folder.
pub fn dir() -> Option<PathBuf> {
    tern_testkit::reference("cdmi")
}

/// Reads and parses one JSON file of the reference folder, or `None` when the folder is
/// absent (see [`dir`]). A file missing from a present folder fails the test.
pub fn json(name: &str) -> Option<serde_json::Value> {
    let path = dir()?.join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Reads one text file of the reference folder, like [`json`].
pub fn text(name: &str) -> Option<String> {
    let path = dir()?.join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
