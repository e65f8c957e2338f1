//! Referenced local files: a descriptor often travels alone, so a missing file is a warning
//! unless `check_files` asks for an error (and a size comparison). An href that cannot name
//! a file of the package (absolute, `..`, a drive) is said whether or not there is a
//! directory to look in: a warning, an error with `check_files`.

use super::{Rule, Sink, ValidateOptions};
use crate::model::Envelope;

pub(super) fn check(env: &Envelope, options: &ValidateOptions, sink: &mut Sink) {
    check_hrefs(env, options, sink);
    let Some(base) = options.base_dir.as_deref() else {
        return;
    };
    for file in &env.files {
        let Some(href) = file.href.as_deref() else {
            continue;
        };
        // URLs are fetched at deployment, not checked here.
        if href.contains("://") {
            continue;
        }
        let names = file.chunk_names();
        // An href leading out of the package is never opened (not even to say it is
        // missing); with --check-files the package check reports it (`OVA-HREF`).
        let Ok(paths) = names
            .iter()
            .map(|name| crate::model::package_file(base, name))
            .collect::<Result<Vec<_>, _>>()
        else {
            continue;
        };
        let mut total: u64 = 0;
        let mut missing = Vec::new();
        for (name, path) in names.iter().zip(&paths) {
            match std::fs::metadata(path) {
                Ok(meta) if meta.is_file() => total = total.saturating_add(meta.len()),
                _ => missing.push(name.as_str()),
            }
        }
        if !missing.is_empty() {
            let message = format!(
                "referenced file {} is not present next to the descriptor",
                missing.join(", ")
            );
            if options.check_files {
                sink.error(Rule::FileMissing, file.position, message);
            } else {
                sink.warning(Rule::FileMissing, file.position, message);
            }
            continue;
        }
        if options.check_files
            && let Some(size) = file.size_bytes()
            && size != total
        {
            sink.error(
                Rule::FileSizeMismatch,
                file.position,
                format!("file {href} has {total} bytes but ovf:size says {size}"),
            );
        }
    }
}

/// `OVF-FILE-HREF`: Files whose href is, by its spelling alone ([`crate::model::check_href`]),
/// no file of the package (DSP0243 §7.1: a relative href names a file relative to the
/// descriptor); such a file is never opened. URLs are left to the deployment.
fn check_hrefs(env: &Envelope, options: &ValidateOptions, sink: &mut Sink) {
    for file in &env.files {
        let Some(href) = file.href.as_deref() else {
            continue;
        };
        if href.contains("://") {
            continue;
        }
        let Some(reason) = crate::model::check_href(href) else {
            continue;
        };
        let message = format!(
            "{reason}: `{}` names no file of the package and is never opened",
            tern_diag::quote::excerpt(href)
        );
        if options.check_files {
            sink.error(Rule::FileHref, file.position, message);
        } else {
            sink.warning(Rule::FileHref, file.position, message);
        }
    }
}
