//! Debian's chromium, headless, driven through chromedriver's WebDriver HTTP API (W3C
//! WebDriver: sessions, navigation, script execution, element clicks, screenshots) with
//! reqwest and serde_json. No other crate.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The element reference key of the W3C WebDriver protocol.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless chromium session; chromedriver is stopped when dropped.
pub(crate) struct Browser {
    driver: Child,
    url: String,
    http: reqwest::blocking::Client,
}

/// An executable on `PATH`.
fn which(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

impl Browser {
    /// A browser, or `None` (said loudly) when chromium or chromedriver is not installed.
    /// Under CI (`CI` set) their absence fails the test: `.ci/run` installs them.
    pub(crate) fn start() -> Option<Browser> {
        let driver = which(&["chromedriver"]);
        let chromium = which(&["chromium", "chromium-browser", "google-chrome"]);
        let (Some(driver), Some(chromium)) = (driver, chromium) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "chromium and chromedriver are needed in CI (apt-get install chromium chromium-driver)"
            );
            // Past the test harness's capture: a skip is seen.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"SKIPPED: the browser tests need chromium and chromedriver \
                  (apt-get install chromium chromium-driver)\n",
            );
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("a client");
        let base = format!("http://127.0.0.1:{port}");
        let ready = Instant::now() + Duration::from_secs(30);
        loop {
            let status = http.get(format!("{base}/status")).send();
            if let Ok(r) = status
                && r.status().is_success()
            {
                break;
            }
            assert!(Instant::now() < ready, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let mut browser = Browser {
            driver: child,
            url: base.clone(),
            http,
        };
        let session = browser.post(
            &format!("{base}/session"),
            &json!({
                "capabilities": { "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": {
                        "binary": chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", "--window-size=1400,900",
                            "--no-first-run", "--disable-extensions"
                        ]
                    }
                }}
            }),
        );
        let id = session["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {session}"))
            .to_owned();
        browser.url = format!("{base}/session/{id}");
        Some(browser)
    }

    fn post(&self, url: &str, body: &Value) -> Value {
        let r = self
            .http
            .post(url)
            .header("Content-Type", "application/json")
            .body(body.to_string())
            .send()
            .unwrap_or_else(|e| panic!("WebDriver {url}: {e}"));
        let value: Value = serde_json::from_str(&r.text().unwrap_or_default()).unwrap_or_default();
        value
    }

    // A command of the session; panics on a WebDriver error.
    fn command(&self, path: &str, body: &Value) -> Value {
        let answer = self.post(&format!("{}{path}", self.url), body);
        let value = answer["value"].clone();
        if let Some(error) = value.get("error") {
            panic!("WebDriver {path}: {error}: {}", value["message"]);
        }
        value
    }

    /// Loads `url`.
    pub(crate) fn navigate(&self, url: &str) {
        self.command("/url", &json!({ "url": url }));
    }

    /// Runs `script` (a function body; `arguments` are `args`) and returns its value.
    pub(crate) fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.command("/execute/sync", &json!({ "script": script, "args": args }))
    }

    /// Waits (at most `limit`) until `script` returns something truthy; returns it and the
    /// time it took.
    pub(crate) fn wait_for(&self, what: &str, script: &str, limit: Duration) -> (Value, Duration) {
        let start = Instant::now();
        loop {
            let v = self.execute(script, &[]);
            let truthy =
                !matches!(&v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0);
            if truthy {
                return (v, start.elapsed());
            }
            assert!(start.elapsed() < limit, "{what}: not seen within {limit:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The first element `css` selects.
    pub(crate) fn find(&self, css: &str) -> Value {
        let v = self.command(
            "/element",
            &json!({ "using": "css selector", "value": css }),
        );
        assert!(v[ELEMENT].is_string(), "{css}: {v}");
        v[ELEMENT].clone()
    }

    /// Clicks the element (a real pointer click, as a person would).
    pub(crate) fn click(&self, element: &Value) {
        let id = element.as_str().expect("an element id");
        self.command(&format!("/element/{id}/click"), &json!({}));
    }

    /// The text of an open alert, if one is open.
    pub(crate) fn alert(&self) -> Option<String> {
        let r = self
            .http
            .get(format!("{}/alert/text", self.url))
            .send()
            .expect("WebDriver answers");
        let v: Value = serde_json::from_str(&r.text().unwrap_or_default()).unwrap_or_default();
        v["value"].as_str().map(str::to_owned)
    }

    /// A PNG screenshot of the window, written to `target/ui-test/NAME.png`; the path is
    /// printed.
    pub(crate) fn screenshot(&self, name: &str) -> PathBuf {
        let r = self
            .http
            .get(format!("{}/screenshot", self.url))
            .send()
            .expect("WebDriver answers");
        let v: Value = serde_json::from_str(&r.text().unwrap_or_default()).unwrap_or_default();
        let png = decode_base64(v["value"].as_str().expect("a screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ui-test");
        std::fs::create_dir_all(&dir).expect("target/ui-test");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        println!("screenshot: {}", path.display());
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.http.delete(&self.url).send();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

// Standard base64 (the screenshot), without a crate for it.
fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes().filter_map(value) {
        acc = (acc << 6) | c;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
