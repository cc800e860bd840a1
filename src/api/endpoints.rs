//! One typed function per backend endpoint, all through the `ApiClient` chokepoint.

use super::client::{encode_segment, ApiClient, Call, Lane, SessionEvent};
use super::error::ApiError;
use super::paging::{ListPaging, ListRead, PAGE_ROWS};
use super::session_store::{new_session_id, StoredSession};
use super::types::{
    BatchListItem, BatchListResponse, BatchProgress, BatchStatus, BatchStatusResponse, NaiveTimestamp, TokenResponse,
    UserInfo,
};
use crate::wall_clock;
use gloo_net::http::Method;

/// The most sheets `/status` gives in one answer (its `limit` is 1–1000, and it has no offset).
pub const STATUS_MAX_SHEETS: u32 = 1000;

/// Newest batches searched for one whose upload answer was lost.
const LOOKUP_PAGE: u32 = 20;

/// Slack when the server's own clock (its `Date` header) dates the upload: the header's
/// one-second steps and a database clock a little apart from the API host's.
pub const SERVER_CLOCK_MARGIN_MS: f64 = 2.0 * 60.0 * 1000.0;

/// Slack when only this PC's clock is known (an answer without `Date`): how far the server's
/// clock may run behind it.
pub const CLOCK_SKEW_MS: f64 = 10.0 * 60.0 * 1000.0;

/// When an upload that began at `started_at_ms` on this PC's clock began on the server's
/// clock, less a margin (ms since the epoch, pure). Only differences of this PC's clock are
/// used, so a PC whose clock is hours off finds its batch all the same: the server's `Date`
/// header (`server_now_ms`) less the time the upload has taken. Without that header, this
/// PC's clock with the wider [`CLOCK_SKEW_MS`].
pub fn upload_began(server_now_ms: Option<f64>, local_now_ms: f64, started_at_ms: f64) -> f64 {
    let elapsed = (local_now_ms - started_at_ms).max(0.0);
    match server_now_ms {
        Some(server_now) => server_now - elapsed - SERVER_CLOCK_MARGIN_MS,
        None => local_now_ms - elapsed - CLOCK_SKEW_MS,
    }
}

/// The wall-clock time `ms` as the server writes batch timestamps: naive, in the local time
/// zone (contract §2.4; the PC's zone setting, not its clock, is what this trusts).
pub fn server_wall_clock(ms: f64) -> NaiveTimestamp {
    let date = js_sys::Date::new(&ms.into());
    NaiveTimestamp {
        year: date.get_full_year() as i32,
        month: date.get_month() + 1,
        day: date.get_date(),
        hour: date.get_hours(),
        minute: date.get_minutes(),
        second: date.get_seconds(),
    }
}

/// What the batch list is filtered by: the status (every server), and the later backend's
/// text filters (contract §5.9.7), each a part of the value to look for; empty means none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListFilter {
    pub status: Option<BatchStatus>,
    /// Part of the file name (`batch_name`).
    pub batch_name: String,
    /// Part of the uploader's username (`username`).
    pub username: String,
}

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
        self.record_user(&session_id, user.clone())?;
        Ok(user)
    }

    /// `GET /api/batches/?status=&limit=&offset=`: [`Self::list_batches_matching`] by status only.
    pub async fn list_batches(
        &self,
        status: Option<&BatchStatus>,
        limit: u32,
        offset: u64,
    ) -> Result<BatchListResponse, ApiError> {
        let filter = ListFilter { status: status.cloned(), ..ListFilter::default() };
        self.list_batches_matching(&filter, limit, offset).await
    }

    /// `GET /api/batches/?status=&batch_name=&username=&limit=&offset=` (trailing slash; `limit`
    /// 1–100, never `page_size`). Empty text filters are left out; the others go as typed,
    /// percent-encoded UTF-8 (a server that ignores them answers unfiltered: §5.9.8).
    pub async fn list_batches_matching(
        &self,
        filter: &ListFilter,
        limit: u32,
        offset: u64,
    ) -> Result<BatchListResponse, ApiError> {
        let mut call = Call::get("batches/").query("limit", limit.clamp(1, 100)).query("offset", offset);
        if let Some(status) = &filter.status {
            call = call.query("status", status.as_str());
        }
        for (key, value) in [("batch_name", &filter.batch_name), ("username", &filter.username)] {
            if !value.is_empty() {
                call = call.query(key, value);
            }
        }
        self.send(&call).await?.decode()
    }

    /// Looks for the batch an upload by sign-in `owner` may have created although its answer
    /// was lost: among the user's newest batches, one with this name (ZIPs; `None` for image
    /// sets, which the server names itself) and size, created after the upload began at
    /// `started_at_ms` (this PC's clock), measured on the server's clock (see [`upload_began`]).
    pub async fn find_uploaded_batch(
        &self,
        owner: &str,
        name: Option<&str>,
        size: u64,
        started_at_ms: f64,
    ) -> Result<Option<String>, ApiError> {
        let call = Call::get("batches/").query("limit", LOOKUP_PAGE).query("offset", 0).owned_by(owner);
        let answer = self.send(&call).await?;
        let server_now = answer.date.as_deref().map(js_sys::Date::parse).filter(|ms| ms.is_finite());
        let not_before = server_wall_clock(upload_began(server_now, wall_clock::now_ms(), started_at_ms));
        let page: BatchListResponse = answer.decode()?;
        let username = self.session().and_then(|s| s.user).map(|u| u.username);
        Ok(page
            .batches
            .iter()
            .find(|item| item.may_be_upload_of(name, size, &not_before, username.as_deref()))
            .map(|item| item.batch_uuid.clone()))
    }

    /// The whole list under `filter`, page by page by the server's offsets ([`ListPaging`]):
    /// every readable row once, the unreadable ones counted. `on_page(rows so far, total)`
    /// after each answer; with `max_pages`, no more requests than that.
    pub async fn read_list(
        &self,
        filter: &ListFilter,
        max_pages: Option<u64>,
        on_page: &dyn Fn(u64, u64),
    ) -> Result<ListRead, ApiError> {
        let mut paging = ListPaging::default();
        let mut batches = Vec::new();
        let mut pages = 0u64;
        while let Some(offset) = paging.next_offset().filter(|_| max_pages.is_none_or(|max| pages < max)) {
            let page = self.list_batches_matching(filter, PAGE_ROWS, offset).await?;
            pages += 1;
            batches.extend(paging.take(offset, page));
            on_page(batches.len() as u64, paging.total());
        }
        Ok(ListRead { batches, skipped: paging.skipped(), total: paging.total() })
    }

    /// The user's newest batches, up to `pages` pages of 100, for the duplicate guard.
    pub async fn newest_batches(&self, pages: u64) -> Result<Vec<BatchListItem>, ApiError> {
        Ok(self.read_list(&ListFilter::default(), Some(pages), &|_, _| {}).await?.batches)
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
            .query("limit", limit.clamp(1, STATUS_MAX_SHEETS));
        self.send(&call).await?.decode()
    }

    /// `DELETE /api/batches/{uuid}`: admin only; 204 on success.
    pub async fn delete_batch(&self, batch_uuid: &str) -> Result<(), ApiError> {
        let call = Call { method: Method::DELETE, ..Call::get(format!("batches/{}", encode_segment(batch_uuid))) };
        self.send(&call).await?.expect_success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: f64 = 60_000.0;
    const HOUR: f64 = 60.0 * MINUTE;

    #[test]
    fn the_upload_is_dated_on_the_servers_clock_whatever_this_pcs_says() {
        // The server's clock: the upload began at 1000 h and took 30 minutes.
        let server_now = 1_000.0 * HOUR + 30.0 * MINUTE;
        // This PC's clock is three hours behind, or a day ahead: only its differences count.
        for pc_offset in [-3.0 * HOUR, 24.0 * HOUR, 0.0] {
            let started = 1_000.0 * HOUR + pc_offset;
            let now = started + 30.0 * MINUTE;
            let began = upload_began(Some(server_now), now, started);
            assert_eq!(began, 1_000.0 * HOUR - SERVER_CLOCK_MARGIN_MS);
        }
    }

    #[test]
    fn without_the_servers_date_this_pcs_clock_is_used_with_a_wider_margin() {
        let began = upload_began(None, 10.0 * HOUR, 9.0 * HOUR);
        assert_eq!(began, 9.0 * HOUR - CLOCK_SKEW_MS);
        // A clock set back during the upload never dates it later than now.
        assert_eq!(upload_began(None, 9.0 * HOUR, 10.0 * HOUR), 9.0 * HOUR - CLOCK_SKEW_MS);
    }
}
