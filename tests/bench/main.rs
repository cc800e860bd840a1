//! Upload benchmark in headless Chromium against the stand-in, run by `cargo xtask bench`:
//! one request carrying the whole file (what a plain form post does) side by side with the
//! chunked pipeline at 3 and at 1 chunk in flight, in one run, as MiB/s and ratios; plus how
//! much the wasm memory grew while the chunked upload ran.

#![cfg(target_arch = "wasm32")]

// The benchmark needs only a few of the browser tests' helpers.
#[allow(dead_code)]
#[path = "../browser/support.rs"]
mod support;

use omr_web::api::types::UploadType;
use omr_web::api::uploads::{DirectFields, Transfer};
use omr_web::api::xhr::AbortHandle;
use omr_web::config::AppConfig;
use omr_web::upload::cancel::Cancel;
use omr_web::upload::job::{Job, UploadEvent};
use omr_web::upload::runner::run;
use std::rc::Rc;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const SIZE_MIB: u32 = 300;

async fn chunked_seconds(client: &omr_web::api::ApiClient, file: &web_sys::File, concurrency: u32) -> f64 {
    let upload = support::queued(client, file.clone(), UploadType::ZipWithQr, None);
    let job = Job { concurrency, ..Job::new(upload, false, &AppConfig::default()) };
    let finished = Rc::new(std::cell::Cell::new(false));
    let done = finished.clone();
    let report: Rc<dyn Fn(UploadEvent)> =
        Rc::new(move |event| done.set(done.get() || matches!(event, UploadEvent::Done { .. })));
    let started = js_sys::Date::now();
    run(client.clone(), job, report, Cancel::default()).await;
    assert!(finished.get(), "the chunked upload finished");
    (js_sys::Date::now() - started) / 1000.0
}

#[wasm_bindgen_test]
async fn upload_throughput_side_by_side() {
    let client = support::fresh_client();
    client.login("center07", "center07-pass").await.unwrap();
    support::control("DELETE", "/__test/faults").await;
    let (file, _) = support::patterned_file("bench.zip", SIZE_MIB, 0);

    let fields = DirectFields { has_qr: true, task_id: None, notes: None };
    let started = js_sys::Date::now();
    let session_id = client.session_id().expect("signed in");
    let abort = AbortHandle::default();
    let transfer = Transfer { owner: &session_id, on_progress: Rc::new(|_| {}), abort: &abort, stall_ms: 60_000 };
    let whole = client.upload_direct(std::slice::from_ref(&file), false, &fields, transfer).await;
    let single = (js_sys::Date::now() - started) / 1000.0;
    assert!(whole.is_ok(), "{whole:?}");

    let memory_before = support::wasm_memory_bytes();
    let three = chunked_seconds(&client, &file, 3).await;
    let growth = support::wasm_memory_bytes().saturating_sub(memory_before);
    let one = chunked_seconds(&client, &file, 1).await;

    let rate = |seconds: f64| f64::from(SIZE_MIB) / seconds;
    let line = format!(
        "BENCH upload {SIZE_MIB} MiB to the stand-in on loopback: one request {:.1} MiB/s; chunked x3 {:.1} MiB/s ({:.2}x); \
         chunked x1 {:.1} MiB/s ({:.2}x); wasm memory growth during the chunked upload {} KiB",
        rate(single),
        rate(three),
        single / three,
        rate(one),
        single / one,
        growth / 1024
    );
    web_sys::console::log_1(&line.into());
}
