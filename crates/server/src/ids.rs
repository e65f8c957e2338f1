//! Random identifiers from the operating system: entity UUIDs and MAC addresses.

use std::fmt::Write;

/// A random (version 4) UUID, lower-case hyphenated.
pub(crate) fn uuid() -> Result<String, String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness from the system: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (n, byte) in b.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{byte:02x}");
    }
    Ok(s)
}

/// A random unicast, locally administered MAC address.
pub(crate) fn mac() -> Result<String, String> {
    let mut b = [0u8; 6];
    getrandom::fill(&mut b).map_err(|e| format!("no randomness from the system: {e}"))?;
    b[0] = (b[0] & 0xfc) | 0x02;
    Ok(b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes() {
        let u = super::uuid().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let m = super::mac().unwrap();
        assert_eq!(m.len(), 17);
        assert_ne!(super::uuid().unwrap(), u);
    }
}
