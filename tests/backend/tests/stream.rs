//! The SSE stream: named events, CRLF, pings, replay on every connect, close at the end.

mod support;

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use support::{sheets_zip, Server};

/// Reads the whole stream as text (it ends when the server closes it), with a time limit.
async fn read_stream(server: &Server, token: &str, uuid: &str) -> String {
    let response = server.get(&format!("/api/realtime/batches/{uuid}/stream"), token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream; charset=utf-8");
    assert_eq!(response.headers()["x-accel-buffering"], "no");
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let reading = async {
        while let Some(Ok(bytes)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    };
    tokio::time::timeout(Duration::from_secs(20), reading).await.expect("stream closes by itself");
    text
}

/// `(event name, data JSON)` of each event, ignoring comments.
fn events(text: &str) -> Vec<(String, Value)> {
    text.split("\r\n\r\n")
        .filter(|block| block.starts_with("event: "))
        .map(|block| {
            let mut lines = block.split("\r\n");
            let name = lines.next().unwrap().trim_start_matches("event: ").to_string();
            let data = lines.next().unwrap().trim_start_matches("data: ");
            (name, serde_json::from_str(data).unwrap())
        })
        .collect()
}

#[tokio::test]
async fn live_stream_walks_the_stages_and_closes_after_complete() {
    let server = Server::with(|cfg| {
        cfg.stage_delay = Duration::from_millis(60);
        cfg.sheets_per_tick = 2;
        cfg.tick = Duration::from_millis(60);
        cfg.ping_interval = Duration::from_millis(50);
    })
    .await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", sheets_zip("10300112", 5), &[]).await;
    let text = read_stream(&server, &token, &uuid).await;
    assert!(text.contains(": ping - "), "pings while waiting");
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF line ends only");
    let events = events(&text);
    let stages: Vec<&str> = events.iter().map(|(_, data)| data["stage"].as_str().unwrap()).collect();
    assert_eq!(stages.first(), Some(&"extracting"));
    for stage in ["processing_sheets", "collecting_results", "generating_csv", "loading_database", "cleanup"] {
        assert!(stages.contains(&stage), "{stage} in {stages:?}");
    }
    let (name, last) = events.last().unwrap();
    assert_eq!(name, "complete");
    assert_eq!(last["message"], "Batch completed successfully");
    assert!(events[..events.len() - 1].iter().all(|(name, _)| name == "progress"));
    let mut keys: Vec<&str> = last.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = [
        "stage",
        "message",
        "progress_percentage",
        "sheets_total",
        "sheets_processed",
        "elapsed_seconds",
        "timestamp",
        "error_details",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected, "every field is serialised, optional ones as null");
    assert_eq!(last["timestamp"].as_str().unwrap().len(), 26, "naive with microseconds");
    assert!(events.iter().any(|(_, d)| d["message"] == "Processing: 4/5 sheets completed"));
}

#[tokio::test]
async fn reconnect_replays_the_whole_log_then_closes() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", sheets_zip("10300112", 3), &[]).await;
    server.wait_terminal(&token, &uuid).await;
    let first = events(&read_stream(&server, &token, &uuid).await);
    let second = events(&read_stream(&server, &token, &uuid).await);
    assert!(first.len() > 5);
    assert_eq!(first, second, "every connect replays the same stored log");
    assert_eq!(first.last().unwrap().0, "complete");
}

#[tokio::test]
async fn failing_batch_ends_with_an_error_event() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", b"not a zip".to_vec(), &[]).await;
    server.wait_terminal(&token, &uuid).await;
    let events = events(&read_stream(&server, &token, &uuid).await);
    let (name, data) = events.last().unwrap();
    assert_eq!(name, "error");
    assert_eq!(data["stage"], "failed");
    assert_eq!(data["message"], "Batch failed: File is not a valid ZIP archive");
}

#[tokio::test]
async fn expired_log_sends_only_pings_and_stays_open() {
    let server = Server::with(|cfg| cfg.event_log_ttl = Duration::from_millis(0)).await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", sheets_zip("10300112", 1), &[]).await;
    server.wait_terminal(&token, &uuid).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let response = server.get(&format!("/api/batches/{uuid}/stream"), &token).await;
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let _ = tokio::time::timeout(Duration::from_millis(700), async {
        while let Some(Ok(bytes)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    })
    .await;
    assert!(text.contains(": ping - "));
    assert!(!text.contains("event:"), "{text}");
}

#[tokio::test]
async fn stream_refuses_strangers_and_unknown_batches_before_streaming() {
    let server = Server::start().await;
    let owner = server.token("center07").await;
    let uuid = server.upload_zip(&owner, "a.zip", sheets_zip("10300112", 1), &[]).await;
    let stranger = server.get(&format!("/api/batches/{uuid}/stream"), &server.token("center08").await).await;
    assert_eq!(stranger.status(), 403);
    assert_eq!(stranger.json::<Value>().await.unwrap(), json!({"detail": "Access denied"}));
    let admin = server.get(&format!("/api/batches/{uuid}/stream"), &server.token("admin").await).await;
    assert_eq!(admin.status(), 200);
    let unknown = server.get("/api/batches/00000000-0000-0000-0000-000000000000/stream", &owner).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn close_streams_ends_open_streams_without_a_final_event() {
    let server = Server::with(|cfg| {
        cfg.stage_delay = Duration::from_secs(5);
        cfg.ping_interval = Duration::from_millis(50);
    })
    .await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", sheets_zip("10300112", 1), &[]).await;
    let response = server.get(&format!("/api/batches/{uuid}/stream"), &token).await;
    let mut body = response.bytes_stream();
    let first = body.next().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).starts_with(": ping"));
    let cut = server.http.post(server.url("/__test/close-streams")).send().await.unwrap();
    assert_eq!(cut.status(), 204);
    let rest = tokio::time::timeout(Duration::from_secs(2), async {
        let mut text = String::new();
        while let Some(Ok(bytes)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
        text
    })
    .await
    .expect("the stream ends");
    assert!(!rest.contains("event: complete"));
}
