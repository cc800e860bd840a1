//! Resume records: which chunks of which file the server already acknowledged, kept in
//! `localStorage` so a failure, a lost connection or a reload loses no finished chunk.
//!
//! A record belongs to one user of one server: its key carries the API base and the user id,
//! so on a shared PC one user's records are never offered to, or sent by, another (and stay
//! for their owner). Every record is checked before use; a corrupt one is dropped alone.

use crate::api::later::UploadOptions;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `localStorage` key of the resume table.
pub const STORAGE_KEY: &str = "omr.uploads.resume";
/// Entries older than this are dropped (abandoned sessions are not worth resuming).
pub const MAX_AGE_MS: f64 = 24.0 * 3600.0 * 1000.0;
/// Bytes read from each end of a file for its content sample.
pub const SAMPLE_BYTES: u64 = 64 * 1024;

/// Whose records these are: one user of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The API base the records were made against (`/api`, `https://host/api`).
    pub server: String,
    pub user_id: i64,
}

impl Owner {
    fn key(&self, fingerprint: &str) -> String {
        format!("{}|{}|{fingerprint}", self.server, self.user_id)
    }
}

/// The byte ranges of a file that make its content sample: the first and the last 64 KiB
/// (one range for a file of up to 128 KiB).
pub fn sample_ranges(size: u64) -> Vec<(u64, u64)> {
    if size <= 2 * SAMPLE_BYTES {
        return vec![(0, size)];
    }
    vec![(0, SAMPLE_BYTES), (size - SAMPLE_BYTES, size)]
}

/// 64-bit FNV-1a of the sample: enough to tell two files with the same name, size and date
/// apart (this guards against mixing chunks, not against an attacker).
pub fn sample_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Identifies "the same file for the same upload": name, size, lastModified, strategy, task
/// id and a hash of the content sample.
pub fn fingerprint(
    name: &str,
    size: u64,
    last_modified_ms: f64,
    strategy_key: &str,
    task_id: Option<&str>,
    sample: u64,
) -> String {
    format!("{name}|{size}|{}|{strategy_key}|{}|{sample:016x}", last_modified_ms as i64, task_id.unwrap_or(""))
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
    /// The completing request was sent but its answer never arrived: the batch may exist.
    #[serde(default)]
    pub completion_unknown: bool,
    /// The file's name, for the list of unfinished uploads.
    #[serde(default)]
    pub label: String,
    /// The options the upload's session was begun with: a resume keeps them.
    #[serde(default)]
    pub options: UploadOptions,
}

impl ResumeEntry {
    /// Whether the entry can serve a plan of `total_chunks` × `chunk_size`.
    pub fn fits(&self, total_chunks: u32, chunk_size: u64) -> bool {
        self.total_chunks == total_chunks && self.chunk_size == chunk_size
    }

    /// The entry with only indexes inside its plan, each once; `None` when it cannot be used.
    pub fn checked(mut self) -> Option<ResumeEntry> {
        if self.upload_id.trim().is_empty() || self.total_chunks == 0 || self.chunk_size == 0 {
            return None;
        }
        let total = self.total_chunks;
        self.acknowledged.retain(|index| *index < total);
        // Stable `sort` because yew already links it for `u32`: `sort_unstable` added 3 KB.
        self.acknowledged.sort();
        self.acknowledged.dedup();
        Some(self)
    }
}

/// The whole table: owner and fingerprint → entry, each key once. Stored as one JSON object;
/// held as a list because it has a handful of entries and a `BTreeMap` of them cost 13 KB of
/// wasm in sorting and rebalancing code.
pub type ResumeTable = Vec<(String, ResumeEntry)>;

/// Reads the stored table text: unreadable entries and entries older than 24 h are dropped,
/// the others kept (pure).
pub fn parse_table(text: Option<&str>, now_ms: f64) -> ResumeTable {
    let Some(Value::Object(raw)) = text.and_then(|t| crate::api::json::parse(t).ok()) else {
        return Vec::new();
    };
    raw.into_iter()
        .filter_map(|(key, value)| {
            let entry = serde_json::from_value::<ResumeEntry>(value).ok()?.checked()?;
            (now_ms - entry.saved_at_ms <= MAX_AGE_MS).then_some((key, entry))
        })
        .collect()
}

/// The table as stored: one JSON object (pure). `None` when it cannot be written (see
/// [`crate::api::json::text`]).
pub fn table_text(table: &ResumeTable) -> Option<String> {
    let mut object = Map::new();
    for (key, entry) in table {
        if let Ok(value) = serde_json::to_value(entry) {
            object.insert(key.clone(), value);
        }
    }
    crate::api::json::text(&Value::Object(object))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load(now_ms: f64) -> ResumeTable {
    parse_table(storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).as_deref(), now_ms)
}

fn save(table: &ResumeTable) {
    if let Some(storage) = storage() {
        // Full or disabled storage only costs the ability to resume. A table that cannot be
        // written leaves the stored one as it was: the other records stay.
        if let Some(text) = table_text(table) {
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
    }
}

/// Takes the entry stored under `key` out of the table.
fn take(table: &mut ResumeTable, key: &str) -> Option<ResumeEntry> {
    let at = table.iter().position(|(k, _)| k == key)?;
    Some(table.swap_remove(at).1)
}

/// `owner`'s records of `table`: fingerprint and entry, newest first (pure). Placed in order
/// as they are taken: the table has a handful of entries, and a sort of them cost 3 KB.
pub fn records_of(table: ResumeTable, owner: &Owner) -> Vec<(String, ResumeEntry)> {
    let prefix = owner.key("");
    let mut records: Vec<(String, ResumeEntry)> = Vec::new();
    for (key, entry) in table {
        if let Some(fingerprint) = key.strip_prefix(&prefix) {
            let at = records.partition_point(|(_, newer)| newer.saved_at_ms >= entry.saved_at_ms);
            records.insert(at, (fingerprint.to_string(), entry));
        }
    }
    records
}

/// `owner`'s fresh records: fingerprint and entry, newest first.
pub fn list(owner: &Owner, now_ms: f64) -> Vec<(String, ResumeEntry)> {
    records_of(load(now_ms), owner)
}

/// `owner`'s entry for a fingerprint, if one is fresh and readable.
pub fn find(owner: &Owner, fingerprint: &str, now_ms: f64) -> Option<ResumeEntry> {
    take(&mut load(now_ms), &owner.key(fingerprint))
}

/// Writes or replaces one of `owner`'s entries.
pub fn remember(owner: &Owner, fingerprint: &str, entry: ResumeEntry) {
    let mut table = load(entry.saved_at_ms);
    let key = owner.key(fingerprint);
    take(&mut table, &key);
    table.push((key, entry));
    save(&table);
}

/// Removes one of `owner`'s entries (the upload finished or was discarded).
pub fn forget(owner: &Owner, fingerprint: &str, now_ms: f64) {
    let mut table = load(now_ms);
    if take(&mut table, &owner.key(fingerprint)).is_some() {
        save(&table);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(saved_at_ms: f64) -> ResumeEntry {
        ResumeEntry {
            upload_id: "u".into(),
            total_chunks: 5,
            chunk_size: 10,
            acknowledged: vec![0, 2, 3],
            saved_at_ms,
            completion_unknown: false,
            label: "103.zip".into(),
            options: Default::default(),
        }
    }

    #[test]
    fn fingerprint_changes_with_each_part() {
        let base = fingerprint("103.zip", 10, 1.0, "zip_with_qr", None, 7);
        assert_ne!(base, fingerprint("104.zip", 10, 1.0, "zip_with_qr", None, 7));
        assert_ne!(base, fingerprint("103.zip", 11, 1.0, "zip_with_qr", None, 7));
        assert_ne!(base, fingerprint("103.zip", 10, 2.0, "zip_with_qr", None, 7));
        assert_ne!(base, fingerprint("103.zip", 10, 1.0, "zip_no_qr", None, 7));
        assert_ne!(base, fingerprint("103.zip", 10, 1.0, "zip_with_qr", None, 8), "other content, same name and date");
        assert_ne!(
            fingerprint("a", 1, 1.0, "zip_no_qr", Some("12345678"), 0),
            fingerprint("a", 1, 1.0, "zip_no_qr", Some("12345679"), 0)
        );
    }

    #[test]
    fn the_sample_is_both_ends_of_the_file() {
        assert_eq!(sample_ranges(100), vec![(0, 100)]);
        assert_eq!(sample_ranges(2 * SAMPLE_BYTES), vec![(0, 2 * SAMPLE_BYTES)]);
        let big = 10 * 1024 * 1024 * 1024;
        assert_eq!(sample_ranges(big), vec![(0, SAMPLE_BYTES), (big - SAMPLE_BYTES, big)]);
        assert_ne!(sample_hash(b"PK\x03\x04 one"), sample_hash(b"PK\x03\x04 two"));
        assert_eq!(sample_hash(b""), 0xcbf2_9ce4_8422_2325);
    }

    #[test]
    fn indexes_outside_the_plan_are_dropped() {
        let odd = ResumeEntry { acknowledged: vec![4, 9, 0, 4, 5, u32::MAX], ..entry(0.0) };
        assert_eq!(odd.checked().unwrap().acknowledged, vec![0, 4]);
        assert!(entry(0.0).fits(5, 10));
        assert!(!entry(0.0).fits(5, 11));
        assert_eq!(ResumeEntry { upload_id: " ".into(), ..entry(0.0) }.checked(), None);
        assert_eq!(ResumeEntry { total_chunks: 0, ..entry(0.0) }.checked(), None);
    }

    #[test]
    fn a_corrupt_entry_is_dropped_alone() {
        let good = serde_json::to_string(&entry(1.0)).unwrap();
        let text = format!(
            r#"{{"a": {good}, "b": {{"upload_id": 5}}, "c": "junk", "d": {{"upload_id":"x","total_chunks":-1}}}}"#
        );
        let table = parse_table(Some(&text), 2.0);
        assert_eq!(table, vec![("a".to_string(), entry(1.0))]);
        assert!(parse_table(Some("[1,2"), 2.0).is_empty(), "an unreadable table is empty, not a panic");
    }

    #[test]
    fn entries_older_than_a_day_are_dropped() {
        let text = table_text(&vec![("old".to_string(), entry(0.0)), ("new".to_string(), entry(MAX_AGE_MS))]).unwrap();
        let table = parse_table(Some(&text), MAX_AGE_MS + 1.0);
        assert_eq!(table, vec![("new".to_string(), entry(MAX_AGE_MS))]);
    }

    #[test]
    fn the_stored_table_is_one_object_keyed_by_owner_and_fingerprint() {
        let table = vec![("b".to_string(), entry(1.0)), ("a".to_string(), entry(2.0))];
        let text = table_text(&table).unwrap();
        assert!(text.starts_with(r#"{"a":{"#) && text.contains(r#","b":{"#), "{text}");
        let mut back = parse_table(Some(&text), 2.0);
        back.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(back, vec![("a".to_string(), entry(2.0)), ("b".to_string(), entry(1.0))]);
        let mut take_from = back.clone();
        assert_eq!(take(&mut take_from, "a"), Some(entry(2.0)));
        assert_eq!(take(&mut take_from, "a"), None);
        assert_eq!(take_from.len(), 1);
    }

    #[test]
    fn an_owner_sees_only_their_records_newest_first() {
        let (a, b) = (Owner { server: "/api".into(), user_id: 14 }, Owner { server: "/api".into(), user_id: 15 });
        let table = vec![
            (a.key("old"), entry(1.0)),
            (b.key("other"), entry(5.0)),
            (a.key("new"), entry(3.0)),
            (a.key("mid"), entry(2.0)),
        ];
        let records = records_of(table, &a);
        let names: Vec<&str> = records.iter().map(|(fingerprint, _)| fingerprint.as_str()).collect();
        assert_eq!(names, ["new", "mid", "old"]);
    }

    #[test]
    fn keys_belong_to_one_user_of_one_server() {
        let a = Owner { server: "/api".into(), user_id: 14 };
        let b = Owner { server: "/api".into(), user_id: 15 };
        let c = Owner { server: "https://other/api".into(), user_id: 14 };
        assert_ne!(a.key("f"), b.key("f"));
        assert_ne!(a.key("f"), c.key("f"));
    }
}
