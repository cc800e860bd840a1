//! A shaped link (test mode only, `PUT /__test/link`): every request waits a fixed latency
//! before it is handled, and its body is read no faster than a bandwidth cap. HTTP/1.1 carries
//! one request at a time on a connection, so the cap on a request is a cap on its connection,
//! as a long-distance link with a per-flow limit behaves: parallel chunks on parallel
//! connections add up, one request cannot go faster than the cap.

use axum::body::Body;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The link's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Most request-body bytes one connection delivers per second.
    pub bytes_per_second: u64,
    /// Added before each request is handled.
    pub latency_ms: u64,
}

impl Link {
    /// When the first `sent` bytes of a body are due, counted from the start of the body.
    pub fn due_after(&self, sent: u64) -> Duration {
        Duration::from_secs_f64(sent as f64 / self.bytes_per_second.max(1) as f64)
    }

    /// `body` as it arrives through the link: each frame is passed on once the bytes up to
    /// its end are due. The reader is held back, so TCP holds the sender back in turn.
    pub fn throttle(self, body: Body) -> Body {
        let start = tokio::time::Instant::now();
        let frames =
            futures_util::stream::unfold((body.into_data_stream(), 0u64), move |(mut stream, sent)| async move {
                let frame = stream.next().await?;
                let sent = sent + frame.as_ref().map_or(0, |bytes| bytes.len() as u64);
                tokio::time::sleep_until(start + self.due_after(sent)).await;
                Some((frame, (stream, sent)))
            });
        Body::from_stream(frames)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_due_at_the_capped_rate() {
        let link = Link { bytes_per_second: 10 * 1024 * 1024, latency_ms: 40 };
        assert_eq!(link.due_after(0), Duration::ZERO);
        assert_eq!(link.due_after(5 * 1024 * 1024), Duration::from_millis(500));
        assert_eq!(Link { bytes_per_second: 0, latency_ms: 0 }.due_after(3), Duration::from_secs(3));
    }
}
