//! No request makes the server panic or fail inside: random methods, paths, queries,
//! headers and bodies (valid renderings mutated) through the router in process, a bounded
//! number of them, deterministic (a fixed seed; `TERN_FUZZ_SEED` picks another).

mod common;

use axum::body::Body;
use axum::http::{HeaderValue, Request};
use tower::ServiceExt;

const REQUESTS: usize = 3000;

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "FOO",
];
const PATHS: &[&str] = &[
    "/",
    "/-/",
    "/.well-known/org/ogf/occi/-/",
    "/compute/",
    "/compute/a",
    "/compute/b",
    "/network/",
    "/network/lan",
    "/storage/s",
    "/networkinterface/",
    "/networkinterface/n",
    "/storagelink/",
    "/tags/x/",
    "/os_tpl/",
    "/compute/a/b",
    "/%2e%2e/",
    "/compute/%00",
    "/-/x",
    "/compute/..",
    "//",
    "/a b",
];
const QUERIES: &[&str] = &[
    "",
    "action=start",
    "action=stop",
    "action=restart",
    "action=",
    "action=nope",
    "page=2&number=1",
    "page=x",
    "number=-1",
    "number=99999999999999999999",
    "category=http%3A%2F%2Fschemas.ogf.org%2Focci%2Finfrastructure%23compute",
    "category=%%",
    "occi.compute.cores=2",
    ";;&&==",
    "action=start&action=stop",
];
const TYPES: &[&str] = &[
    "text/plain",
    "text/occi",
    "text/occi+plain",
    "application/occi+json",
    "application/json",
    "text/uri-list",
    "application/xml",
    "text/plain; charset=utf-8",
    ";",
    "",
];
const BODIES: &[&str] = &[
    "Category: compute; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.compute.cores=2, occi.core.title=\"t\"\r\n",
    "Category: network; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\n",
    "Category: networkinterface; scheme=\"http://schemas.ogf.org/occi/infrastructure#\"; class=\"kind\"\r\nX-OCCI-Attribute: occi.core.source=\"/compute/a\", occi.core.target=\"/network/lan\", occi.networkinterface.interface=\"eth0\"\r\n",
    "Category: x; scheme=\"http://example.com/tags#\"; class=\"mixin\"; location=\"/tags/x/\"\r\n",
    "Category: start; scheme=\"http://schemas.ogf.org/occi/infrastructure/compute/action#\"; class=\"action\"\r\n",
    "{\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\", \"id\": \"a\", \"attributes\": {\"occi.compute.cores\": 2}}",
    "{\"kind\": \"http://schemas.ogf.org/occi/infrastructure#storage\", \"attributes\": {\"occi.storage.size\": 1.5}, \"links\": []}",
    "{\"resources\": [{\"kind\": \"http://schemas.ogf.org/occi/infrastructure#compute\"}]}",
    "{\"mixins\": [{\"term\": \"y\", \"scheme\": \"http://example.com/tags#\", \"location\": \"/tags/y/\"}]}",
    "X-OCCI-Location: /compute/a\r\nX-OCCI-Location: /compute/b\r\n",
    "http://cloud.test/compute/a\n",
    "",
    "{",
    "[]",
    "null",
    "Category: ",
    "\u{0}\u{1}",
    "Category: compute; scheme=\"",
    "{\"kind\": 5}",
];
const HEADERS: &[&str] = &[
    "category",
    "x-occi-attribute",
    "x-occi-location",
    "link",
    "authorization",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.below(list.len())]
    }
    // A string cut, spliced or sprinkled with random characters.
    fn mutate(&mut self, s: &str) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        for _ in 0..self.below(4) {
            match self.below(4) {
                0 if !chars.is_empty() => {
                    let at = self.below(chars.len());
                    chars.truncate(at);
                }
                1 => {
                    let at = self.below(chars.len() + 1);
                    let c =
                        char::from_u32(u32::try_from(self.next() % 0x3000).unwrap()).unwrap_or('x');
                    chars.insert(at, c);
                }
                2 if !chars.is_empty() => {
                    let at = self.below(chars.len());
                    chars.remove(at);
                }
                _ => {
                    let at = self.below(chars.len() + 1);
                    let piece: Vec<char> = self
                        .pick(&["\"", ";", ",", "=", "\r\n", "\\", "{}", "Link: <", " "])
                        .chars()
                        .collect();
                    chars.splice(at..at, piece);
                }
            }
        }
        chars.into_iter().collect()
    }
}

#[tokio::test]
async fn random_requests_never_panic_or_fail_inside() {
    let server = common::server_with(|c| c.body_limit = 64 * 1024).await;
    let app = server.app.clone();
    let seed = std::env::var("TERN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7e57_5e4e_u64);
    let mut rng = Rng(seed);
    let mut statuses = std::collections::BTreeMap::new();
    // Entities for the random requests to work on.
    for (method, path, body) in [
        ("PUT", "/compute/a", BODIES[0]),
        ("PUT", "/compute/b", BODIES[0]),
        ("PUT", "/network/lan", BODIES[1]),
        ("POST", "/networkinterface/", BODIES[2]),
        ("POST", "/-/", BODIES[3]),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "text/plain")
            .body(Body::from(body))
            .unwrap();
        let status = app
            .clone()
            .oneshot(request)
            .await
            .unwrap()
            .status()
            .as_u16();
        assert!(status < 300, "{method} {path}: {status}");
    }
    for n in 0..REQUESTS {
        let method = if rng.below(2) == 0 {
            "POST"
        } else {
            rng.pick(METHODS)
        };
        let mut path = rng.pick(PATHS).to_owned();
        if rng.below(5) == 0 {
            path = rng.mutate(&path);
        }
        let query = rng.pick(QUERIES);
        let uri = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let mut body = rng.pick(BODIES).to_owned();
        if rng.below(2) == 0 {
            body = rng.mutate(&body);
        }
        let mut builder = Request::builder()
            .method(method)
            .uri(&uri)
            .header("host", "cloud.test");
        // Mostly the body's own media type, so that requests reach the operations.
        let ct = if rng.below(4) == 0 {
            rng.pick(TYPES)
        } else if body.starts_with('{') || body.starts_with('[') {
            "application/occi+json"
        } else if body.starts_with("http") {
            "text/uri-list"
        } else {
            "text/plain"
        };
        if !ct.is_empty() {
            builder = builder.header("content-type", ct);
        }
        let accept = rng.pick(&[
            "",
            "*/*",
            "text/plain",
            "text/occi",
            "application/occi+json",
            "text/uri-list",
            "image/png",
            "text/*;q=0.1, application/json;q=x",
        ]);
        if !accept.is_empty() {
            builder = builder.header("accept", accept);
        }
        for _ in 0..rng.below(3) {
            let line = rng.pick(BODIES).lines().next().unwrap_or_default();
            let value = rng.mutate(line.split_once(": ").map_or("", |(_, v)| v));
            if let Ok(v) = HeaderValue::from_str(&value) {
                builder = builder.header(rng.pick(HEADERS), v);
            }
        }
        let Ok(request) = builder.body(Body::from(body.clone())) else {
            continue; // the URI or a header is not even HTTP
        };
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(
            status < 500,
            "request {n}: {method} {uri} ({ct}) {body:?} answered {status}: {}",
            String::from_utf8_lossy(&bytes)
        );
        *statuses.entry(status).or_insert(0) += 1;
    }
    // The mix reached the operations, not only the refusals.
    for (ok, least) in [(200, 100), (201, 3), (204, 10)] {
        assert!(
            statuses.get(&ok).copied().unwrap_or(0) >= least,
            "{statuses:?}"
        );
    }
    eprintln!("statuses: {statuses:?}");
}
