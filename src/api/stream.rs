//! The batch event stream: `fetch` with the bearer header (EventSource cannot send one) and a
//! `ReadableStream` reader, on the long lane. One call follows one connection to its end.

use super::client::{network_error, ApiClient, Lane};
use super::error::{error_from_response, ApiError};
use super::sse::{interpret, SseParser, StreamMessage};
use futures_util::future::{select, Either};
use gloo_net::http::RequestBuilder;
use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader};

/// How a connection ended.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEnd {
    /// `complete` or `error` arrived: the batch is finished; do not reconnect.
    Finished,
    /// The session was refreshed after a 401: reconnect at once.
    SessionRefreshed,
    /// Refused before streaming (403, 404, ...): reconnecting would not help.
    Refused(ApiError),
    /// Ended without a final event, went silent too long, or failed: reconnect with back-off.
    Interrupted(String),
}

impl ApiClient {
    /// Follows `/api/realtime/batches/{uuid}/stream`, calling `on_message` per event, until the
    /// connection ends. `abort` stops it from outside; `idle_ms` without a byte (not even a
    /// ping) counts as a dead connection.
    pub async fn follow_stream(
        &self,
        batch_uuid: &str,
        on_message: &dyn Fn(StreamMessage),
        abort: &AbortController,
        idle_ms: u32,
    ) -> StreamEnd {
        let Some(token) = self.access_token() else {
            return StreamEnd::Refused(ApiError::SessionExpired);
        };
        let url = self.url(Lane::Realtime, &format!("batches/{}/stream", super::client::encode_segment(batch_uuid)));
        let request = RequestBuilder::new(&url)
            .header("Authorization", &format!("Bearer {token}"))
            .header("Accept", "text/event-stream")
            .abort_signal(Some(&abort.signal()))
            .build();
        let response = match request {
            Ok(request) => request.send().await,
            Err(err) => return StreamEnd::Interrupted(err.to_string()),
        };
        let response = match response {
            Ok(response) => response,
            Err(err) => return StreamEnd::Interrupted(network_error(err).to_string()),
        };
        if response.status() != 200 {
            let retry_after = response.headers().get("retry-after");
            let body = response.text().await.unwrap_or_default();
            return match error_from_response(response.status(), retry_after.as_deref(), &body, true) {
                ApiError::SessionExpired => match self.refresh_after_rejection(&token).await {
                    Ok(()) => StreamEnd::SessionRefreshed,
                    Err(err) => StreamEnd::Refused(err),
                },
                err if err.is_transient() => StreamEnd::Interrupted(err.to_string()),
                err => StreamEnd::Refused(err),
            };
        }
        let Some(body) = response.body() else {
            return StreamEnd::Interrupted("the response has no body".into());
        };
        let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        let mut parser = SseParser::default();
        loop {
            let read = JsFuture::from(reader.read());
            let chunk = match select(read, TimeoutFuture::new(idle_ms)).await {
                Either::Left((Ok(chunk), _)) => chunk,
                Either::Left((Err(_), _)) => return StreamEnd::Interrupted("the connection was interrupted".into()),
                Either::Right(_) => {
                    abort.abort();
                    return StreamEnd::Interrupted(format!("no data for {} s", idle_ms / 1000));
                }
            };
            let done = js_sys::Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                return StreamEnd::Interrupted("the server closed the stream".into());
            }
            let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) else { continue };
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            for event in parser.feed(&bytes) {
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
