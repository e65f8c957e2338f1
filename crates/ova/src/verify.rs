//! Checking an OVA against its manifest and certificate: every listed member's digest, members
//! missing from the archive or from the manifest, the certificate's digest line, and that every
//! local file the descriptor references is in the archive with its declared size.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Seek};

use tern_diag::{Finding, Position};

use crate::archive::Ova;
use crate::cert::Certificate;
use crate::digest::{Algorithm, DigestValue, MultiHasher, to_hex};
use crate::error::{OvaError, href_finding};
use crate::manifest::{Manifest, ManifestEntry};
use crate::member::MemberKind;
use crate::progress::{BUFFER, Progress};
use crate::references::Compression;
use crate::store::{Archive, Store};

/// The outcome of [`Ova::verify`] (or of the checks done while unpacking).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verification {
    /// Every finding, in the order found. A finding about a member names it as its `file`
    /// (the caller places it in the archive with [`Finding::in_file`], giving
    /// `ARCHIVE/MEMBER`); manifest and descriptor findings carry their line and column.
    pub findings: Vec<Finding>,
    /// The manifest's member name, when there is one.
    pub manifest: Option<String>,
    /// Members whose every manifest digest matched.
    pub verified: Vec<String>,
    /// The certificate's member name, when there is one.
    pub certificate: Option<String>,
    /// Always `false`: tern does not check certificate signatures.
    pub signature_checked: bool,
}

impl Verification {
    /// No error-level finding.
    pub fn is_valid(&self) -> bool {
        !tern_diag::has_errors(&self.findings)
    }
}

impl<R: Read + Seek> Ova<R> {
    /// Verifies the archive: streams every member listed in the manifest (and the manifest
    /// itself when a certificate covers it) through the digests, then reports mismatches,
    /// missing and unlisted members, certificate problems and References without a member.
    pub fn verify(
        &mut self,
        progress: &mut dyn FnMut(Progress<'_>),
    ) -> Result<Verification, OvaError> {
        let mut checker = Checker::load(&mut Archive(self))?;
        let names: Vec<(String, u64)> = self
            .members()
            .iter()
            .filter(|m| m.kind == MemberKind::File)
            .map(|m| (m.name.clone(), m.size))
            .collect();
        let total = names
            .iter()
            .filter(|(n, _)| !checker.algorithms_for(n).is_empty())
            .map(|(_, s)| s)
            .sum();
        let mut done = 0u64;
        let mut buffer = vec![0u8; BUFFER];
        for (name, _) in &names {
            let algorithms = checker.algorithms_for(name);
            if algorithms.is_empty() {
                continue;
            }
            let mut hasher = MultiHasher::new(algorithms);
            let path = self.path().to_path_buf();
            let offset = self.member(name).map_or(0, |m| m.data_offset);
            let mut reader = self.read_member(name)?;
            stream_digest(
                &mut reader,
                &mut hasher,
                &mut buffer,
                name,
                &mut done,
                total,
                progress,
            )
            .map_err(|e| OvaError::Member {
                member: name.clone(),
                offset,
                reason: format!("reading {}: {e}", path.display()),
            })?;
            checker.check_member(name, &hasher.finish());
        }
        Ok(checker.finish(&mut Archive(self)))
    }
}

/// Manifest, certificate and findings collected while members are digested.
#[derive(Debug)]
pub(crate) struct Checker {
    manifest: Option<(String, Manifest)>,
    certificate: Option<(String, Certificate)>,
    report: Verification,
    digested: HashMap<String, Vec<DigestValue>>,
    /// Name → positions of its manifest entries: lookups in O(1), whatever the entry count.
    listed: HashMap<String, Vec<usize>>,
}

impl Checker {
    /// Reads and parses the manifest and certificate; structural findings come first.
    pub(crate) fn load(store: &mut dyn Store) -> Result<Self, OvaError> {
        let mut checker = Checker {
            manifest: None,
            certificate: None,
            report: Verification::default(),
            digested: HashMap::new(),
            listed: HashMap::new(),
        };
        checker.report.findings.extend(store.layout_findings());
        if let Some(name) = store.manifest_name() {
            let bytes = store.load(&name)?;
            let parsed = Manifest::parse(&bytes);
            checker
                .report
                .findings
                .extend(parsed.findings.into_iter().map(|f| f.in_file(&name)));
            checker.report.manifest = Some(name.clone());
            for (i, entry) in parsed.manifest.entries.iter().enumerate() {
                checker
                    .listed
                    .entry(entry.name.clone())
                    .or_default()
                    .push(i);
            }
            checker.manifest = Some((name, parsed.manifest));
        } else {
            checker.push(Finding::warning(
                "OVA-NO-MANIFEST",
                "no manifest (.mf): member digests cannot be checked",
            ));
        }
        if let Some(name) = store.certificate_name() {
            let bytes = store.load(&name)?;
            checker.report.certificate = Some(name.clone());
            match Certificate::parse(&bytes) {
                Ok(cert) => checker.certificate = Some((name, cert)),
                Err(e) => checker.push(e.finding.in_file(&name)),
            }
        }
        Ok(checker)
    }

    /// The manifest's entries for `name`.
    fn entries_for(&self, name: &str) -> impl Iterator<Item = &ManifestEntry> {
        let entries = self.manifest.as_ref().map_or(&[][..], |(_, m)| &m.entries);
        self.listed
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| entries.get(i))
    }

    /// The algorithms `name` must be digested with (empty: nothing to check).
    pub(crate) fn algorithms_for(&self, name: &str) -> Vec<Algorithm> {
        let mut algorithms: Vec<Algorithm> =
            self.entries_for(name).map(|e| e.digest.algorithm).collect();
        if let (Some((manifest, _)), Some((_, cert))) = (&self.manifest, &self.certificate)
            && manifest == name
        {
            algorithms.push(cert.algorithm);
        }
        algorithms
    }

    /// Compares computed digests with the manifest; true when every listed digest matched.
    pub(crate) fn check_member(&mut self, name: &str, computed: &[DigestValue]) -> bool {
        let mut ok = true;
        let mut mismatches = Vec::new();
        for entry in self.entries_for(name) {
            let Some(actual) = computed
                .iter()
                .find(|d| d.algorithm == entry.digest.algorithm)
            else {
                continue;
            };
            if actual.bytes != entry.digest.bytes {
                ok = false;
                mismatches.push((entry.line, entry.digest.clone(), actual.clone()));
            }
        }
        for (line, expected, actual) in mismatches {
            self.push(
                Finding::error(
                    "OVA-DIGEST",
                    format!(
                        "{} mismatch: the manifest (line {line}) says {}, the member's data gives {}",
                        expected.algorithm,
                        to_hex(&expected.bytes),
                        to_hex(&actual.bytes)
                    ),
                )
                .in_file(name),
            );
        }
        let listed = self.listed.contains_key(name);
        if ok && listed {
            self.report.verified.push(name.to_owned());
        }
        self.digested.insert(name.to_owned(), computed.to_vec());
        ok
    }

    /// Cross-checks manifest, members, certificate and References; returns the report.
    pub(crate) fn finish(mut self, store: &mut dyn Store) -> Verification {
        let files = store.file_names();
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        let container = store.container();
        if let Some((manifest_name, manifest)) = self.manifest.take() {
            for entry in &manifest.entries {
                if !present.contains(entry.name.as_str()) {
                    self.push(
                        Finding::error(
                            "OVA-MISSING",
                            format!(
                                "the manifest lists '{}' but the {container} has no such file",
                                entry.name
                            ),
                        )
                        .at_opt((entry.line > 0).then(|| Position::new(entry.line, 1)))
                        .in_file(&manifest_name),
                    );
                }
            }
            let certificate = self.report.certificate.clone();
            for name in &files {
                if *name != manifest_name
                    && Some(name) != certificate.as_ref()
                    && !self.listed.contains_key(name)
                {
                    self.push(
                        Finding::error(
                            "OVA-UNLISTED",
                            format!("member is not listed in the manifest '{manifest_name}'"),
                        )
                        .in_file(name),
                    );
                }
            }
            self.check_certificate(&manifest_name);
            self.manifest = Some((manifest_name, manifest));
        } else if let Some((cert_name, _)) = &self.certificate {
            let cert_name = cert_name.clone();
            self.push(
                Finding::error("CERT-MANIFEST", "a certificate without a manifest to cover")
                    .in_file(&cert_name),
            );
        }
        self.check_references(store);
        self.report
    }

    fn check_certificate(&mut self, manifest_name: &str) {
        let Some((cert_name, cert)) = self.certificate.clone() else {
            return;
        };
        if cert.manifest_name != manifest_name {
            self.push(
                Finding::error(
                    "CERT-MANIFEST",
                    format!(
                        "the certificate covers '{}' but the manifest is '{manifest_name}'",
                        cert.manifest_name
                    ),
                )
                .in_file(&cert_name),
            );
            return;
        }
        if cert.pem.is_none() {
            self.push(
                Finding::error(
                    "CERT-SYNTAX",
                    "no PEM certificate (-----BEGIN CERTIFICATE-----) after the digest line",
                )
                .in_file(&cert_name),
            );
        }
        let computed = self
            .digested
            .get(manifest_name)
            .and_then(|ds| ds.iter().find(|d| d.algorithm == cert.algorithm))
            .cloned();
        let Some(computed) = computed else { return };
        if cert.is_plain_digest() {
            if computed.bytes != cert.signature {
                self.push(
                    Finding::error(
                        "CERT-DIGEST",
                        format!(
                            "{} of '{manifest_name}' is {}, the certificate says {}",
                            cert.algorithm,
                            computed.hex(),
                            to_hex(&cert.signature)
                        ),
                    )
                    .in_file(&cert_name),
                );
            }
        } else {
            self.push(
                Finding::warning(
                    "CERT-SIGNATURE",
                    format!(
                        "signature ({} bytes) over the {} digest of '{manifest_name}' ({}) NOT checked: tern does not verify signatures or certificate chains",
                        cert.signature.len(),
                        cert.algorithm,
                        computed.hex()
                    ),
                )
                .in_file(&cert_name),
            );
        }
    }

    fn check_references(&mut self, store: &mut dyn Store) {
        let descriptor = store.descriptor_name();
        let references = match store.references() {
            Ok(r) => r,
            Err(OvaError::Descriptor {
                position, reason, ..
            }) => {
                self.push(
                    Finding::error("OVF-XML", reason)
                        .at(position)
                        .in_file(&descriptor),
                );
                return;
            }
            Err(e) => {
                self.push(Finding::error("OVF-XML", e.to_string()).in_file(&descriptor));
                return;
            }
        };
        for file in references.iter().filter(|f| f.is_local()) {
            if let Some(reason) = store.href_refusal(file) {
                self.push(
                    href_finding(&file.href, &reason)
                        .at(file.position)
                        .in_file(&descriptor),
                );
                continue;
            }
            let parts = store.part_sizes(file);
            if parts.is_empty() {
                self.push(
                    Finding::error(
                        "OVA-REFERENCE",
                        format!(
                            "References lists '{}'{} but the {} has no such file{}",
                            file.href,
                            file.id
                                .as_ref()
                                .map(|i| format!(" (File {i})"))
                                .unwrap_or_default(),
                            store.container(),
                            if file.chunk_size.is_some() {
                                " nor its chunks"
                            } else {
                                ""
                            }
                        ),
                    )
                    .at(file.position)
                    .in_file(&descriptor),
                );
                continue;
            }
            let stored: u64 = parts.iter().sum();
            if let Some(size) = file.size
                && size != stored
            {
                self.push(
                    Finding::error(
                        "OVA-SIZE",
                        format!(
                            "the descriptor declares ovf:size=\"{size}\" but {stored} bytes are stored"
                        ),
                    )
                    .in_file(&file.href),
                );
            }
            if let Compression::Other(other) = &file.compression {
                self.push(
                    Finding::warning(
                        "OVA-COMPRESSION",
                        format!(
                            "unknown ovf:compression=\"{other}\" (OVF defines identity and gzip)"
                        ),
                    )
                    .in_file(&file.href),
                );
            }
        }
    }

    fn push(&mut self, finding: Finding) {
        self.report.findings.push(finding);
    }
}

/// Streams `reader` through `hasher` with `buffer`, reporting progress for `member`; shared by
/// the archive and the unpacked-package verifications.
pub(crate) fn stream_digest(
    reader: &mut dyn std::io::Read,
    hasher: &mut MultiHasher,
    buffer: &mut [u8],
    member: &str,
    done: &mut u64,
    total: u64,
    progress: &mut dyn FnMut(Progress<'_>),
) -> std::io::Result<()> {
    loop {
        let n = reader.read(buffer)?;
        if n == 0 {
            return Ok(());
        }
        hasher.update(&buffer[..n]);
        *done += n as u64;
        progress(Progress {
            member,
            done: *done,
            total,
        });
    }
}
