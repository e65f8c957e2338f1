//! Where a File's local href leads: the one rule, shared by the validator (`--check-files`)
//! and by tern-ova (pack, verify of an unpacked package), for which hrefs may be opened.
//!
//! An href is relative to the descriptor's directory (DSP0243 §7.1). One that is absolute,
//! names a drive, climbs out with a `..` component or contains a NUL byte is refused before
//! anything is opened; so is one that exists but leads outside the directory through a
//! symbolic link (in the name or on the way). Otherwise a descriptor could make a checker
//! report the size, or digest the bytes, of any file the user can read (`/etc/shadow`).

use std::path::{Path, PathBuf};

/// Why `href` (a File's href or one of its chunk names) cannot name a file of the package,
/// from its spelling alone; `None` when it can.
pub fn check_href(href: &str) -> Option<&'static str> {
    let bytes = href.as_bytes();
    if href.is_empty() {
        Some("the href is empty")
    } else if href.contains('\0') {
        Some("the href contains a NUL byte")
    } else if href.starts_with('/') || href.starts_with('\\') {
        Some("the href is an absolute path")
    } else if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        Some("the href names a drive")
    } else if href.split(['/', '\\']).any(|part| part == "..") {
        Some("the href leaves the package directory ('..')")
    } else {
        None
    }
}

/// The path of `href` in the package directory `base` (the descriptor's), or why it must not
/// be opened: [`check_href`], then, when the path exists, that it resolves inside `base`
/// (no symbolic link leading out). A path that does not exist is returned as is: missing
/// files are the caller's to report.
pub fn package_file(base: &Path, href: &str) -> Result<PathBuf, &'static str> {
    if let Some(reason) = check_href(href) {
        return Err(reason);
    }
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let path = base.join(href);
    if let Ok(resolved) = path.canonicalize()
        && !base
            .canonicalize()
            .is_ok_and(|root| resolved.starts_with(root))
    {
        return Err("the href leads outside the package directory through a symbolic link");
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_spellings_are_refused() {
        for href in [
            "",
            "/etc/shadow",
            "\\x",
            "C:\\x",
            "c:x",
            "../x",
            "a/../../x",
            "a\\..\\x",
            "a\0",
        ] {
            assert!(check_href(href).is_some(), "{href:?}");
        }
        for href in [
            "disk.vmdk",
            "./disk.vmdk",
            "sub/disk.vmdk",
            "..disk",
            "disk..vmdk",
            "ab:c",
        ] {
            assert_eq!(check_href(href), None, "{href:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_leading_out_are_refused_links_staying_in_are_not() {
        let dir = std::env::temp_dir().join(format!("tern-ovf-href-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (pkg, outside) = (dir.join("pkg"), dir.join("outside"));
        std::fs::create_dir_all(pkg.join("sub")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "s").unwrap();
        std::fs::write(pkg.join("disk.img"), "d").unwrap();
        std::os::unix::fs::symlink(outside.join("secret"), pkg.join("leak.img")).unwrap();
        std::os::unix::fs::symlink(&outside, pkg.join("out")).unwrap();
        std::os::unix::fs::symlink("../disk.img", pkg.join("sub/up.img")).unwrap();
        assert!(package_file(&pkg, "leak.img").is_err());
        assert!(package_file(&pkg, "out/secret").is_err());
        assert_eq!(
            package_file(&pkg, "disk.img").unwrap(),
            pkg.join("disk.img")
        );
        assert!(
            package_file(&pkg, "sub/up.img").is_ok(),
            "a link inside the package"
        );
        assert!(
            package_file(&pkg, "missing.img").is_ok(),
            "missing: the caller says so"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
