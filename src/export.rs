//! CSV exports made in the browser (pure): the batch list, a batch's sheets, its activity log.
//! UTF-8 with a byte-order mark so Excel reads Thai, RFC 4180 quoting, CRLF line ends, and a
//! guard against formula injection (a cell starting with `=`, `+`, `-` or `@` gets a `'`).

use crate::api::types::{BatchListItem, ProgressEvent, SheetItem};
use crate::api::ApiError;

/// Where an export stands, as the page shows it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum ExportState {
    #[default]
    Idle,
    /// Pages are being fetched: `fetched` of `total` rows so far.
    Fetching { fetched: u64, total: u64 },
    /// Saved: what the file holds and what it could not.
    Saved(SavedRows),
    /// The browser did not save the file.
    Refused,
    /// Fetching the rows failed.
    Failed(ApiError),
}

/// What a saved export holds, and the rows it could not hold, so that every row the server
/// has is accounted for in the status line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SavedRows {
    /// Rows in the file.
    pub rows: u64,
    /// Rows the server sent that could not be read.
    pub unreadable: u64,
    /// Rows the server has but does not give (a batch's sheets beyond `/status`'s 1000).
    pub not_given: u64,
}

impl SavedRows {
    /// A file of `rows` rows that holds everything.
    pub fn all(rows: usize) -> SavedRows {
        SavedRows { rows: rows as u64, ..SavedRows::default() }
    }

    /// A batch's sheets: `rows` read and `unreadable` skipped of the batch's `total`.
    pub fn sheets(rows: usize, unreadable: usize, total: u64) -> SavedRows {
        let (rows, unreadable) = (rows as u64, unreadable as u64);
        SavedRows { rows, unreadable, not_given: total.saturating_sub(rows.saturating_add(unreadable)) }
    }
}

/// One CSV cell: guarded against formulas, quoted when it holds a separator a spreadsheet may
/// use (comma, semicolon, tab), a quote or a line break.
pub fn cell(value: &str) -> String {
    let guarded = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    };
    if guarded.contains([',', ';', '\t', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A whole document: BOM, header, rows, CRLF after every line.
pub fn document(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let line = |cells: Vec<String>| cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",") + "\r\n";
    let mut text = String::from('\u{feff}');
    text.push_str(&line(header.iter().map(|h| h.to_string()).collect()));
    for row in rows {
        text.push_str(&line(row));
    }
    text
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn number(value: Option<u64>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

/// The batch list (values as the server sent them; the header names the columns).
pub fn batches_csv(batches: &[BatchListItem]) -> String {
    let header = [
        "batch_uuid",
        "batch_name",
        "upload_type",
        "status",
        "sheet_count",
        "file_size_bytes",
        "created_at",
        "processing_started_at",
        "completed_at",
        "username",
        "notes",
        "error_message",
    ];
    document(
        &header,
        batches.iter().map(|b| {
            vec![
                b.batch_uuid.clone(),
                text(&b.batch_name),
                b.upload_type.map(|t| t.list_value().to_string()).unwrap_or_default(),
                b.status.as_str().to_string(),
                number(b.sheet_count),
                number(b.file_size_bytes),
                text(&b.created_at),
                text(&b.processing_started_at),
                text(&b.completed_at),
                text(&b.username),
                text(&b.notes),
                text(&b.error_message),
            ]
        }),
    )
}

/// A batch's sheets.
pub fn sheets_csv(sheets: &[SheetItem]) -> String {
    let header = ["sheet_number", "sheet_uuid", "status", "image_path", "processing_time_ms", "error_message"];
    document(
        &header,
        sheets.iter().map(|s| {
            vec![
                s.sequence_number.or(s.sheet_number).map(|n| n.to_string()).unwrap_or_default(),
                text(&s.sheet_uuid),
                text(&s.status),
                text(&s.image_path),
                s.processing_time_ms.map(|n| n.to_string()).unwrap_or_default(),
                text(&s.error_message),
            ]
        }),
    )
}

/// A number as JavaScript writes it (the shortest text that reads back the same; the same
/// digits as Rust's `Display` for the percentages written here). In the browser through
/// `Number.prototype.toString`: Rust's float formatting would add about 6 KB to the app's wasm
/// for this one column.
fn decimal(value: f64) -> String {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Number::from(value).to_string_with_radix(10).map(String::from).unwrap_or_default();
    #[cfg(not(target_arch = "wasm32"))]
    return value.to_string();
}

/// A batch's activity log.
pub fn log_csv(events: &[ProgressEvent]) -> String {
    let header = ["timestamp", "stage", "message", "progress_percentage", "sheets_processed", "sheets_total"];
    document(
        &header,
        events.iter().map(|e| {
            vec![
                text(&e.timestamp),
                e.stage.clone(),
                e.message.clone(),
                decimal(e.progress_percentage),
                e.sheets_processed.to_string(),
                e.sheets_total.to_string(),
            ]
        }),
    )
}

/// A file name from a stem (a batch name, "batches"), what it holds and the date:
/// `103-sheets-2025-12-18.csv`. Characters file systems refuse become `_`.
pub fn file_name(stem: &str, what: &str, date: &str) -> String {
    let stem = stem.strip_suffix(".zip").unwrap_or(stem);
    let safe: String =
        stem.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect();
    match what {
        "" => format!("{safe}-{date}.csv"),
        what => format!("{safe}-{what}-{date}.csv"),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<Vec<String>> {
        let body = text.strip_prefix('\u{feff}').expect("a byte-order mark for Excel");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(body.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn cells_are_quoted_and_guarded() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@cmd"), "'@cmd");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("a;b"), "\"a;b\"", "spreadsheets set to `;` would split it");
        assert_eq!(cell("a\tb"), "\"a\tb\"", "and tab-separated readers");
    }

    #[test]
    fn semicolon_and_tab_survive_readers_that_split_on_them() {
        // A spreadsheet set to `;` (or tab) splits on it, whatever the file's own separator:
        // quoted, a cell holding one stays one cell.
        let text = document(&["a"], [vec!["x;y".to_string()], vec!["p\tq".to_string()], vec!["m,n".to_string()]]);
        let body = text.strip_prefix('\u{feff}').unwrap();
        for separator in [b';', b'\t', b','] {
            let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(separator)
                .from_reader(body.as_bytes())
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            assert_eq!(rows, [["a"], ["x;y"], ["p\tq"], ["m,n"]], "read with {:?}", separator as char);
        }
    }

    #[test]
    fn saved_rows_account_for_sheets_the_server_does_not_give() {
        assert_eq!(SavedRows::sheets(999, 1, 2_500), SavedRows { rows: 999, unreadable: 1, not_given: 1_500 });
        assert_eq!(SavedRows::sheets(10, 0, 3), SavedRows { rows: 10, unreadable: 0, not_given: 0 }, "a stale total");
    }

    proptest::proptest! {
        #![proptest_config(crate::property_tests::seeded(256))]

        /// Any text, Thai and formula starts included, reads back from the file as written,
        /// except the `'` a formula-like start gets.
        #[test]
        fn cells_round_trip_through_a_csv_reader(
            cells in proptest::collection::vec("(\\PC|[=+@\\-\\t\\r\\n,;\"กขคงจฉชซ๑๒])*", 1..6),
        ) {
            let text = document(&["h"; 6][..cells.len()], [cells.clone()]);
            let rows = parse(&text);
            proptest::prop_assert_eq!(rows.len(), 2);
            for (written, read) in cells.iter().zip(&rows[1]) {
                let guarded = matches!(written.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
                let expected = if guarded { format!("'{written}") } else { written.clone() };
                proptest::prop_assert_eq!(read, &expected);
            }
        }
    }

    #[test]
    fn the_batch_list_round_trips_with_thai_intact() {
        let item: BatchListItem = serde_json::from_str(
            r#"{"batch_uuid": "b1", "batch_name": "ศูนย์สอบ 7, วันที่ 2.zip", "upload_type": "zip_qr",
                "status": "completed", "sheet_count": 49, "file_size_bytes": 36000000,
                "created_at": "2025-12-18T09:41:07", "notes": "=HYPERLINK(\"x\")", "error_message": null}"#,
        )
        .unwrap();
        let text = batches_csv(&[item]);
        assert!(text.ends_with("\r\n"));
        let rows = parse(&text);
        assert_eq!(rows[0][1], "batch_name");
        assert_eq!(rows[1][1], "ศูนย์สอบ 7, วันที่ 2.zip");
        assert_eq!(rows[1][2], "zip_qr");
        assert_eq!(rows[1][4], "49");
        assert_eq!(rows[1][10], "'=HYPERLINK(\"x\")", "a formula arrives as text");
        assert_eq!(rows[1][11], "");
    }

    #[test]
    fn sheets_and_log_round_trip() {
        let sheet: SheetItem = serde_json::from_str(
            r#"{"sheet_uuid": "s", "sequence_number": 3, "status": "failed", "image_path": "a/b, c.jpg",
                "processing_time_ms": 812.4, "error_message": "QR unreadable"}"#,
        )
        .unwrap();
        assert_eq!(parse(&sheets_csv(&[sheet]))[1], ["3", "s", "failed", "a/b, c.jpg", "812", "QR unreadable"]);
        let event: ProgressEvent = serde_json::from_str(
            r#"{"stage": "processing", "message": "Processing: 12/49 sheets completed", "progress_percentage": 24.5,
                "sheets_total": 49, "sheets_processed": 12, "timestamp": "2025-11-20T12:00:05.123456"}"#,
        )
        .unwrap();
        let rows = parse(&log_csv(&[event]));
        assert_eq!(rows[1][2], "Processing: 12/49 sheets completed");
        assert_eq!(rows[1][3], "24.5");
    }

    #[test]
    fn file_names_carry_the_name_and_date() {
        assert_eq!(file_name("103.zip", "sheets", "2025-12-18"), "103-sheets-2025-12-18.csv");
        assert_eq!(file_name("batches", "", "2025-12-18"), "batches-2025-12-18.csv");
        assert_eq!(file_name("a/b:c.zip", "log", "2025-12-18"), "a_b_c-log-2025-12-18.csv");
    }
}
