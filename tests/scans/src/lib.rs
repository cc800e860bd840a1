//! Seeded scanner-like ZIPs: the QR cover sheets, damaged covers and answer sheets that a
//! school's scanner produces, as greyscale A4 JPEGs at 200 dpi, for the stand-in's fixture
//! route, the browser tests and the upload benchmark.
//!
//! A page is a pure function of its kind and seed; a ZIP is a pure function of its layout,
//! seed and compression. The sizes follow the earlier client's rules (contract §5.1): covers
//! 140–320 KB, answer sheets 500–1000 KB.
//!
//! Layouts are comma-separated tokens, see [`parse_layout`]: `C:14900113,S*16,D,S*3`.

mod page;
mod rng;

use std::io::{Cursor, Seek, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

pub use page::{PAGE_HEIGHT, PAGE_WIDTH};

/// What one page of a layout is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    /// A cover sheet whose QR code holds this text (a task id such as `14900113`, or anything).
    Cover(String),
    /// A cover whose QR code is blotted beyond error correction; its finder patterns remain.
    DamagedCover,
    /// An answer sheet: bubbles and lines, no QR code.
    AnswerSheet,
}

/// The most pages a layout may hold: entry names have four digits, so that they sort in order.
pub const MAX_PAGES: usize = 9999;

/// The longest QR payload a layout may give, in bytes: any such text fits a QR code.
pub const MAX_PAYLOAD: usize = 1000;

/// Reads a layout: comma-separated tokens `C:<payload>` (a cover with that QR payload), `D`
/// (a damaged cover) and `S` (an answer sheet), each optionally followed by `*N` to repeat it
/// N times (`S*16`, `D*2`, `C:14900113*2`). Spaces around tokens are ignored; a payload holds
/// no comma and at most [`MAX_PAYLOAD`] bytes.
pub fn parse_layout(layout: &str) -> Result<Vec<Page>, String> {
    let mut pages = Vec::new();
    for (position, raw) in layout.split(',').enumerate() {
        let token = raw.trim();
        let at = || format!("token {} (`{token}`)", position + 1);
        if token.is_empty() {
            return Err(format!("Empty {}: expected C:<payload>, D or S", at()));
        }
        // A `*N` suffix repeats the token; a payload may itself hold `*` when no count follows.
        let (body, count) = match token.rsplit_once('*') {
            Some((body, count)) if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) => {
                let count: usize = count.parse().map_err(|_| format!("Repeat count too large in {}", at()))?;
                if count == 0 {
                    return Err(format!("Repeat count must be at least 1 in {}", at()));
                }
                (body, count)
            }
            _ => (token, 1),
        };
        let page = match body {
            "S" => Page::AnswerSheet,
            "D" => Page::DamagedCover,
            _ => match body.strip_prefix("C:") {
                Some("") => return Err(format!("Empty QR payload in {}", at())),
                Some(payload) if payload.len() > MAX_PAYLOAD => {
                    return Err(format!("QR payload over {MAX_PAYLOAD} bytes in token {}", position + 1))
                }
                Some(payload) => Page::Cover(payload.to_string()),
                None => {
                    return Err(format!("Unknown page in {}: expected C:<payload>, D or S, each optionally *N", at()))
                }
            },
        };
        if pages.len() + count > MAX_PAGES {
            return Err(format!("Layout holds more than {MAX_PAGES} pages"));
        }
        pages.extend(std::iter::repeat_n(page, count));
    }
    Ok(pages)
}

/// A cover sheet whose QR code holds `payload`: printed text, the code ~40 mm wide in the top
/// third, turned by up to ±3°, with scanner noise. 140–320 KB.
pub fn cover_jpeg(payload: &str, seed: u64) -> Vec<u8> {
    page::cover(Some(payload), seed)
}

/// A cover whose QR code a decoder may find (its finder patterns are intact) but cannot read:
/// an ink blot covers most of its data. 140–320 KB.
pub fn damaged_cover_jpeg(seed: u64) -> Vec<u8> {
    page::cover(None, seed)
}

/// An answer sheet: timing marks, an id grid and 120 questions of five bubbles, some filled,
/// with scanner noise. 500–1000 KB.
pub fn answer_sheet_jpeg(seed: u64) -> Vec<u8> {
    page::answer_sheet(seed)
}

/// The JPEG of one page.
pub fn page_jpeg(page: &Page, seed: u64) -> Vec<u8> {
    match page {
        Page::Cover(payload) => cover_jpeg(payload, seed),
        Page::DamagedCover => damaged_cover_jpeg(seed),
        Page::AnswerSheet => answer_sheet_jpeg(seed),
    }
}

/// The ZIP entry name of the page at `index` (0-based): `scans/0001.jpg`, `scans/0002.jpg`, …
pub fn entry_name(index: usize) -> String {
    format!("scans/{:04}.jpg", index + 1)
}

/// The seed of the page at `index` of a ZIP made with `seed`: each page differs, as scans do.
pub fn page_seed(seed: u64, index: usize) -> u64 {
    rng::SplitMix64::new(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F)).next_u64()
}

/// The ZIP of `layout` in memory; see [`write_zip`].
pub fn build_zip(layout: &str, seed: u64, deflate: bool) -> Result<Vec<u8>, String> {
    write_zip(layout, seed, deflate, Cursor::new(Vec::new())).map(Cursor::into_inner)
}

/// Writes the ZIP of `layout` to `out` and hands `out` back: one entry per page, named by
/// [`entry_name`], stored (method 0) or, with `deflate`, deflated. Pages are made on every core
/// and written in order as they come, so only a few pages are held at once.
pub fn write_zip<W: Write + Seek>(layout: &str, seed: u64, deflate: bool, out: W) -> Result<W, String> {
    let pages = parse_layout(layout)?;
    let method = if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    // A fixed date: the same layout and seed give the same bytes.
    let date = zip::DateTime::from_date_and_time(2025, 6, 2, 8, 30, 0).map_err(|e| e.to_string())?;
    let options = zip::write::SimpleFileOptions::default().compression_method(method).last_modified_time(date);
    let mut writer = zip::ZipWriter::new(out);
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(pages.len().max(1));
    let next = AtomicUsize::new(0);
    // Bounded, so that fast workers cannot pile pages up while the writer is busy.
    let (send, receive) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers * 2);
    let written = std::thread::scope(|scope| -> Result<(), String> {
        for _ in 0..workers {
            let send = send.clone();
            let (pages, next) = (&pages, &next);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(page) = pages.get(index) else { break };
                if send.send((index, page_jpeg(page, page_seed(seed, index)))).is_err() {
                    break; // The writer failed and stopped listening.
                }
            });
        }
        drop(send);
        // Pages finish out of order; each waits here until those before it are written.
        let mut waiting = std::collections::BTreeMap::new();
        let mut due = 0;
        for (index, jpeg) in receive {
            waiting.insert(index, jpeg);
            while let Some(jpeg) = waiting.remove(&due) {
                writer.start_file(entry_name(due), options).map_err(|e| e.to_string())?;
                writer.write_all(&jpeg).map_err(|e| e.to_string())?;
                due += 1;
            }
        }
        Ok(())
    });
    written?;
    writer.finish().map_err(|e| e.to_string())
}
