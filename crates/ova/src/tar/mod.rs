//! The tar layer: 512-byte headers (POSIX.1-1988 ustar, with GNU and PAX extensions tolerated on
//! read) and a plain-ustar writer.

pub(crate) mod header;
pub(crate) mod scan;
pub(crate) mod stream;
pub(crate) mod writer;

/// Size of a tar block; headers and data are aligned to it.
pub(crate) const BLOCK: u64 = 512;

/// `size` rounded up to a whole number of blocks.
pub(crate) fn padded(size: u64) -> u64 {
    size.div_ceil(BLOCK) * BLOCK
}
