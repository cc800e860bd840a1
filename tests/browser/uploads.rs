//! The upload runner against the stand-in: direct and chunked uploads, byte-exact reassembly,
//! retries after a 502 and a dropped connection, token expiry mid-upload, cancel and resume.

use crate::support::{chunk_log, control, fault, fresh_client, patterned_file, small_zip, wasm_memory_bytes};
use gloo_timers::future::sleep;
use omr_web::api::ApiClient;
use omr_web::config::AppConfig;
use omr_web::upload::runner::{run, Cancel, Job, UploadEvent};
use omr_web::upload::validate::Strategy;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

const MIB: u64 = 1024 * 1024;

fn job(file: web_sys::File, strategy: Strategy, task_id: Option<&str>) -> Job {
    Job::for_file(file, strategy, task_id.map(str::to_string), &AppConfig::default())
}

type Events = Rc<RefCell<Vec<UploadEvent>>>;

fn recorder() -> (Events, Rc<dyn Fn(UploadEvent)>) {
    let events: Events = Rc::default();
    let sink = events.clone();
    (events, Rc::new(move |event| sink.borrow_mut().push(event)))
}

fn last(events: &Events) -> UploadEvent {
    events.borrow().last().cloned().expect("at least one event")
}

fn done_uuid(events: &Events) -> String {
    match last(events) {
        UploadEvent::Done { batch_uuid } => batch_uuid,
        other => panic!("upload did not finish: {other:?} after {:?}", events.borrow()),
    }
}

async fn signed_in() -> ApiClient {
    let client = fresh_client();
    client.login("center07", "center07-pass").await.expect("login");
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    client
}

async fn received_sha(batch_uuid: &str) -> String {
    let files = control("GET", &format!("/__test/files/{batch_uuid}")).await;
    files["files"][0]["sha256"].as_str().expect("recorded file").to_string()
}

#[wasm_bindgen_test]
async fn small_zip_goes_direct_and_is_processed() {
    let client = signed_in().await;
    let (events, report) = recorder();
    run(
        client.clone(),
        job(small_zip("room3.zip", "12300145", 4), Strategy::ZipNoQr, Some("12300145")),
        report,
        Cancel::default(),
    )
    .await;
    let uuid = done_uuid(&events);
    assert!(matches!(events.borrow()[0], UploadEvent::Started { total_chunks: 1, chunked: false }));
    assert!(chunk_log().await.is_empty(), "no chunk requests for a small file");
    let mut status = client.status(&uuid, false, 10).await.unwrap();
    for _ in 0..100 {
        if status.status.is_terminal() {
            break;
        }
        sleep(Duration::from_millis(50)).await;
        status = client.status(&uuid, false, 10).await.unwrap();
    }
    assert_eq!(status.status.as_str(), "completed");
    assert_eq!(status.total_sheets, 4);
}

#[wasm_bindgen_test]
async fn a_197_mib_file_goes_in_four_chunks_and_arrives_byte_exact() {
    let client = signed_in().await;
    let (file, sha) = patterned_file("big-scan.zip", 197, 0);
    assert_eq!(file.size() as u64, 197 * MIB);
    let (events, report) = recorder();
    let memory_before = wasm_memory_bytes();
    run(client, job(file, Strategy::ZipWithQr, None), report, Cancel::default()).await;
    let growth = wasm_memory_bytes().saturating_sub(memory_before);
    let uuid = done_uuid(&events);
    // File.slice goes straight to XMLHttpRequest: the upload must not pull the file into wasm.
    assert!(growth < 8 * MIB, "wasm memory grew by {growth} bytes during a 197 MiB upload");
    assert_eq!(received_sha(&uuid).await, sha, "reassembled bytes equal the source");
    let log = chunk_log().await;
    let indexes: Vec<i64> = log.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(indexes.len(), 4);
    assert_eq!(indexes[0], 0, "chunk 0 alone first");
    assert_eq!(indexes[3], 3, "the final chunk last");
    let ids: std::collections::HashSet<&String> = log.iter().map(|(_, id, _)| id).collect();
    assert_eq!(ids.len(), 1, "one upload_id for every chunk");
    assert!(events.borrow().contains(&UploadEvent::Finishing));
}

#[wasm_bindgen_test]
async fn a_502_and_a_dropped_connection_are_retried_to_success() {
    let client = signed_in().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3,
        "action": {"kind": "respond", "status": 502, "body": "<html><h1>502 Bad Gateway</h1></html>"}}))
    .await;
    // A connection lost mid-answer: unlike a bare drop, no browser resends that by itself.
    fault(
        serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 5, "action": {"kind": "cut"}}),
    )
    .await;
    let (file, sha) = patterned_file("flaky.zip", 120, 12345);
    let mut job = job(file, Strategy::ZipWithQr, None);
    job.chunk_size = 20 * MIB;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    let uuid = done_uuid(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let retries: Vec<UploadEvent> =
        events.borrow().iter().filter(|e| matches!(e, UploadEvent::Retrying { .. })).cloned().collect();
    let network_retries = retries
        .iter()
        .filter(|e| matches!(e, UploadEvent::Retrying { reason, .. } if reason.starts_with("Network error")))
        .count();
    assert_eq!((retries.len(), network_retries), (2, 1), "{retries:?} {:?}", chunk_log().await);
    let statuses: Vec<u16> = chunk_log().await.iter().map(|(_, _, s)| *s).collect();
    assert!(statuses.contains(&502) && statuses.contains(&0), "{statuses:?}");
}

#[wasm_bindgen_test]
async fn token_expiry_mid_upload_refreshes_and_resends_the_chunk() {
    let client = signed_in().await;
    // Chunk 2 waits a moment, during which every access token expires.
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 2, "action": {"kind": "delay", "ms": 600}})).await;
    let (file, sha) = patterned_file("overnight.zip", 100, 7);
    let mut job = job(file, Strategy::ZipWithQr, None);
    job.chunk_size = 25 * MIB;
    job.concurrency = 1;
    let (events, report) = recorder();
    let expire = async {
        sleep(Duration::from_millis(300)).await;
        control("POST", "/__test/expire-tokens").await;
    };
    futures_util::future::join(run(client, job, report, Cancel::default()), expire).await;
    let uuid = done_uuid(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let log = control("GET", "/__test/requests").await;
    let refreshes = log["requests"].as_array().unwrap().iter().filter(|r| r["path"] == "/api/auth/refresh").count();
    assert_eq!(refreshes, 1);
    let rejected = chunk_log().await.iter().filter(|(_, _, s)| *s == 401).count();
    assert!(rejected >= 1, "a chunk was refused with the expired token");
    assert!(!events.borrow().iter().any(|e| matches!(e, UploadEvent::Retrying { .. })), "no attempt spent on 401");
}

#[wasm_bindgen_test]
async fn cancel_aborts_at_once_and_sends_nothing_more() {
    let client = signed_in().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 2, "count": 0, "action": {"kind": "delay", "ms": 400}})).await;
    let (file, _) = patterned_file("cancel-me.zip", 100, 0);
    let mut job = job(file, Strategy::ZipWithQr, None);
    job.chunk_size = 10 * MIB;
    let (events, report) = recorder();
    let cancel = Cancel::default();
    let stopper = {
        let (cancel, events) = (cancel.clone(), events.clone());
        async move {
            while !events.borrow().iter().any(|e| matches!(e, UploadEvent::Progress { chunks_done: 1, .. })) {
                sleep(Duration::from_millis(20)).await;
            }
            cancel.cancel();
        }
    };
    futures_util::future::join(run(client, job, report, cancel), stopper).await;
    assert_eq!(last(&events), UploadEvent::Cancelled);
    // Requests aborted while the stand-in delayed them are logged when it gets to them.
    sleep(Duration::from_millis(800)).await;
    let sent = chunk_log().await.len();
    sleep(Duration::from_millis(1500)).await;
    assert_eq!(chunk_log().await.len(), sent, "no request after cancel");
    assert!(sent <= 4, "chunk 0 and at most the three in flight: {sent}");
}

#[wasm_bindgen_test]
async fn resume_after_a_reload_sends_only_the_missing_chunks() {
    let client = signed_in().await;
    // Chunk requests from the 4th on fail with 503 until the rules are cleared: the first run
    // acknowledges chunk 0 and two middle chunks, then gives up after its retries.
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 4, "count": 0,
        "action": {"kind": "respond", "status": 503, "body": "<html>503 Service Temporarily Unavailable</html>"}}))
    .await;
    let (file, sha) = patterned_file("resume.zip", 60, 99);
    let mut first = job(file.clone(), Strategy::ZipWithQr, None);
    first.chunk_size = 10 * MIB;
    first.threshold = 10 * MIB;
    first.concurrency = 1;
    first.fingerprint = Some(omr_web::upload::resume::fingerprint(
        "resume.zip",
        file.size() as u64,
        file.last_modified(),
        "zip_with_qr",
        None,
    ));
    let (events, report) = recorder();
    run(client.clone(), first.clone(), report, Cancel::default()).await;
    assert!(matches!(last(&events), UploadEvent::Failed { .. }), "{:?} {:?}", last(&events), chunk_log().await);
    let acknowledged: Vec<i64> = chunk_log().await.iter().filter(|(_, _, s)| *s == 202).map(|(i, _, _)| *i).collect();
    assert_eq!(acknowledged, [0, 1, 2]);

    // "Reload": a new client and a new job that only knows the fingerprint.
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    let reloaded = ApiClient::new(crate::support::config());
    let stored = omr_web::upload::resume::find(first.fingerprint.as_deref().unwrap(), js_sys::Date::now())
        .expect("resume entry kept");
    assert_eq!(stored.acknowledged, [0, 1, 2]);
    let mut second = first.clone();
    second.resume = true;
    let (events, report) = recorder();
    run(reloaded, second, report, Cancel::default()).await;
    let uuid = done_uuid(&events);
    let sent: Vec<i64> = chunk_log().await.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(sent, [3, 4, 5, 6], "only the missing chunks, the final one last");
    assert_eq!(received_sha(&uuid).await, sha);
    assert!(
        omr_web::upload::resume::find(first.fingerprint.as_deref().unwrap(), js_sys::Date::now()).is_none(),
        "entry dropped when done"
    );
}

#[wasm_bindgen_test]
async fn a_lost_upload_session_restarts_once_from_chunk_zero() {
    let client = signed_in().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 3, "action": {"kind": "respond",
        "status": 404, "content_type": "application/json", "body": "{\"detail\":\"Upload e41a8c37-9b62-4d15-b0f3-2c7d9e85a106 not found. Please restart upload.\"}"}}))
    .await;
    let (file, sha) = patterned_file("lost.zip", 100, 3);
    let mut job = job(file, Strategy::ZipWithQr, None);
    job.chunk_size = 25 * MIB;
    job.concurrency = 1;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    let uuid = done_uuid(&events);
    assert!(events.borrow().contains(&UploadEvent::Restarted));
    assert_eq!(received_sha(&uuid).await, sha);
    let log = chunk_log().await;
    let ids: Vec<&String> = log.iter().filter(|(_, id, s)| *s == 202 && !id.is_empty()).map(|(_, id, _)| id).collect();
    assert_ne!(ids.first(), ids.last(), "a new session after the restart");
    let restarted_at = log.iter().rposition(|(i, _, _)| *i == 0).unwrap();
    assert!(restarted_at > 0, "chunk 0 was sent again: {log:?}");
}

#[wasm_bindgen_test]
async fn a_refused_chunk_fails_at_once_naming_file_chunk_and_reason() {
    let client = signed_in().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 2, "action": {"kind": "respond",
        "status": 413, "content_type": "application/json", "body": "{\"detail\":\"Chunk size 104857601 exceeds maximum 104857600\"}"}}))
    .await;
    let (file, _) = patterned_file("refused.zip", 100, 0);
    let mut job = job(file, Strategy::ZipWithQr, None);
    job.concurrency = 1;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    match last(&events) {
        UploadEvent::Failed { message, transient } => {
            assert!(!transient, "a 413 does not pass by itself");
            assert_eq!(message, "“refused.zip”: chunk 2 of 2 failed: Chunk size 104857601 exceeds maximum 104857600");
        }
        other => panic!("{other:?}"),
    }
    assert!(!events.borrow().iter().any(|e| matches!(e, UploadEvent::Retrying { .. })), "no retry for a 413");
}
