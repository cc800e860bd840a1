//! Server-Sent Events parsing (pure): bytes in, named events out. Handles CRLF, LF or CR line
//! ends, comment lines (pings), events split across reads, and UTF-8 characters split across
//! reads. The wire format is contract §5.6.

use super::types::ProgressEvent;
use serde::Deserialize;

/// One dispatched event: its `event:` name (default `message`) and joined `data:` lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub name: String,
    pub data: String,
}

/// The longest line, and the most data one event may gather, the parser holds: the server's
/// events are one JSON line of a few hundred bytes. Past this the stream is refused.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// A line or an event longer than [`MAX_LINE_BYTES`]: not the server's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTooLong;

/// Incremental parser; feed it whatever each read returned.
#[derive(Default)]
pub struct SseParser {
    /// Bytes of an incomplete UTF-8 character from the previous read.
    pending_bytes: Vec<u8>,
    /// Text of an incomplete line.
    line: String,
    /// The previous chunk ended in `\r`: a `\n` starting the next one belongs to it.
    after_cr: bool,
    name: Option<String>,
    data: Vec<String>,
    /// Bytes of `data` so far.
    data_bytes: usize,
}

impl SseParser {
    /// Parses the next bytes; returns the events they completed, or [`LineTooLong`] (the
    /// parser then holds nothing more of this stream).
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, LineTooLong> {
        self.pending_bytes.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&self.pending_bytes) {
            Ok(text) => text.len(),
            Err(err) if err.error_len().is_none() => err.valid_up_to(),
            // Invalid bytes (not just cut off): replace them rather than stall forever.
            Err(_) => self.pending_bytes.len(),
        };
        let rest = self.pending_bytes.split_off(valid);
        let text = String::from_utf8_lossy(&self.pending_bytes).into_owned();
        self.pending_bytes = rest;
        self.feed_text(&text)
    }

    fn feed_text(&mut self, text: &str) -> Result<Vec<SseEvent>, LineTooLong> {
        let mut events = Vec::new();
        for c in text.chars() {
            match c {
                '\n' if self.after_cr => self.after_cr = false,
                '\r' | '\n' => {
                    self.after_cr = c == '\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                other => {
                    self.after_cr = false;
                    self.line.push(other);
                }
            }
            if self.line.len() + self.data_bytes > MAX_LINE_BYTES {
                *self = SseParser::default();
                return Err(LineTooLong);
            }
        }
        Ok(events)
    }

    fn line_done(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            // A blank line dispatches; after a comment-only block there is nothing to dispatch.
            if self.data.is_empty() {
                self.name = None;
                return None;
            }
            self.data_bytes = 0;
            let data = std::mem::take(&mut self.data).join("\n");
            let name = self.name.take().unwrap_or_else(|| "message".into());
            return Some(SseEvent { name, data });
        }
        if line.starts_with(':') {
            return None; // Comment: the `: ping - …` keep-alive.
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.name = Some(value.to_string()),
            "data" => {
                self.data_bytes += value.len() + 1;
                self.data.push(value.to_string());
            }
            _ => {} // `id`, `retry` and unknown fields: the server sends none we use.
        }
        None
    }
}

/// What a stream event means for the page.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamMessage {
    /// A stage update (`event: progress`).
    Progress(ProgressEvent),
    /// `event: complete`: the batch finished; the server closes the stream.
    Complete(ProgressEvent),
    /// `event: error` with a progress payload: the batch failed; the server closes the stream.
    Failed(ProgressEvent),
    /// `event: error` with `{"error": "..."}`: the stream itself broke on the server.
    StreamError(String),
    /// An event this client does not know, or data it cannot read: ignored.
    Ignored,
}

#[derive(Deserialize)]
struct ErrorPayload {
    error: String,
}

/// Interprets one event.
pub fn interpret(event: &SseEvent) -> StreamMessage {
    let progress = || super::json::parse::<ProgressEvent>(&event.data).ok();
    match event.name.as_str() {
        "progress" => progress().map_or(StreamMessage::Ignored, StreamMessage::Progress),
        "complete" => progress().map_or(StreamMessage::Ignored, StreamMessage::Complete),
        "error" => match super::json::parse::<ErrorPayload>(&event.data) {
            Ok(payload) => StreamMessage::StreamError(payload.error),
            Err(_) => progress().map_or_else(|| StreamMessage::StreamError(event.data.clone()), StreamMessage::Failed),
        },
        _ => StreamMessage::Ignored,
    }
}

/// The key replayed events are recognised by after a reconnect.
pub fn dedupe_key(event: &ProgressEvent) -> (Option<String>, String, String) {
    (event.timestamp.clone(), event.stage.clone(), event.message.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROGRESS: &str = r#"{"stage":"extracting","message":"Starting extraction","progress_percentage":0.0,"sheets_total":0,"sheets_processed":0,"elapsed_seconds":0,"timestamp":"2025-12-19T14:02:12.418205","error_details":null}"#;

    fn feed_all(parser: &mut SseParser, chunks: &[&[u8]]) -> Vec<SseEvent> {
        chunks.iter().flat_map(|c| parser.feed(c).unwrap()).collect()
    }

    #[test]
    fn a_line_or_an_event_past_64_kib_is_refused_whatever_the_reads() {
        let long = "x".repeat(MAX_LINE_BYTES);
        let mut parser = SseParser::default();
        assert_eq!(parser.feed(format!("data: {}", &long[..MAX_LINE_BYTES - 10]).as_bytes()).map(|e| e.len()), Ok(0));
        assert_eq!(parser.feed(long.as_bytes()), Err(LineTooLong), "one line over two reads");
        // Many short data lines that never end their event.
        let mut parser = SseParser::default();
        let line = format!("data: {}\n", &long[..1000]);
        let refused = (0..100).map(|_| parser.feed(line.as_bytes())).find(Result::is_err);
        assert_eq!(refused, Some(Err(LineTooLong)));
        // A line just under the cap is read.
        let fits = format!("event: progress\ndata: {}\n\n", &long[..MAX_LINE_BYTES - 100]);
        assert_eq!(SseParser::default().feed(fits.as_bytes()).map(|e| e.len()), Ok(1));
    }

    #[test]
    fn crlf_events_with_a_ping_between() {
        let wire = format!("event: progress\r\ndata: {PROGRESS}\r\n\r\n: ping - 2025-12-19 07:03:13.702911\r\n\r\nevent: complete\r\ndata: {{}}\r\n\r\n");
        let events = SseParser::default().feed(wire.as_bytes()).unwrap();
        assert_eq!(events.len(), 2, "the ping dispatches nothing");
        assert_eq!(events[0].name, "progress");
        assert_eq!(events[0].data, PROGRESS);
        assert_eq!(events[1], SseEvent { name: "complete".into(), data: "{}".into() });
    }

    #[test]
    fn lf_and_cr_line_ends() {
        let lf = SseParser::default().feed(b"event: progress\ndata: {}\n\n").unwrap();
        let cr = SseParser::default().feed(b"event: progress\rdata: {}\r\r").unwrap();
        assert_eq!(lf, cr);
        assert_eq!(lf.len(), 1);
    }

    #[test]
    fn an_event_split_across_reads_anywhere() {
        let wire = format!("event: progress\r\ndata: {PROGRESS}\r\n\r\n");
        let bytes = wire.as_bytes();
        for cut in 1..bytes.len() {
            let mut parser = SseParser::default();
            let events = feed_all(&mut parser, &[&bytes[..cut], &bytes[cut..]]);
            assert_eq!(events.len(), 1, "cut at {cut}");
            assert_eq!(events[0].data, PROGRESS);
        }
    }

    #[test]
    fn a_thai_character_split_across_reads() {
        let wire = "event: progress\ndata: {\"message\":\"ข้อความ\"}\n\n".as_bytes();
        let cut = wire.iter().position(|b| *b >= 0x80).unwrap() + 1;
        let mut parser = SseParser::default();
        let events = feed_all(&mut parser, &[&wire[..cut], &wire[cut..]]);
        assert_eq!(events[0].data, "{\"message\":\"ข้อความ\"}");
    }

    #[test]
    fn multi_line_data_and_default_name() {
        let events = SseParser::default().feed(b"data: a\ndata: b\nid: 7\nretry: 10\n\n").unwrap();
        assert_eq!(events, vec![SseEvent { name: "message".into(), data: "a\nb".into() }]);
    }

    #[test]
    fn interpreting_named_events() {
        let event = |name: &str, data: &str| SseEvent { name: name.into(), data: data.into() };
        assert!(
            matches!(interpret(&event("progress", PROGRESS)), StreamMessage::Progress(p) if p.stage == "extracting")
        );
        assert!(matches!(interpret(&event("complete", PROGRESS)), StreamMessage::Complete(_)));
        assert!(matches!(interpret(&event("error", PROGRESS)), StreamMessage::Failed(_)));
        assert_eq!(
            interpret(&event("error", r#"{"error": "Redis went away"}"#)),
            StreamMessage::StreamError("Redis went away".into())
        );
        assert_eq!(interpret(&event("heartbeat", "{}")), StreamMessage::Ignored, "unknown names are ignored");
        assert_eq!(interpret(&event("progress", "not json")), StreamMessage::Ignored);
    }

    #[test]
    fn timestamps_with_z_are_read_too() {
        let data = PROGRESS.replace(".418205\"", ".418205Z\"");
        let StreamMessage::Progress(event) = interpret(&SseEvent { name: "progress".into(), data }) else { panic!() };
        assert_eq!(event.timestamp.as_deref(), Some("2025-12-19T14:02:12.418205Z"));
        assert_eq!(dedupe_key(&event).1, "extracting");
    }
}
