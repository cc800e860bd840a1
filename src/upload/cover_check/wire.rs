//! What the worker says to the page ([`ToPage`], the one message type between them) and how a
//! [`CoverReport`] travels in it (pure): records separated by
//! U+001E, fields by U+001F. A hand-written format rather than serde: reading it takes a few
//! hundred bytes of the app's wasm where serde's derived readers took kilobytes (the app loads
//! this code on every first visit; the worker writes it).
//!
//! Records: `read␟total`, then one per group `G␟task id␟text␟cover␟sheets`, then
//! one per warning, its kind and fields (lists as `count␟name␟name…`):
//! `B`/`U`/`P` + list (sheets before the first cover, unreadable covers, not pictures),
//! `N␟cover␟text`, `S␟task id␟list`, `E␟task id␟cover`.
//! The two separators, should a name or a text hold them, become U+FFFD, so no field can break
//! the format.

use super::{CoverReport, CoverWarning, FileNames, TaskGroup};

const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';

fn clean(text: &str) -> String {
    text.chars().map(|c| if c == RECORD || c == FIELD { '\u{fffd}' } else { c }).collect()
}

fn push_list(fields: &mut Vec<String>, list: &FileNames) {
    fields.push(list.count.to_string());
    fields.extend(list.shown.iter().map(|name| clean(name)));
}

/// What the cover check's worker says to the page, as text (`postMessage` of a string).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ToPage {
    /// The worker listens: the page may post it the file (a message posted before would be lost
    /// while its wasm loads).
    Ready,
    /// What the check knows so far.
    Report(CoverReport),
    /// The ZIP cannot be checked: its directory cannot be read, or it holds too many sheets.
    Unavailable,
}

impl ToPage {
    /// The message's text: `ready`, an empty text, or a report's records (which start with a
    /// number, so neither can be taken for one).
    pub fn to_text(&self) -> String {
        match self {
            ToPage::Ready => "ready".into(),
            ToPage::Report(report) => encode(report),
            ToPage::Unavailable => String::new(),
        }
    }

    /// The message in `text`; `None` for anything a worker would not have written.
    pub fn from_text(text: &str) -> Option<ToPage> {
        match text {
            "ready" => Some(ToPage::Ready),
            "" => Some(ToPage::Unavailable),
            _ => decode(text).map(ToPage::Report),
        }
    }
}

/// The report as the worker posts it.
pub fn encode(report: &CoverReport) -> String {
    let mut records = vec![format!("{}{FIELD}{}", report.read, report.total)];
    for group in &report.groups {
        let fields =
            ["G", &clean(&group.task_id), &clean(&group.text), &clean(&group.cover), &group.sheets.to_string()];
        records.push(fields.join(&FIELD.to_string()));
    }
    for warning in &report.warnings {
        let mut fields: Vec<String> = Vec::new();
        match warning {
            CoverWarning::SheetsBeforeFirstCover(list) => {
                fields.push("B".into());
                push_list(&mut fields, list);
            }
            CoverWarning::UnreadableCovers(list) => {
                fields.push("U".into());
                push_list(&mut fields, list);
            }
            CoverWarning::NotPictures(list) => {
                fields.push("P".into());
                push_list(&mut fields, list);
            }
            CoverWarning::NoTaskId { cover, text } => fields.extend(["N".into(), clean(cover), clean(text)]),
            CoverWarning::SameTask { task_id, covers } => {
                fields.extend(["S".into(), clean(task_id)]);
                push_list(&mut fields, covers);
            }
            CoverWarning::EmptyGroup { task_id, cover } => {
                fields.extend(["E".into(), clean(task_id), clean(cover)]);
            }
        }
        records.push(fields.join(&FIELD.to_string()));
    }
    records.join(&RECORD.to_string())
}

fn list(fields: &[&str]) -> Option<FileNames> {
    let (count, names) = fields.split_first()?;
    Some(FileNames { shown: names.iter().map(|n| n.to_string()).collect(), count: count.parse().ok()? })
}

/// The report the page reads; `None` for anything the worker would not have written.
pub fn decode(text: &str) -> Option<CoverReport> {
    let mut records = text.split(RECORD);
    let head: Vec<&str> = records.next()?.split(FIELD).collect();
    let [read, total] = head[..] else { return None };
    let mut report = CoverReport { read: read.parse().ok()?, total: total.parse().ok()?, ..CoverReport::default() };
    for record in records {
        let fields: Vec<&str> = record.split(FIELD).collect();
        match fields[..] {
            ["G", task_id, text, cover, sheets] => report.groups.push(TaskGroup {
                task_id: task_id.into(),
                text: text.into(),
                cover: cover.into(),
                sheets: sheets.parse().ok()?,
            }),
            ["B", ref rest @ ..] => report.warnings.push(CoverWarning::SheetsBeforeFirstCover(list(rest)?)),
            ["U", ref rest @ ..] => report.warnings.push(CoverWarning::UnreadableCovers(list(rest)?)),
            ["P", ref rest @ ..] => report.warnings.push(CoverWarning::NotPictures(list(rest)?)),
            ["N", cover, text] => {
                report.warnings.push(CoverWarning::NoTaskId { cover: cover.into(), text: text.into() })
            }
            ["S", task_id, ref rest @ ..] => {
                report.warnings.push(CoverWarning::SameTask { task_id: task_id.into(), covers: list(rest)? })
            }
            ["E", task_id, cover] => {
                report.warnings.push(CoverWarning::EmptyGroup { task_id: task_id.into(), cover: cover.into() })
            }
            _ => return None,
        }
    }
    (report.read <= report.total).then_some(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str], count: usize) -> FileNames {
        FileNames { shown: list.iter().map(|s| s.to_string()).collect(), count }
    }

    fn every_kind() -> CoverReport {
        CoverReport {
            read: 11,
            total: 12,
            groups: vec![
                TaskGroup {
                    task_id: "11111111".into(),
                    text: "TASK 11111111".into(),
                    cover: "a/01.jpg".into(),
                    sheets: 4,
                },
                TaskGroup {
                    task_id: "22222222".into(),
                    text: "ชุด 22222222".into(),
                    cover: "a/06.jpg".into(),
                    sheets: 0,
                },
            ],
            warnings: vec![
                CoverWarning::SheetsBeforeFirstCover(names(&["a/00.jpg"], 1)),
                CoverWarning::UnreadableCovers(names(&["a/03.jpg", "a/04.jpg"], 9)),
                CoverWarning::NoTaskId { cover: "a/06.jpg".into(), text: "สวัสดี".into() },
                CoverWarning::SameTask { task_id: "11111111".into(), covers: names(&["a/01.jpg", "a/08.jpg"], 2) },
                CoverWarning::EmptyGroup { task_id: "22222222".into(), cover: "a/06.jpg".into() },
                CoverWarning::NotPictures(names(&[], 0)),
            ],
        }
    }

    #[test]
    fn every_kind_of_group_and_warning_comes_back_as_it_went() {
        assert_eq!(decode(&encode(&every_kind())), Some(every_kind()));
        assert_eq!(decode(&encode(&CoverReport::default())), Some(CoverReport::default()));
    }

    #[test]
    fn every_message_to_the_page_comes_back_as_it_went() {
        for message in [ToPage::Ready, ToPage::Unavailable, ToPage::Report(every_kind())] {
            assert_eq!(ToPage::from_text(&message.to_text()), Some(message));
        }
        assert_eq!(ToPage::from_text("hello"), None);
    }

    #[test]
    fn separators_inside_names_cannot_break_a_record() {
        let report = CoverReport {
            read: 1,
            total: 1,
            groups: vec![TaskGroup {
                task_id: "33333333".into(),
                text: "a\u{1f}b\u{1e}c".into(),
                cover: "x".into(),
                sheets: 0,
            }],
            warnings: vec![],
        };
        let back = decode(&encode(&report)).unwrap();
        assert_eq!(back.groups[0].text, "a\u{fffd}b\u{fffd}c");
    }

    #[test]
    fn what_the_worker_would_not_write_is_refused() {
        for text in [
            "",
            "1",
            "x\u{1f}2",
            "3\u{1f}2",
            "1\u{1f}2\u{1e}G\u{1f}1",
            "1\u{1f}2\u{1e}Z\u{1f}1",
            "1\u{1f}2\u{1e}B\u{1f}many",
        ] {
            assert_eq!(decode(text), None, "{text:?}");
        }
    }
}

/// Seeded property tests (native only: proptest is not built for wasm32).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_names() -> impl Strategy<Value = FileNames> {
        (proptest::collection::vec("[^\u{1e}\u{1f}]{0,12}", 0..4), 0usize..100)
            .prop_map(|(shown, extra)| FileNames { count: shown.len() + extra, shown })
    }

    fn any_warning() -> impl Strategy<Value = CoverWarning> {
        let text = "[^\u{1e}\u{1f}]{0,12}";
        prop_oneof![
            any_names().prop_map(CoverWarning::SheetsBeforeFirstCover),
            any_names().prop_map(CoverWarning::UnreadableCovers),
            any_names().prop_map(CoverWarning::NotPictures),
            (text, text).prop_map(|(cover, text)| CoverWarning::NoTaskId { cover, text }),
            ("[0-9]{8}", any_names()).prop_map(|(task_id, covers)| CoverWarning::SameTask { task_id, covers }),
            ("[0-9]{8}", text).prop_map(|(task_id, cover)| CoverWarning::EmptyGroup { task_id, cover }),
        ]
    }

    fn any_report() -> impl Strategy<Value = CoverReport> {
        let group = ("[0-9]{8}", "[^\u{1e}\u{1f}]{0,12}", "[^\u{1e}\u{1f}]{0,12}", 0usize..500)
            .prop_map(|(task_id, text, cover, sheets)| TaskGroup { task_id, text, cover, sheets });
        (
            0usize..300,
            0usize..300,
            proptest::collection::vec(group, 0..5),
            proptest::collection::vec(any_warning(), 0..6),
        )
            .prop_map(|(a, b, groups, warnings)| CoverReport {
                read: a.min(b),
                total: a.max(b),
                groups,
                warnings,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(29),
            ..ProptestConfig::default()
        })]

        #[test]
        fn reports_come_back_as_they_went(report in any_report()) {
            prop_assert_eq!(decode(&encode(&report)), Some(report));
        }

        #[test]
        fn any_text_is_answered_without_a_panic(text in ".{0,200}") {
            let _ = decode(&text);
        }
    }
}
