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
  tern serve --listen 0.0.0.0:8787 --token \"$(cat token.txt)\"
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
    /// Require `Authorization: Bearer TOKEN` on every request.
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
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
    config.token.clone_from(&args.token);
    config.insecure = args.insecure;
    config.version = version;
    config.simulate_delay = args.simulate_delay.map(Duration::from_millis);
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
