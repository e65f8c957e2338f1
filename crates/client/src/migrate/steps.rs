//! The migration's steps, in order, each recorded in the report and the state file.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use tern_model::{CategoryId, Collection, Resource};
use tern_occi::{ActionInvocation, Document, MediaType, ParseOptions};

use super::compare::{self, Needs, Side, Table};
use super::data::{self, Job};
use super::format::DiskFormat;
use super::ovf::{self, Imported, Placed};
use super::state::{DiskState, STATE_VERSION, State};
use super::{
    DISK_FORMATS, DiskReport, Failure, FailureKind, Options, Report, StepOutcome, StepReport,
};
use crate::extract::{Extracted, discover, extract};
use crate::http::{Client, ClientError};

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";
const OVF_BOOKKEEPING: &str = "http://schemas.tern.dev/occi/ovf#";
const OVF_PRODUCT: &str = "http://schemas.tern.dev/ovf/product#";
const OVF_SYSTEM: &str = "tern.ovf.system";
const CDMI_BOOKKEEPING: &str = "http://schemas.tern.dev/occi/cdmi#";
const COMPUTE_ACTION: &str = "http://schemas.ogf.org/occi/infrastructure/compute/action#";

/// Runs (or resumes) a migration; the report says how far it got and why it stopped.
pub async fn migrate(options: &Options) -> Report {
    let mut run = Run {
        options,
        report: Report::default(),
        state: State::default(),
    };
    if let Err(failure) = run.all().await {
        if !run.state.stopped.is_empty() && !run.state.is_done("start") {
            let stopped: Vec<String> = run.state.stopped.iter().map(|(l, _)| l.clone()).collect();
            run.report.notes.push(format!(
                "A's computes this migration stopped are still stopped: {} (--resume goes on; or start them again at A)",
                stopped.join(", ")
            ));
        }
        run.report.failure = Some(failure);
    }
    run.report
}

struct Run<'o> {
    options: &'o Options,
    report: Report,
    state: State,
}

type Step<T> = Result<T, Failure>;

fn fail(kind: FailureKind, rule: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        kind,
        rule,
        message: message.into(),
    }
}

fn connection(e: &ClientError) -> Failure {
    fail(FailureKind::Connection, "migrate.connection", e.to_string())
}

impl Run<'_> {
    fn say(&self, line: &str) {
        if let Some(p) = &self.options.progress {
            p(line);
        }
    }

    fn record(
        &mut self,
        step: &'static str,
        outcome: StepOutcome,
        detail: String,
        bytes: u64,
        started: Instant,
    ) {
        let seconds = started.elapsed().as_secs_f64();
        // A figure for people: the precision lost above 2^52 bytes does not show.
        #[allow(clippy::cast_precision_loss)]
        let throughput = (bytes > 0 && seconds > 0.0).then(|| bytes as f64 / seconds);
        self.say(&format!("{step}: {detail}"));
        self.report.steps.push(StepReport {
            step,
            outcome,
            detail,
            bytes,
            seconds,
            throughput,
        });
    }

    // The first call follows the export step: a run that stops before it (a provider that
    // does not answer, a refusal) writes no state file, there being nothing to resume.
    fn save(&mut self) -> Step<()> {
        if self.options.dry_run {
            return Ok(());
        }
        self.state
            .save(&self.options.state)
            .map_err(|m| fail(FailureKind::Invalid, "migrate.state", m))?;
        self.report.state = Some(self.options.state.clone());
        Ok(())
    }

    // The steps in order; each is a call, the glue is the state's bookkeeping.
    #[allow(clippy::too_many_lines)]
    async fn all(&mut self) -> Step<()> {
        let o = self.options;
        let (a, b) = match (Client::new(o.from.clone()), Client::new(o.to.clone())) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => return Err(connection(&e)),
        };
        self.state = if o.resume {
            let state = State::load(&o.state)
                .map_err(|m| fail(FailureKind::Invalid, "migrate.state", m))?;
            self.report.state = Some(o.state.clone());
            state
        } else {
            State {
                version: STATE_VERSION,
                from: a.base().to_owned(),
                to: b.base().to_owned(),
                deployment: o.deployment.clone(),
                disk_format: o.disk_format,
                live_ok: o.live_ok,
                ..State::default()
            }
        };
        // 1. Discovery (again on a resumed run: it only reads).
        let started = Instant::now();
        let b_discovery = discover(&b).await.map_err(|e| connection(&e))?;
        let b_side = Side {
            discovery: b_discovery,
            cdmi: compare::cdmi_capabilities(&b)
                .await
                .map_err(|e| connection(&e))?,
        };
        // 2. Export (kept in the state: a resumed run uses the same descriptor).
        let export_started = Instant::now();
        let resumed_export = self.state.ovf.is_some();
        if !self.state.chosen {
            self.choose(&a).await?;
        }
        if self.state.ovf.is_none() {
            let (text, from) = ovf::export(&a, self.state.deployment.as_deref())
                .await
                .map_err(|e| connection(&e))?;
            if let Some(name) = &self.state.deployment
                && from == "/"
            {
                self.report.notes.push(format!(
                    "A has no deployment {name} at /deployments/{name}/ (or no deployment groups): everything A serves at / is migrated, into B's deployment {name}"
                ));
                self.state.target = Some(name.clone());
                self.state.deployment = None;
            }
            self.state.ovf = Some(text);
        }
        let doc = self.descriptor()?;
        // What is migrated: A's deployment's members (all of A without one; two deployments
        // of one descriptor share entity ids, so not all of A then filtered).
        let extracted = extract_scope(&a, self.state.deployment.as_deref()).await?;
        let scope = members(&extracted.collection, self.state.deployment.as_deref());
        let a_side = Side {
            discovery: extracted.discovery.clone(),
            cdmi: compare::cdmi_capabilities(&a)
                .await
                .map_err(|e| connection(&e))?,
        };
        let target = if let Some(t) = &self.state.target {
            t.clone()
        } else {
            let t = self
                .state
                .deployment
                .clone()
                .unwrap_or_else(|| ovf::implied_name(&doc));
            self.state.target = Some(t.clone());
            t
        };
        if self.state.disks.is_empty() {
            let wanted = self.state.disk_format.or_else(|| {
                b_side
                    .cdmi
                    .get(DISK_FORMATS)
                    .and_then(|v| v.split(',').find_map(|f| f.parse::<DiskFormat>().ok()))
            });
            self.state.disks = locate(
                &a,
                &b,
                &doc,
                (self.state.deployment.as_deref(), &target),
                &scope,
                wanted,
            )
            .await?;
        }
        let needs = Needs {
            largest_disk: self.state.disks.iter().map(|d| d.source_size).max(),
            start_at_b: !self.state.live_ok,
            defined: tern_mapping::ovf2occi::ovf_to_occi(
                &doc,
                &tern_mapping::ovf2occi::Options::default(),
            )
            .map(|c| c.catalogue.mixins().iter().map(|m| m.id.clone()).collect())
            .unwrap_or_default(),
        };
        let table = compare::compare(&a_side, &b_side, &scope, &needs, |at_a, m| {
            let client = if at_a { a.clone() } else { b.clone() };
            async move { image_digest(&client, &m).await }
        })
        .await;
        let gaps: Vec<String> = table
            .gaps()
            .iter()
            .map(|r| format!("{} {}", area_name(r), r.a))
            .collect();
        self.report.table = table.clone();
        let detail = format!("{} rows, {} required gaps", table.rows.len(), gaps.len());
        if !gaps.is_empty() && !o.force {
            self.record("discover", StepOutcome::Failed, detail, 0, started);
            return Err(fail(
                FailureKind::Refused,
                "migrate.refused",
                format!(
                    "B lacks what the deployment requires: {} (see the table; --force migrates anyway)",
                    gaps.join(", ")
                ),
            ));
        }
        if !gaps.is_empty() {
            self.report
                .notes
                .push(format!("forced although B lacks: {}", gaps.join(", ")));
        }
        // B's deployment of that name would be overwritten (its data objects) and its
        // import refused: refused before anything changes at either side.
        if !self.state.is_done("export")
            && ovf::deployments(&b)
                .await
                .map_err(|e| connection(&e))?
                .contains(&target)
        {
            self.record("discover", StepOutcome::Failed, detail, 0, started);
            return Err(fail(
                FailureKind::Refused,
                "migrate.exists",
                format!(
                    "B has a deployment {target} already (/deployments/{target}/, its disks under /volumes/{target}/): delete it at B, or migrate another deployment"
                ),
            ));
        }
        self.record("discover", StepOutcome::Done, detail, 0, started);
        let outcome = if resumed_export {
            StepOutcome::Skipped
        } else {
            StepOutcome::Done
        };
        let disks = self
            .state
            .disks
            .iter()
            .map(|d| format!("{} ({} bytes at {})", d.href, d.source_size, d.source))
            .collect::<Vec<_>>();
        self.record(
            "export",
            outcome,
            format!(
                "OVF descriptor, {} disk(s): {}",
                disks.len(),
                disks.join(", ")
            ),
            0,
            export_started,
        );
        self.state.finish("export");
        self.save()?;
        if o.dry_run {
            self.plan(&scope);
            return Ok(());
        }
        self.stop(&a, &scope).await?;
        self.data(&a, &b).await?;
        self.import(&b, &doc, &table).await?;
        self.start(&b).await?;
        self.verify(&a, &b, &table).await
    }

    // Without --deployment: A's one deployment, else everything A serves (said so).
    async fn choose(&mut self, a: &Client) -> Step<()> {
        if self.state.deployment.is_none() {
            let names = ovf::deployments(a).await.map_err(|e| connection(&e))?;
            match names.as_slice() {
                [one] => {
                    self.report.notes.push(format!(
                        "A has one deployment, {one}: migrated (/deployments/{one}/)"
                    ));
                    self.state.deployment = Some(one.clone());
                }
                [] => self.report.notes.push(
                    "A has no deployment: everything A serves at / is migrated".to_owned(),
                ),
                many => self.report.notes.push(format!(
                    "A has {} deployments ({}): everything A serves at / is migrated (--deployment NAME migrates one)",
                    many.len(),
                    many.join(", ")
                )),
            }
        }
        self.state.chosen = true;
        Ok(())
    }

    // B's deployment (chosen by the export step).
    fn target(&self) -> String {
        self.state
            .target
            .clone()
            .unwrap_or_else(|| "deployment".to_owned())
    }

    fn descriptor(&self) -> Step<tern_ovf::Document> {
        let text = self.state.ovf.clone().unwrap_or_default();
        tern_ovf::Document::parse(text.as_bytes()).map_err(|e| {
            fail(
                FailureKind::Invalid,
                "migrate.ovf",
                format!("A's OVF export is unreadable: {}", e.to_finding()),
            )
        })
    }

    fn plan(&mut self, scope: &Collection) {
        let now = Instant::now();
        let active = active_computes(scope);
        if !self.state.live_ok {
            self.record(
                "stop",
                StepOutcome::Planned,
                format!("stop A's active computes: {}", join(&active)),
                0,
                now,
            );
        }
        let lines: Vec<String> = self
            .state
            .disks
            .iter()
            .map(|d| {
                let how = match (d.source_format, d.target_format) {
                    (s, Some(t)) if s != Some(t) => format!(
                        "converted {}→{t} by qemu-img",
                        s.map_or_else(|| "?".to_owned(), |s| s.to_string())
                    ),
                    _ => "CDMI copy, else streamed through tern".to_owned(),
                };
                format!(
                    "{} → {} ({} bytes, {how})",
                    d.source, d.target, d.source_size
                )
            })
            .collect();
        let bytes = self.state.disks.iter().map(|d| d.source_size).sum();
        self.record("data", StepOutcome::Planned, lines.join("\n"), bytes, now);
        if let Some(s) = self.report.steps.last_mut() {
            s.throughput = None;
        }
        self.record(
            "import",
            StepOutcome::Planned,
            format!(
                "POST the descriptor (hrefs to B's copies) to B's /deployments/{}/ as application/ovf+xml",
                self.target()
            ),
            0,
            now,
        );
        if !self.state.live_ok {
            self.record(
                "start",
                StepOutcome::Planned,
                format!("start B's counterparts of {}", join(&active)),
                0,
                now,
            );
        }
        self.record(
            "verify",
            StepOutcome::Planned,
            "compare A's and B's deployments".into(),
            0,
            now,
        );
    }

    // Cold migration: A's active computes stopped before the copy.
    async fn stop(&mut self, a: &Client, scope: &Collection) -> Step<()> {
        let started = Instant::now();
        if self.state.live_ok {
            self.record(
                "stop",
                StepOutcome::Skipped,
                "--live-ok: A's computes keep running".into(),
                0,
                started,
            );
            return Ok(());
        }
        if self.state.is_done("stop") {
            self.record(
                "stop",
                StepOutcome::Skipped,
                "stopped by an earlier run".into(),
                0,
                started,
            );
            return Ok(());
        }
        let active = active_computes(scope);
        for location in &active {
            if !self.state.stopped.iter().any(|(l, _)| l == location) {
                self.state.stopped.push((location.clone(), "active".into()));
                self.save()?;
            }
            act(a, location, "stop", "inactive", self.options.action_timeout)
                .await
                .map_err(|e| connection(&e))?;
        }
        self.state.finish("stop");
        self.save()?;
        self.record(
            "stop",
            StepOutcome::Done,
            format!("stopped at A: {}", join(&active)),
            0,
            started,
        );
        Ok(())
    }

    async fn data(&mut self, a: &Client, b: &Client) -> Step<()> {
        let started = Instant::now();
        let mut bytes = 0;
        let mut copied = 0;
        if !self.state.disks.is_empty() {
            crate::cdmi::ensure_container(b, &b.url("/volumes/"))
                .await
                .map_err(|e| connection(&e))?;
            crate::cdmi::ensure_container(b, &b.url(&format!("/volumes/{}/", self.target())))
                .await
                .map_err(|e| connection(&e))?;
        }
        for i in 0..self.state.disks.len() {
            let d = self.state.disks[i].clone();
            if d.finished {
                self.report.disks.push(disk_report(&d, None));
                self.say(&format!("data: {} already copied", d.href));
                continue;
            }
            let options = self.options;
            let job = Job {
                source: &d.source,
                size: d.source_size,
                source_format: d.source_format,
                target_format: d.target_format,
                target: &d.target,
                work_dir: options.work_dir.as_deref(),
                retries: options.retries,
                acknowledged: d.acknowledged,
            };
            if d.acknowledged > 0 {
                self.say(&format!(
                    "data: {} resumes after {} bytes B acknowledged (checked against A first)",
                    d.href, d.acknowledged
                ));
            }
            // Each write B acknowledges goes into the state file (atomically, as every step).
            let mut acknowledged = |n: u64| {
                self.state.disks[i].acknowledged = n;
                self.save().map_err(|f| f.message)
            };
            let copied_disk = data::copy_disk(a, b, &job, &mut acknowledged).await;
            match copied_disk {
                Ok(c) => {
                    bytes += c.bytes;
                    copied += 1;
                    let disk = &mut self.state.disks[i];
                    disk.size = Some(c.size);
                    disk.sha256 = Some(c.sha256.clone());
                    disk.acknowledged = c.size;
                    disk.finished = true;
                    let disk = disk.clone();
                    self.save()?;
                    let resumed = if c.resumed > 0 {
                        format!(", {} bytes already there", c.resumed)
                    } else {
                        String::new()
                    };
                    self.say(&format!(
                        "data: {} → {} ({:?}, {} bytes{resumed}, {} attempt(s))",
                        d.href, d.target, c.method, c.size, c.attempts
                    ));
                    self.report.disks.push(disk_report(&disk, Some(&c)));
                }
                Err(e) => {
                    self.record(
                        "data",
                        StepOutcome::Failed,
                        format!("{}: {e}", d.href),
                        bytes,
                        started,
                    );
                    let (kind, rule) = match &e {
                        data::DataError::Mismatch { .. } => (FailureKind::Data, "migrate.digest"),
                        data::DataError::Qemu(_) => (FailureKind::Data, "migrate.qemu-img"),
                        data::DataError::Io(_) => (FailureKind::Data, "migrate.io"),
                        _ => (FailureKind::Connection, "migrate.connection"),
                    };
                    return Err(fail(kind, rule, format!("{}: {e}", d.href)));
                }
            }
        }
        self.state.finish("data");
        self.save()?;
        let outcome = if copied == 0 && !self.state.disks.is_empty() {
            StepOutcome::Skipped
        } else {
            StepOutcome::Done
        };
        self.record(
            "data",
            outcome,
            format!(
                "{copied} disk(s) copied and verified, {} already there",
                self.state.disks.len() - copied
            ),
            bytes,
            started,
        );
        Ok(())
    }

    async fn import(&mut self, b: &Client, doc: &tern_ovf::Document, table: &Table) -> Step<()> {
        let started = Instant::now();
        if self.state.is_done("import") {
            self.record(
                "import",
                StepOutcome::Skipped,
                "imported by an earlier run".into(),
                0,
                started,
            );
            return Ok(());
        }
        let placed: HashMap<String, Placed> = self
            .state
            .disks
            .iter()
            .map(|d| {
                (
                    d.href.clone(),
                    Placed {
                        href: last_segment(&d.target).to_owned(),
                        size: d.size.unwrap_or(d.source_size),
                        format: d.target_format.filter(|t| Some(*t) != d.source_format),
                    },
                )
            })
            .collect();
        let mut doc = doc.clone();
        ovf::rewrite(&mut doc, &placed);
        let text = String::from_utf8_lossy(&doc.to_bytes()).into_owned();
        let name = self.target();
        let mut created = match ovf::import(b, &name, &text).await.map_err(|e| {
            fail(
                FailureKind::Invalid,
                "migrate.import",
                format!("B refused the descriptor: {e}"),
            )
        })? {
            Imported::Ovf(locations) => locations,
            // The export step found no deployment of that name at B (a run is refused when
            // there is one), so this is the import of a run stopped before it could record
            // it (the POST went through, the state file was not written): its members.
            Imported::Exists(_) if self.options.resume => {
                self.report.notes.push(format!(
                    "B has the deployment {name} already: imported by the interrupted run"
                ));
                let at_b = extract_scope(b, Some(&name)).await?;
                let c = &at_b.collection;
                c.resources()
                    .iter()
                    .flat_map(|r| {
                        std::iter::once(r.entity.location_or_default())
                            .chain(r.links.iter().map(|l| l.entity.location_or_default()))
                    })
                    .chain(
                        c.standalone_links()
                            .iter()
                            .map(|l| l.entity.location_or_default()),
                    )
                    .collect()
            }
            Imported::Exists(message) => {
                return Err(fail(
                    FailureKind::Invalid,
                    "migrate.import",
                    format!("B refused the descriptor: 409 {}", message.trim()),
                ));
            }
            Imported::Unsupported(status) => {
                self.report.notes.push(format!(
                    "B answered {status} to an OVF import: the deployment was created through OCCI calls"
                ));
                occi_deploy(b, &doc, table, &name).await?
            }
        };
        created.dedup();
        self.state.imported.clone_from(&created);
        self.state.finish("import");
        self.save()?;
        self.record(
            "import",
            StepOutcome::Done,
            format!(
                "{} entities created at B in /deployments/{name}/",
                created.len()
            ),
            text.len() as u64,
            started,
        );
        Ok(())
    }

    // Cold migration: B's counterparts of the computes stopped at A started.
    async fn start(&mut self, b: &Client) -> Step<()> {
        let started = Instant::now();
        if self.state.live_ok || self.state.stopped.is_empty() {
            self.record(
                "start",
                StepOutcome::Skipped,
                "no compute was stopped at A".into(),
                0,
                started,
            );
            return Ok(());
        }
        if self.state.is_done("start") {
            self.record(
                "start",
                StepOutcome::Skipped,
                "started by an earlier run".into(),
                0,
                started,
            );
            return Ok(());
        }
        let computes: Vec<String> = self
            .state
            .imported
            .iter()
            .filter(|l| l.contains("/compute/"))
            .cloned()
            .collect();
        // Counterparts by location: the same (B's deployment has A's name), or A's placed in
        // B's deployment (`/compute/web` → `/compute/<name>.web`, A had no deployment).
        let name = self.target();
        let wanted: HashSet<String> = self
            .state
            .stopped
            .iter()
            .flat_map(|(l, _)| [l.clone(), place(&name, l)])
            .collect();
        let mut chosen: Vec<String> = computes
            .iter()
            .filter(|l| wanted.contains(l.as_str()))
            .cloned()
            .collect();
        // None found (another naming): A's computes were all stopped, start every one.
        if chosen.is_empty() {
            chosen = computes;
        }
        for location in &chosen {
            act(b, location, "start", "active", self.options.action_timeout)
                .await
                .map_err(|e| connection(&e))?;
        }
        self.state.finish("start");
        self.save()?;
        self.record(
            "start",
            StepOutcome::Done,
            format!("started at B: {}", join(&chosen)),
            0,
            started,
        );
        Ok(())
    }

    async fn verify(&mut self, a: &Client, b: &Client, table: &Table) -> Step<()> {
        let started = Instant::now();
        let (ea, eb) = (
            extract_scope(a, self.state.deployment.as_deref()).await?,
            extract_scope(b, Some(&self.target())).await?,
        );
        let mapped = table.mapped();
        // A's deployment (or all of A) and B's.
        let (sa, sb) = (
            members(&ea.collection, self.state.deployment.as_deref()),
            members(&eb.collection, Some(&self.target())),
        );
        let (na, nb) = (
            normalise(&sa, &mapped, Some(&ea.discovery.catalogue)),
            normalise(&sb, &HashMap::new(), Some(&eb.discovery.catalogue)),
        );
        // A's deployment is the target: B must hold every value A's entities have (an OVF
        // import may add its own bookkeeping beside them).
        let comparison = tern_engine::compare(&nb, &na, &tern_engine::Strategy::Tern);
        let diff = comparison.diff();
        let mut lines = Vec::new();
        for u in &diff.updated {
            let changes: Vec<String> = u.changes.iter().map(change_text).collect();
            lines.push(format!(
                "{} (B: {}): {}",
                u.id,
                u.runtime,
                changes.join(", ")
            ));
        }
        lines.extend(diff.new.iter().map(|n| format!("{n}: only at A")));
        lines.extend(diff.missing.iter().map(|m| format!("{m}: only at B")));
        self.report.differences.clone_from(&lines);
        self.state.finish("verify");
        self.save()?;
        if lines.is_empty() {
            self.record(
                "verify",
                StepOutcome::Done,
                format!(
                    "A's and B's deployments are equal ({} entities)",
                    diff.old.len()
                ),
                0,
                started,
            );
            return Ok(());
        }
        self.record(
            "verify",
            StepOutcome::Failed,
            format!("{} difference(s)", lines.len()),
            0,
            started,
        );
        Err(fail(
            FailureKind::Differs,
            "migrate.differs",
            format!("A's and B's deployments differ in {} place(s)", lines.len()),
        ))
    }
}

fn area_name(r: &compare::Row) -> &'static str {
    match r.area {
        compare::Area::Kind => "kind",
        compare::Area::Mixin => "mixin",
        compare::Area::Attribute => "attribute",
        compare::Area::Action => "action",
        compare::Area::Cdmi => "cdmi",
    }
}

fn join(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

fn last_segment(l: &str) -> &str {
    l.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default()
}

fn disk_report(d: &DiskState, c: Option<&data::Copied>) -> DiskReport {
    DiskReport {
        href: d.href.clone(),
        source: d.source.clone(),
        target: d.target.clone(),
        format: d.target_format.filter(|t| Some(*t) != d.source_format),
        method: c.map(|c| c.method.clone()),
        size: d.size,
        sha256: d.sha256.clone(),
        attempts: c.map_or(0, |c| c.attempts),
        resumed: c.map_or(0, |c| c.resumed),
    }
}

// Each disk file of the descriptor: the data object at A that holds it, and where it goes at B.
async fn locate(
    a: &Client,
    b: &Client,
    doc: &tern_ovf::Document,
    (deployment, target): (Option<&str>, &str),
    collection: &Collection,
    wanted: Option<DiskFormat>,
) -> Step<Vec<DiskState>> {
    let mut out: Vec<DiskState> = Vec::new();
    for file in ovf::disk_files(doc) {
        let tried = ovf::candidates(a, &file.href, deployment, collection);
        let mut found = None;
        for url in &tried {
            if let Some(size) = data::object_size(a, url)
                .await
                .map_err(|e| connection(&e))?
            {
                found = Some((url.clone(), size));
                break;
            }
        }
        let Some((source, size)) = found else {
            return Err(fail(
                FailureKind::Invalid,
                "migrate.no-data",
                format!(
                    "no data object at A holds the disk file {} (tried {})",
                    file.href,
                    tried.join(", ")
                ),
            ));
        };
        let name = ovf::flat_name(&file.href);
        let mut target_name = match wanted {
            Some(f) if Some(f) != file.format => f.rename(&name),
            _ => name,
        };
        // Two hrefs with one file name (`a/disk.vmdk`, `b/disk.vmdk`) stay apart.
        let taken = |n: &str| out.iter().any(|d| last_segment(&d.target) == n);
        if taken(&target_name) {
            let mut i = 2;
            while taken(&format!("{i}-{target_name}")) {
                i += 1;
            }
            target_name = format!("{i}-{target_name}");
        }
        out.push(DiskState {
            href: file.href.clone(),
            source,
            source_size: size,
            source_format: file.format,
            target_format: wanted,
            target: b.url(&format!("/volumes/{target}/{target_name}")),
            ..DiskState::default()
        });
    }
    Ok(out)
}

// The size and SHA-256 of the image behind an OS template: the data object its
// `tern.image.location` (or `tern.image.objectid`) default names. Streams the image: asked
// only when no id or title matched.
async fn image_digest(client: &Client, mixin: &tern_model::Mixin) -> Option<(u64, String)> {
    let default = |name: &str| {
        mixin
            .attributes
            .iter()
            .find(|d| d.name == name)
            .and_then(|d| d.default.as_ref())
            .map(|v| match v {
                tern_model::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
    };
    let url = default("tern.image.location")
        .or_else(|| default("tern.image.objectid").map(|id| format!("/cdmi_objectid/{id}")))?;
    let metadata = data::object_metadata(client, &url).await.ok()??;
    let size = metadata["cdmi_size"]
        .as_str()
        .and_then(|s| s.parse::<u64>().ok())?;
    let digest = match metadata["tern_sha256"].as_str() {
        Some(d) => d.to_owned(),
        None => data::remote_sha256(client, &url, size).await.ok()?,
    };
    Some((size, digest))
}

// The computes whose state is `active`, by location.
fn active_computes(collection: &Collection) -> Vec<String> {
    collection
        .resources()
        .iter()
        .filter(|r| r.entity.kind == CategoryId::new(INFRA, "compute"))
        .filter(|r| {
            r.entity
                .attributes
                .get("occi.compute.state")
                .is_some_and(|v| matches!(v, tern_model::Value::String(s) if s == "active"))
        })
        .map(|r| r.entity.location_or_default())
        .collect()
}

// POSTs the compute action `term` to `location` and waits until `occi.compute.state` is
// `wanted` (a 409 means the entity is in that state already).
async fn act(
    client: &Client,
    location: &str,
    term: &str,
    wanted: &str,
    timeout: Duration,
) -> Result<(), ClientError> {
    let media = client.media().unwrap_or(MediaType::OcciJson);
    let doc = Document::ActionInvocation(ActionInvocation {
        action: CategoryId::new(COMPUTE_ACTION, term),
        attributes: tern_model::Attributes::new(),
    });
    let text = tern_occi::write(&doc, media).text;
    client
        .call(
            "POST",
            &format!("{location}?action={term}"),
            Some((&text, media)),
            true,
            &[409],
        )
        .await?;
    let deadline = Instant::now() + timeout;
    let catalogue = tern_model::Catalogue::infrastructure(tern_model::OcciVersion::V1_2);
    loop {
        let r = client.call("GET", location, None, true, &[]).await?;
        let state = tern_occi::read(&r.text, r.media(), &ParseOptions::lenient(), &catalogue)
            .ok()
            .and_then(|p| match p.value {
                Document::Resource(res) => res
                    .entity
                    .attributes
                    .get("occi.compute.state")
                    .map(ToString::to_string),
                _ => None,
            })
            .unwrap_or_default();
        if state.trim_matches('"') == wanted {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(ClientError::Rendering {
                url: client.url(location),
                message: format!("still {state} after {} s, not {wanted}", timeout.as_secs()),
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// B has no OVF import: the descriptor converted (ovf2occi) and its entities created through
// OCCI calls beside what B holds, placed and tagged as a tern server's import places them
// (`/<kind>/<name>.<id>`, the deployment's mixin, its disks under `/volumes/<name>/`), so
// B's locations mirror A's.
async fn occi_deploy(
    b: &Client,
    doc: &tern_ovf::Document,
    table: &Table,
    name: &str,
) -> Step<Vec<String>> {
    let invalid = |m: String| fail(FailureKind::Invalid, "migrate.import", m);
    let options = tern_mapping::ovf2occi::Options {
        cdmi_base: Some(b.url(&format!("/volumes/{name}/"))),
        ..tern_mapping::ovf2occi::Options::default()
    };
    let conversion =
        tern_mapping::ovf2occi::ovf_to_occi(doc, &options).map_err(|e| invalid(e.to_string()))?;
    let tag = CategoryId::new(ovf::DEPLOYMENT_SCHEME, name);
    let placed = as_deployed(
        &normalise_templates(&conversion.collection, &table.mapped()),
        name,
        &tag,
    );
    let mut catalogue = conversion.catalogue.clone();
    if catalogue.mixin(&tag).is_none() {
        let _ = catalogue.add_mixin(tern_model::Mixin {
            id: tag.clone(),
            title: Some(format!("deployment {name}")),
            depends: Vec::new(),
            applies: Vec::new(),
            attributes: Vec::new(),
            actions: Vec::new(),
            location: Some(format!("/deployments/{name}/")),
        });
    }
    let at_b = extract(b, 8).await.map_err(|e| connection(&e))?;
    occi_create(b, &at_b, &placed, &catalogue).await
}

// `/compute/web` → `/compute/<name>.web` (a tern server's deployment placement).
fn place(name: &str, location: &str) -> String {
    match location.rsplit_once('/') {
        Some((dir, last)) => format!("{dir}/{name}.{last}"),
        None => format!("{name}.{location}"),
    }
}

// Every entity at its place in the deployment and tagged with it; links follow their ends.
fn as_deployed(c: &Collection, name: &str, tag: &CategoryId) -> Collection {
    let moved: HashMap<String, String> = c
        .resources()
        .iter()
        .map(|r| {
            let at = r.entity.location_or_default();
            let to = place(name, &at);
            (at, to)
        })
        .collect();
    let follow = |l: &mut tern_model::Link| {
        if let Some(to) = moved.get(&l.target.location) {
            l.target.location.clone_from(to);
        }
        if let Some(to) = moved.get(&l.source.location) {
            l.source.location.clone_from(to);
        }
        let at = l.entity.location.clone().unwrap_or_else(|| {
            let segment: String = l
                .entity
                .id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            format!("/{}/{segment}", l.entity.kind.term())
        });
        l.entity.location = Some(place(name, &at));
        l.entity.mixins.push(tag.clone());
    };
    let mut out = Collection::new();
    for r in c.resources() {
        let mut r = r.clone();
        r.entity.location = Some(place(name, &r.entity.location_or_default()));
        r.entity.mixins.push(tag.clone());
        r.links.iter_mut().for_each(follow);
        let _ = out.push_resource(r);
    }
    for l in c.standalone_links() {
        let mut l = l.clone();
        follow(&mut l);
        out.push_link(l);
    }
    out
}

// Creates `wanted` at B beside what B holds (a plan from B's entities to them plus `wanted`),
// the user mixins they use defined first; the locations of `wanted`'s resources.
async fn occi_create(
    b: &Client,
    at_b: &Extracted,
    wanted: &Collection,
    catalogue: &tern_model::Catalogue,
) -> Step<Vec<String>> {
    let invalid = |m: String| fail(FailureKind::Invalid, "migrate.import", m);
    let mut target = at_b.collection.clone();
    let mut created = Vec::new();
    for r in wanted.resources() {
        created.push(r.entity.location_or_default());
        target
            .push_resource(r.clone())
            .map_err(|e| invalid(e.to_string()))?;
    }
    crate::execute::ensure_mixins(b, &at_b.discovery, catalogue, wanted)
        .await
        .map_err(|e| connection(&e))?;
    let comparison = tern_engine::compare(&at_b.collection, &target, &tern_engine::Strategy::Tern);
    let mut planning = at_b.discovery.catalogue.clone();
    for m in catalogue.mixins() {
        if planning.mixin(&m.id).is_none() {
            let _ = planning.add_mixin(m.clone());
        }
    }
    let plan = tern_engine::plan(&comparison, &planning);
    let report = crate::execute::execute(
        b,
        &plan,
        &planning,
        &crate::execute::ExecuteOptions {
            collections: at_b.discovery.collections.clone(),
            ..crate::execute::ExecuteOptions::default()
        },
    )
    .await;
    if !report.complete {
        let errors: Vec<String> = report
            .steps
            .iter()
            .filter_map(|s| s.error.clone())
            .collect();
        return Err(invalid(format!(
            "the OCCI calls creating the deployment at B failed: {}",
            errors.join("; ")
        )));
    }
    Ok(created)
}

fn normalise_templates(c: &Collection, mapped: &HashMap<String, String>) -> Collection {
    let mut out = Collection::new();
    for r in c.resources() {
        let mut r: Resource = r.clone();
        rename_mixins(&mut r.entity, mapped);
        for l in &mut r.links {
            rename_mixins(&mut l.entity, mapped);
        }
        let _ = out.push_resource(r);
    }
    out
}

fn rename_mixins(e: &mut tern_model::Entity, mapped: &HashMap<String, String>) {
    for m in &mut e.mixins {
        if let Some(to) = mapped.get(&m.to_string())
            && let Ok(id) = to.parse::<CategoryId>()
        {
            *m = id;
        }
    }
}

// What the comparison of A's and B's deployments ignores: states and their messages (a
// cold migration stops A), what a provider assigns (CDMI object ids and URLs, device ids,
// addresses), the disk's file and format (the migration copies and may convert it), and A's
// template names mapped to B's. With `templates`, the catalogue of the collection's provider,
// every OS or resource template is named by its sort only (`os_tpl`, `resource_tpl`): equal
// modulo the provider's template names (B's import may give a compute the template the
// descriptor defines rather than B's own; the capability table judged the templates).
fn normalise(
    c: &Collection,
    mapped: &HashMap<String, String>,
    templates: Option<&tern_model::Catalogue>,
) -> Collection {
    let mut out = Collection::new();
    let clean = |e: &mut tern_model::Entity| {
        let drop: Vec<String> = e
            .attributes
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| {
                let last = k.rsplit('.').next().unwrap_or_default();
                last == "state"
                    || last == "message"
                    || k.starts_with("tern.cdmi.")
                    || k == "tern.ovf.disk.file"
                    || k == "tern.ovf.disk.format"
                    || k == "occi.storagelink.deviceid"
                    || k == "occi.networkinterface.mac"
                    || k == "occi.networkinterface.address"
                    || k == "occi.core.id"
                    || k == OVF_SYSTEM
            })
            .collect();
        // The VirtualSystem an entity came from names its ProductSection mixins
        // (`vs.<system>.<n>`); an export renames a system whose id is taken (a scaled-out
        // copy of a VM): both are bookkeeping, compared without the system's name.
        let system = match e.attributes.get(OVF_SYSTEM) {
            Some(tern_model::Value::String(s)) => Some(format!("vs.{s}.")),
            _ => None,
        };
        for k in drop {
            e.attributes.remove(&k);
        }
        // OVF gives a disk no name: a storage's title travels as its diskId (the mapping row
        // `storage.title` says so), so B's title is A's made an id. And whether a storage
        // is marked as backed by a CDMI data object is the provider's bookkeeping.
        if e.kind == CategoryId::new(INFRA, "storage") {
            e.title = None;
        }
        e.mixins.retain(|m| m.scheme() != CDMI_BOOKKEEPING);
        if let Some(prefix) = system {
            for m in &mut e.mixins {
                if m.scheme() == OVF_PRODUCT
                    && let Some(rest) = m.term().strip_prefix(&prefix)
                {
                    *m = CategoryId::new(OVF_PRODUCT, format!("vs.*.{rest}"));
                }
            }
        }
        if let Some(catalogue) = templates {
            let mut generic: Vec<CategoryId> = Vec::new();
            for m in &e.mixins {
                // tern's OVF bookkeeping (which section an entity came from): an entity
                // imported from a descriptor has it, one created through OCCI has not.
                // Which deployment an entity is in: the scope compared, not a value.
                if m.scheme() == OVF_BOOKKEEPING || m.scheme() == ovf::DEPLOYMENT_SCHEME {
                    continue;
                }
                let sort = template_sort(catalogue, m).unwrap_or_else(|| m.clone());
                if !generic.contains(&sort) {
                    generic.push(sort);
                }
            }
            e.mixins = generic;
        }
        rename_mixins(e, mapped);
    };
    for r in c.resources() {
        let mut r = r.clone();
        clean(&mut r.entity);
        for l in &mut r.links {
            clean(&mut l.entity);
        }
        let _ = out.push_resource(r);
    }
    out
}

// A's (or B's) entities: a deployment's members, else all.
async fn extract_scope(client: &Client, deployment: Option<&str>) -> Step<Extracted> {
    let collection = deployment.map(|d| format!("/deployments/{d}/"));
    crate::extract::extract_in(client, 8, collection.as_deref())
        .await
        .map_err(|e| connection(&e))
}

// The resources of `deployment` (tagged with its mixin) with their links; all of them
// without one.
fn members(c: &Collection, deployment: Option<&str>) -> Collection {
    let Some(name) = deployment else {
        return c.clone();
    };
    let tag = CategoryId::new(ovf::DEPLOYMENT_SCHEME, name);
    let mut out = Collection::new();
    for r in c.resources() {
        if r.entity.mixins.contains(&tag) {
            let _ = out.push_resource(r.clone());
        }
    }
    for l in c.standalone_links() {
        if l.entity.mixins.contains(&tag) {
            out.push_link(l.clone());
        }
    }
    out
}

fn change_text(c: &tern_engine::Change) -> String {
    match c {
        tern_engine::Change::Attribute { name, old, new } => format!(
            "{name} {new} at A, {} at B",
            old.as_ref()
                .map_or_else(|| "absent".to_owned(), ToString::to_string)
        ),
        tern_engine::Change::Mixins { old, new } => {
            format!("mixins {} at A, {} at B", new.join(" "), old.join(" "))
        }
    }
}

// `os_tpl` or `resource_tpl` when `id` is a template of that sort in `catalogue`.
fn template_sort(catalogue: &tern_model::Catalogue, id: &CategoryId) -> Option<CategoryId> {
    ["os_tpl", "resource_tpl"]
        .into_iter()
        .map(|t| CategoryId::new(INFRA, t))
        .find(|t| {
            catalogue
                .mixin_closure(id)
                .iter()
                .any(|m| &m.id == t || m.depends.contains(t))
        })
}
