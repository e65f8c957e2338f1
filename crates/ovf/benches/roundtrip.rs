//! Throughput of the OVF reader: parse + byte-identical write-back + typed view + validation
//! of a directory of descriptors, in one process. Run with `cargo bench -p tern-ovf`
//! (or `bench/ovf.sh`, which also times Python lxml and `cot info` on the same files).
//!
//! Arguments (after `--`): directories to read (default: `samples/ovf` and, if present,
//! `shared/reference/ovf/samples`), and `--rounds N` (default 200).

use std::path::{Path, PathBuf};
use std::time::Instant;

use tern_ovf::{Document, Envelope, ValidateOptions, validate};

fn main() {
    let mut dirs = Vec::new();
    let mut rounds = 200u32;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(rounds),
            "--bench" => {}
            other => dirs.push(PathBuf::from(other)),
        }
    }
    if dirs.is_empty() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        dirs.push(root.join("samples/ovf"));
        if let Some(reference) = root.canonicalize().ok().and_then(|r| {
            r.ancestors()
                .map(|a| a.join("shared/reference/ovf/samples"))
                .find(|p| p.is_dir())
        }) {
            dirs.push(reference);
        }
    }
    let mut files = Vec::new();
    for dir in &dirs {
        collect(dir, &mut files);
    }
    let inputs: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("readable"))
        .filter(|b| Document::parse(b).is_ok())
        .collect();
    let bytes: usize = inputs.iter().map(Vec::len).sum();
    let options = ValidateOptions::default();
    let report = |what: &str, secs: f64, extra: String| {
        // Counts stay far below 2^52: the conversions are exact.
        let n = f64::from(rounds) * f64::from(u32::try_from(inputs.len()).unwrap_or(u32::MAX));
        let mb = f64::from(rounds) * f64::from(u32::try_from(bytes).unwrap_or(u32::MAX)) / 1e6;
        println!(
            "tern-ovf {what}: {} files ({bytes} bytes) x {rounds} rounds in {secs:.3} s: {:.0} files/s, {:.1} MB/s{extra}",
            inputs.len(),
            n / secs,
            mb / secs
        );
    };
    let start = Instant::now();
    for _ in 0..rounds {
        for input in &inputs {
            let doc = Document::parse(input).expect("parsed before");
            assert_eq!(doc.to_bytes().len(), input.len());
        }
    }
    report("parse+write", start.elapsed().as_secs_f64(), String::new());
    let start = Instant::now();
    let mut findings = 0usize;
    for _ in 0..rounds {
        for input in &inputs {
            let doc = Document::parse(input).expect("parsed before");
            assert_eq!(doc.to_bytes().len(), input.len());
            let env = Envelope::read(&doc);
            std::hint::black_box(&env);
            findings += validate(&doc, &options).findings.len();
        }
    }
    report(
        "parse+write+view+validate",
        start.elapsed().as_secs_f64(),
        format!(" ({findings} findings)"),
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "ovf") {
            out.push(p);
        }
    }
}
