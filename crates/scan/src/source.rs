//! Where the scanner's bytes come from: the file mapped in memory (read in
//! place from the page cache), or read range by range when it is not mapped.
//!
//! This module holds the crate's only file mapping, and with it the
//! assumption that makes reading a mapping safe: see [`Mapped::new`].

use memmap2::{Mmap, MmapOptions};
use std::fs::File;

/// A file mapped read-only: the workers read the page cache in place
/// instead of copying every byte once more (a tenth of the reading time).
pub(crate) struct Mapped(Mmap);

impl Mapped {
    /// Maps the first `len` bytes of `file` (its length when it was planned),
    /// or None when the system refuses (the caller then reads ranges).
    pub(crate) fn new(file: &File, len: u64) -> Option<Mapped> {
        let len = usize::try_from(len).ok().filter(|l| *l > 0)?;
        // SAFETY: a mapping is only sound while nobody changes the file under
        // it: its bytes are handed out as `&[u8]`, which Rust assumes never
        // change, and a file that shrinks makes reads past its new end fault
        // (SIGBUS). Like ripgrep, the scanner assumes the input files of a
        // run are not rewritten or truncated while the run reads them (they
        // are exports the user handed to `opora identify`, opened read-only
        // here); nothing in this process writes them. A reader that cannot
        // accept that assumption plans files with `map_file: false` and gets
        // plain reads (`read_exact_at`) instead.
        let map = unsafe { MmapOptions::new().len(len).map(file) }.ok()?;
        #[cfg(unix)]
        {
            // Advice only; failure is harmless.
            let _ = map.advise(memmap2::Advice::Sequential);
        }
        Some(Mapped(map))
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Lets the pages of [start, end) go from this process once read: they
    /// stay in the page cache, but not in the process's resident memory (a
    /// national batch is 6 GB). Another thread still reading a shared
    /// boundary page simply faults it in again, with the same content.
    pub(crate) fn release(&self, start: usize, end: usize) {
        let to = end.min(self.0.len());
        if to <= start {
            return;
        }
        #[cfg(unix)]
        {
            // SAFETY: MADV_DONTNEED on a read-only private file mapping only
            // drops page table entries: the next read faults the same bytes
            // in from the file (no private copy was ever written), so no
            // slice handed out changes. memmap2 rounds the range to pages.
            let _ = unsafe {
                self.0
                    .unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, start, to - start)
            };
        }
    }
}
/// Reads `buf.len()` bytes at `at`.
pub(crate) fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
    }
    #[cfg(windows)]
    {
        let mut done = 0;
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(
                file,
                &mut buf[done..],
                at + done as u64,
            )? {
                0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                n => done += n,
            }
        }
        Ok(())
    }
    #[cfg(not(any(unix, windows)))]
    {
        let _ = (file, buf, at);
        Err(std::io::ErrorKind::Unsupported.into())
    }
}
