//! The list's text filters checked in the browser (pure): whether a server ignored them, and
//! then the rows of the page that match (contract §5.9.8). A server without the filters
//! (the snapshot) answers unfiltered rows; a row it would not have sent if it filtered shows
//! that it ignored the filter.

use crate::api::endpoints::ListFilter;
use crate::api::types::BatchListItem;
use crate::list_view::folded;

/// Which text filters an answer shows the server ignored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ignored {
    pub batch_name: bool,
    pub username: bool,
}

impl Ignored {
    /// True when the server ignored either filter.
    pub fn any(self) -> bool {
        self.batch_name || self.username
    }
}

/// Whether `part` occurs in `text` (absent: never, unless `part` is empty), ASCII letters
/// compared without case as the server's collation would (Thai has no case; see `folded`).
/// `%`, `_` and quotes are plain characters here, as they must be for the server.
fn contains(text: Option<&str>, part: &str) -> bool {
    let (text, part) = (folded(text.unwrap_or_default()), folded(part));
    part.is_empty() || text.windows(part.len()).any(|window| window == part)
}

fn name_matches(filter: &ListFilter, row: &BatchListItem) -> bool {
    contains(row.batch_name.as_deref(), &filter.batch_name)
}

fn username_matches(filter: &ListFilter, row: &BatchListItem) -> bool {
    contains(row.username.as_deref(), &filter.username)
}

/// Which filters the server ignored, told from its rows: a row whose `batch_name` does not
/// contain the file-name filter, or that has no `username` or another one than the uploader
/// filter names, is a row a filtering server would not have sent.
pub fn ignored(filter: &ListFilter, rows: &[BatchListItem]) -> Ignored {
    Ignored {
        batch_name: rows.iter().any(|row| !name_matches(filter, row)),
        username: rows.iter().any(|row| !username_matches(filter, row)),
    }
}

/// The rows to show and what the server ignored: its rows, less those that fail a filter.
/// Only an ignoring server sends such rows; a filtering one's rows all stay.
pub fn narrowed(filter: &ListFilter, rows: &[BatchListItem]) -> (Vec<BatchListItem>, Ignored) {
    let ignored = ignored(filter, rows);
    let kept = rows.iter().filter(|row| name_matches(filter, row) && username_matches(filter, row)).cloned().collect();
    (kept, ignored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: Option<&str>, username: Option<&str>) -> BatchListItem {
        serde_json::from_value(serde_json::json!({
            "batch_id": 1, "batch_uuid": format!("{name:?}{username:?}"), "batch_name": name,
            "status": "completed", "username": username
        }))
        .unwrap()
    }

    fn by(name: &str, username: &str) -> ListFilter {
        ListFilter { batch_name: name.into(), username: username.into(), ..ListFilter::default() }
    }

    fn names(rows: &[BatchListItem]) -> Vec<&str> {
        rows.iter().map(|r| r.batch_name.as_deref().unwrap_or("-")).collect()
    }

    #[test]
    fn a_filtered_answer_is_trusted_as_sent() {
        let rows = [row(Some("Room_1_A.zip"), Some("admin")), row(Some("my room_1_.zip"), Some("center07"))];
        assert_eq!(ignored(&by("ROOM_1_", ""), &rows), Ignored::default(), "case ignored");
        assert_eq!(narrowed(&by("room_1_", ""), &rows).0, rows.to_vec());
        assert_eq!(ignored(&by("", ""), &rows), Ignored::default(), "no filter, nothing to check");
        assert_eq!(ignored(&by("anything", "anyone"), &[]), Ignored::default(), "an empty page proves nothing");
    }

    #[test]
    fn rows_that_do_not_contain_the_name_show_an_ignored_filter() {
        let rows = [
            row(Some("scan_100%_final.zip"), Some("admin")),
            row(Some("scan_100_final.zip"), Some("admin")),
            row(Some("O'Brien \"B\" room.zip"), Some("admin")),
            row(Some("ใบตอบ_ภาค2%.zip"), Some("ภาค2-3")),
            row(None, Some("admin")),
        ];
        for (part, expected) in [
            ("100%", vec!["scan_100%_final.zip"]),
            ("_100_", vec!["scan_100_final.zip"]),
            ("o'brien \"b\"", vec!["O'Brien \"B\" room.zip"]),
            ("ภาค2%", vec!["ใบตอบ_ภาค2%.zip"]),
            ("SCAN", vec!["scan_100%_final.zip", "scan_100_final.zip"]),
        ] {
            let (kept, ignored) = narrowed(&by(part, ""), &rows);
            assert_eq!(ignored, Ignored { batch_name: true, username: false }, "{part}");
            assert_eq!(names(&kept), expected, "{part}: `%` and `_` are plain characters, not patterns");
        }
    }

    #[test]
    fn rows_without_the_uploader_or_with_another_show_an_ignored_username_filter() {
        let thai = row(Some("a.zip"), Some("ภาค2-3"));
        let other = row(Some("b.zip"), Some("center07"));
        let unknown = row(Some("c.zip"), None);
        assert_eq!(ignored(&by("", "ภาค2"), std::slice::from_ref(&thai)), Ignored::default());
        let (kept, ignored) = narrowed(&by("", "ภาค2"), &[thai.clone(), other.clone(), unknown.clone()]);
        assert_eq!(ignored, Ignored { batch_name: false, username: true });
        assert_eq!(kept, vec![thai.clone()]);
        // Without `username` in the rows, the filter cannot be checked: nothing matches.
        let (kept, ignored) = narrowed(&by("", "center07"), std::slice::from_ref(&unknown));
        assert!(ignored.username && ignored.any() && kept.is_empty());
        // Both ignored: a row must match both.
        let (kept, ignored) = narrowed(&by("B.ZIP", "CENTER"), &[thai, other.clone(), unknown]);
        assert_eq!(ignored, Ignored { batch_name: true, username: true });
        assert_eq!(kept, vec![other]);
    }
}
