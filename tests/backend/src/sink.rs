//! Sink mode (test mode only, `PUT /__test/sink`): uploads are hashed as they arrive and never
//! written to disk, so a benchmark measures the client and the link rather than this machine's
//! disk. Chunks are fed to one SHA-256 per session in index order; a chunk that arrives ahead
//! of its turn waits in memory (the bytes hyper read, not a copy) until the gap before it is
//! filled. Batches made in sink mode have no stored file, so their processing fails with "No
//! file was stored for this batch"; the benchmarks only look at the upload.

use axum::body::Bytes;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// One chunk session's reassembly: the hash of the bytes so far and the chunks ahead of it.
#[derive(Default)]
pub struct Assembly {
    hasher: Sha256,
    /// The next chunk index the hash needs.
    next: i64,
    /// Chunks that arrived before `next`, by index.
    waiting: BTreeMap<i64, Vec<Bytes>>,
    size: u64,
}

impl Assembly {
    /// Takes chunk `index`; a repeat of a chunk already hashed is ignored, a repeat of a
    /// waiting one replaces it (as a re-sent chunk file overwrites the earlier copy).
    pub fn add(&mut self, index: i64, parts: Vec<Bytes>) {
        if index < self.next {
            return;
        }
        self.waiting.insert(index, parts);
        while let Some(parts) = self.waiting.remove(&self.next) {
            for part in parts {
                self.size += part.len() as u64;
                self.hasher.update(&part);
            }
            self.next += 1;
        }
    }

    /// How many distinct chunks were received.
    pub fn received(&self) -> usize {
        self.next as usize + self.waiting.len()
    }

    /// Size and lower-case hex SHA-256 of the whole file, once chunks `0..total` are all in.
    pub fn finish(self, total: i64) -> Option<(u64, String)> {
        (self.next == total).then(|| (self.size, crate::uploads::hex(&self.hasher.finalize())))
    }
}

/// Whether sink mode is on, and the reassemblies of the chunk sessions it is receiving.
#[derive(Default)]
pub struct Sink {
    on: AtomicBool,
    sessions: Mutex<HashMap<String, Assembly>>,
}

impl Sink {
    /// Turns sink mode on or off; off forgets every unfinished reassembly.
    pub fn set(&self, on: bool) {
        self.on.store(on, Ordering::SeqCst);
        if !on {
            self.sessions.lock().unwrap_or_else(|p| p.into_inner()).clear();
        }
    }

    /// True while uploads go to the sink.
    pub fn is_on(&self) -> bool {
        self.on.load(Ordering::SeqCst)
    }

    /// Adds a chunk to session `upload_id`; returns how many distinct chunks it has now.
    pub fn add(&self, upload_id: &str, index: i64, parts: Vec<Bytes>) -> usize {
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        let assembly = sessions.entry(upload_id.to_string()).or_default();
        assembly.add(index, parts);
        assembly.received()
    }

    /// Ends session `upload_id`: its size and hash when chunks `0..total` all arrived.
    pub fn finish(&self, upload_id: &str, total: i64) -> Option<(u64, String)> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner()).remove(upload_id)?.finish(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(bytes: &[u8]) -> String {
        crate::uploads::hex(&Sha256::digest(bytes))
    }

    fn parts(text: &str) -> Vec<Bytes> {
        text.as_bytes().chunks(2).map(Bytes::copy_from_slice).collect()
    }

    #[test]
    fn chunks_out_of_order_hash_as_the_file_in_order() {
        let mut assembly = Assembly::default();
        assembly.add(2, parts("ghi"));
        assembly.add(0, parts("abc"));
        assert_eq!(assembly.received(), 2);
        assembly.add(1, parts("def"));
        assert_eq!(assembly.received(), 3);
        assert_eq!(assembly.finish(3), Some((9, sha(b"abcdefghi"))));
    }

    #[test]
    fn a_resent_chunk_counts_once_and_a_gap_leaves_no_hash() {
        let mut assembly = Assembly::default();
        assembly.add(0, parts("ab"));
        assembly.add(0, parts("xx"));
        assembly.add(2, parts("zz"));
        assembly.add(2, parts("ef"));
        assert_eq!(assembly.received(), 2);
        assert_eq!(assembly.finish(3), None);
    }
}
