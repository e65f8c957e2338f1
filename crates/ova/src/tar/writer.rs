//! Plain POSIX ustar headers, as vSphere expects: no PAX records, no GNU long names, integer
//! mtimes. Names longer than 100 bytes are split into the 155-byte prefix field at a `/`.
//!
//! Ownership is written as uid/gid 0/0 with empty user and group names: an OVA's ownership means
//! nothing to its consumers, and fixed values keep packing reproducible and leak no local account.
//! Members of 8 GiB and more (beyond 11 octal digits) get a GNU base-256 size field, which GNU
//! tar, bsdtar, Python and ovftool read; everything else in the header stays ustar.

use super::header::{
    CHKSUM, DEVMAJOR, DEVMINOR, GID, MAGIC, MODE, MTIME, NAME, PREFIX, SIZE, TYPEFLAG, UID,
    VERSION, checksum,
};

/// Largest size an 11-digit octal field holds (8 GiB - 1).
const MAX_OCTAL_SIZE: u64 = 0o777_7777_7777;

/// Permission bits of every member: rw-r--r--.
pub(crate) const MODE_FILE: u32 = 0o644;

/// A ustar header for a regular file, or why the name cannot be stored.
pub(crate) fn file_header(name: &str, size: u64, mtime: u64) -> Result<[u8; 512], String> {
    let mut block = [0u8; 512];
    let (prefix, rest) = split_name(name)?;
    block[NAME][..rest.len()].copy_from_slice(rest.as_bytes());
    block[PREFIX][..prefix.len()].copy_from_slice(prefix.as_bytes());
    octal(&mut block[MODE], u64::from(MODE_FILE));
    octal(&mut block[UID], 0);
    octal(&mut block[GID], 0);
    if size > MAX_OCTAL_SIZE {
        base256(&mut block[SIZE], size);
    } else {
        octal(&mut block[SIZE], size);
    }
    if mtime > MAX_OCTAL_SIZE {
        return Err(format!("mtime {mtime} does not fit in a ustar header"));
    }
    octal(&mut block[MTIME], mtime);
    block[TYPEFLAG] = b'0';
    block[MAGIC].copy_from_slice(b"ustar\0");
    block[VERSION].copy_from_slice(b"00");
    octal(&mut block[DEVMAJOR], 0);
    octal(&mut block[DEVMINOR], 0);
    // Six octal digits, NUL, space: the traditional layout every reader accepts.
    let sum = checksum(&block);
    let text = format!("{sum:06o}\0 ");
    block[CHKSUM].copy_from_slice(text.as_bytes());
    Ok(block)
}

/// Checks that `name` can be stored in a ustar header (the same rules as [`file_header`]).
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    split_name(name).map(|_| ())
}

/// Splits a name into (prefix, name) fields: the whole name when it fits in 100 bytes, else at
/// the first `/` leaving at most 100 bytes after it and 155 before.
fn split_name(name: &str) -> Result<(&str, &str), String> {
    if name.is_empty() {
        return Err("empty name".into());
    }
    if name.contains(['\0', '\\', '\n']) {
        return Err("a name may not contain NUL, backslash or newline".into());
    }
    if name.starts_with('/')
        || name
            .split('/')
            .any(|p| p == ".." || p == "." || p.is_empty())
    {
        return Err(
            "a member name must be a relative path without '.', '..' or empty components".into(),
        );
    }
    if name.len() <= 100 {
        return Ok(("", name));
    }
    name.match_indices('/')
        .map(|(i, _)| (&name[..i], &name[i + 1..]))
        .find(|(prefix, rest)| prefix.len() <= 155 && rest.len() <= 100)
        .ok_or_else(|| {
            format!(
                "{} bytes is too long for ustar (100 bytes, or 155 + '/' + 100 split at a '/'); tern writes no PAX or GNU long-name records because vSphere rejects them",
                name.len()
            )
        })
}

/// Zero-padded octal digits filling the field, then a NUL.
fn octal(field: &mut [u8], value: u64) {
    let width = field.len() - 1;
    let text = format!("{value:0width$o}");
    field[..width].copy_from_slice(text.as_bytes());
    field[width] = 0;
}

/// GNU base-256: high bit set in the first byte, the value big-endian in the rest.
fn base256(field: &mut [u8], value: u64) {
    field.fill(0);
    field[0] = 0x80;
    let bytes = value.to_be_bytes();
    let start = field.len() - bytes.len();
    field[start..].copy_from_slice(&bytes);
}

#[cfg(test)]
mod tests {
    use super::super::header::{Dialect, SIZE, dialect, full_name, parse_number, verify_checksum};
    use super::*;

    #[test]
    fn sizes_beyond_eight_gib_use_base_256_and_read_back() {
        let size = 9 * (1u64 << 30) + 123;
        let h = file_header("big.vmdk", size, 0).unwrap();
        assert_eq!(h[SIZE][0], 0x80, "base-256 marker");
        assert_eq!(parse_number(&h[SIZE]).unwrap(), size);
        assert!(verify_checksum(&h).is_ok());
        assert_eq!(dialect(&h), Dialect::Ustar);
        // Just below the limit stays octal.
        let h = file_header("edge.vmdk", MAX_OCTAL_SIZE, 0).unwrap();
        assert_eq!(&h[SIZE], b"77777777777\0");
    }

    #[test]
    fn long_names_split_into_prefix_and_name() {
        let name = format!("{}/{}", "p".repeat(150), "n".repeat(100));
        let h = file_header(&name, 1, 0).unwrap();
        assert_eq!(full_name(&h), name.as_bytes());
        assert_eq!(
            &h[NAME],
            "n".repeat(100).as_bytes(),
            "the name field may be full (no NUL)"
        );
    }

    #[test]
    fn octal_fields_accept_the_spellings_writers_use() {
        for (field, value) in [
            (&b"0000644\0"[..], 0o644),
            (b"   644 \0", 0o644),
            (b"644", 0o644),
            (b"\0\0\0\0\0\0\0\0", 0),
            (b"00000001750 ", 1000),
        ] {
            assert_eq!(parse_number(field).unwrap(), value, "{field:?}");
        }
        assert!(parse_number(b"0000064x\0").is_err());
        assert!(
            parse_number(&[0xc0, 0, 0, 0, 0, 0, 0, 1]).is_err(),
            "negative base-256"
        );
    }
}
