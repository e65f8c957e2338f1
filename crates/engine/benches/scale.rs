//! Growth of time and memory with input size, for the shapes that used to be quadratic:
//! one entity with very many attributes, OCCI JSON collections minified and pretty, one
//! entity with very many categories in the text renderings, and
//! topology pairs for the default strategy and for the published similarity strategy up
//! to its bound. Every row runs in a process of its own (this binary, re-executed), so the
//! peak resident set size (`VmHWM`) is that row's alone; generating the input is not
//! timed but counts in the peak. The attributes, collections and categories rows give the
//! least processor time of five runs (the shared machine's load inflates wall time).
//! Baselines run in the same way on the same bytes (`serde_json::Value` for the JSON
//! shapes).
//!
//! `cargo bench -p tern-engine --bench scale [-- SHAPE…]` (shapes: attributes, collections,
//! ratio, categories, topology, similarity; all by default) prints a Markdown table; `bench/scale.sh` wraps it.

#[path = "ntier.rs"]
mod ntier;

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use tern_engine::{Strategy, compare, plan};
use tern_model::{Catalogue, CategoryId, Entity, OcciVersion, Resource, ValidationMode};
use tern_occi::{Document, Listing, MediaType, ParseOptions, Source, read, read_collection, write};

use ntier::{Replicas, edit, generate};

/// (shape, variant, sizes): one row per variant and size.
const ROWS: &[(&str, &str, &[usize])] = &[
    (
        "attributes",
        "model insert + validate",
        &[10_000, 100_000, 200_000],
    ),
    ("attributes", "text/plain read", &[10_000, 100_000, 200_000]),
    (
        "attributes",
        "JSON (pretty) read",
        &[10_000, 100_000, 200_000],
    ),
    (
        "attributes",
        "serde_json::Value, same JSON",
        &[10_000, 100_000, 200_000],
    ),
    (
        "attributes",
        "JSON (minified) read",
        &[10_000, 100_000, 200_000],
    ),
    (
        "attributes",
        "serde_json::Value, minified",
        &[10_000, 100_000, 200_000],
    ),
    ("collections", "JSON pretty read", &[1_000, 10_000]),
    ("collections", "serde_json::Value, pretty", &[1_000, 10_000]),
    ("collections", "JSON minified read", &[1_000, 10_000]),
    (
        "collections",
        "serde_json::Value, minified",
        &[1_000, 10_000],
    ),
    // tern's JSON read and `serde_json::Value` on the same bytes, measured in turns in one
    // process (a burst of load on the shared machine then weighs on both): the ratio rows.
    ("ratio", "attributes, pretty", &[100_000, 200_000]),
    ("ratio", "attributes, minified", &[100_000, 200_000]),
    ("ratio", "collection, pretty", &[10_000]),
    ("ratio", "collection, minified", &[10_000]),
    (
        "categories",
        "text/occi render",
        &[10_000, 100_000, 200_000],
    ),
    (
        "categories",
        "text/occi read (parse + bind)",
        &[10_000, 100_000, 200_000],
    ),
    (
        "categories",
        "text/plain read (parse + bind)",
        &[10_000, 100_000, 200_000],
    ),
    (
        "topology",
        "tern compare + plan",
        &[
            100, 200, 400, 650, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
        ],
    ),
    (
        "topology",
        "tern compare + plan, identical replicas",
        &[
            100, 200, 400, 500, 650, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
        ],
    ),
    (
        "topology",
        "tern diff + plan, 50 edits",
        &[1_000, 10_000, 100_000],
    ),
    (
        "topology",
        "tern diff + plan, 50 edits, identical replicas",
        &[1_000, 10_000, 100_000],
    ),
    (
        "similarity",
        "similarity compare + plan",
        &[50, 100, 200, 300, 400, 500],
    ),
    ("similarity", "mixed compare + plan", &[100, 200, 500]),
    (
        "similarity",
        "mixed compare + plan, ids kept",
        &[100, 200, 500],
    ),
];

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [one, shape, variant, size] = &args[..]
        && one == "--one"
    {
        let size: usize = size.parse().expect("a size");
        let (seconds, bytes, note) = run(shape, variant, size);
        println!("{seconds}\t{bytes}\t{}\t{note}", peak_rss_kib());
        return;
    }
    let exe = std::env::current_exe().expect("the benchmark's own path");
    println!("| shape | operation | size | input bytes | time | peak RSS | note |");
    println!("|---|---|---:|---:|---:|---:|---|");
    for &(shape, variant, sizes) in ROWS {
        if !args.is_empty() && !args.iter().any(|a| a == shape) {
            continue;
        }
        for &size in sizes {
            let out = Command::new(&exe)
                .args(["--one", shape, variant, &size.to_string()])
                .output()
                .expect("the benchmark runs itself");
            let text = String::from_utf8_lossy(&out.stdout);
            let fields: Vec<&str> = text.trim_end_matches('\n').split('\t').collect();
            match fields[..] {
                [seconds, bytes, rss, note] if out.status.success() => {
                    let seconds: f64 = seconds.parse().unwrap_or(f64::NAN);
                    let rss: f64 = rss.parse().unwrap_or(f64::NAN);
                    println!(
                        "| {shape} | {variant} | {size} | {bytes} | {} | {:.1} MiB | {note} |",
                        show(seconds),
                        rss / 1024.0
                    );
                }
                _ => println!(
                    "| {shape} | {variant} | {size} | | failed | | {} |",
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                ),
            }
        }
    }
}

// One row: (seconds, input bytes, note). One arm per row kind, as the table lists them.
#[allow(clippy::too_many_lines)]
fn run(shape: &str, variant: &str, size: usize) -> (f64, usize, String) {
    let catalogue = Catalogue::infrastructure(OcciVersion::V1_2);
    match (shape, variant) {
        ("attributes", "model insert + validate") => {
            let names: Vec<String> = (0..size).map(|i| format!("x.a{i}")).collect();
            let start = Instant::now();
            let mut vm = Entity::new("vm", infra("compute"));
            for (i, name) in names.iter().enumerate() {
                vm.attributes.insert(name.as_str(), format!("v{i}"));
            }
            let errors = catalogue
                .validate_resource(&Resource::new(vm), ValidationMode::Request)
                .map_or_else(|e| e.0.len(), |()| 0);
            (secs(start), 0, format!("{errors} unknown attributes found"))
        }
        ("attributes", "text/plain read" | "JSON (pretty) read" | "JSON (minified) read") => {
            let (text, media) = if variant.contains("minified") {
                (minified(&attributes_json(size)), MediaType::OcciJson)
            } else if variant.starts_with("JSON") {
                (attributes_json(size), MediaType::OcciJson)
            } else {
                (attributes_text(size), MediaType::TextPlain)
            };
            let (seconds, note) = best_cpu(|| {
                let doc = read(&text, media, &ParseOptions::lenient(), &catalogue);
                let note = if doc.is_ok() { "" } else { "refused" };
                drop(black_box(doc));
                note.into()
            });
            (seconds, text.len(), note)
        }
        ("attributes", "serde_json::Value, same JSON") => serde_baseline(&attributes_json(size)),
        ("attributes", "serde_json::Value, minified") => {
            serde_baseline(&minified(&attributes_json(size)))
        }
        ("collections", variant) => {
            let json = collection_json(size, variant.contains("minified"));
            if variant.starts_with("serde_json") {
                return serde_baseline(&json);
            }
            let (seconds, note) = best_cpu(|| {
                let source = Source::new("bench.json", &json, None);
                let read = read_collection(&source, &ParseOptions::lenient(), &catalogue);
                let note = match &read {
                    Ok(r) => format!("{} resources", r.value.collection.resources().len()),
                    Err(_) => "refused".into(),
                };
                drop(black_box(read));
                note
            });
            (seconds, json.len(), note)
        }
        ("ratio", variant) => {
            let collection = variant.starts_with("collection");
            let mut json = if collection {
                collection_json(size, false)
            } else {
                attributes_json(size)
            };
            if variant.ends_with("minified") {
                json = minified(&json);
            }
            let ours = || {
                if collection {
                    let source = Source::new("bench.json", &json, None);
                    let read = read_collection(&source, &ParseOptions::lenient(), &catalogue);
                    let ok = read.is_ok();
                    drop(black_box(read));
                    ok
                } else {
                    let doc = read(
                        &json,
                        MediaType::OcciJson,
                        &ParseOptions::lenient(),
                        &catalogue,
                    );
                    let ok = doc.is_ok();
                    drop(black_box(doc));
                    ok
                }
            };
            let theirs = || {
                let value: serde_json::Value = serde_json::from_str(&json).expect("generated JSON");
                drop(black_box(value));
            };
            let (mut tern, mut serde, mut refused) = (f64::INFINITY, f64::INFINITY, false);
            for _ in 0..7 {
                tern = tern.min(
                    best_cpu(|| {
                        refused |= !ours();
                        String::new()
                    })
                    .0,
                );
                serde = serde.min(
                    best_cpu(|| {
                        theirs();
                        String::new()
                    })
                    .0,
                );
            }
            let note = format!(
                "serde_json::Value {}, ratio {:.2}×{}",
                show(serde),
                tern / serde,
                if refused { ", refused" } else { "" }
            );
            (tern, json.len(), note)
        }
        ("topology", v) if v.contains("50 edits") => {
            let replicas = if variant.contains("identical") {
                Replicas::Identical
            } else {
                Replicas::Named
            };
            let runtime = generate(size, replicas, 42);
            let (target, _) = edit(&runtime, 50, true, 42);
            // What the comparison and the plan hold beyond the two documents: the peak is
            // reset (Linux `clear_refs` 5) so that generating the input does not count.
            let _ = std::fs::write("/proc/self/clear_refs", "5");
            let before = rss_kib();
            let cpu_before = cpu_seconds();
            let start = Instant::now();
            let comparison = compare(&runtime, &target, &Strategy::Tern);
            let diff = comparison.diff();
            let p = plan(&comparison, &catalogue);
            let seconds = secs(start);
            let cpu = cpu_seconds() - cpu_before;
            let extra = peak_rss_kib().saturating_sub(before) * 1024;
            let resources = runtime.resources().len() + target.resources().len();
            let note = format!(
                "{} × {} resources, {} updated, {} calls; {} CPU; {} bytes per resource beyond the documents",
                runtime.resources().len(),
                target.resources().len(),
                diff.updated.len(),
                p.len(),
                show(cpu),
                extra / resources as u64
            );
            black_box((diff, p));
            (seconds, 0, note)
        }
        ("categories", variant) => categories(variant, size, &catalogue),
        ("topology" | "similarity", _) => {
            let replicas = if variant.contains("identical") {
                Replicas::Identical
            } else {
                Replicas::Named
            };
            let runtime = generate(size, replicas, 42);
            let rename = !variant.contains("ids kept");
            let (target, _) = edit(&runtime, (size / 20).max(2), rename, 42);
            let strategy = match (shape, variant.split(' ').next()) {
                ("topology", _) => Strategy::Tern,
                (_, Some(name)) => name.parse().expect("a strategy"),
                _ => panic!("no strategy in {variant}"),
            };
            let start = Instant::now();
            let comparison = compare(&runtime, &target, &strategy);
            let calls = plan(&comparison, &catalogue).len();
            let note = format!(
                "{} × {} resources, {calls} calls",
                runtime.resources().len(),
                target.resources().len()
            );
            (secs(start), 0, note)
        }
        _ => panic!("unknown row {shape}/{variant}"),
    }
}

// One entity with `size` categories, rendered or read in a text rendering.
fn categories(variant: &str, size: usize, catalogue: &Catalogue) -> (f64, usize, String) {
    let doc = Document::Resource(many_mixins(size));
    if variant == "text/occi render" {
        let mut bytes = 0;
        let (seconds, note) = best_cpu(|| {
            let text = write(&doc, MediaType::TextOcci).text;
            bytes = text.len();
            format!("{} header lines", text.lines().count())
        });
        return (seconds, bytes, note);
    }
    let media = if variant.starts_with("text/occi") {
        MediaType::TextOcci
    } else {
        MediaType::TextPlain
    };
    let text = write(&doc, media).text;
    let (seconds, note) = best_cpu(|| {
        let read = read(&text, media, &ParseOptions::lenient(), catalogue);
        let note = match &read {
            Ok(d) => match &d.value {
                Document::Resource(r) => format!("{} mixins", r.entity.mixins.len()),
                _ => "not a resource".into(),
            },
            Err(_) => "refused".into(),
        };
        drop(black_box(read));
        note
    });
    (seconds, text.len(), note)
}

fn serde_baseline(json: &str) -> (f64, usize, String) {
    let (seconds, note) = best_cpu(|| {
        let value: serde_json::Value = serde_json::from_str(json).expect("generated JSON");
        drop(black_box(value));
        String::new()
    });
    (seconds, json.len(), note)
}

// The least processor time of five runs of `f` (this thread's time on a processor,
// [`thread_cpu`], which other processes on the shared machine do not inflate as they do wall
// time; wall time where the system does not tell), and `f`'s last note. A run shorter than
// 50 ms is repeated until 50 ms have passed, and the time divided by the repetitions.
#[allow(clippy::cast_precision_loss)] // repetition counts are small
fn best_cpu(mut f: impl FnMut() -> String) -> (f64, String) {
    let on_cpu = thread_cpu;
    let mut best = f64::INFINITY;
    let mut note = String::new();
    for _ in 0..5 {
        let (start, wall) = (on_cpu(), Instant::now());
        let mut runs = 0u32;
        let spent = loop {
            note = f();
            runs += 1;
            let spent = match (start, on_cpu()) {
                (Some(a), Some(b)) => b - a,
                _ => secs(wall),
            };
            if spent >= 0.05 || runs >= 10_000 {
                break spent;
            }
        };
        best = best.min(spent / f64::from(runs));
    }
    (best, note)
}

fn attributes_text(n: usize) -> String {
    let mut text = format!(
        "Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\nX-OCCI-Attribute: occi.core.id=\"vm\"\n"
    );
    for i in 0..n {
        let _ = writeln!(text, "X-OCCI-Attribute: x.a{i}=\"v{i}\"");
    }
    text
}

fn attributes_json(n: usize) -> String {
    let mut json =
        format!("{{\n  \"kind\": \"{INFRA}compute\",\n  \"id\": \"vm\",\n  \"attributes\": {{");
    for i in 0..n {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(json, "{comma}\n    \"x.a{i}\": \"v{i}\"");
    }
    json.push_str("\n  }\n}\n");
    json
}

// `json` on one line (serde_json keeps the member order: `preserve_order`).
fn minified(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).expect("generated JSON");
    serde_json::to_string(&value).expect("JSON")
}

// A compute resource with `n` mixins (a provider's templates, unknown to the catalogue).
fn many_mixins(n: usize) -> Resource {
    let mut vm = Entity::new("urn:uuid:vm", infra("compute"));
    vm.mixins = (0..n)
        .map(|i| CategoryId::new("http://provider.example/tpl#", format!("t{i}")))
        .collect();
    Resource::new(vm)
}

// The n-tier generator's collection of about `n` resources, in OCCI JSON.
fn collection_json(n: usize, minified: bool) -> String {
    let collection = generate(n, Replicas::Named, 7);
    let listing = Listing {
        resources: collection.resources().to_vec(),
        ..Listing::default()
    };
    let text = write(&Document::Listing(listing), MediaType::OcciJson).text;
    let value: serde_json::Value = serde_json::from_str(&text).expect("tern writes JSON");
    if minified {
        serde_json::to_string(&value).expect("JSON")
    } else {
        serde_json::to_string_pretty(&value).expect("JSON")
    }
}

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

fn infra(term: &str) -> CategoryId {
    CategoryId::new(INFRA, term)
}

fn secs(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

// The CPU time this thread has run, in seconds (0 where the system does not tell): on a
// loaded machine the wall time grows with the load, this does not.
fn cpu_seconds() -> f64 {
    thread_cpu().unwrap_or(0.0)
}

// This thread's processor time in seconds, to the nanosecond: `CLOCK_THREAD_CPUTIME_ID`
// adds the slice running now. (`/proc/thread-self/schedstat`, read before, moves only at
// scheduler ticks, 4 ms on the development VM: a 20–60 ms read was measured to ±7–20%.)
#[cfg(unix)]
#[allow(clippy::cast_precision_loss, clippy::unnecessary_wraps)] // seconds and nanoseconds of a run fit
fn thread_cpu() -> Option<f64> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Some(t.tv_sec as f64 + t.tv_nsec as f64 / 1e9)
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<f64> {
    None
}

// The process's current resident set size in KiB (Linux; 0 elsewhere).
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

// The process's peak resident set size in KiB (Linux; 0 elsewhere).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn show(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.1} ms", seconds * 1000.0)
    }
}
