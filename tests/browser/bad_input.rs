//! Crafted archives in Chromium: files of gigabytes made of one repeated Blob (they cost no
//! memory), checked by the pre-flight through real `File.slice` reads. Prints how long each
//! check took and how much wasm memory grew; fails on what was read, never on timing.

use crate::support::wasm_memory_bytes;
use omr_web::upload::file_reads::read_slice;
use omr_web::upload::zip_scan::{self, ZipRefusal, ZipSummary, MAX_DIRECTORY_BYTES, SLICE_BYTES, TAIL_BYTES};
use std::cell::RefCell;
use wasm_bindgen_test::wasm_bindgen_test;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// A file of `filler` repeated `times` times (the same Blob, so no memory), then `directory`
/// repeated `directory_times` times, then `tail`.
fn crafted(filler_times: u32, directory: &[u8], directory_times: u32, tail: &[u8]) -> web_sys::File {
    let parts = js_sys::Array::new();
    let filler = web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(
        &vec![0u8; MIB as usize][..],
    )))
    .unwrap();
    for _ in 0..filler_times {
        parts.push(&filler);
    }
    let block = js_sys::Uint8Array::from(directory);
    for _ in 0..directory_times {
        parts.push(&block);
    }
    parts.push(&js_sys::Uint8Array::from(tail));
    web_sys::File::new_with_blob_sequence(&parts, "crafted.zip").unwrap()
}

/// The check through real slices, recording every read; its answer, the reads and the time.
async fn check(file: &web_sys::File) -> (Result<ZipSummary, ZipRefusal>, Vec<(u64, u64)>, f64) {
    let reads = RefCell::new(Vec::new());
    let started = js_sys::Date::now();
    let answer = zip_scan::scan(file.size() as u64, |start, end| {
        reads.borrow_mut().push((start, end));
        read_slice(file, start, end)
    })
    .await;
    (answer, reads.into_inner(), js_sys::Date::now() - started)
}

#[wasm_bindgen_test]
async fn a_3_gib_file_claiming_a_directory_of_nearly_all_of_it_is_refused_from_its_tail() {
    let size = 3 * GIB + 22;
    let claimed = (size - 1_000) as u32;
    let mut end = vec![0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0xe8, 0x03, 0xe8, 0x03];
    end.extend_from_slice(&claimed.to_le_bytes());
    end.extend_from_slice(&10u32.to_le_bytes());
    end.extend_from_slice(&[0, 0]);
    let file = crafted(3 * 1024, &[], 0, &end);
    assert_eq!(file.size() as u64, size);
    let memory_before = wasm_memory_bytes();
    let (answer, reads, ms) = check(&file).await;
    web_sys::console::log_1(
        &format!("pre-flight of a crafted 3 GiB file: {ms} ms, wasm memory +{} B", wasm_memory_bytes() - memory_before)
            .into(),
    );
    assert_eq!(answer, Err(ZipRefusal::DirectoryTooLarge { bytes: u64::from(claimed) }));
    assert_eq!(reads, [(size - TAIL_BYTES, size)], "the tail only");
}

#[wasm_bindgen_test]
async fn a_3_gib_file_with_a_directory_at_the_cap_is_read_in_slices() {
    // 15 650 entries of 67 bytes (a 21-byte name) per block, 16 blocks: just under the 16 MiB cap.
    let mut entry = vec![0x50, 0x4b, 0x01, 0x02];
    entry.resize(24, 0);
    entry.extend_from_slice(&600_000u32.to_le_bytes());
    entry.extend_from_slice(&21u16.to_le_bytes());
    entry.resize(46, 0);
    entry.extend_from_slice(b"12300145/p0000001.jpg");
    let block: Vec<u8> = entry.iter().copied().cycle().take(entry.len() * 15_650).collect();
    let blocks = (MAX_DIRECTORY_BYTES / block.len() as u64) as u32;
    let (entries, directory_size) = (15_650 * u64::from(blocks), block.len() as u64 * u64::from(blocks));
    assert!(directory_size <= MAX_DIRECTORY_BYTES);
    let offset = 3 * GIB;
    let mut tail = vec![0x50, 0x4b, 0x06, 0x06];
    tail.extend_from_slice(&44u64.to_le_bytes());
    tail.extend_from_slice(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for value in [entries, entries, directory_size, offset] {
        tail.extend_from_slice(&value.to_le_bytes());
    }
    tail.extend_from_slice(&[0x50, 0x4b, 0x06, 0x07, 0, 0, 0, 0]);
    tail.extend_from_slice(&(offset + directory_size).to_le_bytes());
    tail.extend_from_slice(&1u32.to_le_bytes());
    tail.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    tail.extend_from_slice(&[0xff; 8]);
    tail.extend_from_slice(&[0, 0]);
    let file = crafted(3 * 1024, &block, blocks, &tail);
    let memory_before = wasm_memory_bytes();
    let (answer, reads, ms) = check(&file).await;
    web_sys::console::log_1(
        &format!(
            "pre-flight of a 3 GiB file with a {directory_size}-byte directory ({entries} entries): {ms} ms, {} reads, wasm memory +{} B",
            reads.len(),
            wasm_memory_bytes() - memory_before
        )
        .into(),
    );
    assert_eq!(answer.map(|summary| summary.sheets), Ok(entries));
    assert!(reads.iter().all(|(start, end)| end - start <= SLICE_BYTES.max(TAIL_BYTES)), "{reads:?}");
    let read: u64 = reads.iter().map(|(start, end)| end - start).sum();
    assert!(read <= TAIL_BYTES + 56 + MAX_DIRECTORY_BYTES, "{read} bytes read");
}

#[wasm_bindgen_test]
async fn an_answer_over_the_body_cap_fails_its_call_and_the_next_is_read() {
    use omr_web::api::json::MAX_BODY_BYTES;
    use omr_web::api::{ApiClient, ApiError};
    crate::support::start_clean().await;
    let client = ApiClient::new(crate::support::config());
    client.login("center07", "center07-pass").await.expect("login");
    // A 5 MiB "list" from a misbehaving proxy: JSON, but past the cap.
    let padding = "x".repeat(MAX_BODY_BYTES as usize + 1024 * 1024);
    let body = format!("{{\"batches\": [], \"total\": 0, \"padding\": \"{padding}\"}}");
    crate::support::fault(serde_json::json!({"method": "GET", "path": "/api/batches/", "action": {"kind": "respond",
        "status": 200, "content_type": "application/json", "body": body}}))
    .await;
    let answer = client.list_batches(None, 10, 0).await;
    assert!(matches!(&answer, Err(ApiError::Undecodable(why)) if why.contains("bytes")), "{answer:?}");
    // The next, ordinary answer is read as before.
    assert!(client.list_batches(None, 10, 0).await.is_ok());
}
