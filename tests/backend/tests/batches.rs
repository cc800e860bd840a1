//! List, progress, status and delete, over real HTTP against the seeded demo data.

mod support;

use serde_json::{json, Value};
use support::{sheets_zip, Server};

async fn seeded() -> Server {
    Server::with(|cfg| cfg.seed_demo = true).await
}

#[tokio::test]
async fn list_needs_the_trailing_slash_else_307() {
    let server = seeded().await;
    let token = server.token("admin").await;
    let response = server.get("/api/batches?limit=2", &token).await;
    assert_eq!(response.status(), 307);
    let location = response.headers()["location"].to_str().unwrap();
    assert_eq!(location, format!("http://{}/api/batches/?limit=2", server.running.addr));
}

#[tokio::test]
async fn admins_see_all_staff_see_their_own() {
    let server = seeded().await;
    let admin: Value = server.get("/api/batches/?limit=100", &server.token("admin").await).await.json().await.unwrap();
    assert_eq!(admin["total"], 120);
    assert_eq!(admin["limit"], 100);
    assert_eq!(admin["showing"], 100);
    let staff: Value =
        server.get("/api/batches/?limit=100", &server.token("center07").await).await.json().await.unwrap();
    assert_eq!(staff["total"], 40);
    assert!(staff["batches"].as_array().unwrap().iter().all(|b| b["username"] == "center07"));
}

#[tokio::test]
async fn list_is_newest_first_with_offset_paging() {
    let server = seeded().await;
    let token = server.token("admin").await;
    let page: Value = server.get("/api/batches/?limit=50&offset=100", &token).await.json().await.unwrap();
    assert_eq!(page["showing"], 20);
    assert_eq!(page["offset"], 100);
    let all: Value = server.get("/api/batches/?limit=100", &token).await.json().await.unwrap();
    let times: Vec<&str> =
        all["batches"].as_array().unwrap().iter().map(|b| b["created_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(!times[0].ends_with('Z') && times[0].len() == 19, "naive timestamps: {}", times[0]);
    let item = &all["batches"][0];
    assert!(item["batch_id"].is_i64(), "integer batch_id in list items");
    assert!(item["batch_uuid"].is_string());
    let beyond: Value = server.get("/api/batches/?offset=500", &token).await.json().await.unwrap();
    assert_eq!(beyond["showing"], 0);
    assert_eq!(beyond["total"], 120);
}

#[tokio::test]
async fn status_filter_matches_exactly_and_covers_every_status() {
    let server = seeded().await;
    let token = server.token("admin").await;
    for status in ["uploaded", "validating", "processing", "completed", "failed", "reprocessing"] {
        let page: Value =
            server.get(&format!("/api/batches/?status={status}&limit=100"), &token).await.json().await.unwrap();
        assert!(page["total"].as_i64().unwrap() > 0, "seed has {status}");
        assert!(page["batches"].as_array().unwrap().iter().all(|b| b["status"] == status));
    }
    let unknown: Value = server.get("/api/batches/?status=bogus", &token).await.json().await.unwrap();
    assert_eq!(unknown["total"], 0);
}

#[tokio::test]
async fn limit_and_offset_out_of_range_are_422() {
    let server = seeded().await;
    let token = server.token("admin").await;
    let response = server.get("/api/batches/?limit=500", &token).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["detail"][0],
        json!({"type": "less_than_equal", "loc": ["query", "limit"], "msg": "Input should be less than or equal to 100", "input": "500", "ctx": {"le": 100}})
    );
    for query in ["limit=0", "offset=-1", "limit=abc"] {
        assert_eq!(server.get(&format!("/api/batches/?{query}"), &token).await.status(), 422, "{query}");
    }
    let ignored: Value = server.get("/api/batches/?page_size=10", &token).await.json().await.unwrap();
    assert_eq!(ignored["limit"], 50, "page_size is ignored");
}

#[tokio::test]
async fn list_can_omit_username_like_the_snapshot() {
    let server = Server::with(|cfg| {
        cfg.seed_demo = true;
        cfg.list_without_username = true;
    })
    .await;
    let page: Value = server.get("/api/batches/?limit=1", &server.token("admin").await).await.json().await.unwrap();
    assert!(page["batches"][0].get("username").is_none());
}

#[tokio::test]
async fn progress_and_status_have_no_ownership_check() {
    let server = Server::start().await;
    let owner = server.token("center07").await;
    let other = server.token("center08").await;
    let uuid = server.upload_zip(&owner, "a.zip", sheets_zip("10300112", 3), &[]).await;
    server.wait_terminal(&owner, &uuid).await;
    let progress: Value = server.get(&format!("/api/batches/{uuid}/progress"), &other).await.json().await.unwrap();
    assert_eq!(progress["batch_uuid"], uuid.as_str());
    assert_eq!(progress["progress_percentage"], 100.0);
    let status: Value = server
        .get(&format!("/api/batches/{uuid}/status?include_sheets=true&limit=2"), &other)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["batch_id"], uuid.as_str(), "UUID batch_id in /status");
    assert_eq!(status["total_sheets"], 3);
    assert_eq!(status["processed_sheets"], 3);
    assert_eq!(status["pending_sheets"], 0);
    assert!(status["processing_started_at"].is_string());
    assert!(status["processing_completed_at"].is_string());
    assert_eq!(status["sheets"].as_array().unwrap().len(), 2);
    assert_eq!(status["sheets"][0]["status"], "completed");
    let without: Value = server.get(&format!("/api/batches/{uuid}/status"), &other).await.json().await.unwrap();
    assert_eq!(without["sheets"], Value::Null);
    assert_eq!(server.get(&format!("/api/batches/{uuid}/status?limit=1001"), &other).await.status(), 422);
}

#[tokio::test]
async fn unknown_batch_is_404_and_get_on_the_bare_path_is_405() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let missing = "00000000-0000-0000-0000-000000000000";
    let response = server.get(&format!("/api/batches/{missing}/progress"), &token).await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"detail": format!("Batch {missing} not found")}));
    assert_eq!(server.get(&format!("/api/batches/{missing}/status"), &token).await.status(), 404);
    let bare = server.get(&format!("/api/batches/{missing}"), &token).await;
    assert_eq!(bare.status(), 405);
    assert_eq!(bare.json::<Value>().await.unwrap(), json!({"detail": "Method Not Allowed"}));
    assert_eq!(server.get("/api/nothing-here", &token).await.status(), 404);
}

#[tokio::test]
async fn delete_is_admin_only_403_before_404_then_204() {
    let server = seeded().await;
    let admin = server.token("admin").await;
    let staff = server.token("center07").await;
    let page: Value = server.get("/api/batches/?limit=1", &admin).await.json().await.unwrap();
    let uuid = page["batches"][0]["batch_uuid"].as_str().unwrap();
    let delete = |token: &str, id: &str| {
        server.http.delete(server.url(&format!("/api/batches/{id}"))).bearer_auth(token.to_string()).send()
    };
    let forbidden = delete(&staff, "00000000-0000-0000-0000-000000000000").await.unwrap();
    assert_eq!(forbidden.status(), 403);
    assert_eq!(forbidden.json::<Value>().await.unwrap(), json!({"detail": "Only administrators can delete batches"}));
    assert_eq!(delete(&admin, "00000000-0000-0000-0000-000000000000").await.unwrap().status(), 404);
    let done = delete(&admin, uuid).await.unwrap();
    assert_eq!(done.status(), 204);
    assert!(done.bytes().await.unwrap().is_empty());
    let after: Value = server.get("/api/batches/?limit=1", &admin).await.json().await.unwrap();
    assert_eq!(after["total"], 119);
    assert_eq!(server.get(&format!("/api/batches/{uuid}/progress"), &admin).await.status(), 404);
}
