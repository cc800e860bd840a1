//! The generated pages against the contract's size rules (§5.1) and an independent QR reader,
//! and the layouts and ZIPs built from them.

use omr_scans::{
    answer_sheet_jpeg, build_zip, cover_jpeg, damaged_cover_jpeg, entry_name, page_jpeg, page_seed, parse_layout, Page,
    PAGE_HEIGHT, PAGE_WIDTH,
};
use std::io::{Cursor, Read};

const COVER_BYTES: std::ops::RangeInclusive<usize> = 140_000..=320_000;
const SHEET_BYTES: std::ops::RangeInclusive<usize> = 500_000..=1_000_000;

/// The texts of every QR code rqrr decodes in a JPEG, and how many codes it found at all.
fn read_qr(jpeg: &[u8]) -> (Vec<String>, usize) {
    let image = image::load_from_memory(jpeg).expect("a JPEG").to_luma8();
    assert_eq!((image.width() as usize, image.height() as usize), (PAGE_WIDTH, PAGE_HEIGHT));
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(PAGE_WIDTH, PAGE_HEIGHT, |x, y| {
        image.get_pixel(x as u32, y as u32).0[0]
    });
    let grids = prepared.detect_grids();
    let texts = grids.iter().filter_map(|grid| grid.decode().ok()).map(|(_, text)| text).collect();
    (texts, grids.len())
}

#[test]
fn covers_read_back_their_payload_and_fall_in_the_cover_size_range() {
    for (seed, payload) in [(1, "14900113"), (2, "23456789"), (3, "Task 14900113 room 3 ภาค2-3")] {
        let jpeg = cover_jpeg(payload, seed);
        assert!(COVER_BYTES.contains(&jpeg.len()), "cover {seed}: {} bytes", jpeg.len());
        assert_eq!(read_qr(&jpeg).0, [payload], "cover {seed}");
    }
}

#[test]
fn damaged_covers_are_cover_sized_but_unreadable() {
    for seed in [4, 5, 6] {
        let jpeg = damaged_cover_jpeg(seed);
        assert!(COVER_BYTES.contains(&jpeg.len()), "damaged cover {seed}: {} bytes", jpeg.len());
        let (texts, found) = read_qr(&jpeg);
        assert!(texts.is_empty(), "damaged cover {seed} decoded: {texts:?} ({found} codes found)");
        assert_eq!(found, 1, "damaged cover {seed}: its finder patterns still show a code to a decoder");
    }
}

#[test]
fn answer_sheets_are_sheet_sized_and_hold_no_code() {
    for seed in [7, 8] {
        let jpeg = answer_sheet_jpeg(seed);
        assert!(SHEET_BYTES.contains(&jpeg.len()), "sheet {seed}: {} bytes", jpeg.len());
        assert!(read_qr(&jpeg).0.is_empty());
    }
}

#[test]
fn pages_follow_from_kind_and_seed_alone() {
    assert_eq!(cover_jpeg("14900113", 11), cover_jpeg("14900113", 11));
    assert_ne!(cover_jpeg("14900113", 11), cover_jpeg("14900113", 12));
    assert_eq!(answer_sheet_jpeg(3), page_jpeg(&Page::AnswerSheet, 3));
}

#[test]
fn layouts_are_read_token_by_token_with_repeats() {
    let pages = parse_layout("C:14900113, S*3 ,D*2,C:a*b,C:x*2,S").unwrap();
    let cover = |text: &str| Page::Cover(text.to_string());
    let expected = [
        cover("14900113"),
        Page::AnswerSheet,
        Page::AnswerSheet,
        Page::AnswerSheet,
        Page::DamagedCover,
        Page::DamagedCover,
        cover("a*b"),
        cover("x"),
        cover("x"),
        Page::AnswerSheet,
    ];
    assert_eq!(pages, expected);
}

#[test]
fn bad_layouts_are_refused_naming_the_token() {
    let error = |layout: &str| parse_layout(layout).unwrap_err();
    assert_eq!(error(""), "Empty token 1 (``): expected C:<payload>, D or S");
    assert_eq!(error("S,,S"), "Empty token 2 (``): expected C:<payload>, D or S");
    assert_eq!(error("S,X"), "Unknown page in token 2 (`X`): expected C:<payload>, D or S, each optionally *N");
    assert_eq!(error("s"), "Unknown page in token 1 (`s`): expected C:<payload>, D or S, each optionally *N");
    assert_eq!(error("C:"), "Empty QR payload in token 1 (`C:`)");
    assert_eq!(error("S*0"), "Repeat count must be at least 1 in token 1 (`S*0`)");
    assert_eq!(error("S*99999999999999999999999"), "Repeat count too large in token 1 (`S*99999999999999999999999`)");
    assert_eq!(error("S*9999,D"), "Layout holds more than 9999 pages");
    assert_eq!(error(&format!("C:{}", "x".repeat(1001))), "QR payload over 1000 bytes in token 1");
    assert!(parse_layout("S*9999").is_ok());
}

#[test]
fn zips_hold_the_pages_in_order_stored_or_deflated() {
    let layout = "C:14900113,S,D";
    let stored = build_zip(layout, 42, false).unwrap();
    assert_eq!(stored, build_zip(layout, 42, false).unwrap(), "the same bytes every time");
    let deflated = build_zip(layout, 42, true).unwrap();
    let pages = parse_layout(layout).unwrap();
    for (bytes, method) in [(stored, zip::CompressionMethod::Stored), (deflated, zip::CompressionMethod::Deflated)] {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        assert_eq!(archive.file_names().count(), 3);
        for (index, page) in pages.iter().enumerate() {
            let mut entry = archive.by_index(index).unwrap();
            assert_eq!(entry.name(), entry_name(index));
            assert_eq!(entry.compression(), method);
            let mut jpeg = Vec::new();
            entry.read_to_end(&mut jpeg).unwrap();
            assert_eq!(jpeg, page_jpeg(page, page_seed(42, index)));
        }
    }
    assert_eq!(entry_name(0), "scans/0001.jpg");
    assert_eq!(build_zip("S,Q", 1, false).unwrap_err(), parse_layout("S,Q").unwrap_err());
}
