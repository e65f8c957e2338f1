//! Reading throughput in one process: tern-ovf's parse (the lossless `Document`, and the
//! compact read-only `Tree`), then parse + typed view + validation, beside `xmllint --noout` (libxml2: parse only, no validation) over the same
//! bytes in the same run, so that both see the same machine load. Run with
//! `cargo bench -p tern-ovf --bench read -- PATH...` (or `bench/ovf-shapes.sh`, which
//! generates large descriptors for it); each PATH (a file, or a directory read recursively
//! for `*.ovf`) is one row. `--rounds N` repeats each row (default: as many rounds as make
//! about 64 MB, at least 3). Without PATHs: `samples/ovf` and the reference corpus.
//! `--tsv` prints, instead of the table, one tab-separated line per PATH: name, bytes,
//! rounds, then MB/s of this thread's processor time (`/proc/thread-self/schedstat`, which
//! other processes on a shared machine do not inflate) for the parse, for parse + view +
//! validation and for the `Tree` parse (last, so that readers of the first columns keep
//! working), without xmllint (`bench/ovf-lxml.sh` prints them beside lxml's). `--tsv --only cli`
//! (or `--only tree`) prints only that column, for profiling.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use tern_ovf::{Document, Envelope, ParseOptions, Tree, ValidateOptions, validate, validate_bytes};

fn main() {
    let mut paths = Vec::new();
    let mut rounds = None;
    let mut tsv = false;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()),
            "--tsv" => tsv = true,
            "--only" => only = args.next(),
            "--bench" => {}
            other => paths.push(PathBuf::from(other)),
        }
    }
    if paths.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        paths.push(root.join("samples/ovf"));
        if let Some(reference) = root.canonicalize().ok().and_then(|r| {
            r.ancestors()
                .map(|a| a.join("shared/reference/ovf"))
                .find(|p| p.is_dir())
        }) {
            paths.push(reference);
        }
    }
    if tsv {
        for path in &paths {
            cpu_row(path, rounds, only.as_deref());
        }
        return;
    }
    let xmllint = Command::new("xmllint")
        .arg("--version")
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !xmllint {
        println!("xmllint not found (Debian: libxml2-utils): tern's figures only");
    }
    println!(
        "{:<40} {:>10} {:>6} {:>12} {:>12} {:>18} {:>12} {:>8}",
        "input",
        "bytes",
        "rounds",
        "tern parse",
        "tree parse",
        "parse+view+valid.",
        "xmllint",
        "ratio"
    );
    for path in &paths {
        row(path, rounds, xmllint);
    }
}

// One row: MB/s of tern's parse, of parse + view + validate, and of xmllint --noout.
fn row(path: &Path, rounds: Option<u32>, xmllint: bool) {
    let mut files = Vec::new();
    collect(path, &mut files);
    let inputs: Vec<Vec<u8>> = files.iter().filter_map(|f| std::fs::read(f).ok()).collect();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    if bytes == 0 {
        return;
    }
    let rounds = rounds.unwrap_or_else(|| u32::try_from((64 << 20) / bytes).unwrap_or(1).max(3));
    // Inputs stay far below 4 GB: the conversion is exact.
    let mb = f64::from(rounds) * f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1e6;
    let rate = |secs: f64| mb / secs;

    let start = Instant::now();
    for _ in 0..rounds {
        for input in &inputs {
            std::hint::black_box(Document::parse(input).ok());
        }
    }
    let parse = rate(start.elapsed().as_secs_f64());

    let tree = rate(time_tree(&inputs, rounds));

    let options = ValidateOptions::default();
    let start = Instant::now();
    for _ in 0..rounds {
        for input in &inputs {
            if let Ok(doc) = Document::parse(input) {
                std::hint::black_box(Envelope::read(&doc));
                std::hint::black_box(validate(&doc, &options));
            }
        }
    }
    let full = rate(start.elapsed().as_secs_f64());

    let lint = xmllint.then(|| {
        let start = Instant::now();
        for _ in 0..rounds {
            let _ = Command::new("xmllint")
                .arg("--noout")
                .args(&files)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        rate(start.elapsed().as_secs_f64())
    });
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let name = if files.len() > 1 {
        format!("{name} ({} files)", files.len())
    } else {
        name
    };
    println!(
        "{:<40} {:>10} {:>6} {:>7.1} MB/s {:>7.1} MB/s {:>13.1} MB/s {:>7} MB/s {:>8}",
        name,
        bytes,
        rounds,
        parse,
        tree,
        full,
        lint.map_or("-".into(), |l| format!("{l:.1}")),
        lint.map_or("-".into(), |l| format!("{:.2}x", full / l)),
    );
}

// One `--tsv` row: processor-time rates of the parse and of parse + view + validation.
fn cpu_row(path: &Path, rounds: Option<u32>, only: Option<&str>) {
    let mut files = Vec::new();
    collect(path, &mut files);
    // Each tool leaves out the files it cannot parse (tern the DTD sample, lxml the file
    // that declares `utf-16` over UTF-8 bytes), as `bench/ovf-lxml.py` does.
    let inputs: Vec<Vec<u8>> = files
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .filter(|b| Document::parse(b).is_ok())
        .collect();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    if bytes == 0 {
        return;
    }
    let rounds = rounds
        .filter(|r| *r > 0)
        .unwrap_or_else(|| u32::try_from((64 << 20) / bytes).unwrap_or(1).max(3));
    let mb = f64::from(rounds) * f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1e6;
    let options = ValidateOptions::default();
    // What `tern ovf validate` runs: the compact tree, its typed view and every rule.
    let tree_full = || {
        cpu_secs(|| {
            for _ in 0..rounds {
                for input in &inputs {
                    std::hint::black_box(validate_bytes(input, &options));
                }
            }
        })
    };
    if let Some(only) = only {
        let secs = if only == "tree" {
            cpu_secs(|| {
                time_tree(&inputs, rounds);
            })
        } else {
            tree_full()
        };
        println!(
            "{}\t{bytes}\t{rounds}\t{:.1}",
            name_of(path, files.len()),
            mb / secs
        );
        return;
    }
    let parse = cpu_secs(|| {
        for _ in 0..rounds {
            for input in &inputs {
                std::hint::black_box(Document::parse(input).ok());
            }
        }
    });
    let full = cpu_secs(|| {
        for _ in 0..rounds {
            for input in &inputs {
                if let Ok(doc) = Document::parse(input) {
                    std::hint::black_box(validate(&doc, &options));
                }
            }
        }
    });
    let tree = cpu_secs(|| {
        time_tree(&inputs, rounds);
    });
    let tree_full = tree_full();
    println!(
        "{}\t{bytes}\t{rounds}\t{:.1}\t{:.1}\t{:.1}\t{:.1}",
        name_of(path, files.len()),
        mb / parse,
        mb / full,
        mb / tree,
        mb / tree_full
    );
}

// Wall seconds of `rounds` parses of every input into a `Tree`.
fn time_tree(inputs: &[Vec<u8>], rounds: u32) -> f64 {
    let options = ParseOptions::default();
    let start = Instant::now();
    for _ in 0..rounds {
        for input in inputs {
            std::hint::black_box(Tree::parse(input, &options).ok());
        }
    }
    start.elapsed().as_secs_f64()
}

// This thread's processor time spent in `f`, in seconds (wall time where the kernel does not
// tell).
fn cpu_secs(f: impl FnOnce()) -> f64 {
    let on_cpu = || -> Option<u64> {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let wall = Instant::now();
    let before = on_cpu();
    f();
    match (before, on_cpu()) {
        (Some(a), Some(b)) => std::time::Duration::from_nanos(b.saturating_sub(a)).as_secs_f64(),
        _ => wall.elapsed().as_secs_f64(),
    }
}

fn name_of(path: &Path, files: usize) -> String {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    if files > 1 {
        format!("{name} ({files} files)")
    } else {
        name
    }
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("ovf")) {
            out.push(p);
        }
    }
}
