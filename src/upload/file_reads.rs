//! What the upload form reads from a picked file before sending it: a few slices, never the
//! whole file (`Blob.slice` + `arrayBuffer`).

use super::resume;
use super::zip_scan::{self, ZipRefusal, ZipSummary};
use web_sys::File;

/// Bytes `[start, end)` of `file`; `None` when the browser cannot read them.
pub async fn read_slice(file: &File, start: u64, end: u64) -> Option<Vec<u8>> {
    let part = file.slice_with_f64_and_f64(start as f64, end as f64).ok()?;
    let buffer = wasm_bindgen_futures::JsFuture::from(part.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The first and last 64 KiB of `file`, for its resume fingerprint.
pub async fn read_sample(file: &File) -> Vec<u8> {
    let mut sample = Vec::new();
    for (start, end) in resume::sample_ranges(file.size() as u64) {
        sample.extend(read_slice(file, start, end).await.unwrap_or_default());
    }
    sample
}

/// The pre-flight check of a ZIP: its end record, ZIP64 record if any, and central directory.
pub async fn scan_zip(file: &File) -> Result<ZipSummary, ZipRefusal> {
    zip_scan::scan(file.size() as u64, |start, end| read_slice(file, start, end)).await
}
