//! The later generation's upload options and list filters over real HTTP, and the router
//! snapshot ignoring both.

mod support;

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use support::{json_of, serve_later, sheets_zip, Server};

/// Query parameters of a list call.
type Query<'a> = &'a [(&'a str, &'a str)];

/// One chunk of `zip` split in `total` parts, with extra form fields.
async fn chunk(
    server: &Server,
    token: &str,
    zip: &[u8],
    (index, total): (usize, usize),
    upload_id: Option<&str>,
    fields: &[(&str, &str)],
) -> Value {
    let size = zip.len().div_ceil(total);
    let part = &zip[(index * size).min(zip.len())..((index + 1) * size).min(zip.len())];
    let mut form = Form::new()
        .part("chunk", Part::bytes(part.to_vec()).file_name("blob"))
        .text("chunk_index", index.to_string())
        .text("total_chunks", total.to_string())
        .text("filename", "options.zip")
        .text("upload_type", "zip_with_qr")
        .text("is_final_chunk", (index + 1 == total).to_string());
    for (name, value) in upload_id.map(|id| ("upload_id", id)).iter().chain(fields) {
        form = form.text(name.to_string(), value.to_string());
    }
    json_of(server.post_form("/api/realtime/batches/upload-chunk", token, form).await, 202).await
}

async fn recorded_options(server: &Server, uuid: &str) -> Value {
    let files: Value =
        server.http.get(server.url(&format!("/__test/files/{uuid}"))).send().await.unwrap().json().await.unwrap();
    files["options"].clone()
}

#[tokio::test]
async fn upload_options_are_recorded_by_the_later_generation_only() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let zip = sheets_zip("10300112", 3);
    let fields = [("profile_id", "2"), ("alignment_mode", "imreg_dft")];
    let direct = server.upload_zip(&token, "direct.zip", zip.clone(), &fields).await;
    assert_eq!(recorded_options(&server, &direct).await, json!({"profile_id": 2, "alignment_mode": "imreg_dft"}));
    let plain = server.upload_zip(&token, "plain.zip", zip.clone(), &[]).await;
    assert_eq!(recorded_options(&server, &plain).await, json!({"profile_id": null, "alignment_mode": null}));

    // Options from any chunk; the last non-empty value of each wins.
    let first = chunk(&server, &token, &zip, (0, 3), None, &[("profile_id", "1")]).await;
    let id = first["upload_id"].as_str().unwrap();
    chunk(&server, &token, &zip, (1, 3), Some(id), &[("profile_id", "2"), ("alignment_mode", "standard")]).await;
    let last =
        chunk(&server, &token, &zip, (2, 3), Some(id), &[("profile_id", ""), ("alignment_mode", "hybrid")]).await;
    let chunked = last["batch_id"].as_str().unwrap();
    assert_eq!(recorded_options(&server, chunked).await, json!({"profile_id": 2, "alignment_mode": "hybrid"}));

    let form = Form::new().part("file", Part::bytes(zip.clone()).file_name("bad.zip")).text("profile_id", "two");
    let bad = json_of(server.post_form("/api/batches/upload", &token, form).await, 422).await;
    assert_eq!(bad["detail"][0]["loc"], json!(["body", "profile_id"]));
    assert_eq!(bad["detail"][0]["type"], "int_parsing");

    serve_later(&server, false).await;
    let ignored = server
        .upload_zip(&token, "snapshot.zip", zip.clone(), &[("profile_id", "two"), ("alignment_mode", "imreg_dft")])
        .await;
    assert_eq!(recorded_options(&server, &ignored).await, json!({"profile_id": null, "alignment_mode": null}));
    let only = chunk(&server, &token, &zip, (0, 1), None, &fields).await;
    let snapshot_chunked = only["batch_id"].as_str().unwrap();
    assert_eq!(recorded_options(&server, snapshot_chunked).await, json!({"profile_id": null, "alignment_mode": null}));
}

async fn names(server: &Server, token: &str, query: Query<'_>) -> (Vec<String>, i64) {
    let url = reqwest::Url::parse_with_params(&server.url("/api/batches/"), query).unwrap();
    let page = json_of(server.http.get(url).bearer_auth(token).send().await.unwrap(), 200).await;
    let mut names: Vec<String> =
        page["batches"].as_array().unwrap().iter().map(|b| b["batch_name"].as_str().unwrap().to_string()).collect();
    names.sort();
    (names, page["total"].as_i64().unwrap())
}

#[tokio::test]
async fn list_filters_take_thai_case_and_wildcard_characters_literally() {
    let server = Server::start().await;
    let center07 = server.token("center07").await;
    let thai = server.token("ภาค2-3").await;
    let zip = sheets_zip("10300112", 1);
    for name in ["scan_100%_final.zip", "scan-1000-final.zip", "room_1_a.zip", "roomX1Ya.zip", "Report-SUMMARY.zip"] {
        server.upload_zip(&center07, name, zip.clone(), &[]).await;
    }
    for name in ["ศูนย์สอบ-รอบเช้า.zip", "O'Brien \"B\" room.zip"] {
        server.upload_zip(&thai, name, zip.clone(), &[]).await;
    }
    let admin = server.token("admin").await;
    let cases: [(Query, &[&str]); 8] = [
        (&[("batch_name", "100%")], &["scan_100%_final.zip"]),
        (&[("batch_name", "_1_")], &["room_1_a.zip"]),
        (&[("batch_name", "summary")], &["Report-SUMMARY.zip"]),
        (&[("batch_name", "รอบเช้า")], &["ศูนย์สอบ-รอบเช้า.zip"]),
        (&[("batch_name", "O'Brien \"B\"")], &["O'Brien \"B\" room.zip"]),
        (&[("username", "ภาค")], &["O'Brien \"B\" room.zip", "ศูนย์สอบ-รอบเช้า.zip"]),
        (&[("username", "CENTER07"), ("batch_name", "room")], &["roomX1Ya.zip", "room_1_a.zip"]),
        (&[("username", "center08")], &[]),
    ];
    for (query, expected) in cases {
        let (found, total) = names(&server, &admin, query).await;
        assert_eq!(found, expected, "{query:?}");
        assert_eq!(total, expected.len() as i64, "the filtered total: {query:?}");
    }
    let (paged, total) = names(&server, &admin, &[("batch_name", "scan"), ("limit", "1"), ("offset", "1")]).await;
    assert_eq!((paged.len(), total), (1, 2));
    let (own, _) = names(&server, &center07, &[("username", "ภาค")]).await;
    assert!(own.is_empty(), "staff see their own batches only");

    serve_later(&server, false).await;
    let (all, total) = names(&server, &admin, &[("batch_name", "100%"), ("username", "ภาค")]).await;
    assert_eq!((all.len(), total), (7, 7), "the snapshot ignores both filters");
}

#[tokio::test]
async fn seeded_names_and_uploaders_can_be_found() {
    let server = Server::with(|cfg| cfg.seed_demo = true).await;
    let admin = server.token("admin").await;
    let (thai_user, total) = names(&server, &admin, &[("username", "ภาค2-3"), ("limit", "100")]).await;
    assert_eq!((thai_user.len(), total), (10, 10));
    for (part, at_least) in [("ศูนย์สอบ", 1), ("100%", 1), ("_1_", 1), ("'", 1)] {
        let (found, _) = names(&server, &admin, &[("batch_name", part), ("limit", "100")]).await;
        assert!(found.len() >= at_least && found.iter().all(|n| n.contains(part)), "{part}: {found:?}");
    }
}
