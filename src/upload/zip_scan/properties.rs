//! Property tests of the pre-flight check (fixed seed, see `crate::property_tests`): whatever
//! the bytes, it answers without panicking and never asks for more than its caps.

use super::tests::{check_bytes, end_record, zip_of, VirtualFile};
use super::*;
use proptest::prelude::*;

/// The most the check may read, in all and in one read.
const MOST_READ: u64 = TAIL_BYTES + ZIP64_RECORD_BYTES + MAX_DIRECTORY_BYTES;

fn within_caps<F: Fn(u64) -> u8>(file: &VirtualFile<F>) -> Result<(), TestCaseError> {
    let reads = file.reads.borrow();
    prop_assert!(reads.iter().all(|(start, end)| start <= end && end - start <= TAIL_BYTES.max(SLICE_BYTES)));
    prop_assert!(file.bytes_read() <= MOST_READ, "{} bytes", file.bytes_read());
    Ok(())
}

/// A small archive of sheet-like entries, made by the `zip` crate.
fn archive() -> impl Strategy<Value = Vec<u8>> {
    let entry =
        ("[0-9]{8}", "[a-zA-Z0-9ก-ฮ._ ]{0,12}", prop::sample::select(vec![".jpg", ".PNG", ".txt", "/"]), 0..300usize);
    (prop::collection::vec(entry, 0..12), prop::option::of("[ -~]{0,40}")).prop_map(|(entries, comment)| {
        let names: Vec<(String, usize)> =
            entries.into_iter().map(|(folder, stem, ext, size)| (format!("{folder}/{stem}{ext}"), size)).collect();
        let mut unique: Vec<(&str, usize)> = Vec::new();
        for (name, size) in &names {
            if !unique.iter().any(|(n, _)| n == name) {
                unique.push((name, *size));
            }
        }
        zip_of(&unique, comment.as_deref())
    })
}

proptest! {
    #![proptest_config(crate::property_tests::seeded(256))]

    #[test]
    fn arbitrary_bytes_are_answered(bytes in prop::collection::vec(any::<u8>(), 0..4_096)) {
        let _ = check_bytes(&bytes);
    }

    #[test]
    fn mutated_archives_are_answered_within_the_caps(
        file in archive(),
        mutations in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = file.clone();
        for (at, value) in &mutations {
            let at = at.index(bytes.len());
            bytes[at] = *value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        let virtual_file = VirtualFile::new(bytes.len() as u64, bytes.clone(), |_| 0);
        let answer = virtual_file.check();
        within_caps(&virtual_file)?;
        prop_assert_eq!(answer, check_bytes(&bytes));
        if mutations.is_empty() && !truncate {
            // Unharmed, the archive reads as what it holds.
            let sheets = check_bytes(&file).map(|s| s.sheets).unwrap_or(0);
            let expected = zip::ZipArchive::new(std::io::Cursor::new(&file)).map(|a| {
                a.file_names().filter(|n| is_sheet_image(n)).count() as u64
            }).unwrap_or(0);
            prop_assert_eq!(sheets, expected);
        }
    }

    #[test]
    fn crafted_end_records_of_huge_files_never_read_past_the_caps(
        size in 100_000u64..=8 * 1024 * 1024 * 1024,
        entries in any::<u16>(),
        directory_size in any::<u32>(),
        offset in any::<u32>(),
        fill in any::<u8>(),
    ) {
        let file = VirtualFile::new(size, end_record(entries, directory_size, offset), move |at| fill ^ (at as u8));
        let _ = file.check();
        within_caps(&file)?;
    }
}
