//! The central directory's walk (pure): entries arrive in slices of any size, an entry may
//! straddle two slices, and what is kept between slices is at most one entry (46 bytes and three
//! 16-bit lengths: under 200 KB), so memory does not grow with the directory.

use super::{u16_at, u32_at, u64_at, ZipRefusal};
use std::collections::BTreeSet;

const ENTRY_SIGNATURE: u32 = 0x0201_4b50;
/// The fixed part of a directory entry; its name, extra field and comment follow.
pub const ENTRY_FIXED_BYTES: u64 = 46;

/// QR cover sheets' expected size (contract §5.1, the earlier client's rules).
pub const QR_COVER_BYTES: std::ops::RangeInclusive<u64> = 140_000..=320_000;
/// Answer-sheet images' expected size.
pub const SHEET_BYTES: std::ops::RangeInclusive<u64> = 500_000..=1_000_000;
/// Task folders kept by name. A real upload holds a handful; a crafted directory of a million
/// entries would otherwise make a million strings. Past this many the count stays here.
pub const MAX_TASK_FOLDERS: usize = 1_000;
/// Sheet entries kept for the QR cover check (a 3 GB ZIP of 0.65 MB sheets holds about 4,600;
/// names of 20 bytes make this at most a few MB). Past this many the walk keeps no more and
/// says so in [`ZipSummary::sheets_cut_off`].
pub const MAX_KEPT_SHEETS: usize = 50_000;

/// Where a sheet image's bytes are, for reading it out of the picked file (`Blob.slice`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SheetEntry {
    /// The entry's name in the ZIP (folders included, `\\` read as `/`).
    pub name: String,
    /// The offset of its local header: its data follow that header's name and extra field.
    pub header_offset: u64,
    /// Bytes stored in the ZIP.
    pub compressed_size: u64,
    /// Bytes once inflated: the image file's own size.
    pub size: u64,
    /// 0 stored, 8 deflated; any other method cannot be read in the browser.
    pub method: u16,
}

/// What the directory says about the ZIP.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZipSummary {
    /// Sheet images by the rule of contract §4.4.
    pub sheets: u64,
    /// Top-level folders named by an 8-digit task id (at most [`MAX_TASK_FOLDERS`]).
    pub task_folders: BTreeSet<String>,
    /// Entries that are neither folders, images nor macOS leftovers.
    pub other_files: u64,
    /// ZIPs inside the ZIP (counted in `other_files` too).
    pub nested_zips: u64,
    /// Images more than one folder deep.
    pub deep_images: u64,
    /// Images of neither the QR cover nor the answer-sheet size.
    pub odd_sized_images: u64,
    /// Password-protected entries.
    pub encrypted: u64,
    /// The sheet images, in directory order, when the walk was asked to keep them
    /// (a walk with `KEEP_SHEETS`, see [`DirectoryWalk`]); at most [`MAX_KEPT_SHEETS`].
    pub sheet_entries: Vec<SheetEntry>,
    /// Whether sheets past [`MAX_KEPT_SHEETS`] were left out of `sheet_entries`.
    pub sheets_cut_off: bool,
}

impl ZipSummary {
    /// Whether anything deserves a warning (the upload may still go).
    pub fn has_warnings(&self) -> bool {
        self.other_files + self.deep_images + self.odd_sized_images > 0
    }

    /// Counts one file entry (folders and macOS leftovers are not counted).
    fn count(&mut self, name: &str, size: u64, encrypted: bool) {
        if name.ends_with('/') || is_macos_leftover(name) {
            return;
        }
        if encrypted {
            self.encrypted += 1;
        }
        let depth = name.matches('/').count();
        if is_sheet_image(name) {
            self.sheets += 1;
            if depth > 1 {
                self.deep_images += 1;
            }
            if !QR_COVER_BYTES.contains(&size) && !SHEET_BYTES.contains(&size) {
                self.odd_sized_images += 1;
            }
        } else {
            self.other_files += 1;
            if name.to_ascii_lowercase().ends_with(".zip") {
                self.nested_zips += 1;
            }
        }
        if let Some((top, _)) = name.split_once('/') {
            let task_id = top.len() == 8 && top.bytes().all(|b| b.is_ascii_digit());
            if task_id && self.task_folders.len() < MAX_TASK_FOLDERS {
                self.task_folders.insert(top.to_string());
            }
        }
    }
}

/// Whether `name` is a sheet image by contract §4.4: `.jpg/.jpeg/.png` in any case, not a
/// folder, not under `__MACOSX/`, not a `._` resource fork.
pub fn is_sheet_image(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    let lower = file.to_ascii_lowercase();
    !name.ends_with('/')
        && !name.starts_with("__MACOSX/")
        && !name.contains("/__MACOSX/")
        && !file.starts_with("._")
        && [".jpg", ".jpeg", ".png"].iter().any(|ext| lower.ends_with(ext))
}

fn is_macos_leftover(name: &str) -> bool {
    name.starts_with("__MACOSX/") || name.rsplit('/').next().is_some_and(|f| f.starts_with("._") || f == ".DS_Store")
}

/// An entry's uncompressed size, compressed size and local header offset: the 32-bit values of
/// its directory entry, each one that reads 0xFFFFFFFF taken in that order from the ZIP64
/// extra field (which holds only those).
pub(super) fn zip64_values(extra: &[u8], values: [u64; 3]) -> [u64; 3] {
    if !values.contains(&0xFFFF_FFFF) {
        return values;
    }
    let mut at = 0usize;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at.saturating_add(2))) {
        if id == 0x0001 {
            let mut next = at + 4;
            return values.map(|value| {
                if value != 0xFFFF_FFFF {
                    return value;
                }
                let wide = u64_at(extra, next).unwrap_or(value);
                next += 8;
                wide
            });
        }
        at = at.saturating_add(4 + len as usize);
    }
    values
}

/// The walk through a directory of a known number of entries, fed slice by slice. `KEEP_SHEETS`
/// also keeps where each sheet image is ([`ZipSummary::sheet_entries`]); a compile-time choice,
/// so the app's own pre-flight check (the worker alone keeps them) carries none of that code.
#[derive(Debug)]
pub struct DirectoryWalk<const KEEP_SHEETS: bool = false> {
    summary: ZipSummary,
    entries_left: u64,
    /// The start of an entry the last slice cut off.
    carry: Vec<u8>,
}

impl<const KEEP_SHEETS: bool> DirectoryWalk<KEEP_SHEETS> {
    /// A walk through `entries` entries.
    pub fn new(entries: u64) -> Self {
        DirectoryWalk { summary: ZipSummary::default(), entries_left: entries, carry: Vec::new() }
    }

    /// Whether every entry has been read (the rest of the directory need not be).
    pub fn is_done(&self) -> bool {
        self.entries_left == 0
    }

    /// Reads the entries the next `slice` completes; a broken entry is [`ZipRefusal::Damaged`].
    pub fn feed(&mut self, slice: &[u8]) -> Result<(), ZipRefusal> {
        let mut buffer = std::mem::take(&mut self.carry);
        buffer.extend_from_slice(slice);
        let mut at = 0usize;
        while self.entries_left > 0 {
            let Some(entry_len) = self.entry_at(&buffer, at)? else { break };
            at += entry_len;
            self.entries_left -= 1;
        }
        if self.entries_left > 0 {
            buffer.drain(..at);
            self.carry = buffer;
        }
        Ok(())
    }

    /// Reads the entry at `at` if `buffer` holds all of it: its length, or `None` for more bytes.
    fn entry_at(&mut self, buffer: &[u8], at: usize) -> Result<Option<usize>, ZipRefusal> {
        let fixed = ENTRY_FIXED_BYTES as usize;
        let Some(head) = buffer.get(at..at + fixed) else {
            // Even a cut-off head must start like an entry, or the walk would wait on garbage.
            let start = buffer.get(at..).unwrap_or_default();
            let signature = ENTRY_SIGNATURE.to_le_bytes();
            let prefix = start.len().min(4);
            return if start[..prefix] == signature[..prefix] { Ok(None) } else { Err(ZipRefusal::Damaged) };
        };
        let field = |offset: usize, read: fn(&[u8], usize) -> Option<u64>| read(head, offset).unwrap_or_default();
        if field(0, u32_at) != u64::from(ENTRY_SIGNATURE) {
            return Err(ZipRefusal::Damaged);
        }
        let (name_len, extra_len) = (field(28, u16_at) as usize, field(30, u16_at) as usize);
        let entry_len = fixed + name_len + extra_len + field(32, u16_at) as usize;
        let Some(entry) = buffer.get(at..at + entry_len) else { return Ok(None) };
        let name = String::from_utf8_lossy(&entry[fixed..fixed + name_len]);
        let name = if name.contains('\\') { name.replace('\\', "/").into() } else { name };
        let extra = &entry[fixed + name_len..fixed + name_len + extra_len];
        let [size, compressed_size, header_offset] =
            zip64_values(extra, [field(24, u32_at), field(20, u32_at), field(42, u32_at)]);
        self.summary.count(&name, size, field(8, u16_at) & 1 == 1);
        if KEEP_SHEETS && is_sheet_image(&name) {
            if self.summary.sheet_entries.len() < MAX_KEPT_SHEETS {
                let method = field(10, u16_at) as u16;
                let entry = SheetEntry { name: name.into_owned(), header_offset, compressed_size, size, method };
                self.summary.sheet_entries.push(entry);
            } else {
                self.summary.sheets_cut_off = true;
            }
        }
        Ok(Some(entry_len))
    }

    /// The summary, once every entry was read; fewer entries than announced is damage.
    pub fn finish(self) -> Result<ZipSummary, ZipRefusal> {
        if self.entries_left > 0 {
            return Err(ZipRefusal::Damaged);
        }
        Ok(self.summary)
    }
}
