//! The batch event stream: `fetch` with the bearer header (EventSource cannot send one) and a
//! `ReadableStream` reader, on the long lane. One call follows one connection to its end.

use super::client::{bearer, network_error, Answer, ApiClient, Lane, SecondRefusal};
use super::error::{ApiError, NetworkFailure};
use super::sse::{interpret, SseParser, StreamMessage};
use futures_util::future::{select, Either};
use gloo_net::http::RequestBuilder;
use gloo_timers::future::TimeoutFuture;
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader};

/// How a connection ended.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEnd {
    /// `complete` or `error` arrived: the batch is finished; do not reconnect.
    Finished,
    /// Refused before streaming (403, 404, or a session problem right after a successful
    /// refresh): reconnecting would not help; polling carries the page.
    Refused(ApiError),
    /// Ended without a final event, went silent too long, or failed: reconnect with back-off.
    Interrupted(StreamBreak),
}

/// Why a stream ended before its batch finished.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamBreak {
    /// Opening it failed in a way worth retrying (network, 5xx, 429).
    Failed(ApiError),
    /// The answer had no body to read.
    NoBody,
    /// The connection broke while reading.
    ConnectionLost,
    /// Nothing arrived, not even a ping, for this many seconds.
    Silent { seconds: u32 },
    /// The server ended the stream without a final event.
    ClosedByServer,
}

impl ApiClient {
    /// Follows `/api/realtime/batches/{uuid}/stream`, calling `on_message` per event, until the
    /// connection ends. `abort` stops it from outside; `idle_ms` without a byte (not even a
    /// ping) counts as a dead connection. Opening follows the session rule of every request
    /// (token at send time, one shared refresh, one replay).
    pub async fn follow_stream(
        &self,
        batch_uuid: &str,
        on_message: &dyn Fn(StreamMessage),
        abort: &AbortController,
        idle_ms: u32,
    ) -> StreamEnd {
        let url = self.url(Lane::Realtime, &format!("batches/{}/stream", super::client::encode_segment(batch_uuid)));
        // The open response leaves through here; every other answer goes through the rule.
        let opened: RefCell<Option<gloo_net::http::Response>> = RefCell::new(None);
        let attempt = |token: String| {
            let (url, opened) = (&url, &opened);
            async move {
                let request = RequestBuilder::new(url)
                    .header("Authorization", &bearer(&token))
                    .header("Accept", "text/event-stream")
                    .abort_signal(Some(&abort.signal()))
                    .build()
                    .map_err(|_| network_error(NetworkFailure::FormRefused))?;
                let response = request.send().await.map_err(|_| network_error(NetworkFailure::Unreachable))?;
                let status = response.status();
                let retry_after = response.headers().get("retry-after");
                let date = response.headers().get("date");
                let opening = Answer { status, authenticated: true, retry_after, date, body: String::new() };
                if opening.is_success() {
                    *opened.borrow_mut() = Some(response);
                    return Ok(opening);
                }
                Ok(Answer { body: super::json::body_text(response).await?, ..opening })
            }
        };
        // The stream belongs to the sign-in that opens it, and ends with it.
        let Some(owner) = self.session_id() else { return StreamEnd::Refused(ApiError::SessionExpired) };
        let answer = match self.with_session(Some(&owner), SecondRefusal::IsAnswer, attempt).await {
            Ok(answer) => answer,
            Err(err) if err.is_transient() => return StreamEnd::Interrupted(StreamBreak::Failed(err)),
            Err(err) => return StreamEnd::Refused(err),
        };
        if !answer.is_success() {
            return match answer.into_error() {
                // Refused again with a token that was just refreshed: this is a refusal.
                ApiError::SessionExpired => StreamEnd::Refused(ApiError::Forbidden(String::new())),
                err if err.is_transient() => StreamEnd::Interrupted(StreamBreak::Failed(err)),
                err => StreamEnd::Refused(err),
            };
        }
        let Some(response) = opened.borrow_mut().take() else {
            return StreamEnd::Interrupted(StreamBreak::NoBody);
        };
        let Some(body) = response.body() else {
            return StreamEnd::Interrupted(StreamBreak::NoBody);
        };
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut parser = SseParser::default();
        loop {
            let read = JsFuture::from(reader.read());
            let chunk = match select(read, TimeoutFuture::new(idle_ms)).await {
                Either::Left((Ok(chunk), _)) => chunk,
                Either::Left((Err(_), _)) => return StreamEnd::Interrupted(StreamBreak::ConnectionLost),
                Either::Right(_) => {
                    abort.abort();
                    return StreamEnd::Interrupted(StreamBreak::Silent { seconds: idle_ms / 1000 });
                }
            };
            if self.session_id().as_deref() != Some(owner.as_str()) {
                abort.abort();
                return StreamEnd::Refused(ApiError::SessionChanged);
            }
            let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                return StreamEnd::Interrupted(StreamBreak::ClosedByServer);
            }
            let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else { continue };
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            // A line past the cap is not the server's stream: refused, and polling carries on.
            let Ok(events) = parser.feed(&bytes) else {
                abort.abort();
                return StreamEnd::Refused(ApiError::Undecodable("an event stream line over 64 KiB".into()));
            };
            for event in events {
                let message = interpret(&event);
                let finished = matches!(message, StreamMessage::Complete(_) | StreamMessage::Failed(_));
                on_message(message);
                if finished {
                    abort.abort();
                    return StreamEnd::Finished;
                }
            }
        }
    }
}
