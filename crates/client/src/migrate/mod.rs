//! `tern migrate`: a deployment moved from one OCCI + CDMI provider (A) to another (B), in
//! the steps of the article's second phase:
//!
//! 1. **discover**: both query interfaces and CDMI capabilities, compared ([`compare`]): a
//!    table of what matches, maps and is missing; a required gap refuses the migration
//!    unless forced.
//! 2. **export**: A's OVF by content negotiation ([`ovf::export`]) and the data objects that
//!    hold its disks.
//! 3. **stop** (cold migrations): A's active computes stopped (OCCI action `stop`).
//! 4. **data**: each disk copied to B and verified ([`data::copy_disk`]), converted when B
//!    wants another format.
//! 5. **import**: the descriptor, its hrefs B's copies in the deployment's container, imported
//!    by B into the deployment of the same name (`POST /deployments/NAME/` with
//!    `application/ovf+xml`), or created through OCCI calls when B has no OVF import.
//! 6. **start**: B's computes whose counterpart at A was active started.
//! 7. **verify**: A's and B's entities compared (tern-engine), equal modulo identifiers,
//!    states, provider-assigned attributes and the provider's template names.
//!
//! The [`State`] is written atomically after every step and every disk: a run that stops
//! (a killed process, a server down) is resumed from its state file, finished disks not
//! copied again.

pub mod compare;
pub mod data;
pub mod format;
pub mod ovf;
pub mod state;
mod steps;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

pub use compare::{Area, Row, Status, Table};
pub use data::{Copied, DataError, Method};
pub use format::DiskFormat;
pub use state::{DiskState, State};
pub use steps::migrate;

use crate::http::Config;

/// The CDMI capability in which a tern server lists the disk formats it wants, preferred
/// first (`qcow2`, or `qcow2,raw`): a tern-specific name beside the standard ones.
pub const DISK_FORMATS: &str = "tern_disk_formats";

/// Told a line at each step and disk.
pub type ProgressLine = Arc<dyn Fn(&str) + Send + Sync>;

/// What to migrate, from where, to where, and how.
// The flags of the command line, each a yes/no question of its own.
#[allow(clippy::struct_excessive_bools)]
#[derive(Clone)]
pub struct Options {
    /// Provider A.
    pub from: Config,
    /// Provider B.
    pub to: Config,
    /// The deployment (`/deployments/NAME/` at A, imported at B under the same name); `None`:
    /// A's one deployment, else everything A serves at `/`.
    pub deployment: Option<String>,
    /// The format B's disks get; `None`: the first B lists in `tern_disk_formats`, else as
    /// they are.
    pub disk_format: Option<DiskFormat>,
    /// Leave A's computes running during the copy (no stop, no start).
    pub live_ok: bool,
    /// Discover, compare and export, then print the steps instead of doing them.
    pub dry_run: bool,
    /// Go on although B lacks something required (the gaps are listed).
    pub force: bool,
    /// Copies retried after a digest mismatch.
    pub retries: u32,
    /// The state file (written after every step).
    pub state: PathBuf,
    /// Go on with the migration the state file describes.
    pub resume: bool,
    /// Where temporary files (conversions) go.
    pub work_dir: Option<PathBuf>,
    /// How long an action may take to reach its new state.
    pub action_timeout: Duration,
    /// Told a line at each step and disk (a progress display).
    pub progress: Option<ProgressLine>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("from", &self.from.endpoint)
            .field("to", &self.to.endpoint)
            .field("deployment", &self.deployment)
            .field("disk_format", &self.disk_format)
            .field("live_ok", &self.live_ok)
            .field("dry_run", &self.dry_run)
            .field("force", &self.force)
            .field("state", &self.state)
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

/// What became of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepOutcome {
    /// Done now.
    Done,
    /// Done by an earlier run (resumed), or nothing to do.
    Skipped,
    /// Failed: the migration stopped here.
    Failed,
    /// A dry run: what would be done.
    Planned,
}

/// One step of the report.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    /// The step's name (`discover`, `export`, `stop`, `data`, `import`, `start`, `verify`).
    pub step: &'static str,
    /// What became of it.
    pub outcome: StepOutcome,
    /// What was done, in a line or a few.
    pub detail: String,
    /// Bytes that passed through tern.
    pub bytes: u64,
    /// Seconds taken.
    pub seconds: f64,
    /// Bytes per second, when bytes moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<f64>,
}

/// Why a migration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// B lacks something required (see the table).
    Refused,
    /// A provider could not be reached or refused a call.
    Connection,
    /// A disk could not be copied or verified.
    Data,
    /// The descriptor, the state file or the import went wrong.
    Invalid,
    /// After the migration, A's and B's deployments differ.
    Differs,
}

/// The failure that ended a migration.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The sort of failure.
    pub kind: FailureKind,
    /// A rule id for scripts (`migrate.refused`, `migrate.digest`, …).
    pub rule: &'static str,
    /// What went wrong.
    pub message: String,
}

/// One disk in the report.
#[derive(Debug, Clone, Serialize)]
pub struct DiskReport {
    /// A's File href.
    pub href: String,
    /// A's data object.
    pub source: String,
    /// B's data object.
    pub target: String,
    /// The format B got, when converted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<DiskFormat>,
    /// How it was copied (absent when an earlier run copied it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// The size at B.
    pub size: Option<u64>,
    /// The SHA-256 at B.
    pub sha256: Option<String>,
    /// Copies made (1 when the first verified; 0 when an earlier run copied it).
    pub attempts: u32,
    /// Bytes B held from an interrupted copy (checked against A's) and not sent again.
    #[serde(skip_serializing_if = "is_zero")]
    pub resumed: u64,
}

// serde's `skip_serializing_if` passes a reference.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The report of a migration.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The steps, in order.
    pub steps: Vec<StepReport>,
    /// The capability comparison.
    pub table: Table,
    /// The disks.
    pub disks: Vec<DiskReport>,
    /// Differences between A's and B's deployments after the migration (empty: equal).
    pub differences: Vec<String>,
    /// Notes (fallbacks taken, forced gaps).
    pub notes: Vec<String>,
    /// The state file, when there is one: written by this run (its first write follows the
    /// export step: a run that stops before has nothing to resume and leaves no file), or
    /// the one a resumed run read.
    pub state: Option<PathBuf>,
    /// Why the migration stopped, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

impl Report {
    /// The report as text: the table, then a line per step, disk and note, and the state
    /// file. The failure is not in it: the caller prints it once, as a diagnostic.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        if !self.table.rows.is_empty() {
            out.push_str(&self.table.text());
            out.push('\n');
        }
        for s in &self.steps {
            let outcome = match s.outcome {
                StepOutcome::Done => "done",
                StepOutcome::Skipped => "skipped",
                StepOutcome::Failed => "FAILED",
                StepOutcome::Planned => "planned",
            };
            let _ = write!(out, "{:<8} {outcome:<8} {:>8.2} s", s.step, s.seconds);
            if s.bytes > 0 {
                let _ = write!(out, "  {} bytes", s.bytes);
            }
            if let Some(t) = s.throughput {
                let _ = write!(out, "  {:.1} MiB/s", t / 1_048_576.0);
            }
            if !s.detail.is_empty() {
                let _ = write!(
                    out,
                    "  {}",
                    s.detail.replace('\n', "\n                            ")
                );
            }
            out.push('\n');
        }
        for d in &self.disks {
            let _ = writeln!(
                out,
                "disk {} -> {} ({}{} bytes, sha256 {})",
                d.href,
                d.target,
                d.format.map(|f| format!("{f}, ")).unwrap_or_default(),
                d.size.map_or_else(|| "?".into(), |s| s.to_string()),
                d.sha256.as_deref().unwrap_or("?"),
            );
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        for d in &self.differences {
            let _ = writeln!(out, "differs: {d}");
        }
        if let Some(state) = &self.state {
            let _ = writeln!(out, "state: {}", state.display());
        }
        out
    }
}
