//! Pre-flight check of a ZIP (pure): its end record and central directory, read from slices
//! at the end of the file, say how many sheet images it holds (contract §4.4), in which task
//! folders, and what is wrong with it, before a byte is uploaded. Never panics, whatever the
//! bytes, and never reads more than [`TAIL_BYTES`] + [`ZIP64_RECORD_BYTES`] +
//! [`MAX_DIRECTORY_BYTES`], one slice of at most [`SLICE_BYTES`] at a time.
//!
//! Reading goes in up to three steps, each a `File.slice` the browser hands over:
//! 1. the last [`TAIL_BYTES`] → [`locate`] finds the end record (and a ZIP64 locator);
//! 2. for ZIP64 only, the 56-byte ZIP64 end record → [`locate_zip64`];
//! 3. the central directory itself, in slices of [`SLICE_BYTES`] → [`DirectoryWalk`]. Each
//!    slice is its own read, and a browser read is an awaited promise: the page runs between
//!    slices, and wasm memory holds one slice at a time (wasm memory never shrinks).

mod directory;

pub use directory::{
    is_sheet_image, DirectoryWalk, SheetEntry, ZipSummary, MAX_KEPT_SHEETS, MAX_TASK_FOLDERS, QR_COVER_BYTES,
    SHEET_BYTES,
};

/// What the first read takes from the end of the file: the end record (22 bytes), the longest
/// comment (65 535) and the ZIP64 locator before it (20).
pub const TAIL_BYTES: u64 = 22 + 65_535 + 20;
/// Size of the ZIP64 end record the second read takes.
pub const ZIP64_RECORD_BYTES: u64 = 56;
/// The largest central directory read: about 250 000 entries, far above any scanner's ZIP
/// (70 000 sheets take 5 MB). A bigger claim is refused before a byte of it is read. Measured
/// in Chromium (debug build), a 64 MiB directory of a million entries took 2.3 s to walk; 16 MiB
/// keeps the worst case of a crafted file under a second (0.77 s, `tests/browser/bad_input.rs`).
pub const MAX_DIRECTORY_BYTES: u64 = 16 * 1024 * 1024;
/// The directory is read in slices of this size.
pub const SLICE_BYTES: u64 = 1024 * 1024;

/// The fixed part of an entry's local header, before its name and extra field.
pub const LOCAL_HEADER_BYTES: u64 = 30;

const END_SIGNATURE: u32 = 0x0605_4b50;
const LOCAL_HEADER_SIGNATURE: u32 = 0x0403_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;

/// Why a file cannot be sent; each has its own message (`i18n::form`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipRefusal {
    /// No end record: not a ZIP (a renamed PDF, an empty file, a truncated download).
    NotAZip,
    /// The directory lies outside the file, or its entries cannot be read.
    Damaged,
    /// One part of a ZIP split into several files (`.z01`, `.z02`, …, `.zip`).
    Split,
    /// The directory claims more than [`MAX_DIRECTORY_BYTES`].
    DirectoryTooLarge { bytes: u64 },
    /// Not one `.jpg/.jpeg/.png` sheet image.
    NoSheets,
    /// Password-protected entries: the server cannot open them.
    Encrypted { entries: u64 },
    /// The browser could not read the file (moved, deleted or changed since it was picked).
    Unreadable,
}

/// Where the central directory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Directory {
    pub offset: u64,
    pub size: u64,
    pub entries: u64,
}

/// The result of the first read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    Directory(Directory),
    /// A ZIP64 file: read [`ZIP64_RECORD_BYTES`] at `record_offset` next.
    Zip64 {
        record_offset: u64,
    },
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u64::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
}

/// Finds the end record in `tail`, the last bytes of a file of `file_size` bytes.
pub fn locate(tail: &[u8], file_size: u64) -> Result<Located, ZipRefusal> {
    if tail.len() < 22 || tail.len() as u64 > file_size {
        return Err(ZipRefusal::NotAZip);
    }
    // The last signature whose comment ends exactly at the end of the file.
    let end = (0..=tail.len() - 22)
        .rev()
        .find(|&at| {
            u32_at(tail, at) == Some(u64::from(END_SIGNATURE))
                && u16_at(tail, at + 20).is_some_and(|comment| at + 22 + comment as usize == tail.len())
        })
        .ok_or(ZipRefusal::NotAZip)?;
    let start_of_tail = file_size - tail.len() as u64;
    let read = |at: usize, f: fn(&[u8], usize) -> Option<u64>| f(tail, end + at).ok_or(ZipRefusal::Damaged);
    let (disk, directory_disk) = (read(4, u16_at)?, read(6, u16_at)?);
    let (entries, size, offset) = (read(10, u16_at)?, read(12, u32_at)?, read(16, u32_at)?);
    let zip64_locator = end.checked_sub(20).filter(|&at| u32_at(tail, at) == Some(u64::from(ZIP64_LOCATOR_SIGNATURE)));
    if let Some(at) = zip64_locator {
        if u32_at(tail, at + 16).is_some_and(|disks| disks > 1) {
            return Err(ZipRefusal::Split);
        }
        let record_offset = u64_at(tail, at + 8).ok_or(ZipRefusal::Damaged)?;
        if record_offset.checked_add(ZIP64_RECORD_BYTES).is_none_or(|e| e > file_size) {
            return Err(ZipRefusal::Damaged);
        }
        return Ok(Located::Zip64 { record_offset });
    }
    // Every part but the last holds no end record; the last names its own disk, not 0.
    // (0xFFFF: the value is in a ZIP64 record this file lacks, which is damage, below.)
    if [disk, directory_disk].iter().any(|&n| n != 0 && n != 0xFFFF) {
        return Err(ZipRefusal::Split);
    }
    if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err(ZipRefusal::Damaged);
    }
    let directory = Directory { offset, size, entries };
    check_bounds(directory, start_of_tail + end as u64)?;
    Ok(Located::Directory(directory))
}

/// Where an entry's data start, from the [`LOCAL_HEADER_BYTES`] of its local header found at
/// `header_offset` (the directory's offset): after the header's own name and extra field, whose
/// lengths may differ from the directory's. `None` when the bytes are not a local header.
pub fn local_data_start(header: &[u8], header_offset: u64) -> Option<u64> {
    if u32_at(header, 0)? != u64::from(LOCAL_HEADER_SIGNATURE) {
        return None;
    }
    header_offset.checked_add(LOCAL_HEADER_BYTES + u16_at(header, 26)? + u16_at(header, 28)?)
}

/// Reads the ZIP64 end record (the second read) of a file whose end record starts at `limit`.
pub fn locate_zip64(record: &[u8], limit: u64) -> Result<Directory, ZipRefusal> {
    if u32_at(record, 0) != Some(u64::from(ZIP64_END_SIGNATURE)) {
        return Err(ZipRefusal::Damaged);
    }
    let read = |at: usize, f: fn(&[u8], usize) -> Option<u64>| f(record, at).ok_or(ZipRefusal::Damaged);
    if read(16, u32_at)? != 0 || read(20, u32_at)? != 0 {
        return Err(ZipRefusal::Split);
    }
    let directory = Directory { entries: read(32, u64_at)?, size: read(40, u64_at)?, offset: read(48, u64_at)? };
    check_bounds(directory, limit)?;
    Ok(directory)
}

/// The directory must lie before `limit` (the end records), fit the read cap, and have room for
/// its entries (46 bytes each at least).
fn check_bounds(directory: Directory, limit: u64) -> Result<(), ZipRefusal> {
    match directory.offset.checked_add(directory.size) {
        Some(end) if end <= limit => {}
        _ => return Err(ZipRefusal::Damaged),
    }
    if directory.size > MAX_DIRECTORY_BYTES {
        return Err(ZipRefusal::DirectoryTooLarge { bytes: directory.size });
    }
    if directory.entries > directory.size / directory::ENTRY_FIXED_BYTES {
        return Err(ZipRefusal::Damaged);
    }
    Ok(())
}

/// The verdict on a summary: refused, or the summary (possibly with warnings).
pub fn verdict(summary: ZipSummary) -> Result<ZipSummary, ZipRefusal> {
    if summary.encrypted > 0 {
        return Err(ZipRefusal::Encrypted { entries: summary.encrypted });
    }
    if summary.sheets == 0 {
        return Err(ZipRefusal::NoSheets);
    }
    Ok(summary)
}

/// The whole check, through `read(start, end)` which hands over bytes `[start, end)` of a file
/// of `size` bytes (`None` when they cannot be read): the three reads above, in order, the
/// directory in slices, stopping as soon as its entries were all read or one is broken. The
/// browser reads `File.slice`s; the tests read a byte vector.
pub async fn scan<F, Fut>(size: u64, read: F) -> Result<ZipSummary, ZipRefusal>
where
    F: Fn(u64, u64) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<u8>>>,
{
    scan_with::<false, F, Fut>(size, read).await
}

/// [`scan`] that also keeps where each sheet image is (the QR cover check reads them).
pub async fn scan_keeping_sheets<F, Fut>(size: u64, read: F) -> Result<ZipSummary, ZipRefusal>
where
    F: Fn(u64, u64) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<u8>>>,
{
    scan_with::<true, F, Fut>(size, read).await
}

async fn scan_with<const KEEP_SHEETS: bool, F, Fut>(size: u64, read: F) -> Result<ZipSummary, ZipRefusal>
where
    F: Fn(u64, u64) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<u8>>>,
{
    // A short read means the file changed under the check: as unreadable as a failed one.
    let read_exactly = |start: u64, end: u64| {
        let bytes = read(start, end);
        async move { bytes.await.filter(|b| b.len() as u64 == end - start).ok_or(ZipRefusal::Unreadable) }
    };
    let tail = read_exactly(size.saturating_sub(TAIL_BYTES), size).await?;
    let directory = match locate(&tail, size)? {
        Located::Directory(directory) => directory,
        Located::Zip64 { record_offset } => {
            let record = read_exactly(record_offset, record_offset + ZIP64_RECORD_BYTES).await?;
            locate_zip64(&record, size)?
        }
    };
    let mut walk = DirectoryWalk::<KEEP_SHEETS>::new(directory.entries);
    // `check_bounds` made sure this does not overflow.
    let (mut start, end) = (directory.offset, directory.offset + directory.size);
    while start < end && !walk.is_done() {
        let stop = end.min(start + SLICE_BYTES);
        walk.feed(&read_exactly(start, stop).await?)?;
        start = stop;
    }
    verdict(walk.finish()?)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
