//! Where the memory of reading a descriptor goes: the peak resident set (`VmHWM` of
//! `/proc/self/status`, reset through `/proc/self/clear_refs` between phases) of reading the
//! file, then of the lossless `Document` (parse, typed view, validation, `to_bytes`), then,
//! after `|`, of the compact read-only `Tree` as `tern ovf info` and `validate` read
//! (`Tree::parse_owned`: the input becomes the tree's text, so these figures include the
//! input; then the typed view while the tree is alive, which is `info`; then, in a process
//! of its own, `validate_owned`, which is `validate`), each as a multiple of the input size. Run with `cargo bench -p tern-ovf --bench memory -- FILE...`
//! (`bench/ovf-shapes.sh` runs it over its generated shapes). Linux only: elsewhere the
//! figures read 0.
//!
//! Each FILE is measured in child processes of its own (this bench run again with `--child`,
//! and with `--tree` for the compact tree), so that a phase's peak is not hidden by what an
//! earlier file or phase left mapped.

use std::path::Path;
use std::process::Command;

use tern_ovf::{Document, Envelope, ParseOptions, Tree, ValidateOptions, validate, validate_owned};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [flag, file] = &args[..] {
        match flag.as_str() {
            "--child" => return child(Path::new(file)),
            "--tree" => return tree(Path::new(file)),
            "--validate" => return validate_child(Path::new(file)),
            _ => {}
        }
    }
    println!(
        "{:<32} {:>10} {:>16} {:>16} {:>16} {:>16} {:>16} | {:>16} {:>16} {:>16}",
        "input",
        "bytes",
        "read",
        "parse",
        "parse+view",
        "validate",
        "fmt (to_bytes)",
        "tree",
        "tree+view (info)",
        "validate_owned"
    );
    let Ok(me) = std::env::current_exe() else {
        return;
    };
    let run = |flag: &str, file: &str| {
        Command::new(&me).args([flag, file]).output().map_or_else(
            |e| format!("{file}: {e}"),
            |out| String::from_utf8_lossy(&out.stdout).trim_end().to_string(),
        )
    };
    for file in &args {
        // The document's figures, then the tree's (each from a process of its own).
        println!(
            "{} | {} {}",
            run("--child", file),
            run("--tree", file),
            run("--validate", file)
        );
    }
}

// The compact tree's peak, input included: the bytes are read, then become its text.
fn tree(file: &Path) {
    let base = rss_now();
    let Ok(bytes) = std::fs::read(file) else {
        println!("-");
        return;
    };
    let size = bytes.len();
    let Ok(tree) = Tree::parse_owned(bytes, &ParseOptions::default()) else {
        println!("-");
        return;
    };
    let parse = peak() - base;

    // `tern ovf info`: the typed view read while the tree is alive.
    reset_peak();
    let env = Envelope::read_tree(&tree);
    let view = peak() - base;
    drop(env);

    println!("{} {}", figure(parse, size), figure(view, size));
}

// `tern ovf validate`: `validate_owned` (the tree, its typed view and the structural rules,
// then the semantic rules after the tree is given back), input included.
fn validate_child(file: &Path) {
    let base = rss_now();
    let Ok(bytes) = std::fs::read(file) else {
        println!("-");
        return;
    };
    let size = bytes.len();
    let report = validate_owned(bytes, &ValidateOptions::default());
    let peak = peak() - base;
    std::hint::black_box(&report);
    println!("{}", figure(peak, size));
}

// A peak in KiB as MB and as a multiple of `size`.
fn figure(kb: u64, size: usize) -> String {
    // Sizes stay far below 2^52: the conversions are exact.
    #[allow(clippy::cast_precision_loss)]
    let ratio = (kb * 1024) as f64 / size.max(1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let mb = kb as f64 / 1024.0;
    format!("{mb:>6.1} MB {ratio:>5.1}x")
}

// One file: the resident-set peak of each phase above the resident set before it.
fn child(file: &Path) {
    let base = rss_now();
    let Ok(bytes) = std::fs::read(file) else {
        println!("{}: unreadable", file.display());
        return;
    };
    let size = bytes.len();
    let read = peak() - base;
    let x = |kb: u64| figure(kb, size);

    reset_peak();
    let doc = match Document::parse(&bytes) {
        Ok(doc) => doc,
        Err(e) => {
            println!("{}: {e}", file.display());
            return;
        }
    };
    let parse = peak() - base;

    reset_peak();
    let env = Envelope::read(&doc);
    let view = peak() - base;
    drop(env);

    reset_peak();
    let report = validate(&doc, &ValidateOptions::default());
    let valid = peak() - base;
    drop(report);

    reset_peak();
    let out = doc.to_bytes();
    let fmt = peak() - base;
    std::hint::black_box(&out);

    let name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    println!(
        "{:<32} {:>10} {:>16} {:>16} {:>16} {:>16} {:>16}",
        name,
        size,
        x(read),
        x(parse),
        x(view),
        x(valid),
        x(fmt)
    );
}

// A field of /proc/self/status in KiB (0 where there is none).
fn status(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn rss_now() -> u64 {
    status("VmRSS:")
}

fn peak() -> u64 {
    status("VmHWM:")
}

// The peak starts again from the current resident set (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
