//! SIGINT, SIGTERM and SIGHUP: the temporary files being written (an output file, an OVA
//! being packed, members being unpacked) are removed, then the process exits with 128 + the
//! signal's number, as a shell reports a process the signal ended.

/// Starts the thread that waits for the signals (once, at startup).
#[cfg(unix)]
pub(crate) fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // Without the handlers the default action still ends the process; only the temporary
    // files would stay behind (and a later `ova pack` of the same output removes its own).
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            crate::output::abandon_in_flight();
            tern_ova::abandon_in_flight();
            std::process::exit(128 + signal);
        }
    });
}

/// Elsewhere the default handling stands; temporary files are removed when a write fails.
#[cfg(not(unix))]
pub(crate) fn install() {}
