//! The stand-in's benchmark modes over real HTTP: the sink hashes uploads without storing them,
//! the shaped link adds latency and caps a connection's bandwidth.

mod support;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{sha256_hex, Server};

async fn put(server: &Server, path: &str, body: Value) {
    let response = server.http.put(server.url(path)).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 204, "PUT {path}");
}

async fn received(server: &Server, uuid: &str) -> Value {
    server.http.get(server.url(&format!("/__test/files/{uuid}"))).send().await.unwrap().json().await.unwrap()
}

fn chunk_form(bytes: &[u8], index: usize, total: usize, upload_id: Option<&str>) -> Form {
    let mut form = Form::new()
        .part("chunk", Part::bytes(bytes.to_vec()).file_name("blob"))
        .text("chunk_index", index.to_string())
        .text("total_chunks", total.to_string())
        .text("filename", "sunk.zip")
        .text("upload_type", "zip_with_qr")
        .text("is_final_chunk", (index + 1 == total).to_string());
    if let Some(id) = upload_id {
        form = form.text("upload_id", id.to_string());
    }
    form
}

fn stored_files(server: &Server) -> usize {
    let dir = server.running.state.cfg.data_dir.join("files");
    std::fs::read_dir(dir).map(|entries| entries.count()).unwrap_or(0)
}

#[tokio::test]
async fn the_sink_hashes_chunks_in_index_order_and_stores_nothing() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    put(&server, "/__test/sink", json!({"on": true})).await;
    let file: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let chunks: Vec<&[u8]> = file.chunks(100_000).collect();
    let first = server.post_form("/api/batches/upload-chunk", &token, chunk_form(chunks[0], 0, 3, None)).await;
    let upload_id = first.json::<Value>().await.unwrap()["upload_id"].as_str().unwrap().to_string();
    // The last chunk first: it waits for chunk 1 before the hash can take it.
    let last =
        server.post_form("/api/batches/upload-chunk", &token, chunk_form(chunks[2], 2, 3, Some(&upload_id))).await;
    let last: Value = last.json().await.unwrap();
    assert_eq!((last["chunks_received"].clone(), last["is_complete"].clone()), (json!(2), json!(false)));
    let middle =
        server.post_form("/api/batches/upload-chunk", &token, chunk_form(chunks[1], 1, 3, Some(&upload_id))).await;
    let middle: Value = middle.json().await.unwrap();
    assert_eq!(middle["is_complete"], true, "{middle}");
    let uuid = middle["batch_id"].as_str().unwrap();
    let files = received(&server, uuid).await;
    assert_eq!(files["files"][0]["sha256"], sha256_hex(&file));
    assert_eq!(files["files"][0]["size"], file.len());
    assert_eq!(stored_files(&server), 0, "nothing written");
    let progress = server.wait_terminal(&token, uuid).await;
    assert_eq!(progress["status"], "failed", "no file to process");

    let form = Form::new().part("file", Part::bytes(file.clone()).file_name("whole.zip"));
    let response = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(response.status(), 202);
    let uuid = response.json::<Value>().await.unwrap()["batch_id"].as_str().unwrap().to_string();
    assert_eq!(received(&server, &uuid).await["files"][0]["sha256"], sha256_hex(&file));
    assert_eq!(stored_files(&server), 0, "nothing written");

    // Clearing the faults ends sink mode: uploads are stored again.
    assert_eq!(server.http.delete(server.url("/__test/faults")).send().await.unwrap().status(), 204);
    let form = Form::new().part("file", Part::bytes(file).file_name("kept.zip"));
    assert_eq!(server.post_form("/api/batches/upload", &token, form).await.status(), 202);
    assert_eq!(stored_files(&server), 1);
}

#[tokio::test]
async fn the_shaped_link_delays_each_request_and_caps_its_bandwidth() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    put(&server, "/__test/link", json!({"bytes_per_second": 1_000_000, "latency_ms": 200})).await;
    let started = Instant::now();
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200), "latency added: {:?}", started.elapsed());

    let body = vec![7u8; 600_000];
    let started = Instant::now();
    let form = Form::new().part("file", Part::bytes(body).file_name("slow.zip"));
    assert_eq!(server.post_form("/api/batches/upload", &token, form).await.status(), 202);
    // 200 ms of latency, then 600 kB at 1 MB/s: at least 0.8 s, whatever the machine's speed.
    assert!(started.elapsed() >= Duration::from_millis(800), "bandwidth capped: {:?}", started.elapsed());

    put(&server, "/__test/link", Value::Null).await;
    assert_eq!(server.running.state.faults.link(), None, "shaping ended");
}
