//! The OVA (tar) reader on arbitrary bytes: opening never panics; every member of an archive
//! that opens reads back, bounded, with exactly its recorded size; the References' logical
//! streams (chunks, gzip) and the verification never panic.
#![no_main]

use std::io::{Cursor, Read};

use libfuzzer_sys::fuzz_target;
use tern_ova::Ova;

/// Bytes read from one stream at most: gzip members may inflate without bound.
const LIMIT: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Ok(mut ova) = Ova::from_reader(Cursor::new(data), "fuzz.ova") else {
        return;
    };
    let members: Vec<(String, u64)> = ova.members().iter().map(|m| (m.name.clone(), m.size)).collect();
    for (name, size) in &members {
        let mut bytes = Vec::new();
        let mut reader = ova.read_member(name).expect("a listed member opens");
        (&mut reader).take(LIMIT).read_to_end(&mut bytes).expect("a complete member reads");
        assert_eq!(bytes.len() as u64, (*size).min(LIMIT), "{name}");
    }
    let _ = ova.manifest();
    let _ = ova.certificate();
    if let Ok(references) = ova.references() {
        for file in &references {
            if let Ok(stream) = ova.open_file(file) {
                let _ = stream.take(LIMIT).read_to_end(&mut Vec::new());
            }
        }
    }
    let _ = ova.verify(&mut |_| {});
});
