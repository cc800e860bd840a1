//! Fault injection, the gateway body limit, CORS and the test-mode switch.

mod support;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{temp_dir, Server};

async fn install(server: &Server, rules: Value) {
    let response = server.http.post(server.url("/__test/faults")).json(&rules).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn nth_request_gets_the_injected_html_502() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(
        &server,
        json!({"method": "GET", "path": "/api/batches/", "nth": 2,
        "action": {"kind": "respond", "status": 502, "body": "<html><body>502 Bad Gateway</body></html>"}}),
    )
    .await;
    assert_eq!(server.get("/api/batches/", &token).await.status(), 200);
    let second = server.get("/api/batches/", &token).await;
    assert_eq!(second.status(), 502);
    assert_eq!(second.headers()["content-type"], "text/html");
    assert!(second.text().await.unwrap().contains("502 Bad Gateway"));
    assert_eq!(server.get("/api/batches/", &token).await.status(), 200);
}

#[tokio::test]
async fn realtime_lane_requests_match_api_rules() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(
        &server,
        json!({"path": "/api/batches/*", "action": {"kind": "respond", "status": 504, "body": "timeout"}}),
    )
    .await;
    let response = server.get("/api/realtime/batches/x/progress", &token).await;
    assert_eq!(response.status(), 504);
}

#[tokio::test]
async fn drop_closes_the_connection_without_a_response() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(&server, json!({"path": "/api/auth/me", "action": {"kind": "drop"}})).await;
    let err = server.http.get(server.url("/api/auth/me")).bearer_auth(&token).send().await.unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 200, "only the first one");
}

#[tokio::test]
async fn drop_after_handles_the_request_but_loses_the_answer() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(&server, json!({"method": "POST", "path": "/api/batches/upload-chunk", "action": {"kind": "drop_after"}}))
        .await;
    let form = Form::new()
        .part("chunk", Part::bytes(b"abc".to_vec()).file_name("c"))
        .text("chunk_index", "0")
        .text("total_chunks", "2")
        .text("filename", "a.zip")
        .text("upload_type", "zip_with_qr");
    let result =
        server.http.post(server.url("/api/batches/upload-chunk")).bearer_auth(&token).multipart(form).send().await;
    assert!(result.is_err());
    let log: Value = server.http.get(server.url("/__test/requests")).send().await.unwrap().json().await.unwrap();
    let entry = log["requests"].as_array().unwrap().iter().find(|r| r["path"] == "/api/batches/upload-chunk").unwrap();
    assert_eq!(entry["status"], 0);
    assert_eq!(entry["note"]["chunk_index"], 0, "the backend did store the chunk");
}

fn one_chunk_form() -> Form {
    Form::new()
        .part("chunk", Part::bytes(support::sheets_zip("12300145", 2)).file_name("c"))
        .text("chunk_index", "0")
        .text("total_chunks", "1")
        .text("filename", "whole.zip")
        .text("upload_type", "zip_with_qr")
        .text("is_final_chunk", "true")
}

#[tokio::test]
async fn cut_after_makes_the_batch_then_loses_the_answer_mid_way() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    install(&server, json!({"method": "POST", "path": "/api/batches/upload-chunk", "action": {"kind": "cut_after"}}))
        .await;
    let response = server.post_form("/api/batches/upload-chunk", &token, one_chunk_form()).await;
    assert_eq!(response.status(), 202, "the head arrives");
    assert!(response.text().await.is_err(), "the body never arrives whole");
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    assert_eq!(list["batches"][0]["batch_name"], "whole.zip", "the backend made the batch");
    let log: Value = server.http.get(server.url("/__test/requests")).send().await.unwrap().json().await.unwrap();
    let entry = log["requests"].as_array().unwrap().iter().find(|r| r["path"] == "/api/batches/upload-chunk").unwrap();
    assert_eq!(entry["status"], 0, "logged as an answer that never arrived");
}

#[tokio::test]
async fn omit_leaves_fields_out_of_a_handled_answer() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    install(
        &server,
        json!({"method": "POST", "path": "/api/batches/upload-chunk", "action": {"kind": "omit", "fields": ["batch_id"]}}),
    )
    .await;
    let answer: Value =
        server.post_form("/api/batches/upload-chunk", &token, one_chunk_form()).await.json().await.unwrap();
    assert_eq!(answer["is_complete"], true);
    assert!(answer.get("batch_id").is_none(), "{answer}");
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    assert_eq!(list["batches"][0]["batch_name"], "whole.zip");
}

#[tokio::test]
async fn delay_and_rate_limit() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(
        &server,
        json!([
            {"path": "/api/auth/me", "action": {"kind": "delay", "ms": 300}},
            {"path": "/api/auth/verify", "action": {"kind": "rate_limit", "retry_after_secs": 7}}
        ]),
    )
    .await;
    let started = Instant::now();
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let limited = server.get("/api/auth/verify", &token).await;
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "7");
    let rules: Value = server.http.get(server.url("/__test/faults")).send().await.unwrap().json().await.unwrap();
    assert_eq!(rules[0]["seen"], 1);
    server.http.delete(server.url("/__test/faults")).send().await.unwrap();
    assert_eq!(server.get("/api/auth/verify", &token).await.status(), 200);
}

#[tokio::test]
async fn gateway_body_limit_answers_413_html() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let response =
        server.http.put(server.url("/__test/gateway-limit")).json(&json!({"bytes": 1000})).send().await.unwrap();
    assert_eq!(response.status(), 204);
    let form = Form::new().part("file", Part::bytes(vec![0u8; 5000]).file_name("a.zip"));
    let too_big = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(too_big.status(), 413);
    assert!(too_big.text().await.unwrap().contains("413 Request Entity Too Large"));
    let small = Form::new().text("notes", "x");
    assert_eq!(server.post_form("/api/batches/upload", &token, small).await.status(), 400, "small bodies pass");
}

#[tokio::test]
async fn faults_can_be_installed_at_start() {
    let server = Server::with(|cfg| {
        cfg.initial_faults =
            Some(r#"[{"path":"/api/auth/login","action":{"kind":"respond","status":503,"body":"busy"}}]"#.into());
    })
    .await;
    assert_eq!(server.login_body("admin", "admin-pass-2025").await.status(), 503);
    assert_eq!(server.login_body("admin", "admin-pass-2025").await.status(), 200);
}

#[tokio::test]
async fn test_mode_answers_cors_preflight() {
    let server = Server::start().await;
    let response = server
        .http
        .request(reqwest::Method::OPTIONS, server.url("/api/batches/upload-chunk"))
        .header("origin", "http://127.0.0.1:9999")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    assert!(response.headers()["access-control-allow-headers"].to_str().unwrap().contains("authorization"));
    let normal = server.login_body("admin", "admin-pass-2025").await;
    assert_eq!(normal.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn without_test_mode_there_are_no_test_routes_and_no_cors() {
    let mut cfg = omr_standin::config::Config::dev(temp_dir());
    cfg.addr = "127.0.0.1:0".parse().unwrap();
    let server = Server::from_config(cfg).await;
    assert_eq!(server.http.post(server.url("/__test/expire-tokens")).send().await.unwrap().status(), 404);
    let login = server.login_body("admin", "admin-pass-2025").await;
    assert!(login.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn cut_answers_a_few_bytes_then_closes() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(&server, json!({"path": "/api/auth/me", "action": {"kind": "cut"}})).await;
    let response = server.http.get(server.url("/api/auth/me")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 200, "the head arrives");
    assert!(response.bytes().await.is_err(), "the body never completes");
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 200, "only the first one");
}

#[tokio::test]
async fn stall_opens_a_stream_that_never_says_anything() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    install(&server, json!({"path": "/api/batches/*", "action": {"kind": "stall"}})).await;
    let response = server.get("/api/batches/x/stream", &token).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = futures_util::StreamExt::boxed(response.bytes_stream());
    let next = tokio::time::timeout(Duration::from_millis(500), futures_util::StreamExt::next(&mut body)).await;
    assert!(next.is_err(), "not a byte, not even a ping");
}
