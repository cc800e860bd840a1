//! Resume data: which chunks of which file the server already acknowledged, kept in
//! `localStorage` so a failure, a lost connection or a reload loses no finished chunk.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `localStorage` key of the resume table.
pub const STORAGE_KEY: &str = "omr.uploads.resume";
/// Entries older than this are dropped (abandoned sessions are not worth resuming).
pub const MAX_AGE_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// Identifies "the same file for the same upload": name, size, lastModified, strategy, task id.
pub fn fingerprint(name: &str, size: u64, last_modified_ms: f64, strategy_key: &str, task_id: Option<&str>) -> String {
    format!("{name}|{size}|{}|{strategy_key}|{}", last_modified_ms as i64, task_id.unwrap_or(""))
}

/// What the server acknowledged for one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResumeEntry {
    pub upload_id: String,
    pub total_chunks: u32,
    pub chunk_size: u64,
    /// Indexes the server answered 202 for.
    pub acknowledged: Vec<u32>,
    /// When the entry was last written (ms since the epoch).
    pub saved_at_ms: f64,
}

impl ResumeEntry {
    /// Indexes still to send, in order.
    pub fn missing(&self) -> Vec<u32> {
        (0..self.total_chunks).filter(|i| !self.acknowledged.contains(i)).collect()
    }

    /// Whether the entry can serve a plan of `total_chunks` × `chunk_size`.
    pub fn fits(&self, total_chunks: u32, chunk_size: u64) -> bool {
        self.total_chunks == total_chunks && self.chunk_size == chunk_size
    }
}

/// The whole table: fingerprint → entry.
pub type ResumeTable = BTreeMap<String, ResumeEntry>;

/// Drops entries older than 24 h (pure).
pub fn prune(table: &mut ResumeTable, now_ms: f64) {
    table.retain(|_, entry| now_ms - entry.saved_at_ms <= MAX_AGE_MS);
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Reads the table (pruned); unreadable storage counts as empty.
pub fn load(now_ms: f64) -> ResumeTable {
    let mut table: ResumeTable = storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    prune(&mut table, now_ms);
    table
}

fn save(table: &ResumeTable) {
    if let Some(storage) = storage() {
        // Full or disabled storage only costs the ability to resume.
        let _ = storage.set_item(STORAGE_KEY, &serde_json::to_string(table).unwrap_or_default());
    }
}

/// The entry for a fingerprint, if one is fresh.
pub fn find(fingerprint: &str, now_ms: f64) -> Option<ResumeEntry> {
    load(now_ms).remove(fingerprint)
}

/// Writes or replaces one entry.
pub fn remember(fingerprint: &str, entry: ResumeEntry) {
    let mut table = load(entry.saved_at_ms);
    table.insert(fingerprint.to_string(), entry);
    save(&table);
}

/// Removes one entry (the upload finished or was discarded).
pub fn forget(fingerprint: &str, now_ms: f64) {
    let mut table = load(now_ms);
    if table.remove(fingerprint).is_some() {
        save(&table);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(saved_at_ms: f64) -> ResumeEntry {
        ResumeEntry { upload_id: "u".into(), total_chunks: 5, chunk_size: 10, acknowledged: vec![0, 2, 3], saved_at_ms }
    }

    #[test]
    fn fingerprint_changes_with_each_part() {
        let base = fingerprint("103.zip", 10, 1.0, "zip_with_qr", None);
        assert_ne!(base, fingerprint("104.zip", 10, 1.0, "zip_with_qr", None));
        assert_ne!(base, fingerprint("103.zip", 11, 1.0, "zip_with_qr", None));
        assert_ne!(base, fingerprint("103.zip", 10, 2.0, "zip_with_qr", None));
        assert_ne!(base, fingerprint("103.zip", 10, 1.0, "zip_no_qr", None));
        assert_ne!(
            fingerprint("a", 1, 1.0, "zip_no_qr", Some("12345678")),
            fingerprint("a", 1, 1.0, "zip_no_qr", Some("12345679"))
        );
    }

    #[test]
    fn missing_chunks_are_the_unacknowledged_ones() {
        assert_eq!(entry(0.0).missing(), vec![1, 4]);
        assert!(entry(0.0).fits(5, 10));
        assert!(!entry(0.0).fits(5, 11));
    }

    #[test]
    fn entries_older_than_a_day_are_dropped() {
        let mut table = ResumeTable::new();
        table.insert("old".into(), entry(0.0));
        table.insert("new".into(), entry(MAX_AGE_MS));
        prune(&mut table, MAX_AGE_MS + 1.0);
        assert_eq!(table.keys().collect::<Vec<_>>(), ["new"]);
    }
}
