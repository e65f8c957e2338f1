//! Progress reports for long streaming operations; the CLI turns them into a status line.

/// How far a pack, verify or unpack has come.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Progress<'a> {
    /// The member being processed.
    pub member: &'a str,
    /// Bytes processed so far, over all members.
    pub done: u64,
    /// Bytes to process in total.
    pub total: u64,
}

/// Size of the buffer every member is streamed through.
pub(crate) const BUFFER: usize = 256 << 10;
