//! Direct and chunked uploads, and the simulated processing they start, over real HTTP.

mod support;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use support::{sha256_hex, sheets_zip, zip_of, Server};

#[tokio::test]
async fn qr_zip_upload_is_accepted_and_processed() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let zip = zip_of(&[
        ("10300112/a.jpg", b"1"),
        ("10300112/b-FAIL.jpg", b"2"),
        ("10300112/c.png", b"3"),
        ("10300112/readme.txt", b"not a sheet"),
    ]);
    let size = zip.len();
    let form = Form::new().part("file", Part::bytes(zip).file_name("103.zip")).text("notes", "room 3");
    let response = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "uploaded");
    assert_eq!(body["total_size"], size);
    let uuid = body["batch_id"].as_str().unwrap();
    assert_eq!(uuid.len(), 36);
    let progress = server.wait_terminal(&token, uuid).await;
    assert_eq!(progress["status"], "completed");
    assert_eq!(progress["sheet_count"], 3);
    assert_eq!(progress["processed_count"], 2);
    assert_eq!(progress["failed_count"], 1);
    assert_eq!(progress["progress_percentage"], 66.67);
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    assert_eq!(list["batches"][0]["upload_type"], "zip_qr");
    assert_eq!(list["batches"][0]["notes"], "room 3");
    assert_eq!(list["batches"][0]["batch_name"], "103.zip");
}

#[tokio::test]
async fn upload_without_file_or_task_is_400() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let none = server.post_form("/api/batches/upload", &token, Form::new().text("notes", "x")).await;
    assert_eq!(none.status(), 400);
    let zip = sheets_zip("12300145", 1);
    let form = Form::new().part("file", Part::bytes(zip).file_name("a.zip")).text("has_qr", "false");
    let no_task = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(no_task.status(), 400);
    assert_eq!(no_task.json::<Value>().await.unwrap(), json!({"detail": "Task ID is required for non-QR uploads"}));
    let images = Form::new().part("files", Part::bytes(b"x".to_vec()).file_name("a.jpg"));
    assert_eq!(server.post_form("/api/batches/upload", &token, images).await.status(), 400);
    let pdf = Form::new().part("file", Part::bytes(b"%PDF".to_vec()).file_name("a.pdf"));
    assert_eq!(server.post_form("/api/batches/upload", &token, pdf).await.status(), 400);
}

#[tokio::test]
async fn has_qr_must_be_a_boolean() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let form =
        Form::new().part("file", Part::bytes(sheets_zip("12300145", 1)).file_name("a.zip")).text("has_qr", "maybe");
    let response = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "bool_parsing");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "has_qr"]));
}

#[tokio::test]
async fn no_qr_zip_and_images_become_their_upload_types() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let no_qr = server
        .upload_zip(&token, "day2.zip", sheets_zip("x", 2), &[("has_qr", "false"), ("task_id", "12300145")])
        .await;
    assert_eq!(server.wait_terminal(&token, &no_qr).await["sheet_count"], 2);
    let form = Form::new()
        .part("files", Part::bytes(b"a".to_vec()).file_name("p1.jpg"))
        .part("files", Part::bytes(b"b".to_vec()).file_name("p2.png"))
        .text("task_id", "12300146");
    let response = server.post_form("/api/batches/upload", &token, form).await;
    assert_eq!(response.status(), 202);
    let images: Value = response.json().await.unwrap();
    let uuid = images["batch_id"].as_str().unwrap();
    assert_eq!(server.wait_terminal(&token, uuid).await["sheet_count"], 2);
    let files: Value =
        server.http.get(server.url(&format!("/__test/files/{uuid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(files["files"][0]["sha256"], sha256_hex(b"a"));
    assert_eq!(files["files"][1]["name"], "p2.png");
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    let types: Vec<&str> =
        list["batches"].as_array().unwrap().iter().map(|b| b["upload_type"].as_str().unwrap()).collect();
    assert_eq!(types, ["images", "zip_no_qr"]);
}

#[tokio::test]
async fn invalid_zip_and_empty_zip_fail_with_a_reason() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let bad = server.upload_zip(&token, "bad.zip", b"this is not a zip".to_vec(), &[]).await;
    let done = server.wait_terminal(&token, &bad).await;
    assert_eq!(done["status"], "failed");
    assert!(done["completed_at"].is_string());
    let status: Value = server.get(&format!("/api/batches/{bad}/status"), &token).await.json().await.unwrap();
    assert_eq!(status["error_message"], "Batch processing failed: File is not a valid ZIP archive");
    let empty = server.upload_zip(&token, "empty.zip", zip_of(&[("notes.txt", b"x")]), &[]).await;
    server.wait_terminal(&token, &empty).await;
    let status: Value = server.get(&format!("/api/batches/{empty}/status"), &token).await.json().await.unwrap();
    assert_eq!(status["error_message"], "Batch processing failed: No sheets were created");
    assert_eq!(status["status"], "failed");
}

#[tokio::test]
async fn bad_task_id_fails_in_processing_not_in_the_handler() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "a.zip", sheets_zip("x", 1), &[("has_qr", "false"), ("task_id", "123")]).await;
    assert_eq!(server.wait_terminal(&token, &uuid).await["status"], "failed");
}

#[tokio::test]
async fn duplicate_tasks_are_skipped() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let first = server.upload_zip(&token, "one.zip", sheets_zip("10300112", 2), &[]).await;
    server.wait_terminal(&token, &first).await;
    let both = zip_of(&[("10300112/a.jpg", b"1"), ("10300122/b.jpg", b"2")]);
    let second = server.upload_zip(&token, "two.zip", both, &[]).await;
    let done = server.wait_terminal(&token, &second).await;
    assert_eq!(done["sheet_count"], 1);
    let again = server.upload_zip(&token, "three.zip", sheets_zip("10300112", 1), &[]).await;
    let status: Value = {
        server.wait_terminal(&token, &again).await;
        server.get(&format!("/api/batches/{again}/status"), &token).await.json().await.unwrap()
    };
    assert_eq!(status["error_message"], "Batch processing failed: No sheets were created");
}

/// One chunk request; `upload_id` is omitted when `None`.
async fn send_chunk(
    server: &Server,
    token: &str,
    bytes: &[u8],
    index: usize,
    total: usize,
    upload_id: Option<&str>,
    last: bool,
) -> reqwest::Response {
    let mut form = Form::new()
        .part("chunk", Part::bytes(bytes.to_vec()).file_name(format!("big.zip.part{index}")))
        .text("chunk_index", index.to_string())
        .text("total_chunks", total.to_string())
        .text("filename", "big.zip")
        .text("upload_type", "zip_with_qr")
        .text("is_final_chunk", last.to_string());
    if let Some(id) = upload_id {
        form = form.text("upload_id", id.to_string());
    }
    server.post_form("/api/realtime/batches/upload-chunk", token, form).await
}

#[tokio::test]
async fn chunked_upload_reassembles_byte_exact_in_index_order() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let zip = sheets_zip("10300112", 30);
    let size = zip.len().div_ceil(4);
    let chunks: Vec<&[u8]> = zip.chunks(size).collect();
    assert_eq!(chunks.len(), 4);
    let first = send_chunk(&server, &token, chunks[0], 0, 4, None, false).await;
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    assert_eq!(first["chunks_received"], 1);
    assert_eq!(first["is_complete"], false);
    assert_eq!(first["batch_id"], Value::Null);
    assert_eq!(first["message"], "Chunk 1/4 received");
    let id = first["upload_id"].as_str().unwrap();
    // Out of order, with index 2 sent twice (the second copy overwrites the first).
    for index in [2, 1, 2] {
        let body: Value =
            send_chunk(&server, &token, chunks[index], index, 4, Some(id), false).await.json().await.unwrap();
        assert_eq!(body["is_complete"], false);
    }
    let last: Value = send_chunk(&server, &token, chunks[3], 3, 4, Some(id), true).await.json().await.unwrap();
    assert_eq!(last["is_complete"], true);
    assert_eq!(last["chunks_received"], 4);
    assert_eq!(last["status"], "uploaded");
    let uuid = last["batch_id"].as_str().unwrap();
    let files: Value =
        server.http.get(server.url(&format!("/__test/files/{uuid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(files["files"][0]["sha256"], sha256_hex(&zip));
    assert_eq!(files["files"][0]["size"], zip.len());
    assert_eq!(server.wait_terminal(&token, uuid).await["sheet_count"], 30);
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    assert_eq!(list["batches"][0]["notes"], "Chunked upload (4 chunks)");
    assert_eq!(list["batches"][0]["upload_type"], "zip_qr");
    let log: Value = server.http.get(server.url("/__test/requests")).send().await.unwrap().json().await.unwrap();
    let indexes: Vec<i64> =
        log["requests"].as_array().unwrap().iter().filter_map(|r| r["note"]["chunk_index"].as_i64()).collect();
    assert_eq!(indexes, [0, 2, 1, 2, 3]);
}

#[tokio::test]
async fn final_chunk_before_the_others_does_not_complete() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let first: Value = send_chunk(&server, &token, b"aa", 0, 3, None, false).await.json().await.unwrap();
    let id = first["upload_id"].as_str().unwrap();
    let early: Value = send_chunk(&server, &token, b"cc", 2, 3, Some(id), true).await.json().await.unwrap();
    assert_eq!(early["is_complete"], false);
    assert_eq!(early["batch_id"], Value::Null);
    let done: Value = send_chunk(&server, &token, b"bb", 1, 3, Some(id), false).await.json().await.unwrap();
    assert_eq!(done["is_complete"], true);
    let uuid = done["batch_id"].as_str().unwrap();
    let files: Value =
        server.http.get(server.url(&format!("/__test/files/{uuid}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(files["files"][0]["sha256"], sha256_hex(b"aabbcc"));
}

#[tokio::test]
async fn unknown_upload_id_is_404_restart() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let response = send_chunk(&server, &token, b"x", 1, 2, Some("e41a8c37-9b62-4d15-b0f3-2c7d9e85a106"), false).await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"detail": "Upload e41a8c37-9b62-4d15-b0f3-2c7d9e85a106 not found. Please restart upload."})
    );
}

#[tokio::test]
async fn a_later_chunk_without_upload_id_is_looked_up_under_an_empty_id() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let response = send_chunk(&server, &token, b"x", 1, 2, None, false).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"detail": "Upload  not found. Please restart upload."}));
}

#[tokio::test]
async fn macos_leftovers_are_not_counted_as_sheets() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let zip = zip_of(&[
        ("10300112/a.jpg", b"1"),
        ("__MACOSX/10300112/._a.jpg", b"fork"),
        ("10300112/._b.jpg", b"fork"),
        ("10300112/b.jpg", b"2"),
    ]);
    let form = Form::new().part("file", Part::bytes(zip).file_name("mac.zip"));
    let body: Value = server.post_form("/api/batches/upload", &token, form).await.json().await.unwrap();
    let progress = server.wait_terminal(&token, body["batch_id"].as_str().unwrap()).await;
    assert_eq!(progress["sheet_count"], 2);
}

#[tokio::test]
async fn chunk_field_rules_follow_the_router() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let bad_type = Form::new()
        .part("chunk", Part::bytes(b"x".to_vec()).file_name("c"))
        .text("chunk_index", "0")
        .text("total_chunks", "1")
        .text("filename", "a.zip")
        .text("upload_type", "zip_qr");
    let response = server.post_form("/api/batches/upload-chunk", &token, bad_type).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap()["detail"],
        "Invalid upload_type. Must be one of: zip_with_qr, zip_no_qr, images"
    );
    let no_task = Form::new()
        .part("chunk", Part::bytes(b"x".to_vec()).file_name("c"))
        .text("chunk_index", "0")
        .text("total_chunks", "1")
        .text("filename", "a.zip")
        .text("upload_type", "zip_no_qr");
    let response = server.post_form("/api/batches/upload-chunk", &token, no_task).await;
    assert_eq!(response.json::<Value>().await.unwrap()["detail"], "task_id required for upload_type 'zip_no_qr'");
    let missing = Form::new().part("chunk", Part::bytes(b"x".to_vec()).file_name("c")).text("chunk_index", "zero");
    let response = server.post_form("/api/batches/upload-chunk", &token, missing).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let locs: Vec<&Value> = body["detail"].as_array().unwrap().iter().map(|item| &item["loc"][1]).collect();
    assert_eq!(locs, ["chunk_index", "total_chunks", "filename", "upload_type"]);
    assert_eq!(body["detail"][0]["type"], "int_parsing");
    let out_of_range = send_chunk(&server, &token, b"x", 5, 4, None, false).await;
    assert_eq!(out_of_range.status(), 400);
    assert_eq!(out_of_range.json::<Value>().await.unwrap()["detail"], "Invalid chunk_index 5 (total: 4)");
}

#[tokio::test]
async fn chunk_above_100_mib_is_413() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let big = vec![7u8; 104_857_601];
    let response = send_chunk(&server, &token, &big, 0, 1, None, true).await;
    assert_eq!(response.status(), 413);
    assert_eq!(response.json::<Value>().await.unwrap()["detail"], "Chunk size 104857601 exceeds maximum 104857600");
    let exact = vec![7u8; 104_857_600];
    assert_eq!(send_chunk(&server, &token, &exact, 0, 1, None, true).await.status(), 202);
    // 200 MB of test data: not worth keeping in the temp directory.
    std::fs::remove_dir_all(&server.running.state.cfg.data_dir).unwrap();
}

#[tokio::test]
async fn state_survives_a_restart() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let uuid = server.upload_zip(&token, "keep.zip", sheets_zip("10300112", 2), &[]).await;
    server.wait_terminal(&token, &uuid).await;
    let first: Value = send_chunk(&server, &token, b"aa", 0, 2, None, false).await.json().await.unwrap();
    let upload_id = first["upload_id"].as_str().unwrap().to_string();
    let cfg = (*server.running.state.cfg).clone();
    server.running.stop();
    let restarted =
        Server::from_config(omr_standin::config::Config { addr: "127.0.0.1:0".parse().unwrap(), ..cfg }).await;
    let progress: Value = restarted.get(&format!("/api/batches/{uuid}/progress"), &token).await.json().await.unwrap();
    assert_eq!(progress["status"], "completed");
    let last: Value = send_chunk(&restarted, &token, b"bb", 1, 2, Some(&upload_id), true).await.json().await.unwrap();
    assert_eq!(last["is_complete"], true, "{last}");
}

/// A raw multipart body sent under `Content-Type: multipart/form-data; boundary=B`.
async fn post_raw_chunk(server: &Server, token: &str, body: &str) -> reqwest::Response {
    server
        .http
        .post(server.url("/api/realtime/batches/upload-chunk"))
        .bearer_auth(token)
        .header("Content-Type", "multipart/form-data; boundary=B")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

fn text_part(name: &str, value: &str) -> String {
    format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

#[tokio::test]
async fn a_body_whose_later_boundary_is_broken_is_422_for_the_parts_it_lost() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    // The delimiter after `upload_type` is misspelt: python-multipart reads the rest of the
    // body as that part's data, the part never ends, and FastAPI finds two fields missing.
    let body = format!(
        "{}{}{}--B\r\nContent-Disposition: form-data; name=\"upload_type\"\r\n\r\nzip_with_qr\r\n--X\r\n\
         Content-Disposition: form-data; name=\"chunk\"; filename=\"big.zip.part0\"\r\n\r\nPK\r\n--X--\r\n",
        text_part("chunk_index", "0"),
        text_part("total_chunks", "1"),
        text_part("filename", "big.zip"),
    );
    let response = post_raw_chunk(&server, &token, &body).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"detail": [
            {"type": "missing", "loc": ["body", "chunk"], "msg": "Field required", "input": null},
            {"type": "missing", "loc": ["body", "upload_type"], "msg": "Field required", "input": null},
        ]})
    );
    // Cut inside a file part (no closing delimiter at all): the same.
    let cut = format!(
        "{}{}{}{}--B\r\nContent-Disposition: form-data; name=\"chunk\"; filename=\"big.zip.part0\"\r\n\r\nPK\u{3}\u{4}",
        text_part("chunk_index", "0"),
        text_part("total_chunks", "1"),
        text_part("filename", "big.zip"),
        text_part("upload_type", "zip_with_qr"),
    );
    let response = post_raw_chunk(&server, &token, &cut).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"].as_array().unwrap().len(), 1);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "chunk"]));
}

#[tokio::test]
async fn a_body_that_never_matches_its_boundary_is_400() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    // The parser raises at the first delimiter; FastAPI answers its fixed 400.
    let body = text_part("chunk_index", "0").replace("--B", "--WRONG");
    let response = post_raw_chunk(&server, &token, &body).await;
    assert_eq!(response.status(), 400);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"detail": "There was an error parsing the body"}));
}

/// One chunk of a file named `filename`, sent as `upload_type` (with a task id for the types
/// that need one).
async fn send_named_chunk(
    server: &Server,
    token: &str,
    (filename, upload_type): (&str, &str),
    index: usize,
    total: usize,
    upload_id: Option<&str>,
) -> reqwest::Response {
    let mut form = Form::new()
        .part("chunk", Part::bytes(vec![b'x'; 10]).file_name(format!("{filename}.part{index}")))
        .text("chunk_index", index.to_string())
        .text("total_chunks", total.to_string())
        .text("filename", filename.to_string())
        .text("upload_type", upload_type.to_string())
        .text("is_final_chunk", (index + 1 == total).to_string());
    if upload_type != "zip_with_qr" {
        form = form.text("task_id", "12300145");
    }
    if let Some(id) = upload_id {
        form = form.text("upload_id", id.to_string());
    }
    server.post_form("/api/realtime/batches/upload-chunk", token, form).await
}

#[tokio::test]
async fn a_chunked_file_the_upload_type_does_not_take_fails_its_completing_chunk_with_500() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    for (file, detail) in [
        (
            ("scans.pdf", "zip_with_qr"),
            "Batch creation failed: 400: Unsupported file type: scans.pdf (expected a .zip archive)",
        ),
        (
            ("day2.rar", "zip_no_qr"),
            "Batch creation failed: 400: Unsupported file type: day2.rar (expected a .zip archive)",
        ),
        (
            ("page.tiff", "images"),
            "Batch creation failed: 400: Unsupported image type: page.tiff (expected JPG or PNG)",
        ),
    ] {
        let first = send_named_chunk(&server, &token, file, 0, 2, None).await;
        assert_eq!(first.status(), 202, "{file:?}: the name is only looked at when the batch is made");
        let first: Value = first.json().await.unwrap();
        let id = first["upload_id"].as_str().unwrap().to_string();
        let last = send_named_chunk(&server, &token, file, 1, 2, Some(&id)).await;
        assert_eq!(last.status(), 500, "{file:?}");
        assert_eq!(last.json::<Value>().await.unwrap(), json!({ "detail": detail }));
        // The session is already gone: the same chunk again finds nothing.
        let again = send_named_chunk(&server, &token, file, 1, 2, Some(&id)).await;
        assert_eq!(again.status(), 404);
        assert_eq!(
            again.json::<Value>().await.unwrap(),
            json!({ "detail": format!("Upload {id} not found. Please restart upload.") })
        );
    }
    // One chunk that is also the last: refused the same way, and no batch was made.
    let single = send_named_chunk(&server, &token, ("notes.txt", "zip_with_qr"), 0, 1, None).await;
    assert_eq!(single.status(), 500);
    let list: Value = server.get("/api/batches/", &token).await.json().await.unwrap();
    let names: Vec<&str> =
        list["batches"].as_array().unwrap().iter().filter_map(|b| b["batch_name"].as_str()).collect();
    for name in ["scans.pdf", "day2.rar", "page.tiff", "notes.txt"] {
        assert!(!names.contains(&name), "{name} became a batch: {names:?}");
    }
}
