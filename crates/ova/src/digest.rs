//! Message digests of the three algorithms OVF manifests use, computed while data streams by.

use std::fmt;
use std::str::FromStr;

use sha1::Digest as _;

/// A manifest digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    /// SHA-1: what OVF 1.x consumers (older ESXi/vCenter) expect.
    Sha1,
    /// SHA-256: ovftool's default since 4.2 and the OVF 2.x choice.
    Sha256,
    /// SHA-512: accepted by ovftool (`--shaAlgorithm SHA512`).
    Sha512,
}

impl Algorithm {
    /// Every algorithm, in manifest-spelling order.
    pub const ALL: [Algorithm; 3] = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// The spelling used in manifests and certificates: `SHA1`, `SHA256`, `SHA512`.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Length of a digest in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// Length of a digest written in hexadecimal.
    pub fn hex_len(self) -> usize {
        self.digest_len() * 2
    }

    /// A fresh hasher for this algorithm.
    pub fn hasher(self) -> Hasher {
        Hasher(match self {
            Algorithm::Sha1 => State::Sha1(sha1::Sha1::new()),
            Algorithm::Sha256 => State::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => State::Sha512(sha2::Sha512::new()),
        })
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    /// Accepts the manifest spellings `SHA1`, `SHA256`, `SHA512` in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownAlgorithm(s.to_owned()))
    }
}

/// A string that is not one of `SHA1`, `SHA256`, `SHA512`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown digest algorithm '{0}' (expected SHA1, SHA256 or SHA512)")]
pub struct UnknownAlgorithm(pub String);

/// An incremental digest computation.
#[derive(Clone)]
pub struct Hasher(State);

#[derive(Clone)]
enum State {
    Sha1(sha1::Sha1),
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    /// Feeds more bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.0 {
            State::Sha1(h) => h.update(bytes),
            State::Sha256(h) => h.update(bytes),
            State::Sha512(h) => h.update(bytes),
        }
    }

    /// The algorithm being computed.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            State::Sha1(_) => Algorithm::Sha1,
            State::Sha256(_) => Algorithm::Sha256,
            State::Sha512(_) => Algorithm::Sha512,
        }
    }

    /// The digest of everything fed so far.
    pub fn finish(self) -> DigestValue {
        let algorithm = self.algorithm();
        let bytes = match self.0 {
            State::Sha1(h) => h.finalize().to_vec(),
            State::Sha256(h) => h.finalize().to_vec(),
            State::Sha512(h) => h.finalize().to_vec(),
        };
        DigestValue { algorithm, bytes }
    }
}

impl fmt::Debug for Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Hasher").field(&self.algorithm()).finish()
    }
}

/// A computed or recorded digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DigestValue {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// The raw digest bytes.
    pub bytes: Vec<u8>,
}

impl DigestValue {
    /// Lower-case hexadecimal, as manifests are written.
    pub fn hex(&self) -> String {
        to_hex(&self.bytes)
    }
}

impl fmt::Display for DigestValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// Lower-case hexadecimal of `bytes`.
pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// Decodes hexadecimal of either case; `None` on any other character or an odd length.
pub(crate) fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// Several hashers fed the same bytes: a member listed under two algorithms is read once.
#[derive(Debug, Clone, Default)]
pub(crate) struct MultiHasher(Vec<Hasher>);

impl MultiHasher {
    pub(crate) fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        let mut seen: Vec<Algorithm> = algorithms.into_iter().collect();
        seen.sort_unstable();
        seen.dedup();
        MultiHasher(seen.into_iter().map(Algorithm::hasher).collect())
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        for h in &mut self.0 {
            h.update(bytes);
        }
    }

    pub(crate) fn finish(self) -> Vec<DigestValue> {
        self.0.into_iter().map(Hasher::finish).collect()
    }
}
