//! The upload runner against the stand-in: direct and chunked uploads, byte-exact reassembly,
//! retries (502, a cut connection, a 429 storm, a stalled request), token expiry mid-upload,
//! cancel and resume, lost answers that must not upload a file twice, checked resume records
//! and one tab per file.

use crate::support::{
    batches_named, chunk_log, control, done, fault, fresh_client, last, patterned_file, queued, received_sha, recorder,
    small_zip, start_clean, unique_name, wasm_memory_bytes,
};
use gloo_timers::future::sleep;
use omr_web::api::types::UploadType;
use omr_web::api::{ApiClient, ApiError, NetworkFailure};
use omr_web::config::AppConfig;
use omr_web::upload::cancel::Cancel;
use omr_web::upload::job::{Job, UploadEvent, UploadFailure};
use omr_web::upload::new_upload::NewUpload;
use omr_web::upload::protocol::Note;
use omr_web::upload::resume;
use omr_web::upload::runner::run;
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

const MIB: u64 = 1024 * 1024;

fn job(client: &ApiClient, file: web_sys::File, strategy: UploadType, task_id: Option<&str>) -> Job {
    Job::new(
        queued(client, file, strategy, task_id),
        false,
        &AppConfig { poll_interval_ms: 300, ..AppConfig::default() },
    )
}

/// A job of `chunks` chunks of `chunk` MiB each, sent one at a time.
fn sequential(client: &ApiClient, file: web_sys::File, chunk: u64) -> Job {
    let mut job = job(client, file, UploadType::ZipWithQr, None);
    job.chunk_size = chunk * MIB;
    job.threshold = chunk * MIB;
    job.concurrency = 1;
    job
}

async fn signed_in() -> ApiClient {
    start_clean().await;
    let client = fresh_client();
    client.login("center07", "center07-pass").await.expect("login");
    control("DELETE", "/__test/requests").await;
    client
}

fn notes(events: &crate::support::Events) -> Vec<Note> {
    events
        .borrow()
        .iter()
        .filter_map(|e| match e {
            UploadEvent::Note(note) => Some(note.clone()),
            _ => None,
        })
        .collect()
}

fn retries(events: &crate::support::Events) -> Vec<ApiError> {
    notes(events)
        .into_iter()
        .filter_map(|n| match n {
            Note::Retrying { cause, .. } => Some(cause),
            _ => None,
        })
        .collect()
}

fn chunk_rule(nth: u32, action: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": nth, "action": action})
}

#[wasm_bindgen_test]
async fn small_zip_goes_direct_and_is_processed() {
    let client = signed_in().await;
    let (events, report) = recorder();
    let file = small_zip("room3.zip", "12300145", 4);
    run(client.clone(), job(&client, file, UploadType::ZipNoQr, Some("12300145")), report, Cancel::default()).await;
    let (uuid, recovered) = done(&events);
    assert!(!recovered);
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
    assert!((197 * MIB..197 * MIB + 200).contains(&(file.size() as u64)), "197 MiB and the ZIP's headers");
    let (events, report) = recorder();
    let memory_before = wasm_memory_bytes();
    let job = job(&client, file, UploadType::ZipWithQr, None);
    run(client, job, report, Cancel::default()).await;
    let growth = wasm_memory_bytes().saturating_sub(memory_before);
    let (uuid, _) = done(&events);
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
    fault(chunk_rule(
        3,
        serde_json::json!({"kind": "respond", "status": 502, "body": "<html><h1>502 Bad Gateway</h1></html>"}),
    ))
    .await;
    // A connection lost mid-answer: unlike a bare drop, no browser resends that by itself.
    fault(chunk_rule(5, serde_json::json!({"kind": "cut"}))).await;
    let (file, sha) = patterned_file("flaky.zip", 120, 12345);
    let mut job = job(&client, file, UploadType::ZipWithQr, None);
    job.chunk_size = 20 * MIB;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let causes = retries(&events);
    let network = causes.iter().filter(|c| matches!(c, ApiError::Network(_))).count();
    assert_eq!((causes.len(), network), (2, 1), "{causes:?} {:?}", chunk_log().await);
    let statuses: Vec<u16> = chunk_log().await.iter().map(|(_, _, s)| *s).collect();
    assert!(statuses.contains(&502) && statuses.contains(&0), "{statuses:?}");
}

#[wasm_bindgen_test]
async fn a_storm_of_429_answers_is_ridden_out_on_a_timer_while_online() {
    let client = signed_in().await;
    // Five refusals in a row: more than the three attempts the client used to give a chunk.
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 2, "count": 5,
        "action": {"kind": "rate_limit", "retry_after_secs": 1}}))
    .await;
    let (file, sha) = patterned_file("storm.zip", 25, 1);
    let (events, report) = recorder();
    run(client.clone(), sequential(&client, file, 10), report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let causes = retries(&events);
    assert_eq!(causes.len(), 5, "{causes:?}");
    assert!(causes.iter().all(|c| matches!(c, ApiError::RateLimited { retry_after_secs: Some(1) })));
}

#[wasm_bindgen_test]
async fn a_stalled_request_is_aborted_and_sent_again() {
    let client = signed_in().await;
    // The stand-in does not read chunk 1's body for 6 s: the bytes stop moving.
    fault(chunk_rule(2, serde_json::json!({"kind": "delay", "ms": 6_000}))).await;
    let (file, sha) = patterned_file("stall.zip", 90, 3);
    let mut job = sequential(&client, file, 40);
    job.stall_ms = 1_500;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let causes = retries(&events);
    assert_eq!(causes.len(), 1, "{causes:?}");
    assert!(matches!(&causes[0], ApiError::Network(NetworkFailure::Stalled)), "{causes:?}");
}

#[wasm_bindgen_test]
async fn token_expiry_mid_upload_refreshes_and_resends_the_chunk() {
    let client = signed_in().await;
    // Chunk 2 waits a moment, during which every access token expires.
    fault(chunk_rule(2, serde_json::json!({"kind": "delay", "ms": 600}))).await;
    let (file, sha) = patterned_file("overnight.zip", 100, 7);
    let job = sequential(&client, file, 25);
    let (events, report) = recorder();
    let expire = async {
        sleep(Duration::from_millis(300)).await;
        control("POST", "/__test/expire-tokens").await;
    };
    futures_util::future::join(run(client, job, report, Cancel::default()), expire).await;
    let (uuid, _) = done(&events);
    assert_eq!(received_sha(&uuid).await, sha);
    let log = control("GET", "/__test/requests").await;
    let refreshes = log["requests"].as_array().unwrap().iter().filter(|r| r["path"] == "/api/auth/refresh").count();
    assert_eq!(refreshes, 1);
    let rejected = chunk_log().await.iter().filter(|(_, _, s)| *s == 401).count();
    assert!(rejected >= 1, "a chunk was refused with the expired token");
    assert!(retries(&events).is_empty(), "no attempt spent on 401");
}

#[wasm_bindgen_test]
async fn cancel_aborts_at_once_and_sends_nothing_more() {
    let client = signed_in().await;
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "nth": 2, "count": 0, "action": {"kind": "delay", "ms": 400}})).await;
    let (file, _) = patterned_file("cancel-me.zip", 100, 0);
    let mut job = job(&client, file, UploadType::ZipWithQr, None);
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

/// Runs `upload` until chunk 3 is refused, leaving chunks 0–2 acknowledged in its record.
async fn acknowledge_three(client: &ApiClient, upload: &NewUpload) -> Job {
    fault(chunk_rule(
        4,
        serde_json::json!({"kind": "respond", "status": 400, "content_type": "application/json",
        "body": "{\"detail\":\"Invalid chunk_index 3 (total: 7)\"}"}),
    ))
    .await;
    let mut first = Job::new(upload.clone(), false, &AppConfig::default());
    first.chunk_size = 10 * MIB;
    first.threshold = 10 * MIB;
    first.concurrency = 1;
    let (events, report) = recorder();
    run(client.clone(), first.clone(), report, Cancel::default()).await;
    assert!(matches!(last(&events), UploadEvent::Failed(_)), "{:?} {:?}", last(&events), chunk_log().await);
    let acknowledged: Vec<i64> = chunk_log().await.iter().filter(|(_, _, s)| *s == 202).map(|(i, _, _)| *i).collect();
    assert_eq!(acknowledged, [0, 1, 2]);
    control("DELETE", "/__test/faults").await;
    control("DELETE", "/__test/requests").await;
    first
}

#[wasm_bindgen_test]
async fn resume_after_a_reload_sends_only_the_missing_chunks() {
    let client = signed_in().await;
    let (file, sha) = patterned_file("resume.zip", 60, 99);
    let upload = queued(&client, file, UploadType::ZipWithQr, None);
    let first = acknowledge_three(&client, &upload).await;
    let key = upload.resume_key.clone().unwrap();
    let stored = resume::find(&key.owner, &key.fingerprint, js_sys::Date::now()).expect("resume entry kept");
    assert_eq!(stored.acknowledged, [0, 1, 2]);

    // "Reload": a new client and a new job that only knows the record.
    let reloaded = ApiClient::new(crate::support::config());
    let (events, report) = recorder();
    run(reloaded, Job { continue_earlier: true, ..first }, report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    let sent: Vec<i64> = chunk_log().await.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(sent, [3, 4, 5, 6], "only the missing chunks, the final one last");
    assert_eq!(received_sha(&uuid).await, sha);
    assert!(resume::find(&key.owner, &key.fingerprint, js_sys::Date::now()).is_none(), "entry dropped when done");
}

#[wasm_bindgen_test]
async fn a_resume_record_with_impossible_indexes_or_a_corrupt_neighbour_is_checked_not_trusted() {
    let client = signed_in().await;
    let (file, sha) = patterned_file("odd-record.zip", 60, 5);
    let upload = queued(&client, file, UploadType::ZipWithQr, None);
    let first = acknowledge_three(&client, &upload).await;
    // Indexes far outside the plan (they used to index past the chunk list and abort the
    // app), and a corrupt record of some other file beside it.
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut table: serde_json::Value =
        serde_json::from_str(&storage.get_item(resume::STORAGE_KEY).unwrap().unwrap()).unwrap();
    for entry in table.as_object_mut().unwrap().values_mut() {
        entry["acknowledged"] = serde_json::json!([0, 1, 2, 99, 4_000_000_000u64]);
    }
    table["/api|14|junk"] = serde_json::json!({"upload_id": 7, "acknowledged": "all"});
    storage.set_item(resume::STORAGE_KEY, &table.to_string()).unwrap();

    let (events, report) = recorder();
    run(client, Job { continue_earlier: true, ..first }, report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    let sent: Vec<i64> = chunk_log().await.iter().map(|(i, _, _)| *i).collect();
    assert_eq!(sent, [3, 4, 5, 6]);
    assert_eq!(received_sha(&uuid).await, sha);
}

#[wasm_bindgen_test]
async fn a_lost_upload_session_restarts_once_from_chunk_zero() {
    let client = signed_in().await;
    fault(chunk_rule(
        3,
        serde_json::json!({"kind": "respond", "status": 404, "content_type": "application/json",
        "body": "{\"detail\":\"Upload e41a8c37-9b62-4d15-b0f3-2c7d9e85a106 not found. Please restart upload.\"}"}),
    ))
    .await;
    let (file, sha) = patterned_file("lost.zip", 100, 3);
    let (events, report) = recorder();
    run(client.clone(), sequential(&client, file, 25), report, Cancel::default()).await;
    let (uuid, _) = done(&events);
    assert!(notes(&events).contains(&Note::Restarted { refused: None }));
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
    fault(chunk_rule(
        2,
        serde_json::json!({"kind": "respond", "status": 413, "content_type": "application/json",
        "body": "{\"detail\":\"Chunk size 104857601 exceeds maximum 104857600\"}"}),
    ))
    .await;
    // 99 MiB: above the direct-upload limit, two chunks of 50 MiB.
    let (file, _) = patterned_file("refused.zip", 99, 0);
    let mut job = job(&client, file, UploadType::ZipWithQr, None);
    job.concurrency = 1;
    let (events, report) = recorder();
    run(client, job, report, Cancel::default()).await;
    let expected = UploadFailure::Request {
        chunk: 2,
        total: 2,
        cause: ApiError::PayloadTooLarge(Some("Chunk size 104857601 exceeds maximum 104857600".into())),
    };
    assert_eq!(last(&events), UploadEvent::Failed(expected.clone()));
    assert!(!expected.is_transient(), "a 413 does not pass by itself");
    assert_eq!(
        omr_web::i18n::upload_message(
            omr_web::locale::Locale::new(omr_web::locale::Lang::En),
            "refused.zip",
            &omr_web::upload::queue::ItemMessage::Failure(expected)
        ),
        "“\u{2068}refused.zip\u{2069}”: chunk 2 of 2 failed: Chunk size 104857601 exceeds maximum 104857600"
    );
    assert!(retries(&events).is_empty(), "no retry for a 413");
}

/// Runs a job whose completing request meets `action` and checks that exactly one batch
/// exists, found after the lost answer, with the file's bytes.
async fn completes_once_despite(action: serde_json::Value, nth: u32, chunked: bool) {
    let client = signed_in().await;
    let name = unique_name("lost-answer");
    let path = if chunked { "/api/batches/upload-chunk" } else { "/api/batches/upload" };
    fault(serde_json::json!({"method": "POST", "path": path, "nth": nth, "action": action})).await;
    let (file, sha) = patterned_file(&name, 25, 11);
    let job = if chunked { sequential(&client, file, 10) } else { job(&client, file, UploadType::ZipWithQr, None) };
    let (events, report) = recorder();
    run(client.clone(), job, report, Cancel::default()).await;
    let (uuid, recovered) = done(&events);
    assert!(recovered, "found after the lost answer: {:?}", events.borrow());
    assert!(notes(&events).contains(&Note::Verifying));
    assert_eq!(batches_named(&client, &name).await, 1, "one file, one batch");
    assert_eq!(received_sha(&uuid).await, sha);
    let uploads = control("GET", "/__test/requests").await["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(path.trim_start_matches("/api"))))
        .count();
    assert_eq!(uploads as u32, nth, "nothing sent again after the lost answer");
}

#[wasm_bindgen_test]
async fn the_final_chunk_handled_but_its_answer_cut_makes_one_batch() {
    completes_once_despite(serde_json::json!({"kind": "cut_after"}), 3, true).await;
}

#[wasm_bindgen_test]
async fn a_direct_upload_handled_but_its_answer_cut_makes_one_batch() {
    completes_once_despite(serde_json::json!({"kind": "cut_after"}), 1, false).await;
}

#[wasm_bindgen_test]
async fn complete_without_a_batch_id_makes_one_batch() {
    completes_once_despite(serde_json::json!({"kind": "omit", "fields": ["batch_id"]}), 3, true).await;
}

#[wasm_bindgen_test]
async fn two_uploads_of_the_same_file_never_run_at_once() {
    let client = signed_in().await;
    let name = unique_name("one-tab");
    let (file, _) = patterned_file(&name, 25, 2);
    fault(serde_json::json!({"method": "POST", "path": "/api/batches/upload-chunk", "count": 0, "action": {"kind": "delay", "ms": 300}})).await;
    let (first_events, first_report) = recorder();
    let (second_events, second_report) = recorder();
    let first = run(client.clone(), sequential(&client, file.clone(), 10), first_report, Cancel::default());
    let second = {
        let (client, started) = (client.clone(), first_events.clone());
        async move {
            while !started.borrow().iter().any(|e| matches!(e, UploadEvent::Started { .. })) {
                sleep(Duration::from_millis(20)).await;
            }
            run(client.clone(), sequential(&client, file, 10), second_report, Cancel::default()).await;
        }
    };
    futures_util::future::join(first, second).await;
    assert_eq!(last(&second_events), UploadEvent::Failed(UploadFailure::OtherTab));
    assert!(!second_events.borrow().iter().any(|e| matches!(e, UploadEvent::Started { .. })), "it sent nothing");
    done(&first_events);
    assert_eq!(batches_named(&client, &name).await, 1);
}

#[wasm_bindgen_test]
async fn a_file_the_server_makes_no_batch_of_restarts_once_from_chunk_zero_then_fails_naming_why() {
    let client = signed_in().await;
    // A ZIP inside, but a name the server's batch creation refuses: the stand-in, like the
    // server, only looks at it when the last chunk completes the upload (contract §5.2).
    let name = unique_name("scans").replace(".zip", ".pdf");
    let (file, _) = patterned_file(&name, 2, 5);
    let (events, report) = recorder();
    run(client.clone(), sequential(&client, file, 1), report, Cancel::default()).await;
    let detail = format!("Batch creation failed: 400: Unsupported file type: {name} (expected a .zip archive)");
    let expected = UploadFailure::Request { chunk: 3, total: 3, cause: ApiError::BatchCreationFailed(detail.clone()) };
    assert_eq!(last(&events), UploadEvent::Failed(expected.clone()), "the second refusal ends it");
    let refused = Some(ApiError::BatchCreationFailed(detail));
    assert_eq!(
        notes(&events),
        vec![Note::Restarted { refused }],
        "one restart, saying why; no look-up, resend or retry"
    );
    // The wire: a whole session, its completing chunk refused with 500, then one new session
    // from chunk 0, refused the same way, and nothing after.
    let log = chunk_log().await;
    let statuses: Vec<u16> = log.iter().map(|(_, _, status)| *status).collect();
    assert_eq!(statuses, [202, 202, 500, 202, 202, 500], "{log:?}");
    assert_eq!((log[0].0, log[3].0), (0, 0), "each session starts at chunk 0: {log:?}");
    assert_ne!(log[0].1, log[3].1, "a new session after the restart");
    assert_eq!(batches_named(&client, &name).await, 0);
    let message = |lang| {
        omr_web::i18n::upload_message(
            omr_web::locale::Locale::new(lang),
            &name,
            &omr_web::upload::queue::ItemMessage::Failure(expected.clone()),
        )
    };
    assert_eq!(
        message(omr_web::locale::Lang::En),
        format!(
            "“\u{2068}{name}\u{2069}”: chunk 3 of 3 failed: The server could not create the batch: Unsupported file type: {name} (expected a .zip archive)"
        )
    );
    assert_eq!(
        message(omr_web::locale::Lang::Th),
        format!(
            "“\u{2068}{name}\u{2069}”: ส่งส่วนที่ 3 จาก 3 ไม่สำเร็จ: เซิร์ฟเวอร์สร้างชุดข้อมูลไม่สำเร็จ: Unsupported file type: {name} (expected a .zip archive)"
        )
    );
}
