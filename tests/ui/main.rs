//! The web page of `tern serve` (`/ui/`): its API over HTTP (`api`), and the page itself in
//! Debian's chromium, headless, driven through chromedriver's WebDriver API (`page`):
//! the Hadoop deployment drawn, a state change seen live, a plan preview, a title that
//! tries markup shown as text. Screenshots go to `target/ui-test/`.

mod api;
mod browser;
mod page;

#[path = "../common/served.rs"]
mod served;
pub(crate) use served::Served;

use std::path::PathBuf;

pub(crate) fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("a client")
}

pub(crate) fn hadoop() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/ovf/hadoop-cluster.ovf")
}

/// A server holding the Hadoop cluster, imported as OVF on `/`.
pub(crate) fn hadoop_server(data: &std::path::Path, args: &[&str]) -> Served {
    let served = Served::start(data, args);
    let mut post = client()
        .post(format!("{}/", served.base))
        .header("Content-Type", "application/ovf+xml");
    if let Some(i) = args.iter().position(|a| *a == "--token") {
        post = post.bearer_auth(args[i + 1]);
    }
    let r = post
        .body(std::fs::read(hadoop()).expect("the sample"))
        .send()
        .expect("the import");
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().unwrap_or_default());
    served
}

/// The resources and links of the Hadoop cluster, as `tern serve` names them.
pub(crate) const HADOOP_NODES: [&str; 7] = [
    "/compute/hadoop.hadoop-master",
    "/compute/hadoop.hadoop-slave",
    "/compute/hadoop.portal",
    "/network/hadoop.private",
    "/network/hadoop.public",
    "/storage/hadoop.hdfs",
    "/storage/hadoop.system",
];

/// (link, source, target)
pub(crate) const HADOOP_EDGES: [(&str, &str, &str); 8] = [
    (
        "/networkinterface/hadoop.urn-ovf-compute-hadoop-master-nic-5",
        "/compute/hadoop.hadoop-master",
        "/network/hadoop.private",
    ),
    (
        "/networkinterface/hadoop.urn-ovf-compute-hadoop-slave-nic-6",
        "/compute/hadoop.hadoop-slave",
        "/network/hadoop.private",
    ),
    (
        "/networkinterface/hadoop.urn-ovf-compute-portal-nic-5",
        "/compute/hadoop.portal",
        "/network/hadoop.public",
    ),
    (
        "/networkinterface/hadoop.urn-ovf-compute-portal-nic-6",
        "/compute/hadoop.portal",
        "/network/hadoop.private",
    ),
    (
        "/storagelink/hadoop.urn-ovf-compute-hadoop-master-disk-4",
        "/compute/hadoop.hadoop-master",
        "/storage/hadoop.system",
    ),
    (
        "/storagelink/hadoop.urn-ovf-compute-hadoop-slave-disk-4",
        "/compute/hadoop.hadoop-slave",
        "/storage/hadoop.system",
    ),
    (
        "/storagelink/hadoop.urn-ovf-compute-hadoop-slave-disk-5",
        "/compute/hadoop.hadoop-slave",
        "/storage/hadoop.hdfs",
    ),
    (
        "/storagelink/hadoop.urn-ovf-compute-portal-disk-4",
        "/compute/hadoop.portal",
        "/storage/hadoop.system",
    ),
];
