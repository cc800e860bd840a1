//! Pure logic of the batch list: URL query, paging arithmetic, sorting within a page.

use crate::api::endpoints::ListFilter;
use crate::api::types::{BatchListItem, BatchStatus};
use crate::routes::{query_string, query_value};
use std::cmp::Ordering;

/// Batches per page.
pub const PAGE_SIZE: u64 = 50;

/// `?status=processing&page=3&name=room&uploader=center` — what the address bar holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Option<String>,
    pub page: Option<String>,
    /// Part of the file name to look for.
    pub name: Option<String>,
    /// Part of the uploader's username to look for.
    pub uploader: Option<String>,
}

impl ListQuery {
    /// Reads the list's query string (with or without its `?`).
    pub fn parse(query: &str) -> ListQuery {
        ListQuery {
            status: query_value(query, "status"),
            page: query_value(query, "page"),
            name: query_value(query, "name"),
            uploader: query_value(query, "uploader"),
        }
    }

    /// The query string (without `?`); empty for the first page of all batches.
    pub fn to_query(&self) -> String {
        query_string(&[
            ("status", self.status.clone()),
            ("page", self.page.clone()),
            ("name", self.name.clone()),
            ("uploader", self.uploader.clone()),
        ])
    }

    /// The status filter, if it names a known status (anything else shows all).
    pub fn status_filter(&self) -> Option<BatchStatus> {
        self.status.as_deref().map(BatchStatus::parse).filter(|s| !matches!(s, BatchStatus::Other(_)))
    }

    /// Everything the list is filtered by: the status and the text filters (absent = empty).
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            status: self.status_filter(),
            batch_name: self.name.clone().unwrap_or_default(),
            username: self.uploader.clone().unwrap_or_default(),
        }
    }

    /// The 1-based page; unreadable or zero means 1.
    pub fn page(&self) -> u64 {
        self.page.as_deref().and_then(|p| p.trim().parse().ok()).filter(|p| *p >= 1).unwrap_or(1)
    }

    /// The query for a filter and page (page 1 and empty text filters are left out of the URL).
    pub fn new(filter: &ListFilter, page: u64) -> ListQuery {
        let text = |value: &str| (!value.is_empty()).then(|| value.to_string());
        ListQuery {
            status: filter.status.as_ref().map(|s| s.as_str().to_string()),
            page: (page > 1).then(|| page.to_string()),
            name: text(&filter.batch_name),
            uploader: text(&filter.username),
        }
    }
}

/// `offset` for a 1-based page.
pub fn offset_of(page: u64) -> u64 {
    // The page comes from the address bar: `?page=18446744073709551615` must not overflow.
    (page.max(1) - 1).saturating_mul(PAGE_SIZE)
}

/// Number of pages for `total` rows (at least 1).
pub fn page_count(total: u64) -> u64 {
    total.div_ceil(PAGE_SIZE).max(1)
}

/// When `page` lies beyond the end (after deletions, or an edited URL), the last page.
pub fn clamp_page(page: u64, total: u64) -> Option<u64> {
    let last = page_count(total);
    (page > last).then_some(last)
}

/// "Showing a–b of N": the 1-based first and last row numbers of a page.
pub fn showing_range(page: u64, rows: u64, total: u64) -> Option<(u64, u64)> {
    (rows > 0).then(|| {
        let first = offset_of(page).saturating_add(1);
        (first, first.saturating_add(rows - 1).min(total.max(first)))
    })
}

/// Columns the user can sort by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    Name,
    Status,
    Sheets,
    Size,
    Uploaded,
}

/// A sort order chosen by clicking a header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub ascending: bool,
}

impl Sort {
    /// Clicking a header: the same column flips direction, a new one starts ascending.
    pub fn toggled(current: Option<Sort>, key: SortKey) -> Sort {
        match current {
            Some(sort) if sort.key == key => Sort { key, ascending: !sort.ascending },
            _ => Sort { key, ascending: true },
        }
    }
}

/// A text's bytes with ASCII letters lowercased, for sorting and matching without case (see
/// `compare` on why ASCII only). Collected rather than compared lazily, which compiled larger;
/// a page has at most a few hundred rows.
pub fn folded(text: &str) -> Vec<u8> {
    text.bytes().map(|b| b.to_ascii_lowercase()).collect()
}

fn compare(a: &BatchListItem, b: &BatchListItem, key: SortKey) -> Ordering {
    match key {
        // Case folds ASCII only: file names here are Latin, digits and Thai (which has no
        // case), and full Unicode lowercasing links 17 KB of tables and code into the wasm.
        // No name sorts first.
        SortKey::Name => folded(a.batch_name.as_deref().unwrap_or_default())
            .cmp(&folded(b.batch_name.as_deref().unwrap_or_default())),
        SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
        SortKey::Sheets => a.sheet_count.cmp(&b.sheet_count),
        SortKey::Size => a.file_size_bytes.cmp(&b.file_size_bytes),
        SortKey::Uploaded => a.created_at.cmp(&b.created_at),
    }
}

/// The page's rows in the chosen order (stable: ties keep the server's order). Each row is
/// placed by binary search as it is taken: a page has at most a few hundred rows, and the
/// standard library's sort of `BatchListItem` cost 3 KB of wasm.
pub fn sorted(items: &[BatchListItem], sort: Option<Sort>) -> Vec<BatchListItem> {
    let Some(sort) = sort else { return items.to_vec() };
    let mut rows: Vec<BatchListItem> = Vec::with_capacity(items.len());
    for item in items {
        // After every row that does not come later than it, so ties keep their order.
        let at = rows.partition_point(|row| {
            let order = compare(row, item, sort.key);
            if sort.ascending {
                order.is_le()
            } else {
                order.is_ge()
            }
        });
        rows.insert(at, item.clone());
    }
    rows
}

/// True while any listed batch may still change (the list then refreshes itself).
pub fn has_unfinished(items: &[BatchListItem]) -> bool {
    items.iter().any(|i| i.status.is_running())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, status: &str, sheets: u64, size: u64, created: &str) -> BatchListItem {
        serde_json::from_value(serde_json::json!({
            "batch_id": 1, "batch_uuid": name, "batch_name": name, "status": status,
            "sheet_count": sheets, "file_size_bytes": size, "created_at": created
        }))
        .unwrap()
    }

    fn filter(status: Option<BatchStatus>, name: &str, username: &str) -> ListFilter {
        ListFilter { status, batch_name: name.into(), username: username.into() }
    }

    #[test]
    fn query_reads_page_and_status_leniently() {
        let q = ListQuery { status: Some("failed".into()), page: Some("3".into()), ..ListQuery::default() };
        assert_eq!(q.page(), 3);
        assert_eq!(q.status_filter(), Some(BatchStatus::Failed));
        let junk = ListQuery { status: Some("bogus".into()), page: Some("-2".into()), ..ListQuery::default() };
        assert_eq!(junk.page(), 1);
        assert_eq!(junk.status_filter(), None);
        assert_eq!(
            ListQuery::new(&filter(Some(BatchStatus::Processing), "", ""), 1),
            ListQuery { status: Some("processing".into()), ..ListQuery::default() }
        );
        assert_eq!(ListQuery::new(&ListFilter::default(), 2).page.as_deref(), Some("2"));
        assert_eq!(ListQuery::new(&filter(Some(BatchStatus::Failed), "", ""), 3).to_query(), "status=failed&page=3");
        assert_eq!(ListQuery::new(&ListFilter::default(), 1).to_query(), "");
        assert_eq!(
            ListQuery::parse("?page=3&status=failed"),
            ListQuery::new(&filter(Some(BatchStatus::Failed), "", ""), 3)
        );
    }

    #[test]
    fn text_filters_travel_in_the_address_with_status_and_page() {
        let odd = filter(Some(BatchStatus::Completed), "ห้อง 100% a&b=c+d_1_", "O'Brien \"B\"");
        let query = ListQuery::new(&odd, 2);
        let text = query.to_query();
        assert!(text.starts_with("status=completed&page=2&name=%E0%B8%AB"), "{text}");
        assert!(!text.contains('+') && text.matches('&').count() == 3 && text.matches('=').count() == 4, "{text}");
        let back = ListQuery::parse(&format!("?{text}"));
        assert_eq!(back, query);
        assert_eq!(back.filter(), odd);
        assert_eq!(back.page(), 2);
        // Empty filters stay out of the address; an empty or absent one in it means none.
        assert_eq!(ListQuery::new(&filter(None, "", ""), 1).to_query(), "");
        assert_eq!(ListQuery::parse("name=&uploader").filter(), ListFilter::default());
        // Spaces typed as `+` by hand read as spaces; a broken escape is no filter.
        assert_eq!(ListQuery::parse("name=room+1&uploader=%ZZ").filter(), filter(None, "room 1", ""));
    }

    #[test]
    fn paging_arithmetic() {
        assert_eq!(offset_of(1), 0);
        assert_eq!(offset_of(3), 100);
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(120), 3);
        assert_eq!(page_count(100), 2);
        assert_eq!(clamp_page(5, 120), Some(3));
        assert_eq!(clamp_page(3, 120), None);
        assert_eq!(clamp_page(2, 0), Some(1));
        assert_eq!(showing_range(3, 20, 120), Some((101, 120)));
        assert_eq!(showing_range(1, 50, 120), Some((1, 50)));
        assert_eq!(showing_range(1, 0, 0), None);
    }

    #[test]
    fn pages_from_an_edited_address_never_overflow() {
        assert_eq!(offset_of(u64::MAX), u64::MAX);
        assert_eq!(showing_range(u64::MAX, u64::MAX, u64::MAX), Some((u64::MAX, u64::MAX)));
        assert_eq!(clamp_page(u64::MAX, u64::MAX), Some(u64::MAX.div_ceil(PAGE_SIZE)));
    }

    #[test]
    fn sorting_is_stable_in_both_directions_for_every_key() {
        let statuses = ["failed", "completed", "processing"];
        let rows: Vec<BatchListItem> = (0..60u64)
            .map(|i| {
                let name = format!("{}{}.zip", if i % 2 == 0 { "Room" } else { "room" }, i % 4);
                let mut row =
                    item(&name, statuses[(i % 3) as usize], i % 5, (i * 7) % 6, &format!("2025-12-{:02}", i % 9));
                row.batch_uuid = i.to_string();
                row
            })
            .collect();
        for key in [SortKey::Name, SortKey::Status, SortKey::Sheets, SortKey::Size, SortKey::Uploaded] {
            for ascending in [true, false] {
                let mut expected = rows.clone();
                expected.sort_by(|a, b| {
                    let order = compare(a, b, key);
                    if ascending {
                        order
                    } else {
                        order.reverse()
                    }
                });
                assert_eq!(sorted(&rows, Some(Sort { key, ascending })), expected, "{key:?} ascending={ascending}");
            }
        }
    }

    #[test]
    fn sorting_within_a_page() {
        let rows = vec![
            item("b.zip", "failed", 5, 300, "2025-12-18T09:00:00"),
            item("A.zip", "completed", 50, 100, "2025-12-19T09:00:00"),
        ];
        let by_name = sorted(&rows, Some(Sort { key: SortKey::Name, ascending: true }));
        assert_eq!(by_name[0].batch_uuid, "A.zip", "case-insensitive");
        let thai = vec![
            item("ห้อง ข.zip", "failed", 5, 300, "2025-12-18T09:00:00"),
            item("ROOM-2.zip", "failed", 5, 300, "2025-12-18T09:00:00"),
            item("ห้อง ก.zip", "failed", 5, 300, "2025-12-18T09:00:00"),
            item("room-1.zip", "failed", 5, 300, "2025-12-18T09:00:00"),
        ];
        let order: Vec<String> = sorted(&thai, Some(Sort { key: SortKey::Name, ascending: true }))
            .into_iter()
            .map(|i| i.batch_uuid)
            .collect();
        assert_eq!(order, ["room-1.zip", "ROOM-2.zip", "ห้อง ก.zip", "ห้อง ข.zip"]);
        let by_size = sorted(&rows, Some(Sort { key: SortKey::Size, ascending: false }));
        assert_eq!(by_size[0].batch_uuid, "b.zip");
        let by_time = sorted(&rows, Some(Sort { key: SortKey::Uploaded, ascending: true }));
        assert_eq!(by_time[0].batch_uuid, "b.zip");
        assert_eq!(sorted(&rows, None), rows, "server order kept");
        assert_eq!(
            Sort::toggled(Some(Sort { key: SortKey::Name, ascending: true }), SortKey::Name),
            Sort { key: SortKey::Name, ascending: false }
        );
        assert_eq!(
            Sort::toggled(Some(Sort { key: SortKey::Name, ascending: false }), SortKey::Size),
            Sort { key: SortKey::Size, ascending: true }
        );
    }

    #[test]
    fn unfinished_batches_keep_the_list_refreshing() {
        assert!(has_unfinished(&[item("a", "completed", 1, 1, ""), item("b", "processing", 1, 1, "")]));
        assert!(!has_unfinished(&[item("a", "completed", 1, 1, ""), item("b", "failed", 1, 1, "")]));
        assert!(!has_unfinished(&[item("a", "archived", 1, 1, "")]), "unknown statuses do not poll forever");
    }
}
