//! `tern deploy`: an OVF package's initial deployment on a live endpoint: with `--cdmi`, the
//! package's disks uploaded to a CDMI container first (tern-client, streamed and resumable),
//! then ovf2occi (tern-mapping) with the data objects' URLs, then `apply` of the result.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use tern_diag::Finding;
use tern_mapping::ovf2occi::{self, Options};
use tern_model::OcciVersion;

use super::apply::{RunArgs, apply_collection};
use crate::app::{Format, GlobalArgs, Verbosity};
use crate::exit::{CliError, Outcome};

/// Examples of `tern deploy`.
pub(crate) const EXAMPLES: &str = "\
Examples:
  tern deploy --endpoint http://127.0.0.1:8787 --auto-approve samples/ovf/hadoop-cluster.ovf
  tern deploy --endpoint https://cloud.example --deployment-option small --prop k=v vm.ova
  tern deploy --endpoint http://127.0.0.1:8787 --cdmi http://127.0.0.1:8787/disks/ vm.ova";

/// Arguments of `tern deploy`.
#[derive(Debug, Args)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    run: RunArgs,
    /// The OVF descriptor (.ovf) or OVA archive (.ova) to deploy.
    package: PathBuf,
    /// The deployment option (DeploymentOptionSection Configuration id) to deploy.
    #[arg(long, value_name = "NAME")]
    deployment_option: Option<String>,
    /// A property value (repeatable), overriding the descriptor's default.
    #[arg(long = "prop", value_name = "KEY=VALUE", value_parser = parse_property)]
    properties: Vec<(String, String)>,
    /// Base URL of the CDMI container the disks are (or will be) stored in: the storage
    /// links carry their object IDs.
    #[arg(long, value_name = "URL")]
    cdmi_base: Option<String>,
    /// Upload the package's disks to this CDMI container before applying (streamed; a disk
    /// already stored with the same size and SHA-256 is not sent again; an interrupted upload
    /// resumes); the storage links then carry their URLs (`--cdmi-base` defaults to it).
    #[arg(long, value_name = "URL")]
    cdmi: Option<String>,
}

fn parse_property(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is no KEY=VALUE"))
}

/// `tern deploy`.
pub(crate) fn run(args: &DeployArgs, global: &GlobalArgs) -> Result<Outcome, CliError> {
    let (name, bytes) = crate::input::descriptor(&args.package, global)?;
    let doc = match tern_ovf::Document::parse(&bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let source = String::from_utf8_lossy(&bytes);
            return Err(CliError::invalid_in(e.to_finding().in_file(&name), &source));
        }
    };
    if let Some(container) = &args.cdmi {
        if !args.run.dry_run && !args.run.auto_approve && !std::io::stdin().is_terminal() {
            return Err(CliError::usage_with_help(
                "standard input is no terminal: nothing can confirm the plan",
                "add --auto-approve (or --dry-run to see the plan)",
            ));
        }
        if !args.run.dry_run {
            upload_disks(&args.package, &doc, container, args, global)?;
        }
    }
    let options = Options {
        version: OcciVersion::V1_2,
        cdmi_base: args.cdmi_base.clone().or_else(|| args.cdmi.clone()),
        deployment_option: args.deployment_option.clone(),
        properties: args.properties.clone(),
        envelope_name: args
            .package
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        cdmi_enterprise: 0,
    };
    let conversion = ovf2occi::ovf_to_occi(&doc, &options)
        .map_err(|e| CliError::invalid(Finding::error("ovf2occi", e.to_string()).in_file(&name)))?;
    apply_collection(
        &conversion.collection,
        &conversion.catalogue,
        &args.run,
        global,
    )
}

/// The disks of `doc` (the files its DiskSection refers to, with a local href) uploaded under
/// `container`, one after the other, with a byte bar on a terminal and lines otherwise.
fn upload_disks(
    package: &Path,
    doc: &tern_ovf::Document,
    container: &str,
    args: &DeployArgs,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    use tern_client::cdmi::{self, Disk};
    let envelope = tern_ovf::model::Envelope::read(doc);
    let mut hrefs: Vec<(Option<String>, String)> = Vec::new();
    for disk in &envelope.disks {
        let Some(file) = disk.file_ref.as_deref().and_then(|f| envelope.file(f)) else {
            continue;
        };
        let Some(href) = file.href.as_deref() else {
            continue;
        };
        if href.contains("://") || hrefs.iter().any(|(_, h)| h == href) {
            continue;
        }
        hrefs.push((file.id.clone(), href.to_owned()));
    }
    if hrefs.is_empty() {
        return Ok(());
    }
    let client = tern_client::Client::new(tern_client::Config {
        endpoint: container.to_owned(),
        token: args.run.connect.token.clone(),
        headers: args.run.connect.headers.clone(),
        cacert: args.run.connect.cacert.clone(),
        ..tern_client::Config::default()
    })
    .map_err(|e| CliError::usage(e.to_string()))?;
    let progress = upload_progress(global);
    let io = |e: tern_ova::OvaError| CliError::invalid(e.to_finding());
    let mut ova = if crate::input::is_ova(package) {
        let mut ova = tern_ova::Ova::open(package).map_err(io)?;
        let references = ova.references().map_err(io)?;
        Some((ova, references))
    } else {
        None
    };
    tern_client::block_on(cdmi::ensure_container(&client, container))
        .map_err(super::apply::client_error)?
        .map_err(super::apply::client_error)?;
    let dir = package.parent().map(Path::to_path_buf).unwrap_or_default();
    for (id, href) in &hrefs {
        let url = cdmi::data_object_url(container, href);
        let image: Box<dyn cdmi::Image + '_> = match &mut ova {
            Some((ova, references)) => {
                let Some(file) = references
                    .iter()
                    .find(|r| (r.id.is_some() && r.id == *id) || r.href == *href)
                    .cloned()
                else {
                    continue;
                };
                Box::new(Member { ova, file })
            }
            None => Box::new(LocalFile(dir.join(href))),
        };
        tern_client::block_on(cdmi::upload(&client, Disk { url, image }, &*progress))
            .map_err(super::apply::client_error)?
            .map_err(super::apply::client_error)?;
    }
    Ok(())
}

// A disk next to the descriptor.
struct LocalFile(PathBuf);

impl tern_client::cdmi::Image for LocalFile {
    fn open(&mut self) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        let file = std::fs::File::open(&self.0)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", self.0.display())))?;
        Ok(Box::new(std::io::BufReader::new(file)))
    }
}

// A disk in the archive: its member(s) read as a stream (chunks joined, gzip undone).
struct Member<'a> {
    ova: &'a mut tern_ova::Ova<std::fs::File>,
    file: tern_ova::FileReference,
}

impl tern_client::cdmi::Image for Member<'_> {
    fn open(&mut self) -> std::io::Result<Box<dyn std::io::Read + '_>> {
        self.ova
            .open_file(&self.file)
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

type UploadProgress = Box<dyn Fn(tern_client::cdmi::UploadProgress) + Send + Sync>;

// A byte bar per disk on a terminal (indicatif), a line per disk otherwise; nothing with
// --quiet or --format json.
fn upload_progress(global: &GlobalArgs) -> UploadProgress {
    use tern_client::cdmi::UploadProgress as P;
    if global.format == Format::Json || global.verbosity() == Verbosity::Quiet {
        return Box::new(|_| {});
    }
    if std::io::stderr().is_terminal() {
        let bar = Mutex::new(None::<indicatif::ProgressBar>);
        return Box::new(move |p| {
            let Ok(mut bar) = bar.lock() else {
                return;
            };
            match p {
                P::Start { url, size, from } => {
                    let b = indicatif::ProgressBar::new(size);
                    b.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .progress_chars("=> "),
                    );
                    b.set_message(url);
                    b.set_position(from);
                    *bar = Some(b);
                }
                P::Bytes { position, .. } => {
                    if let Some(b) = bar.as_ref() {
                        b.set_position(position);
                    }
                }
                P::Done { uploaded } => {
                    if let Some(b) = bar.take() {
                        b.finish();
                    } else if uploaded.skipped {
                        eprintln!("{}: already stored", uploaded.url);
                    }
                }
            }
        });
    }
    Box::new(|p| match p {
        P::Start { url, size, from } if from > 0 => {
            eprintln!("{url}: resuming at byte {from} of {size}");
        }
        P::Start { url, size, .. } => eprintln!("{url}: uploading {size} bytes"),
        P::Bytes { .. } => {}
        P::Done { uploaded } if uploaded.skipped => {
            eprintln!("{}: already stored ({} bytes)", uploaded.url, uploaded.size);
        }
        P::Done { uploaded } => eprintln!("{}: {} bytes sent", uploaded.url, uploaded.sent),
    })
}
