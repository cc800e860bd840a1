//! QR ZIPs of real pictures (made by `omr-scans`): covers name the tasks of the sheets after
//! them, staff must be assigned to those tasks, tasks that already have sheets are skipped;
//! and the fixture route that serves such ZIPs to the browser tests.

mod support;

use futures_util::StreamExt;
use omr_scans::build_zip;
use serde_json::{json, Value};
use std::io::Cursor;
use std::time::Duration;
use support::{zip_of, Server};

/// The image names and task ids of a batch's sheets, in sequence order.
fn sheets(server: &Server, uuid: &str) -> Vec<(String, Option<String>)> {
    let state = &server.running.state;
    let batch = state.db.batch_by_uuid(uuid).expect("the batch exists");
    let prefix = format!("{uuid}/");
    state
        .db
        .sheets(batch.batch_id, 1000)
        .into_iter()
        .map(|sheet| (sheet.image_path.trim_start_matches(&prefix).to_string(), sheet.task_id))
        .collect()
}

/// The `message` of every event of a finished batch's stream (replayed, then closed).
async fn messages(server: &Server, token: &str, uuid: &str) -> Vec<String> {
    let response = server.get(&format!("/api/batches/{uuid}/stream"), token).await;
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let reading = async {
        while let Some(Ok(bytes)) = body.next().await {
            text.push_str(&String::from_utf8_lossy(&bytes));
        }
    };
    tokio::time::timeout(Duration::from_secs(20), reading).await.expect("a finished batch's stream closes");
    text.split("\r\n")
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str::<Value>(data).unwrap()["message"].as_str().unwrap().to_string())
        .collect()
}

/// Uploads a ZIP made from `layout` and waits for the batch to end; returns its UUID and progress.
async fn upload_layout(server: &Server, token: &str, layout: &str, seed: u64, deflate: bool) -> (String, Value) {
    let zip = build_zip(layout, seed, deflate).unwrap();
    let uuid = server.upload_zip(token, "scans.zip", zip, &[]).await;
    let progress = server.wait_terminal(token, &uuid).await;
    (uuid, progress)
}

async fn error_message(server: &Server, token: &str, uuid: &str) -> Value {
    let status: Value = server.get(&format!("/api/batches/{uuid}/status"), token).await.json().await.unwrap();
    status["error_message"].clone()
}

fn named(sheets: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    sheets.iter().map(|(name, task)| (name.to_string(), task.map(str::to_string))).collect()
}

#[tokio::test]
async fn covers_start_the_groups_of_their_tasks_and_are_not_sheets() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let (uuid, progress) = upload_layout(&server, &token, "C:55500011,S*3,C:TASK 55500012,S*2", 1, false).await;
    assert_eq!(progress["status"], "completed");
    assert_eq!(progress["sheet_count"], 5);
    let expected = named(&[
        ("scans/0002.jpg", Some("55500011")),
        ("scans/0003.jpg", Some("55500011")),
        ("scans/0004.jpg", Some("55500011")),
        ("scans/0006.jpg", Some("55500012")),
        ("scans/0007.jpg", Some("55500012")),
    ]);
    assert_eq!(sheets(&server, &uuid), expected);
    assert!(messages(&server, &token, &uuid).await.contains(&"Extraction complete - 5 sheets".to_string()));
}

#[tokio::test]
async fn pictures_before_the_first_cover_have_no_task_and_unreadable_codes_are_sheets() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    // Deflated entries, as some scanners write them; a damaged cover and a code holding no task
    // id are sheets of the group they are in.
    let (uuid, progress) = upload_layout(&server, &token, "S,C:55500021,S,D,C:hello,S", 2, true).await;
    assert_eq!(progress["status"], "completed");
    let expected = named(&[
        ("scans/0001.jpg", None),
        ("scans/0003.jpg", Some("55500021")),
        ("scans/0004.jpg", Some("55500021")),
        ("scans/0005.jpg", Some("55500021")),
        ("scans/0006.jpg", Some("55500021")),
    ]);
    assert_eq!(sheets(&server, &uuid), expected);
}

#[tokio::test]
async fn placeholder_bytes_keep_their_folder_task_and_real_pictures_need_a_cover() {
    let server = Server::start().await;
    // A staff user not assigned to 55500031: folder tasks are not checked.
    let token = server.token("center08").await;
    let sheet = omr_scans::answer_sheet_jpeg(3);
    let zip = zip_of(&[("55500031/a.jpg", b"fake jpeg 1"), ("55500031/b.jpg", &sheet)]);
    let uuid = server.upload_zip(&token, "mixed.zip", zip, &[]).await;
    assert_eq!(server.wait_terminal(&token, &uuid).await["status"], "completed");
    assert_eq!(sheets(&server, &uuid), named(&[("55500031/a.jpg", Some("55500031")), ("55500031/b.jpg", None)]));
}

#[tokio::test]
async fn staff_must_be_assigned_to_every_task_a_cover_names() {
    let server = Server::start().await;
    let token = server.token("center08").await;
    let layout = "C:12345678,S,C:23456789,S,C:14900213,S";
    let (uuid, progress) = upload_layout(&server, &token, layout, 4, false).await;
    assert_eq!(progress["status"], "failed");
    // 14900213 is one of center08's seeded tasks; the other two are named, sorted.
    let reason = "Not assigned to tasks: 12345678, 23456789";
    assert_eq!(error_message(&server, &token, &uuid).await, format!("Batch processing failed: {reason}"));
    assert_eq!(messages(&server, &token, &uuid).await.last().unwrap(), &format!("Batch failed: {reason}"));
    assert!(sheets(&server, &uuid).is_empty());

    let assign = json!({"center08": ["12345678", "23456789"]});
    let response = server.http.put(server.url("/__test/assignments")).json(&assign).send().await.unwrap();
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"added": 2}));
    let (uuid, progress) = upload_layout(&server, &token, layout, 4, false).await;
    assert_eq!(progress["status"], "completed");
    assert_eq!(sheets(&server, &uuid).len(), 3);

    // The admin needs no assignment.
    let admin = server.token("admin").await;
    let (_, progress) = upload_layout(&server, &admin, "C:34567890,S", 5, false).await;
    assert_eq!(progress["status"], "completed");
}

#[tokio::test]
async fn tasks_that_already_have_sheets_are_skipped_with_the_skipping_event() {
    let server = Server::start().await;
    let token = server.token("center07").await;
    let (_, first) = upload_layout(&server, &token, "C:14900113,S*2", 6, false).await;
    assert_eq!(first["sheet_count"], 2);
    let (uuid, second) = upload_layout(&server, &token, "C:14900113,S,C:14900114,S*2", 7, false).await;
    assert_eq!(second["status"], "completed");
    assert_eq!(second["sheet_count"], 2);
    assert_eq!(
        sheets(&server, &uuid),
        named(&[("scans/0004.jpg", Some("14900114")), ("scans/0005.jpg", Some("14900114"))])
    );
    let said = messages(&server, &token, &uuid).await;
    assert!(said.contains(&"Skipping 1 duplicate tasks: 14900113".to_string()), "{said:?}");

    let (uuid, third) = upload_layout(&server, &token, "C:14900114,S,C:14900113,S", 8, false).await;
    assert_eq!(third["status"], "failed");
    assert_eq!(error_message(&server, &token, &uuid).await, "Batch processing failed: No sheets were created");
    let said = messages(&server, &token, &uuid).await;
    assert!(said.contains(&"Skipping 2 duplicate tasks: 14900113, 14900114".to_string()), "{said:?}");
}

#[tokio::test]
async fn assignments_name_known_users_and_eight_digit_tasks() {
    let server = Server::start().await;
    let put = |body: Value| server.http.put(server.url("/__test/assignments")).json(&body).send();
    let unknown = put(json!({"center08": ["55500041"], "nobody": ["55500042"]})).await.unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(unknown.json::<Value>().await.unwrap(), json!({"detail": "Unknown user: nobody"}));
    let bad = put(json!({"ภาค2-3": ["5550004"]})).await.unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(bad.json::<Value>().await.unwrap(), json!({"detail": "Task ids have 8 digits: '5550004'"}));
    let db = &server.running.state.db;
    let center08 = db.user_by_name("center08").unwrap().user_id;
    assert_eq!(db.assigned_tasks(center08), ["14900213", "14900214"], "the seeded tasks only: nothing was added");
    let again = put(json!({"center08": ["14900213", "55500041"]})).await.unwrap();
    assert_eq!(again.json::<Value>().await.unwrap(), json!({"added": 1}));
}

#[tokio::test]
async fn the_fixture_route_serves_generated_zips_and_refuses_bad_layouts() {
    let server = Server::start().await;
    let fetch = |query: &[(&str, &str)]| server.http.get(server.url("/__test/scans.zip")).query(query).send();
    let layout = "C:14900113,S*2";
    let response = fetch(&[("layout", layout), ("seed", "7")]).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let stored = response.bytes().await.unwrap();
    assert_eq!(stored, build_zip(layout, 7, false).unwrap());
    let again = fetch(&[("layout", layout), ("seed", "7"), ("deflate", "false")]).await.unwrap();
    assert_eq!(again.bytes().await.unwrap(), stored, "the same ZIP, from the cache");
    let deflated = fetch(&[("layout", layout), ("seed", "7"), ("deflate", "true")]).await.unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(deflated.bytes().await.unwrap())).unwrap();
    assert_eq!(archive.by_index(0).unwrap().compression(), zip::CompressionMethod::Deflated);

    let refused = |query: &'static [(&'static str, &'static str)], detail: &'static str| async move {
        let response = fetch(query).await.unwrap();
        assert_eq!(response.status(), 400, "{query:?}");
        assert_eq!(response.json::<Value>().await.unwrap()["detail"], detail, "{query:?}");
    };
    refused(&[("layout", "S,X")], "Unknown page in token 2 (`X`): expected C:<payload>, D or S, each optionally *N")
        .await;
    refused(&[("seed", "1")], "layout is required").await;
    refused(&[("layout", "S*401")], "At most 400 pages here; the omr-scans command makes larger ZIPs").await;
    let response = fetch(&[("layout", "S"), ("seed", "x")]).await.unwrap();
    assert_eq!(response.status(), 400);
}
