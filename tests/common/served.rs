//! A running `tern serve` for the test binaries that talk to the real server (`tests/serve`,
//! `tests/client`): one copy, included by path in each.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `tern serve`, killed when dropped.
pub(crate) struct Served {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Served {
    /// Starts `tern serve --listen 127.0.0.1:0 --data DATA ARGS…` and reads the address from
    /// its first line. The server's log goes to the test's stderr when `TERN_TEST_SERVER_LOG`
    /// is set (the test harness does not capture a child's output).
    pub fn start(data: &Path, args: &[&str]) -> Served {
        let log = if std::env::var_os("TERN_TEST_SERVER_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_tern"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("tern serve starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the first line");
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Served { child, base }
    }

    /// SIGTERM, then the exit status (graceful shutdown).
    #[allow(dead_code)] // used by tests/serve only
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        self.child.wait().expect("the server exits")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
