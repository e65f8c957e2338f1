//! OVF certificates (`.cert`): a line `ALG(manifest.mf)= hex` holding the signature of the
//! manifest's digest, followed by the signer's PEM certificate (ovftool `--privateKey`).
//!
//! tern checks the structure, that the certificate names the package's manifest, and computes
//! the manifest digest with the named algorithm. It does not check the RSA signature or the
//! certificate chain; [`crate::Verification`] says so. When the hex has exactly the length of a
//! digest (an unsigned digest line), it is compared with the manifest's digest.

use tern_diag::{Finding, Position};

use crate::digest::Algorithm;
use crate::manifest::{ManifestError, parse_line};

/// A parsed `.cert` file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Certificate {
    /// The algorithm of the signed digest.
    pub algorithm: Algorithm,
    /// The file the certificate covers (the manifest).
    pub manifest_name: String,
    /// The signature bytes (or, when as long as a digest, the digest itself).
    pub signature: Vec<u8>,
    /// The PEM blocks following the digest line, when present.
    pub pem: Option<String>,
}

impl Certificate {
    /// Parses the certificate file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Certificate, ManifestError> {
        let text = std::str::from_utf8(bytes).map_err(|e| {
            let line = bytes[..e.valid_up_to()].split(|&b| b == b'\n').count();
            syntax(line, 1, "the certificate is not valid UTF-8")
        })?;
        let (index, first) = text
            .lines()
            .enumerate()
            .find(|(_, l)| !l.trim().is_empty())
            .ok_or_else(|| syntax(1, 1, "empty certificate"))?;
        let (entry, _) =
            parse_line(first.trim_end_matches('\r'), index + 1, false).map_err(|mut e| {
                e.finding.rule = "CERT-SYNTAX".into();
                e
            })?;
        let pem = text
            .find("-----BEGIN ")
            .map(|start| text[start..].trim_end().to_owned());
        Ok(Certificate {
            algorithm: entry.digest.algorithm,
            manifest_name: entry.name,
            signature: entry.digest.bytes,
            pem,
        })
    }

    /// Whether the hex is a bare digest rather than a signature.
    pub fn is_plain_digest(&self) -> bool {
        self.signature.len() == self.algorithm.digest_len()
    }
}

/// A `CERT-SYNTAX` error at `line`, `column`.
fn syntax(line: usize, column: usize, message: impl Into<String>) -> ManifestError {
    ManifestError {
        finding: Box::new(Finding::error("CERT-SYNTAX", message).at(Position::new(line, column))),
    }
}
