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
  curl -s -H 'Accept: application/occi+json' http://127.0.0.1:8787/compute/";

/// Arguments of `tern serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on; port 0 picks a free port. The first line printed is
    /// `listening on http://ADDR`. Anything but loopback needs --token or --insecure.
    #[arg(long, value_name = "ADDR", default_value = tern_server::DEFAULT_LISTEN)]
    listen: SocketAddr,
    /// Data directory (the store). Default: $XDG_DATA_HOME/tern/serve, else
    /// ~/.local/share/tern/serve.
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
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
    /// The largest CDMI data object value accepted, in bytes (413 with a CDMI error beyond;
    /// advertised as `tern_max_object_size` in /cdmi_capabilities/dataobject/). Default 64 GiB.
    #[arg(long, value_name = "BYTES")]
    cdmi_max_object_size: Option<u64>,
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
    if let Some(limit) = args.cdmi_max_object_size {
        config.cdmi_object_limit = limit;
    }
    tern_server::run(config).map_err(|e| CliError::usage(format!("serve: {e}")))?;
    Ok(Outcome::Ok)
}
