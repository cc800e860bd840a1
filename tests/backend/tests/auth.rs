//! Auth endpoints and the bearer check, over real HTTP.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::Server;

#[tokio::test]
async fn login_returns_tokens_and_user() {
    let server = Server::start().await;
    let response = server.login_body("center07", "center07-pass").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 1800);
    assert_eq!(body["user"]["user_id"], 14);
    assert_eq!(body["user"]["is_admin"], false);
    assert_eq!(body["user"]["scopes"], json!([]));
    assert!(body["user"].get("password").is_none());
    let token = body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "JWT-shaped");
    assert!(body["refresh_token"].is_string());
}

#[tokio::test]
async fn wrong_password_is_401_with_detail() {
    let server = Server::start().await;
    let response = server.login_body("center07", "wrong-password").await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"detail": "Invalid username or password"}));
}

#[tokio::test]
async fn login_without_password_is_a_422_array() {
    let server = Server::start().await;
    let response =
        server.http.post(server.url("/api/auth/login")).json(&json!({"username": "x"})).send().await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["detail"][0]["type"], "missing");
    assert_eq!(body["detail"][0]["loc"], json!(["body", "password"]));
    assert_eq!(body["detail"][0]["msg"], "Field required");
}

#[tokio::test]
async fn me_and_verify_describe_the_caller() {
    let server = Server::start().await;
    let token = server.token("admin").await;
    let me: Value = server.get("/api/auth/me", &token).await.json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["is_admin"], true);
    assert_eq!(me["role_hierarchy"], 0);
    let verify: Value = server.get("/api/auth/verify", &token).await.json().await.unwrap();
    assert_eq!(verify["valid"], true);
    assert_eq!(verify["user_id"], 1);
    assert!(verify["exp"].as_i64().unwrap() > chrono::Utc::now().timestamp());
}

#[tokio::test]
async fn missing_bearer_is_403_not_authenticated() {
    let server = Server::start().await;
    let response = server.http.get(server.url("/api/batches/")).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(response.json::<Value>().await.unwrap(), json!({"detail": "Not authenticated"}));
    let basic = server.http.get(server.url("/api/auth/me")).header("authorization", "Basic abc").send().await.unwrap();
    assert_eq!(basic.status(), 403);
}

#[tokio::test]
async fn missing_bearer_can_be_401_like_newer_fastapi() {
    let server = Server::with(|cfg| cfg.missing_auth_is_401 = true).await;
    let response = server.http.get(server.url("/api/batches/")).send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn garbage_token_is_401() {
    let server = Server::start().await;
    let response = server.get("/api/auth/me", "not-a-token").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn access_tokens_expire_after_the_configured_time() {
    let server = Server::with(|cfg| cfg.access_ttl = Duration::from_secs(1)).await;
    let token = server.token("center07").await;
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(server.get("/api/auth/me", &token).await.status(), 401);
}

#[tokio::test]
async fn expire_fault_then_refresh_gives_a_working_token() {
    let server = Server::start().await;
    let login: Value = server.login_body("center08", "center08-pass").await.json().await.unwrap();
    let access = login["access_token"].as_str().unwrap();
    let expired: Value =
        server.http.post(server.url("/__test/expire-tokens")).send().await.unwrap().json().await.unwrap();
    assert!(expired["expired"].as_i64().unwrap() >= 1);
    assert_eq!(server.get("/api/auth/me", access).await.status(), 401);
    let refreshed = server
        .http
        .post(server.url("/api/auth/refresh"))
        .json(&json!({"refresh_token": login["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    assert_eq!(refreshed["user"]["username"], "center08");
    let new_access = refreshed["access_token"].as_str().unwrap();
    assert_eq!(server.get("/api/auth/me", new_access).await.status(), 200);
}

#[tokio::test]
async fn refresh_with_an_unknown_token_is_401() {
    let server = Server::start().await;
    let response =
        server.http.post(server.url("/api/auth/refresh")).json(&json!({"refresh_token": "nope"})).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn minimal_refresh_returns_only_the_access_token() {
    let server = Server::with(|cfg| cfg.minimal_refresh = true).await;
    let login: Value = server.login_body("center07", "center07-pass").await.json().await.unwrap();
    let body: Value = server
        .http
        .post(server.url("/api/auth/refresh"))
        .json(&json!({"refresh_token": login["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["access_token", "token_type"]);
}
