//! What `tern serve` is told on its command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use tern_model::OcciVersion;

use crate::ServerError;

/// The address served when none is given: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// The largest request body accepted (413 beyond): 16 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The largest CDMI data object value accepted when none is configured: 64 GiB.
pub const DEFAULT_CDMI_OBJECT_LIMIT: u64 = 64 * 1024 * 1024 * 1024;

/// How `tern serve` runs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The address to listen on (port 0: any free port, printed at start).
    pub listen: SocketAddr,
    /// The data directory (the store's file lives there).
    pub data: PathBuf,
    /// The Bearer token every request must carry.
    pub token: Option<String>,
    /// Serve a non-loopback address without a token.
    pub insecure: bool,
    /// The OCCI version served (catalogue, renderings, `Server` header).
    pub version: OcciVersion,
    /// How long the simulated driver takes to carry out an action; clients see the state
    /// message of the transition in the meantime (`start in progress`). A transition cut
    /// short by a stop or a crash finishes after the restart ([`Provider::resume`]).
    ///
    /// [`Provider::resume`]: crate::Provider::resume
    pub simulate_delay: Option<Duration>,
    /// The largest request body accepted.
    pub body_limit: usize,
    /// How long a request may take, reading the body included (408 beyond). CDMI requests,
    /// whose values are streamed, are not bounded by it.
    pub request_timeout: Duration,
    /// The largest CDMI data object value accepted (413 beyond).
    pub cdmi_object_limit: u64,
    /// The IANA enterprise number in the CDMI object IDs this server generates.
    pub cdmi_enterprise_number: u32,
    /// Serve the web page under `/ui/` (`tern serve --no-ui`: off).
    pub ui: bool,
    /// The disk formats this provider wants its disks in (`qcow2`, `vmdk`, `raw`), preferred
    /// first: advertised as the CDMI capability `tern_disk_formats`, so that `tern migrate`
    /// converts disks in another format. Empty: any format.
    pub disk_formats: Vec<String>,
    /// Where the metadata lives ([`StoreLocation`]): the embedded SQLite file in `data`
    /// by default, or a PostgreSQL database several instances share.
    pub store: StoreLocation,
    /// Where the blobs live ([`BlobLocation`]): `data/blobs/` by default, or an S3 bucket.
    pub blobs: BlobLocation,
    /// Blobs no metadata names are collected only once older than this: another instance
    /// may be uploading one whose row is not committed yet.
    pub gc_grace: Duration,
    /// The URL prefixes CDMI `copy`/`move` may fetch remote sources from (`tern serve
    /// --cdmi-fetch-from`; `*`: any). Empty: no remote source (403), so that a client cannot
    /// make the server fetch URLs of its choosing.
    pub cdmi_fetch_from: Vec<String>,
}

/// The metadata store of [`Config::store`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreLocation {
    /// SQLite in the data directory (one instance).
    Embedded,
    /// A PostgreSQL connection string (`postgres://user@host:port/db`).
    Postgres(String),
}

/// The blob store of [`Config::blobs`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlobLocation {
    /// `DATA/blobs/` on the local file system.
    Local,
    /// An S3 bucket (`s3://bucket/prefix`), on `endpoint` when not AWS's.
    S3 {
        /// The bucket and prefix.
        location: tern_store::S3Location,
        /// MinIO, Ceph RGW, moto: `http://127.0.0.1:9000` (path-style requests).
        endpoint: Option<String>,
    },
}

/// The grace period of blob garbage collection when none is configured: one hour.
pub const DEFAULT_GC_GRACE: Duration = Duration::from_secs(3600);

impl Config {
    /// A configuration with the defaults: OCCI 1.2, no token, 16 MiB bodies, 30 s per request.
    pub fn new(listen: SocketAddr, data: PathBuf) -> Self {
        Config {
            listen,
            data,
            token: None,
            insecure: false,
            version: OcciVersion::V1_2,
            simulate_delay: None,
            body_limit: DEFAULT_BODY_LIMIT,
            request_timeout: Duration::from_secs(30),
            cdmi_object_limit: DEFAULT_CDMI_OBJECT_LIMIT,
            cdmi_enterprise_number: tern_cdmi::objectid::DEFAULT_ENTERPRISE_NUMBER,
            ui: true,
            disk_formats: Vec::new(),
            store: StoreLocation::Embedded,
            blobs: BlobLocation::Local,
            gc_grace: DEFAULT_GC_GRACE,
            cdmi_fetch_from: Vec::new(),
        }
    }

    /// Refuses to expose the server beyond loopback without a token, unless `insecure`.
    pub fn check(&self) -> Result<(), ServerError> {
        if !self.listen.ip().is_loopback() && self.token.is_none() && !self.insecure {
            return Err(ServerError::Config(format!(
                "{} is not a loopback address: give --token TOKEN (clients then send `Authorization: Bearer TOKEN`), or --insecure to serve it without authentication",
                self.listen
            )));
        }
        crate::cdmi::FetchPolicy::new(&self.cdmi_fetch_from).map_err(ServerError::Config)?;
        if self.token.as_deref().is_some_and(str::is_empty) {
            return Err(ServerError::Config("--token must not be empty".into()));
        }
        Ok(())
    }
}

/// The data directory used when none is given: `$XDG_DATA_HOME/tern/serve`, else
/// `$HOME/.local/share/tern/serve`, else `./tern-data`.
pub fn default_data_dir() -> PathBuf {
    let from = |var: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(xdg) = from("XDG_DATA_HOME") {
        return xdg.join("tern").join("serve");
    }
    if let Some(home) = from("HOME") {
        return home.join(".local").join("share").join("tern").join("serve");
    }
    PathBuf::from("tern-data")
}
