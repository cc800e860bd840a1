//! Benchmarks in headless Chromium against the stand-in, run by `cargo xtask bench` (a release
//! build of the app, the stand-in built in release too). Each prints `BENCH {json}` lines —
//! numbers, never pass/fail on timing; xtask gathers them into one table. Side by side in one
//! run: upload throughput on loopback and through a shaped link (the stand-in's sink, so its
//! disk does not count), memory during 1 GiB and 4 GiB uploads, the polling of a details page
//! and of a queue of three, the batch list's rendering, and reading a list page's JSON.

#![cfg(target_arch = "wasm32")]

// The benchmarks need only some of the browser tests' helpers.
#[allow(dead_code)]
#[path = "../browser/support.rs"]
mod support;

#[allow(dead_code)]
#[path = "../browser/steps.rs"]
mod steps;

use gloo_net::http::Request;
use gloo_timers::future::sleep;
use omr_web::api::json;
use omr_web::api::types::{BatchListResponse, UploadType};
use omr_web::api::uploads::{DirectFields, Transfer};
use omr_web::api::xhr::{AbortHandle, Deadlines};
use omr_web::api::ApiClient;
use omr_web::upload::cancel::Cancel;
use omr_web::upload::job::Job;
use omr_web::upload::runner::run;
use serde_json::json;
use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;
use support::{
    config, control, find, go_to, mount_app, poll_until, progress_requests, put_control, received_sha, set_tab_visible,
    small_zip, standin, start_clean, unique_task, unmount_all,
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// The repeated block of the benchmark files: a prime number of bytes just above 1 MiB, so chunk
/// boundaries fall at a different place of the pattern each time and chunks joined out of order
/// would change the hash.
const BLOCK: usize = 1_048_583;

/// Prints one result for xtask's table.
fn report(section: &str, measure: &str, value: f64, unit: &str, note: &str) {
    let line = json!({"section": section, "measure": measure, "value": value, "unit": unit, "note": note});
    web_sys::console::log_1(&format!("BENCH {line}").into());
}

/// `window.performance` (read through reflection: the app does not link web-sys's binding).
fn performance() -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap()
}

fn now_ms() -> f64 {
    let performance = performance();
    let now: js_sys::Function = js_sys::Reflect::get(&performance, &"now".into()).unwrap().unchecked_into();
    now.call0(&performance).unwrap().as_f64().unwrap()
}

/// A file of `size` bytes made of one block repeated (the browser keeps one copy of the block,
/// so even 4 GiB costs no memory) and, when asked, its SHA-256.
fn repeated_file(name: &str, size: u64, with_hash: bool) -> (web_sys::File, Option<String>) {
    use sha2::{Digest, Sha256};
    let block: Vec<u8> = (0..BLOCK).map(|i| (i % 251) as u8 ^ (i / 4099) as u8).collect();
    let blob =
        web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(&block[..]))).unwrap();
    let (whole, tail) = (size / BLOCK as u64, (size % BLOCK as u64) as usize);
    let parts = js_sys::Array::new();
    for _ in 0..whole {
        parts.push(&blob);
    }
    parts.push(&blob.slice_with_i32_and_i32(0, tail as i32).unwrap());
    let options = web_sys::FilePropertyBag::new();
    options.set_type("application/zip");
    let file = web_sys::File::new_with_blob_sequence_and_options(&parts, name, &options).unwrap();
    assert_eq!(file.size() as u64, size);
    let hash = with_hash.then(|| {
        let mut hasher = Sha256::new();
        for _ in 0..whole {
            hasher.update(&block);
        }
        hasher.update(&block[..tail]);
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    });
    (file, hash)
}

/// Seconds to send `file` in one request (what a plain form post does); the batch it made.
async fn one_request(client: &ApiClient, file: &web_sys::File) -> (f64, String) {
    let options = Default::default();
    let fields = DirectFields { has_qr: true, task_id: None, notes: None, options: &options };
    let session_id = client.session_id().expect("signed in");
    let abort = AbortHandle::default();
    let transfer = Transfer {
        owner: &session_id,
        upload_key: "bench-one-request",
        on_progress: Rc::new(|_| {}),
        abort: &abort,
        deadlines: Deadlines { stall_ms: 600_000, answer_ms: 600_000 },
    };
    let started = now_ms();
    let accepted = client.upload_direct(std::slice::from_ref(file), false, &fields, transfer).await;
    let seconds = (now_ms() - started) / 1000.0;
    (seconds, accepted.expect("the one-request upload is accepted").batch_id)
}

/// Seconds to send `file` through the chunked pipeline with `concurrency` chunks in flight.
async fn chunked(client: &ApiClient, file: &web_sys::File, concurrency: u32) -> (f64, String) {
    // A name of its own (the same bytes, not copied): the lock the previous run of this file
    // held is released a moment after that run returns, and another tab's lock would refuse.
    let name = format!("x{concurrency}-{}", file.name());
    let file = web_sys::File::new_with_blob_sequence(&js_sys::Array::of1(file), &name).unwrap();
    let upload = support::queued(client, file, UploadType::ZipWithQr, None);
    let job = Job { concurrency, ..Job::new(upload, false, client.config()) };
    let (events, report) = support::recorder();
    let started = now_ms();
    run(client.clone(), job, report, Cancel::default()).await;
    let seconds = (now_ms() - started) / 1000.0;
    (seconds, support::done(&events).0)
}

/// One request, then chunked ×1, ×3 and ×6, of one file; each received file's hash checked
/// when `hash` is known. Reports MiB/s and the ratios the targets name.
async fn throughput(section: &str, client: &ApiClient, file: &web_sys::File, hash: Option<&str>) {
    let mib = file.size() / MIB as f64;
    let mut runs = vec![("one request".to_string(), one_request(client, file).await)];
    for concurrency in [1, 3, 6] {
        runs.push((format!("chunked x{concurrency}"), chunked(client, file, concurrency).await));
    }
    for (label, (seconds, batch)) in &runs {
        if let Some(hash) = hash {
            assert_eq!(received_sha(batch).await, hash, "{label}: the stand-in received the file intact");
        }
        report(section, &format!("{label}, {mib:.0} MiB"), mib / seconds, "MiB/s", &format!("{seconds:.1} s"));
    }
    let seconds = |label: &str| runs.iter().find(|(l, _)| *l == label).map(|(_, (s, _))| *s).unwrap();
    report(section, "chunked x3 / one request", seconds("one request") / seconds("chunked x3"), "x", "");
    report(section, "chunked x3 / chunked x1", seconds("chunked x1") / seconds("chunked x3"), "x", "");
}

async fn signed_in(user: &str, password: &str) -> ApiClient {
    start_clean().await;
    let client = ApiClient::new(config());
    client.login(user, password).await.unwrap();
    client
}

#[wasm_bindgen_test]
async fn upload_throughput_on_loopback() {
    let client = signed_in("center07", "center07-pass").await;
    put_control("/__test/sink", json!({"on": true})).await;
    let (file, hash) = repeated_file("loopback.zip", GIB, true);
    throughput("upload, loopback", &client, &file, hash.as_deref()).await;
    control("DELETE", "/__test/faults").await;
}

/// 10 MiB/s per connection and 40 ms per request, as a long link to the API hosts behaves;
/// about 100 s per run at one connection.
#[wasm_bindgen_test]
async fn upload_throughput_on_a_shaped_link() {
    let client = signed_in("center07", "center07-pass").await;
    put_control("/__test/sink", json!({"on": true})).await;
    put_control("/__test/link", json!({"bytes_per_second": 10 * MIB, "latency_ms": 40})).await;
    let (file, _) = repeated_file("shaped.zip", GIB, false);
    throughput("upload, shaped link 10 MiB/s + 40 ms", &client, &file, None).await;
    control("DELETE", "/__test/faults").await;
}

/// Peaks of wasm linear memory and of the JS heap, sampled every 100 ms until `done` is set.
#[derive(Default)]
struct Peaks {
    wasm: Cell<u64>,
    js_heap: Cell<f64>,
}

fn js_heap_bytes() -> f64 {
    let memory = js_sys::Reflect::get(&performance(), &"memory".into()).unwrap();
    js_sys::Reflect::get(&memory, &"usedJSHeapSize".into()).unwrap().as_f64().expect("performance.memory (Chromium)")
}

fn sample_memory(peaks: Rc<Peaks>, done: Rc<Cell<bool>>) {
    wasm_bindgen_futures::spawn_local(async move {
        while !done.get() {
            peaks.wasm.set(peaks.wasm.get().max(support::wasm_memory_bytes()));
            peaks.js_heap.set(peaks.js_heap.get().max(js_heap_bytes()));
            sleep(Duration::from_millis(100)).await;
        }
    });
}

#[wasm_bindgen_test]
async fn memory_during_1_and_4_gib_uploads() {
    let client = signed_in("center07", "center07-pass").await;
    put_control("/__test/sink", json!({"on": true})).await;
    for size in [GIB, 4 * GIB] {
        let (file, _) = repeated_file("memory.zip", size, false);
        let (heap_before, wasm_before) = (js_heap_bytes(), support::wasm_memory_bytes());
        let (peaks, done) = (Rc::new(Peaks::default()), Rc::new(Cell::new(false)));
        sample_memory(peaks.clone(), done.clone());
        let (seconds, _) = chunked(&client, &file, client.config().chunk_concurrency).await;
        done.set(true);
        let label = format!("{} GiB chunked x3", size / GIB);
        let note =
            format!("{seconds:.1} s; before: wasm {:.1} MB, JS heap {:.1} MB", mb(wasm_before as f64), mb(heap_before));
        report("memory, loopback", &format!("{label}: wasm memory peak"), mb(peaks.wasm.get() as f64), "MB", &note);
        report("memory, loopback", &format!("{label}: JS heap peak"), mb(peaks.js_heap.get()), "MB", "");
    }
    control("DELETE", "/__test/faults").await;
}

fn mb(bytes: f64) -> f64 {
    bytes / 1e6
}

/// Polls every 50 ms until `check` holds, for about `seconds`; false on time-out.
async fn wait_up_to(seconds: u32, check: impl FnMut() -> bool) -> bool {
    poll_until(seconds * 20, Duration::from_millis(50), check).await
}

/// Requests for `uuid`'s progress during `seconds`.
async fn progress_requests_during(uuid: &str, seconds: u64) -> usize {
    let before = progress_requests(uuid).await;
    sleep(Duration::from_secs(seconds)).await;
    progress_requests(uuid).await - before
}

fn badge_is(root: &web_sys::Element, status: &str) -> bool {
    find(root, ".batch-progress .status-badge")
        .is_some_and(|b| b.get_attribute("data-status").as_deref() == Some(status))
}

/// The details page of a processing batch, at the default 2 s interval: requests a minute
/// while visible, while hidden, and after completion. The stand-in runs at its developer
/// timings (20 sheets a second), so 1 200 sheets keep the batch processing for a minute.
#[wasm_bindgen_test]
async fn polling_of_a_details_page() {
    let client = signed_in("center07", "center07-pass").await;
    let uuid = support::upload_zip(&client, small_zip("poll.zip", &unique_task(), 1_200)).await;
    go_to(&format!("/dashboard/batches/{uuid}"));
    let root = mount_app(config());
    assert!(wait_up_to(20, || badge_is(&root, "processing")).await, "the batch is processing");
    let visible = progress_requests_during(&uuid, 30).await;
    report("polling", "details page, visible", visible as f64 * 2.0, "requests/min", "target 30 at 2 s");
    set_tab_visible(false);
    // A request sent just before the tab hid may still be answered.
    sleep(Duration::from_secs(1)).await;
    let hidden = progress_requests_during(&uuid, 10).await;
    report("polling", "details page, hidden", hidden as f64 * 6.0, "requests/min", "target 0");
    set_tab_visible(true);
    assert!(wait_up_to(90, || badge_is(&root, "completed")).await, "the batch completed");
    sleep(Duration::from_secs(1)).await;
    let after = progress_requests_during(&uuid, 10).await;
    report("polling", "details page, after completion", after as f64 * 6.0, "requests/min", "target 0");
    unmount_all();
}

/// Three uploads in the page's queue, each row following its batch: requests a minute per
/// batch (one poller each would give 30; a batch polled twice would give 60).
#[wasm_bindgen_test]
async fn polling_of_a_queue_of_three() {
    // The app finds the sign-in in storage.
    let _client = signed_in("center07", "center07-pass").await;
    go_to("/dashboard/batches");
    let root = mount_app(config());
    assert!(wait_up_to(20, || find(&root, "#upload-files").is_some()).await, "the upload form");
    let rows = |root: &web_sys::Element| root.query_selector_all(".upload-item").unwrap().length();
    for i in 0..3 {
        steps::choose_files(&root, &[small_zip(&format!("queue-{i}-{}.zip", unique_task()), &unique_task(), 800)]);
        steps::submit(&root);
        assert!(wait_up_to(20, || rows(&root) == i + 1).await, "row {i} queued");
    }
    let links = |root: &web_sys::Element| root.query_selector_all(".upload-item a.button").unwrap();
    assert!(wait_up_to(60, || links(&root).length() == 3).await, "three batches made");
    let list = links(&root);
    let batches: Vec<String> = (0..3)
        .map(|i| {
            let link: web_sys::Element = list.get(i).unwrap().dyn_into().unwrap();
            link.get_attribute("href").unwrap().rsplit('/').next().unwrap().to_string()
        })
        .collect();
    let before: Vec<usize> = futures_util::future::join_all(batches.iter().map(|b| progress_requests(b))).await;
    sleep(Duration::from_secs(20)).await;
    let after: Vec<usize> = futures_util::future::join_all(batches.iter().map(|b| progress_requests(b))).await;
    let per_minute: Vec<f64> = before.iter().zip(&after).map(|(b, a)| (a - b) as f64 * 3.0).collect();
    let busiest = per_minute.iter().copied().fold(0.0, f64::max);
    let note = format!("per batch: {per_minute:?}; 30 = polled once per 2 s");
    report("polling", "queue of 3, busiest batch", busiest, "requests/min", &note);
    unmount_all();
}

fn data_rows(root: &web_sys::Element) -> web_sys::NodeList {
    root.query_selector_all("table.batch-table tbody tr[data-uuid]").unwrap()
}

/// Every row shows `status`, and there is at least one.
fn all_rows_are(root: &web_sys::Element, status: &str) -> bool {
    let badges = root.query_selector_all("table.batch-table tbody tr[data-uuid] .status-badge").unwrap();
    badges.length() > 0
        && (0..badges.length()).all(|i| {
            let badge: web_sys::Element = badges.get(i).unwrap().dyn_into().unwrap();
            badge.get_attribute("data-status").as_deref() == Some(status)
        })
}

/// Waits on the real condition with a 1 ms poll; the time it first held, in ms from `started`.
async fn time_until(started: f64, check: impl FnMut() -> bool) -> f64 {
    assert!(poll_until(20_000, Duration::from_millis(1), check).await, "the page reached the state in time");
    now_ms() - started
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The batch list as an admin sees it (100+ seeded batches): from mounting the app at the
/// list's address to 50 rows with their data, and from a status filter change to the rows
/// re-rendered; the median of 7 runs.
#[wasm_bindgen_test]
async fn list_rendering() {
    let _client = signed_in("admin", "admin-pass-2025").await;
    let (mut first, mut filtered) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        unmount_all();
        go_to("/dashboard/batches");
        let started = now_ms();
        let root = mount_app(config());
        first.push(time_until(started, || data_rows(&root).length() == 50).await);
        let changed = now_ms();
        steps::select_status(&root, "failed");
        filtered.push(time_until(changed, || all_rows_are(&root, "failed")).await);
    }
    let note = |runs: &[f64]| {
        format!("median of {}; runs {:?} ms", runs.len(), runs.iter().map(|r| r.round()).collect::<Vec<_>>())
    };
    report("list rendering", "navigation to 50 rows", median(first.clone()), "ms", &note(&first));
    report("list rendering", "filter change to re-rendered rows", median(filtered.clone()), "ms", &note(&filtered));
    unmount_all();
}

/// Reading one page of 100 batches, as the admin's list receives it: the app's path
/// (`json::parse`: `JSON.parse`, then serde-wasm-bindgen into a `Value`) against serde_json's own
/// parser (the path before it), and `JSON.parse` alone, to show where the time goes. They take
/// turns, in a different order each round, so all see the same machine; the median of 15
/// rounds of 20 reads each.
#[wasm_bindgen_test]
async fn json_reading() {
    let client = signed_in("admin", "admin-pass-2025").await;
    let url = format!("{}/api/batches/?limit=100&offset=0", standin());
    let bearer = format!("Bearer {}", client.access_token().unwrap());
    let body = Request::get(&url).header("Authorization", &bearer).send().await.unwrap().text().await.unwrap();
    let by_app = || json::parse::<BatchListResponse>(&body).unwrap();
    let by_serde_json = || serde_json::from_value::<BatchListResponse>(serde_json::from_str(&body).unwrap()).unwrap();
    assert_eq!(by_app().batches.len(), 100, "a full page");
    assert_eq!(by_app(), by_serde_json(), "both read the same page");
    let app_read = || drop(black_box(by_app()));
    let serde_json_read = || drop(black_box(by_serde_json()));
    let json_parse_read = || drop(black_box(js_sys::JSON::parse(&body).unwrap()));
    let reads: [&dyn Fn(); 3] = [&app_read, &serde_json_read, &json_parse_read];
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..15 {
        for turn in 0..3 {
            let which = (round + turn) % 3;
            let started = now_ms();
            for _ in 0..20 {
                reads[which]();
            }
            times[which].push((now_ms() - started) / 20.0);
        }
    }
    let [app, parser, json_parse] = times.map(median);
    let note = format!("{} KB of JSON", body.len() / 1000);
    report("JSON reading", "100-row page, the app (JSON.parse + conversion)", app, "ms", &note);
    report("JSON reading", "100-row page, serde_json parser", parser, "ms", &note);
    report("JSON reading", "100-row page, JSON.parse alone", json_parse, "ms", &note);
    report("JSON reading", "the app / serde_json", app / parser, "x", "below 1 is faster");
}
