//! Reading a whole list page by page (pure): the export of the batch list and the look-up of
//! the user's newest batches. Offsets follow the rows the server sent, readable or not, so a row
//! that cannot be read never shifts the next page; rows are told apart by `batch_uuid`, so none
//! is kept twice; the list may change while it is read.
//!
//! The list is newest first (contract §5.3). A batch uploaded meanwhile pushes every row one
//! place down: the next page repeats one row, which is dropped. A batch deleted above the
//! reading point pulls rows up past it: when the total shrinks by `d`, the page just read is
//! read again from `d` rows earlier, and the rows already kept are dropped. What cannot be
//! known is whether an unreadable row (it has no id) was counted before: after a shrinking
//! total its count may include one twice.

use super::types::{BatchListItem, BatchListResponse};
use std::collections::HashSet;

/// Rows asked for per request (the server's maximum `limit`).
pub const PAGE_ROWS: u32 = 100;

/// Where the reading of a list stands.
#[derive(Clone, Debug, Default)]
pub struct ListPaging {
    next_offset: u64,
    total: Option<u64>,
    seen: HashSet<String>,
    skipped: u64,
    requests: u64,
    done: bool,
}

/// A whole list as read: its readable rows once each, and how many rows could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListRead {
    pub batches: Vec<BatchListItem>,
    pub skipped: u64,
    /// The list's size when its last page was read.
    pub total: u64,
}

impl ListPaging {
    /// The offset to ask for next, or `None` when the list is read. Requests are bounded by
    /// twice the pages the first answer's total needs (and 10 more), so a list that keeps
    /// changing still ends.
    pub fn next_offset(&self) -> Option<u64> {
        let bound = self.total.map_or(1, |t| t.div_ceil(u64::from(PAGE_ROWS)).saturating_mul(2).saturating_add(10));
        (!self.done && self.requests < bound).then_some(self.next_offset)
    }

    /// Takes the answer to a request at `offset`; returns its rows not seen before.
    pub fn take(&mut self, offset: u64, page: BatchListResponse) -> Vec<BatchListItem> {
        self.requests += 1;
        // The server's own echo of the offset when it sent one: its rows start there.
        let start = page.offset.unwrap_or(offset);
        let sent = (page.batches.len() as u64).saturating_add(page.skipped as u64);
        let shrunk = self.total.map_or(0, |before| before.saturating_sub(page.total));
        if self.total.is_none() {
            self.total = Some(page.total);
        }
        self.skipped = self.skipped.saturating_add(page.skipped as u64);
        self.next_offset = if shrunk > 0 { start.saturating_sub(shrunk) } else { start.saturating_add(sent) };
        self.done = sent == 0 || (shrunk == 0 && self.next_offset >= page.total);
        self.total = Some(page.total);
        page.batches.into_iter().filter(|row| self.seen.insert(row.batch_uuid.clone())).collect()
    }

    /// Rows that could not be read so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The list's size in its last answer.
    pub fn total(&self) -> u64 {
        self.total.unwrap_or(0)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
