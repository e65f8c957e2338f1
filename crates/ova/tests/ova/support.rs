//! Test helpers: scratch directories and a tar builder written from the ustar specification
//! (POSIX.1-1988 header layout), independent of the crate's own writer, so hostile and unusual
//! archives can be built byte by byte.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A scratch directory removed when dropped.
pub struct Scratch(PathBuf);

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Scratch {
    pub fn new(label: &str) -> Self {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tern-ova-test-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `bytes` to `name` inside the scratch directory and returns the path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(name);
        std::fs::write(&path, bytes).expect("write scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Header dialect of a built entry.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    Ustar,
    Gnu,
}

/// One tar entry to build.
#[derive(Clone)]
pub struct Entry {
    pub name: Vec<u8>,
    pub prefix: Vec<u8>,
    pub typeflag: u8,
    pub data: Vec<u8>,
    pub linkname: Vec<u8>,
    pub magic: Magic,
    pub mode: u32,
}

pub fn file(name: &str, data: impl AsRef<[u8]>) -> Entry {
    Entry {
        name: name.as_bytes().to_vec(),
        prefix: Vec::new(),
        typeflag: b'0',
        data: data.as_ref().to_vec(),
        linkname: Vec::new(),
        magic: Magic::Ustar,
        mode: 0o644,
    }
}

pub fn typed(name: &str, typeflag: u8) -> Entry {
    Entry {
        typeflag,
        ..file(name, [])
    }
}

/// A PAX extended header (`typeflag x`) carrying `records`, as Python's tarfile writes them.
pub fn pax(records: &[(&str, &str)]) -> Entry {
    let mut data = Vec::new();
    for (key, value) in records {
        let body = format!(" {key}={value}\n");
        // The length counts itself: find the fixed point.
        let mut len = body.len() + 1;
        while format!("{len}{body}").len() != len {
            len += 1;
        }
        data.extend_from_slice(format!("{len}{body}").as_bytes());
    }
    Entry {
        typeflag: b'x',
        data,
        ..file("././@PaxHeader", [])
    }
}

/// A GNU long-name record (`typeflag L`) for the entry that follows.
pub fn gnu_long_name(name: &str) -> Entry {
    let mut data = name.as_bytes().to_vec();
    data.push(0);
    Entry {
        typeflag: b'L',
        data,
        magic: Magic::Gnu,
        ..file("././@LongLink", [])
    }
}

/// The 512-byte header of `entry`, checksum included.
pub fn header(entry: &Entry) -> [u8; 512] {
    let mut h = [0u8; 512];
    put(&mut h[0..100], &entry.name);
    put(&mut h[100..108], format!("{:07o}\0", entry.mode).as_bytes());
    put(&mut h[108..116], b"0000000\0");
    put(&mut h[116..124], b"0000000\0");
    put(
        &mut h[124..136],
        format!("{:011o}\0", entry.data.len()).as_bytes(),
    );
    put(&mut h[136..148], b"14500000000\0");
    h[156] = entry.typeflag;
    put(&mut h[157..257], &entry.linkname);
    match entry.magic {
        Magic::Ustar => {
            put(&mut h[257..263], b"ustar\0");
            put(&mut h[263..265], b"00");
            put(&mut h[345..500], &entry.prefix);
        }
        Magic::Gnu => put(&mut h[257..265], b"ustar  \0"),
    }
    seal(&mut h);
    h
}

/// Recomputes and stores the checksum (after a test edits a header).
pub fn seal(h: &mut [u8; 512]) {
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// The archive: every header and padded data, then two zero blocks.
pub fn tar(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&header(e));
        out.extend_from_slice(&e.data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn put(field: &mut [u8], bytes: &[u8]) {
    field[..bytes.len()].copy_from_slice(bytes);
}

/// A minimal descriptor whose References lists `files` as (href, extra attributes).
pub fn descriptor(files: &[(&str, &str)]) -> String {
    let mut refs = String::new();
    for (i, (href, extra)) in files.iter().enumerate() {
        let _ = writeln!(
            refs,
            "    <File ovf:id=\"file{}\" ovf:href=\"{href}\"{extra}/>",
            i + 1
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" \
         xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\">\n  <References>\n{refs}  </References>\n</Envelope>\n"
    )
}

/// Hex digest through the crate's hasher (itself checked against published vectors in `manifest.rs`).
pub fn hex_digest(algorithm: tern_ova::Algorithm, bytes: &[u8]) -> String {
    let mut h = algorithm.hasher();
    h.update(bytes);
    h.finish().hex()
}

/// (severity, rule, member) of every finding, in order.
pub fn rules(report: &tern_ova::Verification) -> Vec<(tern_diag::Severity, &str, Option<String>)> {
    report
        .findings
        .iter()
        .map(|f| (f.severity, &*f.rule, f.file.clone()))
        .collect()
}

/// Whether a program can be run (tests that need it skip with a note otherwise).
pub fn have(program: &str) -> bool {
    std::process::Command::new(program)
        .arg("--version")
        .output()
        .is_ok()
}
