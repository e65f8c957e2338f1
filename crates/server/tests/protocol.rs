//! The OCCI HTTP protocol through the router in process (`tower::ServiceExt::oneshot`).

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::{Answer, Server};
use tern_model::OcciVersion;
use tern_server::{Config, Provider, SimulatedDriver, router};
use tern_store::SqliteStore;

const INFRA: &str = "http://schemas.ogf.org/occi/infrastructure#";

async fn server_with(edit: impl FnOnce(&mut Config)) -> Server {
    common::server_with(edit).await.on_host("cloud.test")
}

async fn server() -> Server {
    server_with(|_| {}).await
}

impl Server {
    async fn get(&self, path: &str, accept: &str) -> Answer {
        self.call("GET", path, &[("accept", accept)], "").await
    }

    async fn create_compute(&self) -> String {
        let a = self
            .call(
                "POST",
                "/compute/",
                &[("content-type", "text/plain")],
                &compute_plain("vm", 2),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
        let location = a.header("location").to_owned();
        location
            .strip_prefix("http://cloud.test")
            .unwrap()
            .to_owned()
    }
}

fn compute_plain(title: &str, cores: u32) -> String {
    format!(
        "Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
         X-OCCI-Attribute: occi.core.title=\"{title}\"\r\n\
         X-OCCI-Attribute: occi.compute.cores={cores}\r\n"
    )
}

#[tokio::test]
async fn create_read_act_and_delete_a_compute() {
    let s = server().await;
    let vm = s.create_compute().await;
    assert!(vm.starts_with("/compute/"), "{vm}");
    let a = s.get(&vm, "application/occi+json").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.header("server"), "tern OCCI/1.2");
    assert_eq!(a.header("content-type"), "application/occi+json");
    assert!(
        a.text().contains("\"occi.compute.state\": \"inactive\""),
        "{}",
        a.text()
    );
    assert!(a.text().contains("compute/action#start"), "{}", a.text());
    assert!(
        !a.text().contains("compute/action#stop"),
        "stop is not offered when inactive: {}",
        a.text()
    );

    let stop = s.call("POST", &format!("{vm}?action=stop"), &[], "").await;
    assert_eq!(stop.status, StatusCode::CONFLICT, "{}", stop.text());
    assert!(
        stop.text()
            .contains("is inactive: `stop` is allowed only when it is active"),
        "{}",
        stop.text()
    );

    let invocation = "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"\r\n";
    let start = s
        .call(
            "POST",
            &format!("{vm}?action=start"),
            &[("content-type", "text/plain"), ("accept", "text/plain")],
            invocation,
        )
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text());
    assert!(
        start.text().contains("occi.compute.state=\"active\""),
        "{}",
        start.text()
    );
    let stop = s.call("POST", &format!("{vm}?action=stop"), &[], "").await;
    assert_eq!(stop.status, StatusCode::OK, "{}", stop.text());
    assert!(
        stop.text().contains("occi.compute.state=\"inactive\""),
        "{}",
        stop.text()
    );

    let gone = s.call("DELETE", &vm, &[], "").await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    assert_eq!(s.get(&vm, "text/plain").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn renderings_by_content_negotiation() {
    let s = server().await;
    let vm = s.create_compute().await;
    let occi = s.get(&vm, "text/occi").await;
    assert_eq!(occi.status, StatusCode::OK);
    assert!(
        occi.header("category").contains("compute"),
        "{:?}",
        occi.headers
    );
    assert!(
        occi.header("x-occi-attribute")
            .contains("occi.compute.cores=2"),
        "{:?}",
        occi.headers
    );

    let list = s.get("/compute/", "text/uri-list").await;
    assert_eq!(list.text().trim(), format!("http://cloud.test{vm}"));
    let plain = s.get("/compute/", "text/plain").await;
    assert_eq!(plain.text().trim(), format!("X-OCCI-Location: {vm}"));
    let json = s.get("/compute/", "application/json").await;
    assert_eq!(json.header("content-type"), "application/json");
    assert!(json.text().contains("\"resources\""), "{}", json.text());

    let refused = s.get(&vm, "image/png").await;
    assert_eq!(refused.status, StatusCode::NOT_ACCEPTABLE);
    assert!(
        refused.text().contains("text/plain, text/occi"),
        "{}",
        refused.text()
    );
    let unsupported = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "application/xml")],
            "<compute/>",
        )
        .await;
    assert_eq!(unsupported.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        unsupported.text().contains("application/occi+json"),
        "{}",
        unsupported.text()
    );

    // A create in text/occi: the fields are headers.
    let a = s
        .call(
            "POST",
            "/compute/",
            &[
                ("content-type", "text/occi"),
                (
                    "category",
                    &format!("compute; scheme=\"{INFRA}\"; class=\"kind\""),
                ),
                (
                    "x-occi-attribute",
                    "occi.compute.cores=4, occi.core.title=\"h\"",
                ),
            ],
            "",
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());

    // JSON create, with the client's id.
    let body = format!(
        "{{\"kind\": \"{INFRA}compute\", \"id\": \"urn:uuid:6df690d2-3158-40c4-88fb-d1c41584d6e5\", \"attributes\": {{\"occi.compute.memory\": 2.0}}}}"
    );
    let a = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "application/occi+json")],
            &body,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(
        a.header("location"),
        "http://cloud.test/compute/6df690d2-3158-40c4-88fb-d1c41584d6e5"
    );
    let again = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "application/occi+json")],
            &body,
        )
        .await;
    // The same create again (a retry whose reply was lost): the entity it created; another
    // rendering at that id: 409.
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text());
    assert_eq!(again.header("location"), a.header("location"));
    let other = body.replace("2.0", "4.0");
    let clash = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "application/occi+json")],
            &other,
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.text());
}

#[tokio::test]
async fn updates_keep_what_the_provider_set_and_refuse_immutable_changes() {
    let s = server().await;
    let put = s
        .call(
            "PUT",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &compute_plain("web", 1),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.text());
    assert_eq!(put.header("location"), "http://cloud.test/compute/web1");

    let replace = s
        .call(
            "PUT",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &compute_plain("web", 8),
        )
        .await;
    assert_eq!(replace.status, StatusCode::OK, "{}", replace.text());
    assert!(
        replace.text().contains("occi.compute.cores=8"),
        "{}",
        replace.text()
    );
    assert!(
        replace.text().contains("occi.compute.state=\"inactive\""),
        "{}",
        replace.text()
    );

    let partial = format!(
        "Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.compute.hostname=\"web1.example\"\r\n"
    );
    let post = s
        .call(
            "POST",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &partial,
        )
        .await;
    assert_eq!(post.status, StatusCode::OK, "{}", post.text());
    assert!(
        post.text().contains("occi.compute.cores=8"),
        "{}",
        post.text()
    );
    assert!(post.text().contains("web1.example"), "{}", post.text());

    let state = format!(
        "Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.compute.state=\"active\"\r\n"
    );
    let refused = s
        .call(
            "POST",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &state,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::BAD_REQUEST,
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("occi.compute.state"),
        "{}",
        refused.text()
    );

    let bad_type = s
        .call(
            "PUT",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &compute_plain("web", 1).replace("cores=1", "cores=\"one\""),
        )
        .await;
    assert_eq!(
        bad_type.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_type.text()
    );
    assert!(
        bad_type.text().contains("occi.compute.cores"),
        "{}",
        bad_type.text()
    );
}

#[tokio::test]
async fn malformed_renderings_get_400_with_line_and_column() {
    let s = server().await;
    let broken = "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\nX-OCCI-Attribute occi.compute.cores=2\r\n";
    let a = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "text/plain")],
            broken,
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
    assert!(a.text().contains("2:1: error["), "{}", a.text());
    let json = s
        .call(
            "POST",
            "/compute/",
            &[("content-type", "application/occi+json")],
            "{\"kind\": ",
        )
        .await;
    assert_eq!(json.status, StatusCode::BAD_REQUEST, "{}", json.text());
    assert!(json.text().contains("1:"), "{}", json.text());
}

#[tokio::test]
async fn links_need_their_ends_and_go_with_their_resource() {
    let s = server().await;
    let vm = s.create_compute().await;
    let net = s
        .call(
            "PUT",
            "/network/lan",
            &[("content-type", "text/plain")],
            &format!("Category: network; scheme=\"{INFRA}\"; class=\"kind\"\r\n"),
        )
        .await;
    assert_eq!(net.status, StatusCode::CREATED, "{}", net.text());
    let nic = |target: &str| {
        format!(
            "Category: networkinterface; scheme=\"{INFRA}\"; class=\"kind\"\r\n\
             X-OCCI-Attribute: occi.core.source=\"{vm}\"\r\n\
             X-OCCI-Attribute: occi.core.target=\"{target}\"\r\n\
             X-OCCI-Attribute: occi.networkinterface.interface=\"eth0\"\r\n"
        )
    };
    let missing = s
        .call(
            "POST",
            "/networkinterface/",
            &[("content-type", "text/plain")],
            &nic("/network/nowhere"),
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::BAD_REQUEST,
        "{}",
        missing.text()
    );
    assert!(
        missing.text().contains("/network/nowhere does not exist"),
        "{}",
        missing.text()
    );
    let link = s
        .call(
            "POST",
            "/networkinterface/",
            &[("content-type", "text/plain")],
            &nic("/network/lan"),
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text());
    assert!(
        link.text().contains("occi.networkinterface.mac="),
        "the provider assigns a MAC: {}",
        link.text()
    );
    let with_link = s.get(&vm, "text/plain").await;
    assert!(
        with_link.text().contains("Link: </network/lan>"),
        "{}",
        with_link.text()
    );

    assert_eq!(
        s.call("DELETE", &vm, &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    let links = s.get("/networkinterface/", "text/plain").await;
    assert_eq!(links.text().trim(), "", "the link went with its source");
}

#[tokio::test]
async fn user_mixins_tag_and_untag() {
    let s = server().await;
    let vm = s.create_compute().await;
    let mixin = "Category: gold; scheme=\"http://example.com/tags#\"; class=\"mixin\"; location=\"/tags/gold/\"\r\n";
    let add = s
        .call("POST", "/-/", &[("content-type", "text/plain")], mixin)
        .await;
    assert_eq!(add.status, StatusCode::OK, "{}", add.text());
    let twice = s
        .call("POST", "/-/", &[("content-type", "text/plain")], mixin)
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.text());
    let qi = s
        .get(
            "/.well-known/org/ogf/occi/-/?category=http%3A%2F%2Fexample.com%2Ftags%23gold",
            "text/plain",
        )
        .await;
    assert_eq!(qi.text().lines().count(), 1, "{}", qi.text());
    assert!(qi.text().contains("gold"), "{}", qi.text());

    let tag = s
        .call(
            "POST",
            "/tags/gold/",
            &[("content-type", "text/uri-list")],
            &format!("http://cloud.test{vm}\n"),
        )
        .await;
    assert_eq!(tag.status, StatusCode::OK, "{}", tag.text());
    assert_eq!(
        s.get("/tags/gold/", "text/plain").await.text().trim(),
        format!("X-OCCI-Location: {vm}")
    );
    assert!(s.get(&vm, "text/plain").await.text().contains("gold"));

    // PUT replaces the members.
    let other = s.create_compute().await;
    let put = s
        .call(
            "PUT",
            "/tags/gold/",
            &[("content-type", "text/plain")],
            &format!("X-OCCI-Location: {other}\r\n"),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text());
    assert_eq!(put.text().trim(), format!("X-OCCI-Location: {other}"));
    assert!(!s.get(&vm, "text/plain").await.text().contains("gold"));
    let missing = s
        .call(
            "POST",
            "/tags/gold/",
            &[("content-type", "text/uri-list")],
            "http://cloud.test/compute/none\n",
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text());

    let untag = s.call("DELETE", "/tags/gold/", &[], "").await;
    assert_eq!(untag.status, StatusCode::OK, "{}", untag.text());
    assert_eq!(s.get("/tags/gold/", "text/plain").await.text().trim(), "");
    let remove = s
        .call("DELETE", "/-/", &[("content-type", "text/plain")], mixin)
        .await;
    assert_eq!(remove.status, StatusCode::OK, "{}", remove.text());
    assert_eq!(
        s.get("/tags/gold/", "text/plain").await.status,
        StatusCode::NOT_FOUND
    );
    let core = format!("Category: compute; scheme=\"{INFRA}\"; class=\"kind\"\r\n");
    assert_eq!(
        s.call("DELETE", "/-/", &[("content-type", "text/plain")], &core)
            .await
            .status
            .as_u16()
            / 100,
        4
    );
}

#[tokio::test]
async fn collections_filter_page_and_act() {
    let s = server().await;
    for n in 0..5 {
        let a = s
            .call(
                "PUT",
                &format!("/compute/vm{n}"),
                &[("content-type", "text/plain")],
                &compute_plain("vm", n % 2 + 1),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED);
    }
    let page = s.get("/compute/?page=2&number=2", "text/plain").await;
    assert_eq!(
        page.text(),
        "X-OCCI-Location: /compute/vm2\r\nX-OCCI-Location: /compute/vm3\r\n"
    );
    let two = s.get("/compute/?occi.compute.cores=2", "text/plain").await;
    assert_eq!(
        two.text(),
        "X-OCCI-Location: /compute/vm1\r\nX-OCCI-Location: /compute/vm3\r\n"
    );
    let header = s
        .call(
            "GET",
            "/compute/",
            &[
                ("accept", "text/plain"),
                ("x-occi-attribute", "occi.compute.cores=1"),
            ],
            "",
        )
        .await;
    assert_eq!(header.text().lines().count(), 3, "{}", header.text());
    assert_eq!(
        s.get("/compute/?number=1000000", "text/plain").await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let started = s
        .call(
            "POST",
            "/compute/?action=start",
            &[("accept", "text/plain")],
            "",
        )
        .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.text());
    assert_eq!(started.text().lines().count(), 5);
    let active = s
        .get("/compute/?occi.compute.state=active", "text/plain")
        .await;
    assert_eq!(active.text().lines().count(), 5);
    assert_eq!(
        s.call("DELETE", "/compute/", &[], "").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get("/compute/", "text/plain").await.text(), "");
}

#[tokio::test]
async fn simulated_delay_shows_the_transition() {
    let s = server_with(|c| c.simulate_delay = Some(std::time::Duration::from_millis(300))).await;
    let vm = s.create_compute().await;
    let start = s
        .call(
            "POST",
            &format!("{vm}?action=start"),
            &[("accept", "text/plain")],
            "",
        )
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text());
    assert!(
        start.text().contains("occi.compute.state=\"inactive\""),
        "{}",
        start.text()
    );
    assert!(
        start.text().contains("start in progress"),
        "{}",
        start.text()
    );
    let busy = s.call("POST", &format!("{vm}?action=stop"), &[], "").await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let done = s.get(&vm, "text/plain").await;
    assert!(
        done.text().contains("occi.compute.state=\"active\""),
        "{}",
        done.text()
    );
    assert!(!done.text().contains("in progress"), "{}", done.text());
}

#[tokio::test]
async fn limits_and_tokens() {
    let s = server_with(|c| {
        c.body_limit = 1024;
        c.token = Some("s3cret".into());
    })
    .await;
    let none = s.get("/-/", "text/plain").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.header("www-authenticate"), "Bearer realm=\"tern\"");
    let wrong = s
        .call("GET", "/-/", &[("authorization", "Bearer s3cres")], "")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let ok = s
        .call("GET", "/-/", &[("authorization", "Bearer s3cret")], "")
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let big = "X".repeat(4096);
    let too_big = s
        .call(
            "POST",
            "/compute/",
            &[
                ("authorization", "Bearer s3cret"),
                ("content-type", "text/plain"),
            ],
            &big,
        )
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn occi_1_1_serves_its_catalogue() {
    let s = server_with(|c| c.version = OcciVersion::V1_1).await;
    let qi = s.get("/-/", "text/plain").await;
    assert_eq!(qi.header("server"), "tern OCCI/1.1");
    assert!(qi.text().contains("occi.compute.speed"), "1.1 has speed");
    assert!(
        !qi.text().contains("occi.compute.state.message"),
        "1.2 only"
    );
    assert_eq!(
        s.get("/-/", "application/occi+json").await.status,
        StatusCode::NOT_ACCEPTABLE
    );
    let vm = s.create_compute().await;
    assert_eq!(
        s.call("POST", &format!("{vm}?action=start"), &[], "")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn slow_clients_time_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = server_with(|c| c.request_timeout = std::time::Duration::from_millis(300)).await;
    let app = s.app.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let listener = tern_server::IdleListener::new(listener, std::time::Duration::from_millis(600));
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let mut client = tokio::net::TcpStream::connect(address).await.unwrap();
    // A body announced as 100 bytes, of which 8 ever come.
    client
        .write_all(b"POST /compute/ HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nCategory")
        .await
        .unwrap();
    let mut answer = vec![0; 1024];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), client.read(&mut answer))
        .await
        .expect("the server answers before the client gives up")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");

    // Headers that stop coming: no request yet, the connection is closed.
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /-/ HTTP/1.1\r\nHost: x\r\nAcc")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        slow.read_to_end(&mut rest),
    )
    .await
    .expect("the server closes the connection");
    assert!(
        closed.is_err()
            || rest.is_empty()
            || String::from_utf8_lossy(&rest).starts_with("HTTP/1.1 4"),
        "{rest:?}"
    );
    server.abort();
}

#[tokio::test]
async fn partial_updates_may_leave_the_kind_out() {
    let s = server().await;
    let put = s
        .call(
            "PUT",
            "/compute/web1",
            &[("content-type", "text/plain")],
            &compute_plain("web", 1),
        )
        .await;
    assert_eq!(put.status, StatusCode::CREATED, "{}", put.text());
    let json = s
        .call(
            "POST",
            "/compute/web1",
            &[("content-type", "application/occi+json")],
            r#"{"attributes": {"occi.compute.memory": 2.5}}"#,
        )
        .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text());
    let plain = s
        .call(
            "POST",
            "/compute/web1",
            &[("content-type", "text/plain"), ("accept", "text/plain")],
            "X-OCCI-Attribute: occi.core.title=\"renamed\"\r\n",
        )
        .await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text());
    assert!(
        plain.text().contains("occi.compute.memory=2.5"),
        "{}",
        plain.text()
    );
    assert!(plain.text().contains("renamed"), "{}", plain.text());
}

#[tokio::test]
async fn versions_and_the_accept_header() {
    let s = server().await;
    let vm = s.create_compute().await;
    let occi = s.get(&vm, "text/occi").await;
    assert!(
        occi.header("accept").contains("application/occi+json"),
        "{:?}",
        occi.headers
    );
    let future = s
        .call(
            "GET",
            &vm,
            &[("user-agent", "occi-client/1.1 libcurl/7 OCCI/1.3")],
            "",
        )
        .await;
    assert_eq!(
        future.status,
        StatusCode::NOT_IMPLEMENTED,
        "{}",
        future.text()
    );
    let same = s
        .call("GET", &vm, &[("user-agent", "rOCCI-cli OCCI/1.1")], "")
        .await;
    assert_eq!(same.status, StatusCode::OK);
}

#[tokio::test]
async fn a_transition_cut_short_by_a_stop_finishes_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), dir.path().to_owned());
    config.simulate_delay = Some(std::time::Duration::from_millis(200));
    let first = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let provider = Provider::open(&config, first.clone(), Arc::new(SimulatedDriver))
        .await
        .unwrap();
    let s = Server::around(router(Arc::new(provider), &config)).on_host("cloud.test");
    let vm = s.create_compute().await;
    let start = s
        .call(
            "POST",
            &format!("{vm}?action=start"),
            &[("accept", "text/plain")],
            "",
        )
        .await;
    assert!(
        start.text().contains("start in progress"),
        "{}",
        start.text()
    );
    // The server stops before the transition ends: its completion finds the store closed.
    tern_store::Store::close(first.as_ref()).unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;

    let second = Arc::new(SqliteStore::open(dir.path()).unwrap());
    let provider = Provider::open(&config, second, Arc::new(SimulatedDriver))
        .await
        .unwrap();
    assert_eq!(provider.resume().await.unwrap(), 1);
    let s = Server::around(router(Arc::new(provider), &config)).on_host("cloud.test");
    let during = s.get(&vm, "text/plain").await;
    assert!(
        during.text().contains("occi.compute.state=\"inactive\""),
        "{}",
        during.text()
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let after = s.get(&vm, "text/plain").await;
    assert!(
        after.text().contains("occi.compute.state=\"active\""),
        "{}",
        after.text()
    );
    assert!(!after.text().contains("in progress"), "{}", after.text());
}
