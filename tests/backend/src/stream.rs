//! `GET /api/batches/{uuid}/stream`: Server-Sent Events exactly as sse-starlette writes them.

use crate::auth::CurrentUser;
use crate::events::LiveEvent;
use crate::http::ApiError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

/// One SSE frame: named event, single-line data, CRLF line ends, blank line after.
pub fn frame(name: &str, data: &str) -> String {
    format!("event: {name}\r\ndata: {data}\r\n\r\n")
}

/// The keep-alive comment, stamped with a UTC clock like sse-starlette's.
pub fn ping_frame() -> String {
    format!(": ping - {}\r\n\r\n", chrono::Utc::now().format("%Y-%m-%d %H:%M:%S%.6f"))
}

/// Opens the stream after the 404/403 checks: replays the stored log, then forwards live events.
pub async fn stream(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(uuid): Path<String>,
) -> Result<Response, ApiError> {
    let batch = crate::batches::find_owned(&state, &user, &uuid)?;
    // Subscribe before reading the log so nothing published in between is lost; the
    // sequence numbers drop live events the replay already sent.
    let live = state.events.subscribe(batch.batch_id);
    let log = state.db.events(batch.batch_id);
    let ttl = state.cfg.event_log_ttl.as_secs_f64();
    let now = chrono::Utc::now().timestamp_micros() as f64 / 1e6;
    // Like a Redis key with a TTL: the whole log is gone once its newest entry is older than the TTL.
    let expired = log.last().is_some_and(|last| now - last.unix_time > ttl);
    let replay: Vec<LiveEvent> = if expired {
        Vec::new()
    } else {
        log.into_iter().map(|e| LiveEvent { seq: e.seq, name: e.name, data: e.data }).collect()
    };
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    tokio::spawn(pump(replay, live, tx, state.cfg.ping_interval, state.faults.clone()));
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream; charset=utf-8"),
        (header::CACHE_CONTROL, "no-cache"),
        (header::CONNECTION, "keep-alive"),
        (header::HeaderName::from_static("x-accel-buffering"), "no"),
    ];
    Ok((headers, Body::from_stream(ReceiverStream::new(rx))).into_response())
}

async fn pump(
    replay: Vec<LiveEvent>,
    mut live: broadcast::Receiver<LiveEvent>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    ping: std::time::Duration,
    faults: std::sync::Arc<crate::faults::Faults>,
) {
    let send = |text: String| {
        let tx = tx.clone();
        async move { tx.send(Ok(Bytes::from(text))).await.is_ok() }
    };
    let cut = faults.cut_streams.notified();
    tokio::pin!(cut);
    cut.as_mut().enable();
    let mut last_seq = 0;
    for event in replay {
        last_seq = event.seq;
        if !send(frame(&event.name, &event.data)).await || event.is_terminal() {
            return;
        }
    }
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + ping, ping);
    loop {
        tokio::select! {
            // Test mode: end without a final event, as a dropped proxy connection would.
            _ = &mut cut => return,
            received = live.recv() => match received {
                Ok(event) if event.seq <= last_seq => {}
                Ok(event) => {
                    if !send(frame(&event.name, &event.data)).await || event.is_terminal() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => {
                    // The batch was deleted: the generator's own failure path.
                    let _ = send(frame("error", r#"{"error": "Batch no longer exists"}"#)).await;
                    return;
                }
            },
            _ = ticker.tick() => {
                if !send(ping_frame()).await {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_use_crlf_and_a_blank_line() {
        assert_eq!(frame("progress", "{}"), "event: progress\r\ndata: {}\r\n\r\n");
        let ping = ping_frame();
        assert!(ping.starts_with(": ping - ") && ping.ends_with("\r\n\r\n"));
    }
}
