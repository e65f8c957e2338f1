//! Integration tests of tern-ovf: one binary, one module per concern.

mod deployment;
mod edit;
mod edit_cot;
mod encoding;
mod environment;
mod info;
mod memory;
mod model;
mod references;
mod required;
mod robustness;
mod roundtrip;
mod scale;
mod sealed;
mod security;
mod strings;
mod tree;
mod validate;
mod virtualbox;

use std::path::{Path, PathBuf};

/// The repository's own samples: the valid ones in `samples/ovf` and one per rule in
/// `samples/ovf/invalid`, sorted by path.
pub(crate) fn own_samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/ovf");
    let mut out = tern_testkit::files(&root, &[".ovf"], 8);
    out.extend(tern_testkit::files(&root.join("invalid"), &[".ovf"], 30));
    out.sort();
    out
}

/// `shared/reference/ovf/samples`, or `None` (with a note) when that folder is not present
/// on this machine and `TERN_REQUIRE_REFERENCE` is not set.
pub(crate) fn reference_dir() -> Option<PathBuf> {
    tern_testkit::reference("ovf/samples")
}

/// The real-world descriptors in [`reference_dir`].
pub(crate) fn reference_samples() -> Option<Vec<PathBuf>> {
    Some(tern_testkit::files(&reference_dir()?, &[".ovf"], 20))
}

/// Every sample of the repository and of the reference corpus, as read, with a UTF-8 byte
/// order mark and in UTF-16 (the encodings go through different decoders), and, with
/// `crlf`, with CR LF line ends too (decoded text that is not its raw slice).
pub(crate) fn encoded_samples(crlf: bool) -> Vec<(String, Vec<u8>)> {
    let mut paths = own_samples();
    paths.extend(reference_samples().unwrap_or_default());
    let mut out = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let text = text.trim_start_matches('\u{feff}');
            let mut bom = b"\xEF\xBB\xBF".to_vec();
            bom.extend_from_slice(text.as_bytes());
            out.push((format!("{name} (BOM)"), bom));
            let utf16: Vec<u8> = std::iter::once(0xFEFF_u16)
                .chain(text.encode_utf16())
                .flat_map(u16::to_le_bytes)
                .collect();
            out.push((format!("{name} (UTF-16)"), utf16));
            if crlf {
                let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
                out.push((format!("{name} (CR LF)"), crlf.into_bytes()));
            }
        }
        out.push((name, bytes));
    }
    out
}

/// Malformed documents every reader refuses: unbalanced, repeated attributes, unquoted
/// values, bare `&`, an unclosed comment, no root or two.
pub(crate) const MALFORMED: &[&str] = &[
    "",
    "<a>",
    "<a></b>",
    "</a>",
    "<a/><b/>",
    "text",
    "<a>&</a>",
    "<a b='1' b='2'/>",
    "<a b=1/>",
    "<a><!-- x</a>",
];
