//! Access to `shared/reference/cdmi/`: the test oracle. Absent on machines without the shared
//! folder, in which case the tests that need it print a note and pass.

use std::path::{Path, PathBuf};

/// The `shared/reference/cdmi` folder, found by walking up from the crate directory.
pub fn dir() -> Option<PathBuf> {
    let mut at: Option<&Path> = Some(Path::new(env!("CARGO_MANIFEST_DIR")));
    while let Some(here) = at {
        let candidate = here.join("shared/reference/cdmi");
        if candidate.is_dir() {
            return Some(candidate);
        }
        at = here.parent();
    }
    None
}

/// Reads and parses one JSON file of the reference folder, or `None` (with a note) when the
/// folder is absent.
pub fn json(name: &str) -> Option<serde_json::Value> {
    let Some(dir) = dir() else {
        eprintln!("note: shared/reference/cdmi not found; skipping the test that reads {name}");
        return None;
    };
    let text = std::fs::read_to_string(dir.join(name)).expect("reference file readable");
    Some(serde_json::from_str(&text).expect("reference file is JSON"))
}
