//! Where a package's files live, as the verifier sees them: the members of an opened OVA
//! ([`Archive`]) or, in `package.rs`, the files beside a descriptor.

use std::io::{Read, Seek};

use tern_diag::Finding;

use crate::archive::{MAX_TEXT_MEMBER, Ova};
use crate::error::OvaError;
use crate::member::{HeaderFormat, MemberKind};
use crate::references::FileReference;

/// Where the package's files are: an OVA's members or files beside a descriptor.
pub(crate) trait Store {
    /// "archive" or "directory", for messages.
    fn container(&self) -> &'static str;
    fn descriptor_name(&self) -> String;
    /// Every file, in order (descriptor first).
    fn file_names(&self) -> Vec<String>;
    fn manifest_name(&self) -> Option<String>;
    fn certificate_name(&self) -> Option<String>;
    /// A small text file (manifest, certificate), bounded by [`MAX_TEXT_MEMBER`].
    fn load(&mut self, name: &str) -> Result<Vec<u8>, OvaError>;
    fn references(&mut self) -> Result<Vec<FileReference>, OvaError>;
    /// Why `file` must not be looked for (rule `OVA-HREF`), if so.
    fn href_refusal(&self, file: &FileReference) -> Option<String>;
    /// Sizes of the stored parts of `file` (one, or its chunks); empty when absent.
    fn part_sizes(&self, file: &FileReference) -> Vec<u64>;
    /// Warnings about the container's layout, each naming its member.
    fn layout_findings(&self) -> Vec<Finding>;
}

/// The [`Store`] view of an opened OVA.
pub(crate) struct Archive<'a, R>(pub(crate) &'a mut Ova<R>);

impl<R: Read + Seek> Store for Archive<'_, R> {
    fn container(&self) -> &'static str {
        "archive"
    }

    fn descriptor_name(&self) -> String {
        self.0.descriptor().name.clone()
    }

    fn file_names(&self) -> Vec<String> {
        self.0
            .members()
            .iter()
            .filter(|m| m.kind == MemberKind::File)
            .map(|m| m.name.clone())
            .collect()
    }

    fn manifest_name(&self) -> Option<String> {
        self.0.manifest().map(|m| m.name.clone())
    }

    fn certificate_name(&self) -> Option<String> {
        self.0.certificate().map(|m| m.name.clone())
    }

    fn load(&mut self, name: &str) -> Result<Vec<u8>, OvaError> {
        self.0.read_member_to_vec(name, MAX_TEXT_MEMBER)
    }

    fn references(&mut self) -> Result<Vec<FileReference>, OvaError> {
        self.0.references()
    }

    fn href_refusal(&self, file: &FileReference) -> Option<String> {
        tern_ovf::model::check_href(&file.href).map(str::to_owned)
    }

    fn part_sizes(&self, file: &FileReference) -> Vec<u64> {
        self.0.stored_parts(file).iter().map(|m| m.size).collect()
    }

    fn layout_findings(&self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .0
            .members()
            .iter()
            .filter(|m| m.format == HeaderFormat::Pax)
            .map(|m| {
                Finding::warning(
                    "OVA-PAX",
                    format!(
                        "written with a PAX extended header (at byte {}); vSphere rejects PAX archives",
                        m.header_offset
                    ),
                )
                .in_file(&m.name)
            })
            .collect();
        if let Some(manifest) = self.manifest_name()
            && self.file_names().get(1) != Some(&manifest)
        {
            findings.push(
                Finding::warning(
                    "OVA-ORDER",
                    "the manifest should be the second member, right after the descriptor",
                )
                .in_file(manifest),
            );
        }
        findings
    }
}
