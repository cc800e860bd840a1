//! The API chokepoint and sessions against the stand-in: login, errors, me, refresh, sign-out.

use crate::support::{clear_storage, config, control, count_requests, fresh_client, start_clean};
use futures_util::future::join_all;
use omr_web::api::session_store::STORAGE_KEY;
use omr_web::api::{ApiClient, ApiError};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn login_stores_the_session_and_me_returns_the_user() {
    start_clean().await;
    let client = fresh_client();
    let user = client.login("center07", "center07-pass").await.expect("login");
    assert_eq!(user.username, "center07");
    assert!(!user.is_admin);
    assert!(crate::support::stored(STORAGE_KEY).expect("session persisted").contains("access_token"));
    // A new client (a reload) picks the session up from storage.
    let reloaded = ApiClient::new(config());
    let me = reloaded.me().await.expect("me after reload");
    assert_eq!(me.user_id, 14);
    let admin = fresh_client();
    assert!(admin.login("admin", "admin-pass-2025").await.unwrap().is_admin);
}

#[wasm_bindgen_test]
async fn wrong_password_gives_the_servers_reason() {
    start_clean().await;
    let client = fresh_client();
    let err = client.login("center07", "not-the-password").await.unwrap_err();
    assert_eq!(err, ApiError::Rejected { status: 401, message: "Invalid username or password".into() });
    assert!(client.session().is_none());
}

#[wasm_bindgen_test]
async fn requests_without_a_session_end_as_expired() {
    start_clean().await;
    let client = fresh_client();
    assert_eq!(client.me().await.unwrap_err(), ApiError::SessionExpired);
}

#[wasm_bindgen_test]
async fn expired_token_is_refreshed_and_the_request_replayed() {
    start_clean().await;
    let client = fresh_client();
    client.login("center08", "center08-pass").await.unwrap();
    let before = client.access_token();
    control("POST", "/__test/expire-tokens").await;
    control("DELETE", "/__test/requests").await;
    let me = client.me().await.expect("me after refresh");
    assert_eq!(me.username, "center08");
    assert_ne!(client.access_token(), before, "a new access token was stored");
    assert_eq!(count_requests("POST", "/api/auth/refresh").await, 1);
    assert_eq!(count_requests("GET", "/api/auth/me").await, 2, "the original and its replay");
}

#[wasm_bindgen_test]
async fn five_concurrent_requests_share_one_refresh() {
    start_clean().await;
    let client = fresh_client();
    client.login("admin", "admin-pass-2025").await.unwrap();
    control("POST", "/__test/expire-tokens").await;
    control("DELETE", "/__test/requests").await;
    let calls = (0..5).map(|_| client.list_batches(None, 5, 0));
    let results = join_all(calls).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(count_requests("POST", "/api/auth/refresh").await, 1);
    assert_eq!(count_requests("GET", "/api/batches/").await, 10, "five rejected, five replayed");
}

#[wasm_bindgen_test]
async fn a_refused_refresh_ends_the_session() {
    start_clean().await;
    let client = fresh_client();
    client.login("center07", "center07-pass").await.unwrap();
    // Corrupt the stored refresh token, as a 7-day-old one would be.
    let mut session = client.session().unwrap();
    session.refresh_token = Some("expired-refresh-token".into());
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(STORAGE_KEY, &serde_json::to_string(&session).unwrap())
        .unwrap();
    let client = ApiClient::new(config());
    control("POST", "/__test/expire-tokens").await;
    assert_eq!(client.me().await.unwrap_err(), ApiError::SessionExpired);
    assert!(client.session().is_none(), "tokens dropped");
}

#[wasm_bindgen_test]
async fn sign_out_forgets_the_tokens() {
    start_clean().await;
    let client = fresh_client();
    client.login("center07", "center07-pass").await.unwrap();
    client.sign_out();
    assert!(client.session().is_none());
    assert!(ApiClient::new(config()).session().is_none(), "nothing left in storage");
    clear_storage();
}

#[wasm_bindgen_test]
async fn list_and_status_decode_real_answers() {
    start_clean().await;
    let client = fresh_client();
    client.login("admin", "admin-pass-2025").await.unwrap();
    let page = client.list_batches(None, 100, 0).await.unwrap();
    assert!(page.total >= 120, "seeded demo data");
    assert_eq!(page.batches.len(), 100);
    let first = &page.batches[0];
    let status = client.status(&first.batch_uuid, true, 10).await.unwrap();
    assert_eq!(status.batch_id, first.batch_uuid, "/status batch_id is the UUID");
    // Out of the server's 1–100 range: clamped, never a 422.
    let clamped = client.list_batches(None, 500, 0).await.map(|p| (p.limit, p.batches.len()));
    assert_eq!(clamped, Ok((Some(100), 100)));
    let least = client.list_batches(None, 0, 0).await.map(|p| (p.limit, p.batches.len()));
    assert_eq!(least, Ok((Some(1), 1)));
    let missing = client.progress("00000000-0000-0000-0000-000000000000").await.unwrap_err();
    assert_eq!(missing, ApiError::NotFound("Batch 00000000-0000-0000-0000-000000000000 not found".into()));
    let staff = fresh_client();
    staff.login("center07", "center07-pass").await.unwrap();
    let forbidden = staff.delete_batch(&first.batch_uuid).await.unwrap_err();
    assert_eq!(forbidden, ApiError::Forbidden("Only administrators can delete batches".into()));
}

#[wasm_bindgen_test]
async fn gateway_html_errors_read_as_server_errors() {
    start_clean().await;
    let client = fresh_client();
    client.login("admin", "admin-pass-2025").await.unwrap();
    let rule = serde_json::json!({"method": "GET", "path": "/api/batches/", "action": {"kind": "respond", "status": 502, "body": "<html><h1>502 Bad Gateway</h1></html>"}});
    crate::support::fault(rule).await;
    let err = client.list_batches(None, 10, 0).await.unwrap_err();
    assert!(matches!(err, ApiError::Server { status: 502, .. }), "{err:?}");
    assert!(err.is_transient());
}

#[wasm_bindgen_test]
async fn a_me_answer_after_another_tab_signed_out_writes_nothing_back() {
    start_clean().await;
    let client = fresh_client();
    client.login("center07", "center07-pass").await.unwrap();
    crate::support::fault(
        serde_json::json!({"method": "GET", "path": "/api/auth/me", "action": {"kind": "delay", "ms": 600}}),
    )
    .await;
    let answer = client.me();
    // Another tab signs out while /me is under way; this tab has not heard of it yet (a
    // write from this very window raises no `storage` event here, so it never will).
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let checked = async {
        gloo_timers::future::sleep(std::time::Duration::from_millis(200)).await;
        storage.remove_item(STORAGE_KEY).unwrap();
    };
    let (answer, ()) = futures_util::future::join(answer, checked).await;
    assert_eq!(answer, Err(ApiError::SessionChanged), "the answer belongs to a sign-in that ended");
    assert_eq!(storage.get_item(STORAGE_KEY).unwrap(), None, "the signed-out session is not written back");
}
