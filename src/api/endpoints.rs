//! One typed function per backend endpoint, all through the `ApiClient` chokepoint.

use super::client::{encode_segment, ApiClient, Call, Lane, SessionEvent};
use super::error::ApiError;
use super::session_store::{new_session_id, StoredSession};
use super::types::{
    BatchListItem, BatchListResponse, BatchProgress, BatchStatus, BatchStatusResponse, NaiveTimestamp, TokenResponse,
    UserInfo,
};
use gloo_net::http::Method;

/// Newest batches searched for one whose upload answer was lost.
const LOOKUP_PAGE: u32 = 20;

impl ApiClient {
    /// `POST /api/auth/login`: stores the session and returns the signed-in user.
    pub async fn login(&self, username: &str, password: &str) -> Result<UserInfo, ApiError> {
        let call = Call {
            method: Method::POST,
            lane: Lane::Standard,
            path: "auth/login".into(),
            query: Vec::new(),
            json: super::json::text(&serde_json::json!({ "username": username, "password": password })),
            auth: false,
            owner: None,
        };
        let tokens: TokenResponse = self.send(&call).await?.decode()?;
        let session_id = new_session_id();
        self.store_session(StoredSession {
            session_id: session_id.clone(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            user: tokens.user.clone(),
        });
        // One captured login lacked `user`; /me fills it in.
        match tokens.user {
            Some(user) => {
                self.notify(SessionEvent::User { session_id, user: user.clone() });
                Ok(user)
            }
            None => self.me().await,
        }
    }

    /// `GET /api/auth/me`: the current user (re-cached in the session and told to its listener).
    pub async fn me(&self) -> Result<UserInfo, ApiError> {
        let Some(session_id) = self.session_id() else { return Err(ApiError::SessionExpired) };
        let call = Call::get("auth/me").owned_by(&session_id);
        let user: UserInfo = self.send(&call).await?.decode()?;
        // Re-read: a refresh may have changed the tokens while /me was under way, and a
        // sign-out (here or in another tab) ends the sign-in this answer belongs to: then it
        // is thrown away, or it would show a signed-out user as signed in.
        if !self.record_user(&session_id, user.clone()) {
            return Err(ApiError::SessionChanged);
        }
        self.notify(SessionEvent::User { session_id, user: user.clone() });
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

    /// Looks for the batch an upload by sign-in `owner` may have created although its answer
    /// was lost: among the user's newest batches, one with this name (ZIPs; `None` for image
    /// sets, which the server names itself) and size, created no earlier than `not_before`.
    pub async fn find_uploaded_batch(
        &self,
        owner: &str,
        name: Option<&str>,
        size: u64,
        not_before: &NaiveTimestamp,
    ) -> Result<Option<String>, ApiError> {
        let call = Call::get("batches/").query("limit", LOOKUP_PAGE).query("offset", 0).owned_by(owner);
        let page: BatchListResponse = self.send(&call).await?.decode()?;
        let username = self.session().and_then(|s| s.user).map(|u| u.username);
        Ok(page
            .batches
            .iter()
            .find(|item| item.may_be_upload_of(name, size, not_before, username.as_deref()))
            .map(|item| item.batch_uuid.clone()))
    }

    /// The user's newest batches, up to `pages` pages of 100, for the duplicate guard.
    pub async fn newest_batches(&self, pages: u64) -> Result<Vec<BatchListItem>, ApiError> {
        let mut batches = Vec::new();
        for page in 0..pages {
            let answer = self.list_batches(None, 100, page * 100).await?;
            let full = answer.batches.len() == 100;
            batches.extend(answer.batches);
            if !full {
                break;
            }
        }
        Ok(batches)
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
