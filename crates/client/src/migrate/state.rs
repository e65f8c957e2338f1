//! The state file of a migration: what was asked and what is done, written atomically (a
//! temporary file in the same directory, then a rename) after every step and every disk, so
//! that `tern migrate --resume STATE` goes on where an interrupted run stopped.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::format::DiskFormat;

/// The version of the state file's layout.
pub const STATE_VERSION: u32 = 1;

/// A migration in progress.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The layout version ([`STATE_VERSION`]).
    pub version: u32,
    /// The source provider's base URL.
    pub from: String,
    /// The destination provider's base URL.
    pub to: String,
    /// The deployment migrated (`None`: everything at `/`).
    pub deployment: Option<String>,
    /// True once A's deployment (or its whole content) was chosen: a resumed run keeps it.
    #[serde(default)]
    pub chosen: bool,
    /// The deployment B's import creates (`/deployments/NAME/`, its disks under
    /// `/volumes/NAME/`): A's deployment's name, else the one the descriptor implies.
    #[serde(default)]
    pub target: Option<String>,
    /// The disk format asked for on the command line.
    pub disk_format: Option<DiskFormat>,
    /// True when A's computes are left running during the copy.
    pub live_ok: bool,
    /// The steps finished, by name, in order.
    pub done: Vec<String>,
    /// A's OVF descriptor as exported.
    pub ovf: Option<String>,
    /// The disks and how far each got.
    pub disks: Vec<DiskState>,
    /// A's computes this migration stopped, with the state each was in before.
    pub stopped: Vec<(String, String)>,
    /// The locations B's import created.
    pub imported: Vec<String>,
}

/// One disk of the migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskState {
    /// The File href in A's descriptor.
    pub href: String,
    /// The data object at A.
    pub source: String,
    /// Its size at A.
    pub source_size: u64,
    /// The format it has at A, when known.
    pub source_format: Option<DiskFormat>,
    /// The format it gets at B.
    pub target_format: Option<DiskFormat>,
    /// The data object at B.
    pub target: String,
    /// The size at B, once copied.
    pub size: Option<u64>,
    /// The SHA-256 of B's value, once verified.
    pub sha256: Option<String>,
    /// True once copied and verified.
    pub finished: bool,
    /// Bytes of the value B acknowledged so far (a copy in pieces): where a resumed copy
    /// goes on, once B's prefix is found equal to A's.
    #[serde(default)]
    pub acknowledged: u64,
}

impl State {
    /// True when the step `name` is finished.
    pub fn is_done(&self, name: &str) -> bool {
        self.done.iter().any(|d| d == name)
    }

    /// Marks the step `name` finished.
    pub fn finish(&mut self, name: &str) {
        if !self.is_done(name) {
            self.done.push(name.to_owned());
        }
    }

    /// Reads a state file.
    pub fn load(path: &Path) -> Result<State, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("--resume {}: {e}", path.display()))?;
        let not_state = |e: &dyn std::fmt::Display| {
            format!(
                "--resume {}: not a migration state file: {e}",
                path.display()
            )
        };
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| not_state(&e))?;
        // The version first: another layout is named as such, not as a missing field.
        let version = value["version"].as_u64().unwrap_or(0);
        if version != u64::from(STATE_VERSION) {
            return Err(format!(
                "--resume {}: state file version {version} (this tern writes {STATE_VERSION})",
                path.display(),
            ));
        }
        serde_json::from_value(value).map_err(|e| not_state(&e))
    }

    /// Writes the state to `path` atomically: a reader (or a resumed run after a crash) sees
    /// the previous state or this one, never half a file.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let failed = |e: &dyn std::fmt::Display| format!("state file {}: {e}", path.display());
        let dir: PathBuf = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let text = serde_json::to_vec_pretty(self).map_err(|e| failed(&e))?;
        let mut file = tempfile::NamedTempFile::new_in(&dir).map_err(|e| failed(&e))?;
        std::io::Write::write_all(&mut file, &text).map_err(|e| failed(&e))?;
        file.as_file().sync_all().map_err(|e| failed(&e))?;
        file.persist(path).map_err(|e| failed(&e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{DiskState, STATE_VERSION, State};

    #[test]
    fn a_saved_state_loads_back_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("m.json");
        let mut state = State {
            version: STATE_VERSION,
            from: "http://a".into(),
            to: "http://b".into(),
            ..State::default()
        };
        state.finish("export");
        state.finish("export");
        state.disks.push(DiskState {
            href: "d.vmdk".into(),
            finished: true,
            ..DiskState::default()
        });
        state.save(&path).expect("saved");
        state.finish("data");
        state.save(&path).expect("saved again");
        let back = State::load(&path).expect("loaded");
        assert_eq!(back, state);
        assert_eq!(back.done, ["export", "data"]);
        // Only the state file is left: the temporary one was renamed.
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn a_foreign_file_is_refused_with_its_name() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.json");
        std::fs::write(&path, "{\"version\": 99}").expect("written");
        let e = State::load(&path).expect_err("refused");
        assert!(e.contains("version 99"), "{e}");
        std::fs::write(&path, "not json").expect("written");
        assert!(State::load(&path).expect_err("refused").contains("x.json"));
    }
}
