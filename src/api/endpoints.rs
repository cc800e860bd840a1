//! One typed function per backend endpoint, all through the `ApiClient` chokepoint.

use super::client::{encode_segment, ApiClient, Call, Lane, SessionEvent};
use super::error::ApiError;
use super::session_store::StoredSession;
use super::types::{BatchListResponse, BatchProgress, BatchStatus, BatchStatusResponse, TokenResponse, UserInfo};
use gloo_net::http::Method;

impl ApiClient {
    /// `POST /api/auth/login`: stores the session and returns the signed-in user.
    pub async fn login(&self, username: &str, password: &str) -> Result<UserInfo, ApiError> {
        let body = serde_json::json!({ "username": username, "password": password }).to_string();
        let call = Call {
            method: Method::POST,
            lane: Lane::Standard,
            path: "auth/login".into(),
            query: Vec::new(),
            json: Some(body),
            auth: false,
        };
        let tokens: TokenResponse = self.send(&call).await?.decode()?;
        self.store_session(StoredSession {
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            user: tokens.user.clone(),
        });
        // One captured login lacked `user`; /me fills it in.
        match tokens.user {
            Some(user) => {
                self.notify(SessionEvent::User(user.clone()));
                Ok(user)
            }
            None => self.me().await,
        }
    }

    /// `GET /api/auth/me`: the current user (re-cached in the session and told to its listener).
    pub async fn me(&self) -> Result<UserInfo, ApiError> {
        let user: UserInfo = self.send(&Call::get("auth/me")).await?.decode()?;
        if let Some(mut session) = self.session() {
            session.user = Some(user.clone());
            self.store_session(session);
        }
        self.notify(SessionEvent::User(user.clone()));
        Ok(user)
    }

    /// `GET /api/batches/?status=&limit=&offset=` (trailing slash; `limit` 1–100, never `page_size`).
    pub async fn list_batches(
        &self,
        status: Option<&BatchStatus>,
        limit: u32,
        offset: u64,
    ) -> Result<BatchListResponse, ApiError> {
        let mut call = Call::get("batches/").query("limit", limit.clamp(1, 100)).query("offset", offset);
        if let Some(status) = status {
            call = call.query("status", status.as_str());
        }
        self.send(&call).await?.decode()
    }

    /// `GET /api/batches/{uuid}/progress`: counts and percentage, for polling.
    pub async fn progress(&self, batch_uuid: &str) -> Result<BatchProgress, ApiError> {
        self.send(&Call::get(format!("batches/{}/progress", encode_segment(batch_uuid)))).await?.decode()
    }

    /// `GET /api/batches/{uuid}/status?include_sheets=&limit=`: timestamps, error, sheets.
    pub async fn status(
        &self,
        batch_uuid: &str,
        include_sheets: bool,
        limit: u32,
    ) -> Result<BatchStatusResponse, ApiError> {
        let call = Call::get(format!("batches/{}/status", encode_segment(batch_uuid)))
            .query("include_sheets", include_sheets)
            .query("limit", limit.clamp(1, 1000));
        self.send(&call).await?.decode()
    }

    /// `DELETE /api/batches/{uuid}`: admin only; 204 on success.
    pub async fn delete_batch(&self, batch_uuid: &str) -> Result<(), ApiError> {
        let call = Call { method: Method::DELETE, ..Call::get(format!("batches/{}", encode_segment(batch_uuid))) };
        self.send(&call).await?.expect_success()
    }
}
