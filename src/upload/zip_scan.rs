//! Pre-flight check of a ZIP (pure): its end record and central directory, read from a few
//! slices at the end of the file, say how many sheet images it holds (contract §4.4), in which
//! task folders, and what is wrong with it, before a byte is uploaded. Never panics, whatever
//! the bytes.
//!
//! Reading goes in up to three steps, each a `File.slice` the browser hands over:
//! 1. the last [`TAIL_BYTES`] → [`locate`] finds the end record (and a ZIP64 locator);
//! 2. for ZIP64 only, the 56-byte ZIP64 end record → [`locate_zip64`];
//! 3. the central directory itself → [`summarise`].

use std::collections::BTreeSet;

/// What the first read takes from the end of the file: the end record (22 bytes), the longest
/// comment (65 535) and the ZIP64 locator before it (20).
pub const TAIL_BYTES: u64 = 22 + 65_535 + 20;
/// Size of the ZIP64 end record the second read takes.
pub const ZIP64_RECORD_BYTES: u64 = 56;

const END_SIGNATURE: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
const ZIP64_END_SIGNATURE: u32 = 0x0606_4b50;
const ENTRY_SIGNATURE: u32 = 0x0201_4b50;

/// QR cover sheets' expected size (contract §5.1, the earlier client's rules).
pub const QR_COVER_BYTES: std::ops::RangeInclusive<u64> = 140_000..=320_000;
/// Answer-sheet images' expected size.
pub const SHEET_BYTES: std::ops::RangeInclusive<u64> = 500_000..=1_000_000;

/// Why a file cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ZipRefusal {
    /// No end record: not a ZIP (a renamed PDF, an empty file, a truncated download).
    NotAZip,
    /// The directory lies outside the file or cannot be read.
    Damaged,
    /// Not one `.jpg/.jpeg/.png` sheet image.
    NoSheets,
    /// Password-protected entries: the server cannot open them.
    Encrypted { entries: u64 },
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

/// What the directory says about the ZIP.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZipSummary {
    /// Sheet images by the rule of contract §4.4.
    pub sheets: u64,
    /// Top-level folders named by an 8-digit task id.
    pub task_folders: BTreeSet<String>,
    /// Entries that are neither folders, images nor macOS leftovers.
    pub other_files: u64,
    /// ZIPs inside the ZIP (counted in `other_files` too).
    pub nested_zips: u64,
    /// Images more than one folder deep.
    pub deep_images: u64,
    /// Images of neither the QR cover nor the answer-sheet size.
    pub odd_sized_images: u64,
    pub encrypted: u64,
}

impl ZipSummary {
    /// Whether anything deserves a warning (the upload may still go).
    pub fn has_warnings(&self) -> bool {
        self.other_files + self.deep_images + self.odd_sized_images > 0
    }
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
    let (entries, size, offset) = (read(10, u16_at)?, read(12, u32_at)?, read(16, u32_at)?);
    let zip64_locator = end.checked_sub(20).filter(|&at| u32_at(tail, at) == Some(u64::from(ZIP64_LOCATOR_SIGNATURE)));
    if let Some(at) = zip64_locator {
        let record_offset = u64_at(tail, at + 8).ok_or(ZipRefusal::Damaged)?;
        if record_offset.checked_add(ZIP64_RECORD_BYTES).is_none_or(|e| e > file_size) {
            return Err(ZipRefusal::Damaged);
        }
        return Ok(Located::Zip64 { record_offset });
    }
    if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        return Err(ZipRefusal::Damaged);
    }
    let directory = Directory { offset, size, entries };
    check_bounds(directory, start_of_tail + end as u64)?;
    Ok(Located::Directory(directory))
}

/// Reads the ZIP64 end record (the second read) of a file whose end record starts at `limit`.
pub fn locate_zip64(record: &[u8], limit: u64) -> Result<Directory, ZipRefusal> {
    if u32_at(record, 0) != Some(u64::from(ZIP64_END_SIGNATURE)) {
        return Err(ZipRefusal::Damaged);
    }
    let read = |at: usize| u64_at(record, at).ok_or(ZipRefusal::Damaged);
    let directory = Directory { entries: read(32)?, size: read(40)?, offset: read(48)? };
    check_bounds(directory, limit)?;
    Ok(directory)
}

/// The directory must lie before `limit` (the end records).
fn check_bounds(directory: Directory, limit: u64) -> Result<(), ZipRefusal> {
    match directory.offset.checked_add(directory.size) {
        Some(end) if end <= limit => Ok(()),
        _ => Err(ZipRefusal::Damaged),
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

/// The uncompressed size of an entry, from its ZIP64 extra field when the 32-bit one says so.
fn uncompressed_size(entry: &[u8], name_len: usize, extra_len: usize, size32: u64) -> u64 {
    if size32 != 0xFFFF_FFFF {
        return size32;
    }
    let extra = entry.get(46 + name_len..46 + name_len + extra_len).unwrap_or_default();
    let mut at = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        if id == 0x0001 {
            return u64_at(extra, at + 4).unwrap_or(size32);
        }
        at += 4 + len as usize;
    }
    size32
}

/// Walks the central directory (the third read) and sums up its `entries` entries.
pub fn summarise(directory: &[u8], entries: u64) -> Result<ZipSummary, ZipRefusal> {
    let mut summary = ZipSummary::default();
    let mut at = 0usize;
    for _ in 0..entries {
        if u32_at(directory, at) != Some(u64::from(ENTRY_SIGNATURE)) {
            return Err(ZipRefusal::Damaged);
        }
        let field = |offset: usize, f: fn(&[u8], usize) -> Option<u64>| f(directory, at + offset);
        let (Some(flags), Some(size32), Some(name_len), Some(extra_len), Some(comment_len)) =
            (field(8, u16_at), field(24, u32_at), field(28, u16_at), field(30, u16_at), field(32, u16_at))
        else {
            return Err(ZipRefusal::Damaged);
        };
        let (name_len, extra_len, comment_len) = (name_len as usize, extra_len as usize, comment_len as usize);
        let entry_len = 46 + name_len + extra_len + comment_len;
        let entry = directory.get(at..at + entry_len).ok_or(ZipRefusal::Damaged)?;
        let name = String::from_utf8_lossy(&entry[46..46 + name_len]).replace('\\', "/");
        let size = uncompressed_size(entry, name_len, extra_len, size32);
        at += entry_len;
        if name.ends_with('/') || is_macos_leftover(&name) {
            continue;
        }
        if flags & 1 == 1 {
            summary.encrypted += 1;
        }
        let folders: Vec<&str> = name.split('/').collect();
        if is_sheet_image(&name) {
            summary.sheets += 1;
            if folders.len() > 2 {
                summary.deep_images += 1;
            }
            if !QR_COVER_BYTES.contains(&size) && !SHEET_BYTES.contains(&size) {
                summary.odd_sized_images += 1;
            }
        } else {
            summary.other_files += 1;
            if name.to_ascii_lowercase().ends_with(".zip") {
                summary.nested_zips += 1;
            }
        }
        if let [top, _, ..] = folders.as_slice() {
            if top.len() == 8 && top.chars().all(|c| c.is_ascii_digit()) {
                summary.task_folders.insert(top.to_string());
            }
        }
    }
    Ok(summary)
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
/// of `size` bytes (`None` when they cannot be read): the three reads above, in order. The
/// browser reads `File.slice`s; the tests read a byte vector.
pub async fn scan<F, Fut>(size: u64, read: F) -> Result<ZipSummary, ZipRefusal>
where
    F: Fn(u64, u64) -> Fut,
    Fut: std::future::Future<Output = Option<Vec<u8>>>,
{
    let tail = read(size.saturating_sub(TAIL_BYTES), size).await.ok_or(ZipRefusal::Damaged)?;
    let directory = match locate(&tail, size)? {
        Located::Directory(directory) => directory,
        Located::Zip64 { record_offset } => {
            let record = read(record_offset, record_offset + ZIP64_RECORD_BYTES).await.ok_or(ZipRefusal::Damaged)?;
            locate_zip64(&record, size)?
        }
    };
    let listing = read(directory.offset, directory.offset + directory.size).await.ok_or(ZipRefusal::Damaged)?;
    verdict(summarise(&listing, directory.entries)?)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use futures_util::FutureExt;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    /// The check over bytes in memory (the reads are ready at once).
    fn check_bytes(file: &[u8]) -> Result<ZipSummary, ZipRefusal> {
        let read =
            |start: u64, end: u64| std::future::ready(file.get(start as usize..end as usize).map(<[u8]>::to_vec));
        scan(file.len() as u64, read).now_or_never().expect("in-memory reads are ready")
    }

    fn zip_of(entries: &[(&str, usize)], comment: Option<&str>) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, size) in entries {
            if name.ends_with('/') {
                writer.add_directory(name.trim_end_matches('/'), options).unwrap();
            } else {
                writer.start_file(*name, options).unwrap();
                writer.write_all(&vec![7u8; *size]).unwrap();
            }
        }
        if let Some(comment) = comment {
            writer.set_comment(comment);
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn counts_sheets_by_the_rule_and_finds_task_folders() {
        let file = zip_of(
            &[
                ("12300145/", 0),
                ("12300145/cover.JPG", 200_000),
                ("12300145/p001.jpeg", 600_000),
                ("12300146/p001.png", 700_000),
                ("__MACOSX/12300145/._cover.JPG", 100),
                ("12300146/._p001.png", 100),
                ("12300146/.DS_Store", 100),
                ("notes.txt", 10),
                ("inner.zip", 10),
                ("12300146/deep/p002.jpg", 10),
            ],
            Some("made by a scanner"),
        );
        let summary = check_bytes(&file).unwrap();
        assert_eq!(summary.sheets, 4, "__MACOSX and ._ files are not sheets");
        assert_eq!(summary.task_folders.iter().collect::<Vec<_>>(), ["12300145", "12300146"]);
        assert_eq!((summary.other_files, summary.nested_zips, summary.deep_images), (2, 1, 1));
        assert_eq!(summary.odd_sized_images, 1, "the 10-byte image only");
        assert!(summary.has_warnings());
    }

    #[test]
    fn refuses_what_the_server_would_fail_later() {
        assert_eq!(check_bytes(b""), Err(ZipRefusal::NotAZip), "a 0-byte file");
        assert_eq!(check_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), Err(ZipRefusal::NotAZip), "a renamed PDF");
        assert_eq!(check_bytes(&zip_of(&[("a/", 0), ("a/b/", 0)], None)), Err(ZipRefusal::NoSheets), "only folders");
        assert_eq!(check_bytes(&zip_of(&[("readme.txt", 5)], None)), Err(ZipRefusal::NoSheets));
        let mut empty = zip_of(&[], None);
        assert_eq!(check_bytes(&empty), Err(ZipRefusal::NoSheets), "an empty ZIP");
        empty.truncate(10);
        assert_eq!(check_bytes(&empty), Err(ZipRefusal::NotAZip));
    }

    #[test]
    fn damaged_directories_are_refused() {
        let file = zip_of(&[("12300145/p001.jpg", 1000), ("12300145/p002.jpg", 1000)], None);
        // Cut in the middle of the central directory (the end record kept, as a bad copy does).
        let end = file.len() - 22;
        let mut cut = file[..end - 40].to_vec();
        cut.extend_from_slice(&file[end..]);
        assert_eq!(check_bytes(&cut), Err(ZipRefusal::Damaged));
        // A directory that claims to reach beyond the end of the file.
        let mut beyond = file.clone();
        beyond[end + 12..end + 16].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
        assert_eq!(check_bytes(&beyond), Err(ZipRefusal::Damaged));
        // An entry count larger than the directory holds.
        let mut more = file.clone();
        more[end + 10..end + 12].copy_from_slice(&9u16.to_le_bytes());
        assert_eq!(check_bytes(&more), Err(ZipRefusal::Damaged));
    }

    #[test]
    fn encrypted_entries_are_refused() {
        let mut file = zip_of(&[("12300145/p001.jpg", 1000)], None);
        let directory = match locate(&file, file.len() as u64).unwrap() {
            Located::Directory(d) => d,
            other => panic!("{other:?}"),
        };
        let flags = directory.offset as usize + 8;
        file[flags] |= 1;
        assert_eq!(check_bytes(&file), Err(ZipRefusal::Encrypted { entries: 1 }));
    }

    #[test]
    fn zip64_with_70_000_entries_is_read_from_a_few_slices() {
        let names: Vec<String> = (0..70_000).map(|i| format!("12300145/{i:05}.jpg")).collect();
        let entries: Vec<(&str, usize)> = names.iter().map(|n| (n.as_str(), 1)).collect();
        let file = zip_of(&entries, None);
        let size = file.len() as u64;
        let tail_start = size.saturating_sub(TAIL_BYTES) as usize;
        let Located::Zip64 { record_offset } = locate(&file[tail_start..], size).unwrap() else {
            panic!("more than 65 535 entries need ZIP64")
        };
        let record = &file[record_offset as usize..(record_offset + ZIP64_RECORD_BYTES) as usize];
        let directory = locate_zip64(record, size).unwrap();
        assert_eq!(directory.entries, 70_000);
        let summary = check_bytes(&file).unwrap();
        assert_eq!(summary.sheets, 70_000);
    }

    #[test]
    fn the_check_reads_a_few_kilobytes_whatever_the_file_size() {
        let sheets: Vec<String> = (0..51).map(|i| format!("1230014{}/p{i:03}.jpg", i % 2)).collect();
        let entries: Vec<(&str, usize)> = sheets.iter().map(|n| (n.as_str(), 600_000)).collect();
        let file = zip_of(&entries, None);
        let size = file.len() as u64;
        let tail = &file[size.saturating_sub(TAIL_BYTES) as usize..];
        let Located::Directory(directory) = locate(tail, size).unwrap() else { panic!("not ZIP64") };
        // What is read: the tail (at most 64 KiB + 42 bytes) and the directory.
        let read = tail.len() as u64 + directory.size;
        assert!(size > 30_000_000, "a 30 MB ZIP");
        assert!(directory.size < 4_096, "51 entries' directory: {} bytes", directory.size);
        assert!(read <= TAIL_BYTES + 4_096, "{read} bytes read of {size}");
        let summary = check_bytes(&file).unwrap();
        assert_eq!((summary.sheets, summary.task_folders.len()), (51, 2));
        assert!(!summary.has_warnings());
    }

    #[test]
    fn random_bytes_never_panic() {
        // A small xorshift generator: the same bytes on every run.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let valid = zip_of(&[("12300145/p001.jpg", 100), ("12300145/p002.jpg", 100)], Some("c"));
        for round in 0..3_000 {
            let mut bytes = if round % 2 == 0 {
                (0..(next() % 400) as usize).map(|_| next() as u8).collect::<Vec<u8>>()
            } else {
                valid.clone()
            };
            // Flip a few bytes, and sometimes plant end signatures where they do not belong.
            for _ in 0..(next() % 8) {
                if !bytes.is_empty() {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            if round % 5 == 0 && bytes.len() >= 22 {
                let at = (next() as usize) % (bytes.len() - 21);
                bytes[at..at + 4].copy_from_slice(&END_SIGNATURE.to_le_bytes());
            }
            let _ = check_bytes(&bytes);
        }
    }
}
