//! Shared server state handed to every handler.

use crate::cancel::Pipelines;
use crate::config::Config;
use crate::db::Db;
use crate::events::EventHub;
use crate::faults::Faults;
use crate::later::Later;
use crate::scans::ScanZips;
use crate::sink::Sink;
use std::sync::Arc;

/// Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub cfg: Arc<Config>,
    pub db: Arc<Db>,
    pub events: EventHub,
    pub faults: Arc<Faults>,
    /// Serialises the completion check of chunk sessions, so two last chunks arriving
    /// together cannot both reassemble the file.
    pub chunk_lock: Arc<tokio::sync::Mutex<()>>,
    /// Sink mode and its reassemblies (test mode only).
    pub sink: Arc<Sink>,
    /// The served generation (contract §5.9) and its test-mode settings.
    pub later: Arc<Later>,
    /// Running pipelines, for `/cancel`.
    pub pipelines: Arc<Pipelines>,
    /// Fixture ZIPs made for `/__test/scans.zip` (test mode only).
    pub scans: Arc<ScanZips>,
}
