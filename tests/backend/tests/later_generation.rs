//! The later backend generation's routes (contract §5.9) over real HTTP: cancel, recoverable and
//! recover, stats and profiles, and the router snapshot answering 404 "Not Found" for each.
//! Upload options and list filters are in `later_lists.rs`.

mod support;

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use support::{json_of, serve_later, sheets_zip, zip_of, Server};

const UNKNOWN: &str = "00000000-0000-0000-0000-000000000000";

async fn post(server: &Server, path: &str, token: Option<&str>) -> reqwest::Response {
    let request = server.http.post(server.url(path));
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.unwrap()
}

async fn batch_status(server: &Server, token: &str, uuid: &str) -> Value {
    json_of(server.get(&format!("/api/batches/{uuid}/status"), token).await, 200).await
}

/// Polls `/status` until `done` holds for it.
async fn wait_status(server: &Server, token: &str, uuid: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..1000 {
        let status = batch_status(server, token, uuid).await;
        if done(&status) {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("batch {uuid} never reached the awaited state");
}

/// The first seeded batch with this status, as the admin lists it.
async fn seeded_batch(server: &Server, admin: &str, status: &str) -> Value {
    let page = json_of(server.get(&format!("/api/batches/?status={status}"), admin).await, 200).await;
    page["batches"][0].clone()
}

/// The whole replayed event stream of an ended batch.
async fn stream_text(server: &Server, token: &str, uuid: &str) -> String {
    let response = server.get(&format!("/api/batches/{uuid}/stream"), token).await;
    let mut body = response.bytes_stream();
    let reading = async {
        let mut text = String::new();
        while let Some(Ok(bytes)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
        text
    };
    tokio::time::timeout(Duration::from_secs(20), reading).await.expect("the stream closes after its last event")
}

fn later_paths(uuid: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GET", format!("/api/batches/{uuid}/recoverable")),
        ("POST", format!("/api/batches/{uuid}/recover")),
        ("POST", format!("/api/batches/{uuid}/cancel")),
        ("GET", format!("/api/batches/{uuid}/stats")),
        ("GET", "/api/profiles/".to_string()),
        ("GET", "/api/realtime/profiles/".to_string()),
    ]
}

async fn call(server: &Server, method: &str, path: &str, token: Option<&str>) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = server.http.request(method, server.url(path));
    let request = match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    };
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_snapshot_has_no_later_route_for_any_method_with_or_without_a_token() {
    let server = Server::with(|cfg| cfg.seed_demo = true).await;
    let admin = server.token("admin").await;
    let uuid = seeded_batch(&server, &admin, "failed").await["batch_uuid"].as_str().unwrap().to_string();
    serve_later(&server, false).await;
    let mut paths = later_paths(&uuid);
    paths.push(("GET", "/api/profiles".into()));
    // Every method: the path itself is unknown.
    for (_, path) in paths {
        for method in ["GET", "POST", "PUT", "DELETE"] {
            for token in [Some(admin.as_str()), None] {
                let response = call(&server, method, &path, token).await;
                assert!(response.headers().get("allow").is_none(), "{method} {path}: an unknown path has no Allow");
                let body = json_of(response, 404).await;
                assert_eq!(body, json!({"detail": "Not Found"}), "{method} {path} with token: {}", token.is_some());
            }
        }
    }
    // `DELETE /__test/faults` brings the later generation back.
    assert_eq!(server.http.delete(server.url("/__test/faults")).send().await.unwrap().status(), 204);
    let recoverable = server.get(&format!("/api/batches/{uuid}/recoverable"), &admin).await;
    assert_eq!(recoverable.status(), 200);
}

#[tokio::test]
async fn the_generation_flag_starts_the_snapshot() {
    let server = Server::with(|cfg| cfg.later_generation = false).await;
    let token = server.token("center07").await;
    let body = json_of(server.get("/api/profiles/", &token).await, 404).await;
    assert_eq!(body, json!({"detail": "Not Found"}));
}

#[tokio::test]
async fn later_routes_need_a_token_a_known_batch_and_its_owner() {
    let server = Server::with(|cfg| cfg.seed_demo = true).await;
    let admin = server.token("admin").await;
    let center07 = server.token("center07").await;
    let owned = json_of(server.get("/api/batches/?status=failed", &center07).await, 200).await;
    let uuid = owned["batches"][0]["batch_uuid"].as_str().unwrap().to_string();
    for (method, path) in later_paths(&uuid) {
        let body = json_of(call(&server, method, &path, None).await, 403).await;
        assert_eq!(body, json!({"detail": "Not authenticated"}), "{method} {path}");
        let bad = call(&server, method, &path, Some("not-a-token")).await;
        assert_eq!(json_of(bad, 401).await, json!({"detail": "Could not validate credentials"}));
    }
    for (method, path) in later_paths(UNKNOWN).into_iter().take(4) {
        let body = json_of(call(&server, method, &path, Some(&admin)).await, 404).await;
        assert_eq!(body, json!({"detail": format!("Batch {UNKNOWN} not found")}), "{method} {path}");
    }
    let center08 = server.token("center08").await;
    for (method, path) in later_paths(&uuid).into_iter().take(4) {
        let body = json_of(call(&server, method, &path, Some(&center08)).await, 403).await;
        assert_eq!(body, json!({"detail": "Access denied"}), "{method} {path}");
        // Admins may; the failed batch cannot be cancelled any more.
        let expected = if path.ends_with("/cancel") { 400 } else { 200 };
        assert_eq!(call(&server, method, &path, Some(&admin)).await.status(), expected, "{method} {path}");
    }
    let wrong_method = call(&server, "GET", &format!("/api/batches/{uuid}/cancel"), Some(&admin)).await;
    assert_eq!(json_of(wrong_method, 405).await, json!({"detail": "Method Not Allowed"}));
}

#[tokio::test]
async fn a_missing_token_is_401_on_newer_fastapi() {
    let server = Server::with(|cfg| cfg.missing_auth_is_401 = true).await;
    let body = json_of(call(&server, "POST", &format!("/api/batches/{UNKNOWN}/cancel"), None).await, 401).await;
    assert_eq!(body, json!({"detail": "Not authenticated"}));
}

#[tokio::test]
async fn cancel_stops_processing_and_recover_writes_the_results_back() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "room-SLOW.zip", sheets_zip("10300112", 12), &[]).await;
    wait_status(&server, &token, &uuid, |s| s["processed_sheets"].as_i64() >= Some(2)).await;
    let cancelled = json_of(post(&server, &format!("/api/batches/{uuid}/cancel"), Some(&token)).await, 200).await;
    assert_eq!(cancelled, json!({"success": true, "message": "Batch cancellation requested"}));
    let failed = wait_status(&server, &token, &uuid, |s| s["status"] == "failed").await;
    assert_eq!(failed["error_message"], "Cancelled by user");
    assert_eq!(failed["total_sheets"], 12);
    assert_eq!(failed["processed_sheets"], 0, "the results wait in the cache, not in the sheets");
    assert!(failed["processing_completed_at"].is_string());
    let recoverable = json_of(server.get(&format!("/api/batches/{uuid}/recoverable"), &token).await, 200).await;
    let cached = recoverable["recoverable_sheets_count"].as_i64().unwrap();
    assert!((2..12).contains(&cached), "stopped before the next sheet: {cached}");
    assert_eq!(
        recoverable,
        json!({"batch_uuid": uuid, "has_progress_data": true, "recoverable_sheets_count": cached,
               "total_sheets_count": 12, "is_recoverable": true})
    );
    let text = stream_text(&server, &token, &uuid).await;
    assert!(
        text.trim_end().rsplit("\r\n\r\n").next().unwrap().starts_with("event: error\r\n"),
        "the stream ends with the failure: {text}"
    );
    assert!(text.contains("\"message\":\"Batch failed: Cancelled by user\""));
    // No sheet is processed after the cancel.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let later = json_of(server.get(&format!("/api/batches/{uuid}/recoverable"), &token).await, 200).await;
    assert_eq!(later["recoverable_sheets_count"], cached);
    let again = json_of(post(&server, &format!("/api/batches/{uuid}/cancel"), Some(&token)).await, 400).await;
    assert_eq!(again, json!({"detail": format!("Batch {uuid} is not processing (status: failed)")}));

    let recovered = json_of(post(&server, &format!("/api/batches/{uuid}/recover"), Some(&token)).await, 200).await;
    assert_eq!(
        recovered,
        json!({"success": true, "sheets_recovered": cached, "answers_recovered": cached * 120,
               "message": format!("Recovery successful. Recovered {cached} sheets and {} answers.", cached * 120)})
    );
    let completed = batch_status(&server, &token, &uuid).await;
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["processed_sheets"], cached);
    assert_eq!(completed["pending_sheets"], 12 - cached);
    let nothing = json_of(post(&server, &format!("/api/batches/{uuid}/recover"), Some(&token)).await, 200).await;
    assert_eq!(
        nothing,
        json!({"success": false, "message": "No data found to recover", "sheets_recovered": 0, "answers_recovered": 0})
    );
    let done = json_of(server.get(&format!("/api/batches/{uuid}/recoverable"), &token).await, 200).await;
    assert_eq!(done["is_recoverable"], false);
    let finished = json_of(post(&server, &format!("/api/batches/{uuid}/cancel"), Some(&token)).await, 400).await;
    assert_eq!(finished, json!({"detail": format!("Batch {uuid} is not processing (status: completed)")}));
}

#[tokio::test]
async fn batches_without_a_running_pipeline_are_cancelled_at_once() {
    let server = Server::with(|cfg| cfg.seed_demo = true).await;
    let admin = server.token("admin").await;
    for status in ["processing", "uploaded", "validating", "reprocessing"] {
        let batch = seeded_batch(&server, &admin, status).await;
        let uuid = batch["batch_uuid"].as_str().unwrap();
        let processed = batch_status(&server, &admin, uuid).await["processed_sheets"].as_i64().unwrap();
        json_of(post(&server, &format!("/api/batches/{uuid}/cancel"), Some(&admin)).await, 200).await;
        let failed = batch_status(&server, &admin, uuid).await;
        assert_eq!(
            (failed["status"].as_str(), failed["error_message"].as_str()),
            (Some("failed"), Some("Cancelled by user"))
        );
        assert_eq!(failed["processed_sheets"], 0, "{status}: the processed results went to the cache");
        let recoverable = json_of(server.get(&format!("/api/batches/{uuid}/recoverable"), &admin).await, 200).await;
        // The cache also holds the sheets that failed to read, which /status did not count as processed.
        let cached = recoverable["recoverable_sheets_count"].as_i64().unwrap();
        assert!(cached >= processed, "{status}: {cached} cached, {processed} were processed");
        assert_eq!(recoverable["is_recoverable"], cached > 0, "{status}");
        assert_eq!(cached > 0, matches!(status, "processing" | "reprocessing"), "{status}");
        assert!(stream_text(&server, &admin, uuid).await.contains("event: error\r\ndata: {"));
    }
    let completed = seeded_batch(&server, &admin, "completed").await;
    let uuid = completed["batch_uuid"].as_str().unwrap();
    let body = json_of(post(&server, &format!("/api/batches/{uuid}/cancel"), Some(&admin)).await, 400).await;
    assert_eq!(body, json!({"detail": format!("Batch {uuid} is not processing (status: completed)")}));
}

#[tokio::test]
async fn seeded_timeouts_can_be_recovered() {
    let server = Server::with(|cfg| cfg.seed_demo = true).await;
    let admin = server.token("admin").await;
    let failed = json_of(server.get("/api/batches/?status=failed&limit=100", &admin).await, 200).await;
    let mut rescuable = 0;
    for batch in failed["batches"].as_array().unwrap() {
        let uuid = batch["batch_uuid"].as_str().unwrap();
        let check = json_of(server.get(&format!("/api/batches/{uuid}/recoverable"), &admin).await, 200).await;
        if check["is_recoverable"] == true {
            rescuable += 1;
            let total = check["total_sheets_count"].as_i64().unwrap();
            assert_eq!(check["recoverable_sheets_count"], total - 1, "Only N-1/N tasks completed");
            assert_eq!(batch_status(&server, &admin, uuid).await["processed_sheets"], 0, "the UI showed 0");
        }
    }
    assert_eq!(rescuable, 3);
}

#[tokio::test]
async fn stats_count_each_failed_sheet_once_with_one_unnamed_field() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let names: Vec<String> = (0..20)
        .map(|i| if i % 4 == 1 { format!("10300112/s{i:02}-FAIL.jpg") } else { format!("10300112/s{i:02}.jpg") })
        .collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"jpeg".as_slice())).collect();
    let uuid = server.upload_zip(&token, "stats.zip", zip_of(&entries), &[]).await;
    server.wait_terminal(&token, &uuid).await;
    let stats = json_of(server.get(&format!("/api/batches/{uuid}/stats"), &token).await, 200).await;
    assert_eq!(
        stats,
        json!({"registered_total": 22, "sheets_total": 20, "error_total": 5,
               "err_duplicate_sheets_total": 1, "err_low_answer_total": 1, "err_student_id_total": 1,
               "err_center_code_total": 1, "err_class_group_total": 1, "err_class_level_total": 0,
               "err_absent_count_total": 0, "err_blank_page_total": 0})
    );
}

#[tokio::test]
async fn profiles_are_listed_redirected_and_replaceable_in_test_mode() {
    let server = Server::start().await;
    let token = server.token("center08").await;
    let profiles = json_of(server.get("/api/realtime/profiles/", &token).await, 200).await;
    let names: Vec<&str> = profiles.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Default System Config", "มัธยมต้น 140 ข้อ", "Strict bubbles"]);
    let defaults: Vec<i64> = profiles
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["is_default"] == true)
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(defaults, [2]);
    for profile in profiles.as_array().unwrap() {
        let mut keys: Vec<&String> = profile.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["config_json", "created_at", "description", "id", "is_default", "name", "updated_at"]);
        assert!(profile["config_json"].is_object());
    }
    let redirect = server.get("/api/profiles", &token).await;
    assert_eq!(redirect.status(), 307);
    assert_eq!(redirect.headers()["location"], format!("http://{}/api/profiles/", server.running.addr).as_str());
    for body in ["[]", r#"{"oops":1}"#, "not json at all"] {
        let put = server.http.put(server.url("/__test/profiles")).body(body).send().await.unwrap();
        assert_eq!(put.status(), 204);
        let served = server.get("/api/profiles/", &token).await;
        assert_eq!(served.status(), 200);
        assert_eq!(served.text().await.unwrap(), body, "served verbatim");
    }
    server.http.delete(server.url("/__test/faults")).send().await.unwrap();
    assert_eq!(json_of(server.get("/api/profiles/", &token).await, 200).await, profiles);
}
