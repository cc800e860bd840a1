//! The paging against a list held in memory and changed between requests, its answers decoded
//! from JSON by the app's own lenient reader.

use super::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A list as the server holds it, newest first: `Some(id)` readable, `None` a row without an id.
struct List(Vec<Option<String>>);

impl List {
    fn of(count: usize) -> List {
        List((0..count).map(|i| Some(format!("b{i}"))).collect())
    }

    /// The answer to `?limit=100&offset=…`, through the app's decoder.
    fn page(&self, offset: u64) -> BatchListResponse {
        let rows: Vec<Value> = self
            .0
            .iter()
            .skip(offset as usize)
            .take(PAGE_ROWS as usize)
            .map(|row| match row {
                Some(id) => json!({"batch_id": 1, "batch_uuid": id, "status": "completed"}),
                None => json!({"batch_id": 1, "status": 7}),
            })
            .collect();
        let body =
            json!({"batches": rows, "total": self.0.len(), "limit": 100, "offset": offset, "showing": rows.len()});
        crate::api::json::parse(&body.to_string()).unwrap()
    }
}

/// Reads the whole list, calling `between(request number, list)` before each request.
fn read_all(list: &mut List, mut between: impl FnMut(u64, &mut List)) -> (Vec<String>, u64, u64) {
    let mut paging = ListPaging::default();
    let (mut rows, mut requests) = (Vec::new(), 0);
    while let Some(offset) = paging.next_offset() {
        between(requests, list);
        requests += 1;
        rows.extend(paging.take(offset, list.page(offset)).into_iter().map(|b| b.batch_uuid));
    }
    (rows, paging.skipped(), requests)
}

#[test]
fn an_unreadable_row_on_the_first_page_shifts_nothing() {
    // The measured case: 130 batches, one of the newest unreadable; 30 went missing.
    let mut list = List::of(130);
    list.0[3] = None;
    let (rows, skipped, requests) = read_all(&mut list, |_, _| {});
    let expected: Vec<String> = list.0.iter().flatten().cloned().collect();
    assert_eq!(rows, expected, "every readable row, in order, once");
    assert_eq!((skipped, requests), (1, 2));
}

#[test]
fn batches_uploaded_during_the_export_repeat_nothing_and_lose_nothing() {
    let mut list = List::of(250);
    let before: Vec<String> = list.0.iter().flatten().cloned().collect();
    let (rows, _, _) = read_all(&mut list, |request, list| {
        if request == 1 {
            for i in 0..7 {
                list.0.insert(0, Some(format!("new{i}")));
            }
        }
    });
    let unique: HashSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), rows.len(), "no row twice");
    assert!(before.iter().all(|id| unique.contains(id)), "every row there from the start");
}

#[test]
fn batches_deleted_above_the_reading_point_lose_nothing() {
    let mut list = List::of(250);
    let (rows, _, _) = read_all(&mut list, |request, list| {
        if request == 2 {
            list.0.drain(0..5);
        }
    });
    let unique: HashSet<&String> = rows.iter().collect();
    assert_eq!(unique.len(), rows.len(), "no row twice");
    let kept: Vec<String> = list.0.iter().flatten().cloned().collect();
    assert!(kept.iter().all(|id| unique.contains(id)), "every row still there at the end");
}

#[test]
fn an_empty_list_takes_one_request() {
    let (rows, skipped, requests) = read_all(&mut List::of(0), |_, _| {});
    assert_eq!((rows.len(), skipped, requests), (0, 0, 1));
}

/// A change between two requests: batches uploaded (put on top) or deleted (`at` from the top).
#[derive(Clone, Debug)]
enum Change {
    Upload(u8),
    Delete { at: prop::sample::Index, count: u8 },
}

proptest! {
    #![proptest_config(crate::property_tests::seeded(128))]

    #[test]
    fn every_row_present_throughout_is_read_exactly_once(
        size in 0usize..450,
        unreadable in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        changes in prop::collection::vec(prop_oneof![
            (1u8..30).prop_map(Change::Upload),
            (any::<prop::sample::Index>(), 1u8..10).prop_map(|(at, count)| Change::Delete { at, count }),
        ], 0..6),
    ) {
        let mut list = List::of(size);
        for at in &unreadable {
            if size > 0 {
                list.0[at.index(size)] = None;
            }
        }
        let original: Vec<String> = list.0.iter().flatten().cloned().collect();
        let mut deleted = HashSet::new();
        let mut uploads = 0;
        let (rows, skipped, requests) = read_all(&mut list, |request, list| {
            match changes.get(request as usize) {
                Some(Change::Upload(n)) => {
                    for _ in 0..*n {
                        uploads += 1;
                        list.0.insert(0, Some(format!("new{uploads}")));
                    }
                }
                // Deletions above the reading point: among the newest rows.
                Some(Change::Delete { at, count }) if !list.0.is_empty() => {
                    let from = at.index(list.0.len().min(50));
                    let to = (from + *count as usize).min(list.0.len());
                    deleted.extend(list.0.drain(from..to).flatten());
                }
                _ => {}
            }
        });
        let unique: HashSet<&String> = rows.iter().collect();
        prop_assert_eq!(unique.len(), rows.len(), "a row twice");
        for id in original.iter().filter(|id| !deleted.contains(*id)) {
            prop_assert!(unique.contains(id), "{} missing", id);
        }
        if changes.is_empty() {
            prop_assert_eq!(skipped, (size - original.len()) as u64);
            prop_assert_eq!(requests, (size as u64).div_ceil(100).max(1));
        }
    }
}
