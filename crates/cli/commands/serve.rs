//! `tern serve`: an OCCI provider over HTTP (tern-server); this module only reads the flags.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tern_model::OcciVersion;

use crate::exit::{CliError, Outcome};

/// Examples shown by `tern serve --help`.
pub(crate) const EXAMPLES: &str = "Examples:
  tern serve
  tern serve --listen 127.0.0.1:0 --data /tmp/cloud --simulate-delay 2000
  tern serve --listen 0.0.0.0:8787 --token-file /etc/tern/token
  tern serve --store postgres://tern@db:5432/tern --blobs s3://bucket/tern --s3-endpoint http://127.0.0.1:9000
  tern serve gc --store postgres://tern@db:5432/tern --blobs s3://bucket/tern
  curl -s -H 'Accept: application/occi+json' http://127.0.0.1:8787/compute/";

/// Examples shown by `tern serve gc --help`.
const GC_EXAMPLES: &str = "Examples:
  tern serve gc --data /tmp/cloud
  tern serve gc --store postgres://tern@db:5432/tern --blobs s3://bucket/tern --gc-grace 3600";

/// Arguments of `tern serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. The first line printed is
    /// `listening on http://ADDR`. Anything but loopback needs --token or --insecure.
    #[arg(long, value_name = "ADDR", default_value = tern_server::DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Data directory (the store). Default: $XDG_DATA_HOME/tern/serve, else
    /// ~/.local/share/tern/serve.
    #[arg(long, value_name = "DIR", global = true)]
    data: Option<PathBuf>,
    /// Metadata in PostgreSQL (`postgres://user@host:port/db`), shared by several
    /// instances, instead of the embedded SQLite file. Migrated at start.
    #[arg(long, value_name = "URL", global = true)]
    store: Option<String>,
    /// CDMI values and images in an S3 bucket (`s3://bucket/prefix`) instead of DIR/blobs.
    /// Credentials and region from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION…
    #[arg(long, value_name = "s3://BUCKET/PREFIX", global = true)]
    blobs: Option<String>,
    /// The S3 server when not AWS (MinIO, Ceph RGW): path-style requests; plain http to
    /// loopback only.
    #[arg(long, value_name = "URL", global = true, requires = "blobs")]
    s3_endpoint: Option<String>,
    /// Unreferenced shared blobs are collected once older than this (seconds): younger
    /// ones may be uploads of another instance.
    #[arg(long, value_name = "SECS", global = true)]
    gc_grace: Option<u64>,
    #[command(subcommand)]
    command: Option<ServeCommand>,
    /// Require `Authorization: Bearer TOKEN` on every request. A token on the command line
    /// is visible to other users of the machine (ps): prefer TERN_TOKEN or --token-file.
    #[arg(long, value_name = "TOKEN", env = "TERN_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Read the token from FILE (its first line, surrounding whitespace removed).
    #[arg(long, value_name = "FILE", conflicts_with = "token")]
    token_file: Option<PathBuf>,
    /// Serve a non-loopback address without a token.
    #[arg(long)]
    insecure: bool,
    /// OCCI version served: its catalogue, renderings and `Server` header.
    #[arg(long, value_name = "VERSION", default_value = "1.2", value_parser = ["1.1", "1.2"])]
    occi_version: String,
    /// Simulated actions take this long (milliseconds); meanwhile the state message says
    /// the action is in progress.
    #[arg(long, value_name = "MS")]
    simulate_delay: Option<u64>,
    /// Do not serve the web page under /ui/ (the live topology, plan preview, CDMI browser).
    #[arg(long)]
    no_ui: bool,
    /// The disk format this provider wants (repeatable, preferred first): advertised as the
    /// CDMI capability `tern_disk_formats`; `tern migrate` converts disks to it.
    #[arg(long = "disk-format", value_name = "FORMAT", value_parser = ["qcow2", "vmdk", "raw"])]
    disk_formats: Vec<String>,
    /// The largest CDMI data object value accepted, in bytes (413 with a CDMI error beyond;
    /// advertised as `tern_max_object_size` in /cdmi_capabilities/dataobject/). Default 64 GiB.
    #[arg(long, value_name = "BYTES")]
    cdmi_max_object_size: Option<u64>,
    /// Let CDMI copy/move fetch sources from URLs starting with PREFIX (repeatable; e.g.
    /// `http://10.0.0.5:8787/`; `*` allows any URL). Default: no remote source (403).
    #[arg(long = "cdmi-fetch-from", value_name = "PREFIX")]
    cdmi_fetch_from: Vec<String>,
}

/// What `tern serve` does besides serving.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ServeCommand {
    /// Remove the blobs no CDMI object names (left by crashes), older than --gc-grace, and
    /// exit. Safe while instances serve.
    #[command(after_help = GC_EXAMPLES)]
    Gc,
}

/// Serves until SIGINT or SIGTERM.
pub(crate) fn run(args: &ServeArgs) -> Result<Outcome, CliError> {
    let version: OcciVersion = args
        .occi_version
        .parse()
        .map_err(|e| CliError::usage(format!("--occi-version: {e}")))?;
    let data = args
        .data
        .clone()
        .unwrap_or_else(tern_server::default_data_dir);
    let mut config = tern_server::Config::new(args.listen, data);
    config.token = match &args.token_file {
        Some(file) => Some(token_from(file)?),
        None => args.token.clone(),
    };
    config.insecure = args.insecure;
    config.version = version;
    config.simulate_delay = args.simulate_delay.map(Duration::from_millis);
    config.ui = !args.no_ui;
    config.disk_formats.clone_from(&args.disk_formats);
    config.cdmi_fetch_from.clone_from(&args.cdmi_fetch_from);
    if let Some(limit) = args.cdmi_max_object_size {
        config.cdmi_object_limit = limit;
    }
    if let Some(url) = &args.store {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(CliError::usage(format!(
                "--store {url}: expected postgres://user@host:port/database"
            )));
        }
        config.store = tern_server::StoreLocation::Postgres(url.clone());
    }
    if let Some(url) = &args.blobs {
        let location = url
            .parse()
            .map_err(|e| CliError::usage(format!("--blobs: {e}")))?;
        config.blobs = tern_server::BlobLocation::S3 {
            location,
            endpoint: args.s3_endpoint.clone(),
        };
    }
    if let Some(secs) = args.gc_grace {
        config.gc_grace = Duration::from_secs(secs);
    }
    if matches!(args.command, Some(ServeCommand::Gc)) {
        let n = tern_server::collect_garbage(&config)
            .map_err(|e| CliError::usage(format!("serve gc: {e}")))?;
        println!("removed {n} unreferenced blob(s)");
        return Ok(Outcome::Ok);
    }
    tern_server::run(config).map_err(|e| CliError::usage(format!("serve: {e}")))?;
    Ok(Outcome::Ok)
}

// The first line of `file`, trimmed; an unreadable or empty file is a usage error (a server
// started with an empty token would accept `Authorization: Bearer `).
fn token_from(file: &std::path::Path) -> Result<String, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::usage(format!("--token-file {}: {e}", file.display())))?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        return Err(CliError::usage(format!(
            "--token-file {}: the first line is empty",
            file.display()
        )));
    }
    Ok(token.to_owned())
}
