//! Every output a conversion writes is an input every other command takes (issue 11): for
//! each bundled OVF sample and each real exporter's descriptor ovf2occi accepts,
//! `ovf2occi` (JSON and text/plain) → `occi validate --request` → `occi convert` to the
//! other rendering and back (the same collection) → `diff` against itself and across the
//! renderings (no changes) → `occi2ovf` → `ovf validate --strict`.
//!
//! Every failure of every sample is collected, so one run lists them all. A descriptor that
//! holds no VirtualSystem at all (only empty VirtualSystemCollections, as two vSphere test
//! fixtures do) converts to a collection without a compute: its chain ends with `occi2ovf`
//! refusing it with the rule that says so, which is the behaviour checked.

use std::path::{Path, PathBuf};
use std::process::Output;

use tern_occi::{ParseOptions, Source};

use crate::{stderr, stdout, tern};

// The one value no text rendering carries (a line break in a quoted string), as ovf2occi
// says it when asked for text.
const NO_TEXT_FORM: &str = "which no text rendering can carry (application/occi+json can)";

// What occi2ovf says of a collection without a compute.
const NO_COMPUTE: &str = "the collection has no compute resource";

#[test]
fn every_export_chains_through_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut chained = 0;
    for (input, required) in inputs() {
        let name = Path::new(&input)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let mut chain = Chain {
            name: name.clone(),
            dir: dir.path().to_path_buf(),
            failures: &mut failures,
        };
        let json = chain.path("json");
        let out = tern(&["ovf2occi", &input, "-o", &json]);
        if !out.status.success() {
            if required {
                chain.fail("ovf2occi", &out);
            }
            continue;
        }
        chained += 1;
        let text = chain.path("txt");
        let out = tern(&["ovf2occi", &input, "--to", "text/plain", "-o", &text]);
        let has_text = if out.status.success() {
            true
        } else if stderr(&out).contains(NO_TEXT_FORM) {
            // Said, with what to use instead: the JSON branch of the chain still runs.
            false
        } else {
            chain.fail("ovf2occi --to text/plain", &out);
            false
        };
        let exports: Vec<&str> = if has_text {
            vec![&json, &text]
        } else {
            vec![&json]
        };
        for export in &exports {
            let step = format!("occi validate --request {}", extension(export));
            chain.run(&step, &["occi", "validate", "--request", export]);
        }
        if has_text {
            chain.converts(&json, "text/plain", Some(&text));
            chain.converts(&text, "application/occi+json", None);
        }
        for (runtime, target) in [(&json, &json), (&text, &text), (&json, &text)] {
            if has_text || (runtime == &json && target == &json) {
                chain.unchanged(runtime, target);
            }
        }
        let has_compute = read(&json).contains("infrastructure#compute\"");
        for export in &exports {
            let ovf = format!("{export}.ovf");
            let x = extension(export);
            if !has_compute {
                chain.refused(&format!("occi2ovf {x}"), &["occi2ovf", export], NO_COMPUTE);
                continue;
            }
            if chain.run(&format!("occi2ovf {x}"), &["occi2ovf", export, "-o", &ovf]) {
                let step = format!("ovf validate --strict {x}");
                chain.run(&step, &["ovf", "validate", "--strict", &ovf]);
            }
        }
    }
    assert!(chained >= 9, "only {chained} descriptors converted");
    let failed: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(
        failed.is_empty(),
        "{} failures:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

// One step of one descriptor's chain that failed, and why.
struct Failure {
    name: String,
    step: String,
    why: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.name, self.step, self.why)
    }
}

// The bundled samples (each must convert) and the real exporters' descriptors (those
// ovf2occi refuses are its own tests' business).
fn inputs() -> Vec<(String, bool)> {
    let mut inputs: Vec<(String, bool)> = crate::ovf_samples()
        .into_iter()
        .map(|s| (s, true))
        .collect();
    if let Some(dir) = tern_testkit::reference("ovf/samples") {
        for path in tern_testkit::files(&dir, &[".ovf"], 15) {
            inputs.push((path.to_string_lossy().into_owned(), false));
        }
    }
    inputs
}

// One descriptor's way through the chain, its failures collected as `name: step: why`.
struct Chain<'a> {
    name: String,
    dir: PathBuf,
    failures: &'a mut Vec<Failure>,
}

impl Chain<'_> {
    fn path(&self, extension: &str) -> String {
        self.dir
            .join(format!("{}.{extension}", self.name))
            .to_string_lossy()
            .into_owned()
    }

    fn fail(&mut self, step: &str, out: &Output) {
        let why: String = format!("{}{}", stdout(out), stderr(out))
            .lines()
            .filter(|l| l.contains("error"))
            .take(3)
            .collect::<Vec<_>>()
            .join(" | ");
        self.failed(step, why);
    }

    fn failed(&mut self, step: impl Into<String>, why: impl Into<String>) {
        self.failures.push(Failure {
            name: self.name.clone(),
            step: step.into(),
            why: why.into(),
        });
    }

    // The command must refuse with exit 1 and a message containing `why`.
    fn refused(&mut self, step: &str, args: &[&str], why: &str) {
        let out = tern(args);
        if out.status.code() != Some(1) || !stderr(&out).contains(why) {
            self.failed(step, format!("expected exit 1 saying {why:?}"));
        }
    }

    fn run(&mut self, step: &str, args: &[&str]) -> bool {
        let out = tern(args);
        let ok = out.status.success();
        if !ok {
            self.fail(step, &out);
        }
        ok
    }

    // `from` converted to `to` and back is the same collection; when `expected` is given,
    // the conversion is that file byte for byte (ovf2occi and occi convert write alike).
    fn converts(&mut self, from: &str, to: &str, expected: Option<&str>) {
        let there = format!("{from}.to");
        let back = format!("{from}.back");
        let there_args = [
            "occi",
            "convert",
            "--to",
            to,
            "--collection",
            "bodies",
            "-o",
            &there,
            from,
        ];
        let step = format!("occi convert {} --to {to}", extension(from));
        if !self.run(&step, &there_args) {
            return;
        }
        if let Some(expected) = expected
            && read(&there) != read(expected)
        {
            self.failed(step.as_str(), format!("differs from ovf2occi --to {to}"));
        }
        let media = if to.contains("json") {
            "text/plain"
        } else {
            "application/occi+json"
        };
        let back_args = [
            "occi",
            "convert",
            "--to",
            media,
            "--collection",
            "bodies",
            "-o",
            &back,
            &there,
        ];
        if !self.run(&format!("{step} and back"), &back_args) {
            return;
        }
        for (what, file) in [("", &there), (" and back", &back)] {
            match (collection(from), collection(file)) {
                (Ok(a), Ok(b)) if a == b => {}
                (Ok(_), Ok(_)) => self.failed(format!("{step}{what}"), "another collection"),
                (a, b) => self.failed(
                    format!("{step}{what}"),
                    format!("unreadable: {:?} {:?}", a.err(), b.err()),
                ),
            }
        }
    }

    fn unchanged(&mut self, runtime: &str, target: &str) {
        let out = tern(&["diff", runtime, target]);
        let ok =
            out.status.success() && stdout(&out).starts_with("0 to add, 0 to change, 0 to remove");
        if !ok {
            let why = format!(
                "{}{}",
                stdout(&out).lines().next().unwrap_or_default(),
                stderr(&out).lines().next().unwrap_or_default()
            );
            self.failed(
                format!("diff {} {}", extension(runtime), extension(target)),
                why,
            );
        }
    }
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn extension(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

// The resources and standalone links a rendering holds, read as occi2ovf reads them.
type Entities = (Vec<tern_model::Resource>, Vec<tern_model::Link>);

fn collection(path: &str) -> Result<Entities, String> {
    let text = read(path);
    let catalogue = tern_mapping::extensions::catalogue(tern_model::OcciVersion::V1_2);
    let read = tern_occi::read_collection(
        &Source::new(path, &text, None),
        &ParseOptions::lenient(),
        &catalogue,
    )
    .map_err(|e| e.to_string())?;
    let collection = read.value.collection;
    Ok((
        collection.resources().to_vec(),
        collection.standalone_links().to_vec(),
    ))
}
