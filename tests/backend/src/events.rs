//! The per-batch event log (stored) and live channel (broadcast), like the real server's
//! Redis list + pub/sub pair behind `ProgressPublisher`.

use crate::db::Db;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// `BatchProgressEvent`: every field is always serialised, optional ones as null/0.
#[derive(Clone, Debug, Serialize)]
pub struct ProgressEvent {
    pub stage: String,
    pub message: String,
    pub progress_percentage: f64,
    pub sheets_total: i64,
    pub sheets_processed: i64,
    pub elapsed_seconds: i64,
    pub timestamp: String,
    pub error_details: Option<String>,
}

impl ProgressEvent {
    /// The SSE event name for this stage: `complete`, `error` or `progress`.
    pub fn event_name(&self) -> &'static str {
        match self.stage.as_str() {
            "completed" => "complete",
            "failed" => "error",
            _ => "progress",
        }
    }
}

/// A published event as it travels on the live channel.
#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub seq: i64,
    pub name: String,
    pub data: String,
}

impl LiveEvent {
    /// True for `complete` and `error`, after which the server closes the stream.
    pub fn is_terminal(&self) -> bool {
        self.name == "complete" || self.name == "error"
    }
}

/// Publishes events to the stored log and to live subscribers.
#[derive(Clone)]
pub struct EventHub {
    db: Arc<Db>,
    channels: Arc<Mutex<HashMap<i64, broadcast::Sender<LiveEvent>>>>,
}

impl EventHub {
    /// A hub writing its log into `db`.
    pub fn new(db: Arc<Db>) -> Self {
        EventHub { db, channels: Arc::default() }
    }

    fn sender(&self, batch_id: i64) -> broadcast::Sender<LiveEvent> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.entry(batch_id).or_insert_with(|| broadcast::channel(256).0).clone()
    }

    /// Live events of a batch from now on.
    pub fn subscribe(&self, batch_id: i64) -> broadcast::Receiver<LiveEvent> {
        self.sender(batch_id).subscribe()
    }

    /// Stores the event, then sends it to whoever is streaming this batch.
    pub fn publish(&self, batch_id: i64, event: &ProgressEvent) {
        let data = serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
        let name = event.event_name();
        let unix_time = chrono::Utc::now().timestamp_micros() as f64 / 1e6;
        let Ok(seq) = self.db.append_event(batch_id, name, &data, unix_time) else {
            return; // The batch row may have been deleted meanwhile; nothing to publish to.
        };
        // No subscriber is the normal case; the log keeps the event for later connects.
        let _ = self.sender(batch_id).send(LiveEvent { seq, name: name.to_string(), data });
    }

    /// Drops the live channel of a deleted batch.
    pub fn forget(&self, batch_id: i64) {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.remove(&batch_id);
    }
}
