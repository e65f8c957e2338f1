//! Digesting on a second thread while the calling thread reads and writes, so that a pack,
//! verify or unpack costs about the larger of its I/O and its digest instead of their sum;
//! and flushing written data to disk on another while writing goes on ([`with_writeback`]).
//!
//! Buffers go round: the caller takes one ([`Feed::buffer`]), fills it, writes it out if it
//! copies, and hands it over ([`Feed::digest`]); the digest thread updates the hashers in the
//! order the buffers came and sends each buffer back. [`DEPTH`] buffers circulate, so memory
//! stays fixed whatever the size of the data.

use std::fs::File;
use std::io::{self, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::digest::{Hasher, MultiHasher};
use crate::progress::BUFFER;

/// Buffers in circulation: one being filled, the others queued or being digested.
const DEPTH: usize = 4;

/// Something updated with the bytes that stream by.
pub(crate) trait Digester: Send {
    fn update(&mut self, bytes: &[u8]);
}

impl Digester for Hasher {
    fn update(&mut self, bytes: &[u8]) {
        Hasher::update(self, bytes);
    }
}

impl Digester for MultiHasher {
    fn update(&mut self, bytes: &[u8]) {
        MultiHasher::update(self, bytes);
    }
}

/// The caller's end: buffers to fill, and the way to hand them to the digest thread.
pub(crate) struct Feed {
    back: Receiver<Vec<u8>>,
    to_digest: SyncSender<(Vec<u8>, usize)>,
}

impl Feed {
    /// A buffer of [`BUFFER`] bytes to fill (one the digest thread is done with).
    pub(crate) fn buffer(&mut self) -> Vec<u8> {
        // The digest thread only stops when the feed is dropped, or by a panic, which the
        // join in `digest_alongside` passes on; meanwhile a fresh buffer keeps things going.
        self.back.recv().unwrap_or_else(|_| vec![0; BUFFER])
    }

    /// Hands `buffer[..len]` to the digest thread.
    pub(crate) fn digest(&mut self, buffer: Vec<u8>, len: usize) {
        // A send fails only when the digest thread is gone (a panic, passed on at the join).
        let _ = self.to_digest.send((buffer, len));
    }
}

/// Runs `body` with a [`Feed`] whose buffers `digester` digests on another thread; returns
/// what `body` returns and the digester, once it has seen every buffer handed over.
pub(crate) fn digest_alongside<D: Digester, T, E>(
    mut digester: D,
    body: impl FnOnce(&mut Feed) -> Result<T, E>,
) -> Result<(T, D), E> {
    let (to_digest, incoming) = sync_channel::<(Vec<u8>, usize)>(DEPTH);
    let (returns, back) = sync_channel::<Vec<u8>>(DEPTH);
    for _ in 0..DEPTH {
        let _ = returns.send(vec![0; BUFFER]);
    }
    std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            for (buffer, len) in incoming {
                digester.update(&buffer[..len]);
                // The caller may have stopped taking buffers (an error): nothing to do then.
                let _ = returns.try_send(buffer);
            }
            digester
        });
        let mut feed = Feed { back, to_digest };
        let result = body(&mut feed);
        drop(feed);
        let digester = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        result.map(|value| (value, digester))
    })
}

/// Bytes written between two flushes asked of the flusher thread.
pub(crate) const WRITEBACK_EVERY: u64 = 32 << 20;

/// Written data pushed to disk while writing goes on: every [`WRITEBACK_EVERY`] bytes a
/// flusher thread is woken to `sync_data` the file through a second handle. The disk then
/// writes while the data is read and digested, and the flush before the rename finds little
/// left, where one flush at the end waits for all of it (on the development machine a 2 GiB
/// copy flushed once at the end took 13–17 s, flushed along the way 5–6 s).
pub(crate) struct Writeback {
    signal: SyncSender<()>,
    pending: u64,
}

impl Writeback {
    /// `n` more bytes were written through `out` (flushed to the file before the flusher is
    /// woken).
    pub(crate) fn wrote(&mut self, n: u64, out: &mut impl Write) -> io::Result<()> {
        self.pending += n;
        if self.pending >= WRITEBACK_EVERY {
            self.pending = 0;
            out.flush()?;
            // Full: a flush is already asked for, and will cover this data.
            let _ = self.signal.try_send(());
        }
        Ok(())
    }
}

/// Runs `body` with a [`Writeback`] whose flusher thread flushes `handle` (a second handle
/// on the file being written). Flush errors are left to the caller's final flush.
pub(crate) fn with_writeback<T>(handle: File, body: impl FnOnce(&mut Writeback) -> T) -> T {
    let (signal, wake) = sync_channel::<()>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for () in wake {
                let _ = handle.sync_data();
            }
        });
        let mut writeback = Writeback { signal, pending: 0 };
        // The flusher ends when the signal is dropped, with the writeback, here.
        body(&mut writeback)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Algorithm;

    #[test]
    fn the_digest_is_that_of_the_bytes_in_the_order_handed_over() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut expected = Algorithm::Sha256.hasher();
        expected.update(&data);
        let (count, hasher) = digest_alongside(Algorithm::Sha256.hasher(), |feed| {
            let mut count = 0;
            for chunk in data.chunks(100_000) {
                let mut buffer = feed.buffer();
                buffer[..chunk.len()].copy_from_slice(chunk);
                feed.digest(buffer, chunk.len());
                count += 1;
            }
            Ok::<_, ()>(count)
        })
        .unwrap();
        assert_eq!(count, 30);
        assert_eq!(hasher.finish(), expected.finish());
    }

    #[test]
    fn an_error_of_the_body_is_returned() {
        let result = digest_alongside(Algorithm::Sha1.hasher(), |feed| {
            let buffer = feed.buffer();
            feed.digest(buffer, 10);
            Err::<(), _>("stopped")
        });
        assert!(matches!(result, Err("stopped")));
    }
}
