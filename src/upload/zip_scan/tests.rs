//! The pre-flight check against real ZIPs (the `zip` crate) and crafted bytes.

use super::*;
use futures_util::FutureExt;
use std::io::Write;
use zip::write::SimpleFileOptions;

/// The check over bytes in memory (the reads are ready at once).
pub(super) fn check_bytes(file: &[u8]) -> Result<ZipSummary, ZipRefusal> {
    let read = |start: u64, end: u64| std::future::ready(file.get(start as usize..end as usize).map(<[u8]>::to_vec));
    scan(file.len() as u64, read).now_or_never().expect("in-memory reads are ready")
}

/// A real ZIP (stored entries of `size` bytes each, folders for names ending in `/`).
pub(super) fn zip_of(entries: &[(&str, usize)], comment: Option<&str>) -> Vec<u8> {
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

/// A file of any size that exists only as its reads: `tail` at its end, `fill(offset)` for
/// every other byte. Records every read the check asks for.
pub(super) struct VirtualFile<F: Fn(u64) -> u8> {
    pub size: u64,
    pub tail: Vec<u8>,
    pub fill: F,
    pub reads: std::cell::RefCell<Vec<(u64, u64)>>,
}

impl<F: Fn(u64) -> u8> VirtualFile<F> {
    pub fn new(size: u64, tail: Vec<u8>, fill: F) -> Self {
        VirtualFile { size, tail, fill, reads: Default::default() }
    }

    pub fn check(&self) -> Result<ZipSummary, ZipRefusal> {
        let tail_start = self.size - self.tail.len() as u64;
        let read = |start: u64, end: u64| {
            self.reads.borrow_mut().push((start, end));
            let bytes = (start < end && end <= self.size).then(|| {
                (start..end)
                    .map(|at| if at >= tail_start { self.tail[(at - tail_start) as usize] } else { (self.fill)(at) })
                    .collect()
            });
            std::future::ready(bytes.or_else(|| (start == end).then(Vec::new)))
        };
        scan(self.size, read).now_or_never().expect("virtual reads are ready")
    }

    /// Bytes asked for, in all.
    pub fn bytes_read(&self) -> u64 {
        self.reads.borrow().iter().map(|(start, end)| end - start).sum()
    }
}

/// An end record (no comment) for a directory of `entries` entries, `size` bytes at `offset`.
pub(super) fn end_record(entries: u16, size: u32, offset: u32) -> Vec<u8> {
    let mut record = END_SIGNATURE.to_le_bytes().to_vec();
    record.extend_from_slice(&[0, 0, 0, 0]);
    record.extend_from_slice(&entries.to_le_bytes());
    record.extend_from_slice(&entries.to_le_bytes());
    record.extend_from_slice(&size.to_le_bytes());
    record.extend_from_slice(&offset.to_le_bytes());
    record.extend_from_slice(&[0, 0]);
    record
}

/// One directory entry of a stored file `name` of `size` bytes.
fn entry(name: &str, size: u32) -> Vec<u8> {
    let mut e = 0x0201_4b50u32.to_le_bytes().to_vec();
    e.resize(24, 0);
    e.extend_from_slice(&size.to_le_bytes());
    e.extend_from_slice(&(name.len() as u16).to_le_bytes());
    e.resize(46, 0);
    e.extend_from_slice(name.as_bytes());
    e
}

#[test]
fn a_3_gb_file_claiming_a_directory_of_nearly_all_of_it_is_refused_from_its_tail() {
    let size = 3 * 1024 * 1024 * 1024u64;
    let claimed = (size - 10_000) as u32;
    let file = VirtualFile::new(size, end_record(1_000, claimed, 10), |_| 0);
    assert_eq!(file.check(), Err(ZipRefusal::DirectoryTooLarge { bytes: u64::from(claimed) }));
    assert_eq!(file.bytes_read(), TAIL_BYTES, "the tail only: {:?}", file.reads.borrow());
}

#[test]
fn more_entries_than_the_directory_has_room_for_is_damage() {
    // 1 000 entries cannot fit in 46 000 - 1 bytes: refused before the directory is read.
    let size = 10_000_000u64;
    let file = VirtualFile::new(size, end_record(1_000, 45_999, 1_000), |_| 0);
    assert_eq!(file.check(), Err(ZipRefusal::Damaged));
    assert_eq!(file.bytes_read(), TAIL_BYTES);
}

#[test]
fn a_directory_at_the_cap_is_read_in_slices_with_entries_across_them() {
    // The cap's worth of 67-byte entries (a 21-byte name): 250 406 entries, most slices cut one.
    let one = entry("12300145/p0000001.jpg", 600_000);
    let count = MAX_DIRECTORY_BYTES / one.len() as u64;
    let directory_size = count * one.len() as u64;
    let offset = 4_000_000_000u64;
    let size = offset + directory_size + 22;
    let (count16, size32) = (0xFFFFu16, 0xFFFF_FFFFu32);
    // ZIP64: the count does not fit 16 bits.
    let mut tail = Vec::new();
    let record_offset = offset + directory_size;
    tail.extend_from_slice(&0x0606_4b50u32.to_le_bytes());
    tail.extend_from_slice(&44u64.to_le_bytes());
    tail.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    tail.extend_from_slice(&count.to_le_bytes());
    tail.extend_from_slice(&count.to_le_bytes());
    tail.extend_from_slice(&directory_size.to_le_bytes());
    tail.extend_from_slice(&offset.to_le_bytes());
    tail.extend_from_slice(&0x0706_4b50u32.to_le_bytes());
    tail.extend_from_slice(&0u32.to_le_bytes());
    tail.extend_from_slice(&record_offset.to_le_bytes());
    tail.extend_from_slice(&1u32.to_le_bytes());
    tail.extend_from_slice(&END_SIGNATURE.to_le_bytes());
    tail.extend_from_slice(&[0xFF; 4]);
    tail.extend_from_slice(&count16.to_le_bytes());
    tail.extend_from_slice(&count16.to_le_bytes());
    tail.extend_from_slice(&size32.to_le_bytes());
    tail.extend_from_slice(&size32.to_le_bytes());
    tail.extend_from_slice(&[0, 0]);
    let size = size + tail.len() as u64 - 22;
    let file = VirtualFile::new(size, tail, |at| one[((at - offset) % one.len() as u64) as usize]);
    let summary = file.check().expect("a directory at the cap is read");
    assert_eq!(summary.sheets, count);
    assert_eq!(summary.task_folders.len(), 1);
    let reads = file.reads.borrow();
    assert!(reads.iter().all(|(start, end)| end - start <= SLICE_BYTES.max(TAIL_BYTES)), "{reads:?}");
    assert!(file.bytes_read() <= TAIL_BYTES + ZIP64_RECORD_BYTES + MAX_DIRECTORY_BYTES);
}

#[test]
fn split_archives_are_named_as_such() {
    let mut file = zip_of(&[("12300145/p001.jpg", 100)], None);
    let end = file.len() - 22;
    // The last part of a split set: its end record names disk 2.
    file[end + 4..end + 6].copy_from_slice(&2u16.to_le_bytes());
    file[end + 6..end + 8].copy_from_slice(&2u16.to_le_bytes());
    assert_eq!(check_bytes(&file), Err(ZipRefusal::Split));
}

#[test]
fn a_file_that_cannot_be_read_is_not_called_damaged() {
    let file = zip_of(&[("12300145/p001.jpg", 100)], None);
    let directory_start = {
        let Located::Directory(d) = locate(&file, file.len() as u64).unwrap() else { panic!("not ZIP64") };
        d.offset
    };
    // The browser hands over the tail, then fails (the file was deleted meanwhile).
    let read = |start: u64, end: u64| {
        std::future::ready((start != directory_start).then(|| file[start as usize..end as usize].to_vec()))
    };
    assert_eq!(scan(file.len() as u64, read).now_or_never().unwrap(), Err(ZipRefusal::Unreadable));
}

#[test]
fn task_folders_are_kept_up_to_the_cap() {
    let mut directory = Vec::new();
    let count = MAX_TASK_FOLDERS + 500;
    for i in 0..count {
        directory.extend(entry(&format!("{:08}/p.jpg", 10_000_000 + i), 600_000));
    }
    let mut walk = DirectoryWalk::<false>::new(count as u64);
    walk.feed(&directory).unwrap();
    let summary = walk.finish().unwrap();
    assert_eq!((summary.sheets, summary.task_folders.len()), (count as u64, MAX_TASK_FOLDERS));
}

#[test]
fn garbage_after_a_cut_entry_head_is_damage_not_a_wait() {
    let mut walk = DirectoryWalk::<false>::new(2);
    walk.feed(&entry("a.jpg", 1)).unwrap();
    assert_eq!(walk.feed(b"PK\x01"), Ok(()), "the start of an entry: wait for more");
    let mut walk = DirectoryWalk::<false>::new(2);
    walk.feed(&entry("a.jpg", 1)).unwrap();
    assert_eq!(walk.feed(b"XX"), Err(ZipRefusal::Damaged));
}

#[test]
fn a_walk_keeping_sheets_says_where_each_image_is_stored_or_deflated() {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("scans/0001.jpg", stored).unwrap();
    writer.write_all(&[1u8; 1000]).unwrap();
    writer.start_file("scans/notes.txt", stored).unwrap();
    writer.write_all(b"not a sheet").unwrap();
    // ZIP64 extra fields for sizes and offset, as a writer makes them past 4 GiB.
    writer.start_file("scans/0002.JPG", deflated.large_file(true)).unwrap();
    writer.write_all(&[2u8; 5000]).unwrap();
    let file = writer.finish().unwrap().into_inner();
    let read = |start: u64, end: u64| std::future::ready(file.get(start as usize..end as usize).map(<[u8]>::to_vec));
    let summary = scan_keeping_sheets(file.len() as u64, read).now_or_never().unwrap().unwrap();
    let archive = zip::ZipArchive::new(std::io::Cursor::new(file.clone())).unwrap();
    let names: Vec<&str> = summary.sheet_entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["scans/0001.jpg", "scans/0002.JPG"]);
    assert!(!summary.sheets_cut_off);
    let mut archive = archive;
    for entry in &summary.sheet_entries {
        let real = archive.by_name(&entry.name).unwrap();
        assert_eq!(entry.header_offset, real.header_start());
        assert_eq!((entry.size, entry.compressed_size), (real.size(), real.compressed_size()));
        assert_eq!(entry.method, if entry.name.ends_with("JPG") { 8 } else { 0 });
    }
    // A walk not asked to keep them keeps none.
    assert!(check_bytes(&file).unwrap().sheet_entries.is_empty());
}

#[test]
fn zip64_extra_fields_hold_only_the_values_that_overflowed() {
    let mut extra = vec![0x01, 0x00, 16, 0];
    extra.extend(5_000_000_000u64.to_le_bytes());
    extra.extend(6_000_000_000u64.to_le_bytes());
    assert_eq!(directory::zip64_values(&extra, [0xFFFF_FFFF, 1234, 0xFFFF_FFFF]), [5_000_000_000, 1234, 6_000_000_000]);
    assert_eq!(directory::zip64_values(&[], [1, 2, 3]), [1, 2, 3]);
    // A field that claims more than it holds keeps the 32-bit value, never panics.
    assert_eq!(directory::zip64_values(&extra[..10], [0xFFFF_FFFF, 1, 0xFFFF_FFFF]), [0xFFFF_FFFF, 1, 0xFFFF_FFFF]);
}

#[test]
fn an_entrys_data_start_after_its_own_local_header() {
    let file = zip_of(&[("scans/0001.jpg", 10), ("scans/0002.jpg", 20)], None);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(file.clone())).unwrap();
    for name in ["scans/0001.jpg", "scans/0002.jpg"] {
        let entry = archive.by_name(name).unwrap();
        let at = entry.header_start();
        let header = &file[at as usize..(at + LOCAL_HEADER_BYTES) as usize];
        assert_eq!(local_data_start(header, at), Some(entry.data_start()));
    }
    // Not a local header, or cut short: no answer, no panic.
    assert_eq!(local_data_start(&[0u8; 30], 0), None);
    assert_eq!(local_data_start(&file[..10], 0), None);
}
