//! `tern serve` as a process: the real binary on an ephemeral loopback port, talked to over
//! HTTP with reqwest (every rendering), killed with SIGKILL under load, and driven by the
//! curl script the README shows.

mod cdmi;
mod cdmi_ops;
mod crash;
mod deploy;
mod e2e;
mod http;
mod ovf;

#[path = "../common/served.rs"]
mod served;
pub(crate) use served::Served;

pub(crate) fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .expect("a client")
}

pub(crate) const COMPUTE: &str =
    "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n";
