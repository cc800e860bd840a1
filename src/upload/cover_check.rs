//! The QR cover check of a "ZIP with QR codes" (pure): which tasks the server will find in it and
//! what is wrong with it, from one reading per sheet image, before a byte is sent.
//!
//! The server reads the ZIP's images in name order; an image whose QR code it can read and
//! whose text names a task (a run of exactly 8 digits) is a cover and starts a group, every image
//! after it is a sheet of that group's task, and images before the first cover get no task
//! (contract §4.3). A QR code without a task id starts nothing: the image counts as a sheet of
//! the group it is in, as the stand-in does (the real server's reading is not documented). [`CoverCheck`] hands out the images in
//! the order that finds the covers soonest (those of the cover size, contract §5.1, first), takes
//! each [`Reading`] as it comes, and [`CoverCheck::report`] says at any moment what is known:
//! the groups (an image not read yet counts as a sheet) and the warnings that can no longer
//! change.

pub mod wire;

use super::zip_scan::{SheetEntry, QR_COVER_BYTES};
use serde::{Deserialize, Serialize};

/// File names a warning lists; the rest are counted.
pub const NAMES_SHOWN: usize = 5;

/// What reading one image found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reading {
    /// A QR code and its text: a cover.
    Qr(String),
    /// A QR code was found but could not be decoded (damaged, blurred, cut off).
    QrUnreadable,
    /// No QR code: an answer sheet.
    NoQr,
    /// The bytes are not a picture the browser can open, or could not be read from the ZIP.
    NotAnImage,
}

/// Some file names and how many there are in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileNames {
    /// The first [`NAMES_SHOWN`] names.
    pub shown: Vec<String>,
    /// How many names there are, shown or not.
    pub count: usize,
}

impl FileNames {
    fn of<'a>(names: impl Iterator<Item = &'a str>) -> FileNames {
        let mut list = FileNames::default();
        for name in names {
            if list.shown.len() < NAMES_SHOWN {
                list.shown.push(name.to_string());
            }
            list.count += 1;
        }
        list
    }
}

/// One task the server will make sheets for: a cover and the images after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskGroup {
    /// The first run of exactly 8 digits in the QR text.
    pub task_id: String,
    /// The QR text as read, shown beside the task id so another format is visible.
    pub text: String,
    /// The cover's file name in the ZIP.
    pub cover: String,
    /// Answer sheets in the group (images not read yet count as sheets).
    pub sheets: usize,
}

/// Something the officer should know before sending; the upload may still go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverWarning {
    /// Sheets before the first cover: the server cannot give them a task. With no cover at
    /// all, every sheet.
    SheetsBeforeFirstCover(FileNames),
    /// Images that look like covers (a QR code found, or the cover size) whose QR code cannot
    /// be read: the server will count them as sheets of the group before.
    UnreadableCovers(FileNames),
    /// An image whose QR text holds no 8-digit task id: no cover, a sheet of the group before.
    NoTaskId { cover: String, text: String },
    /// The same task id on more than one cover.
    SameTask { task_id: String, covers: FileNames },
    /// A cover followed directly by another cover, or by the end of the ZIP.
    EmptyGroup { task_id: String, cover: String },
    /// Images the browser cannot open as pictures.
    NotPictures(FileNames),
}

/// What the check knows so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoverReport {
    /// Images read so far.
    pub read: usize,
    /// Sheet images in the ZIP.
    pub total: usize,
    /// The groups in the ZIP's order.
    pub groups: Vec<TaskGroup>,
    /// Warnings that later readings cannot take back.
    pub warnings: Vec<CoverWarning>,
}

impl CoverReport {
    /// Whether every image has been read.
    pub fn is_complete(&self) -> bool {
        self.read == self.total
    }
}

/// Every run of exactly 8 ASCII digits in `text`, in order: the task ids a QR text or a server
/// message names (a longer or shorter run of digits is not a task id).
pub fn task_ids_in(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < bytes.len() {
            if !bytes[start].is_ascii_digit() {
                start += 1;
                continue;
            }
            let end = bytes[start..].iter().position(|b| !b.is_ascii_digit()).map_or(bytes.len(), |n| start + n);
            let run = (start, end);
            start = end;
            if run.1 - run.0 == 8 {
                return Some(&text[run.0..run.1]);
            }
        }
        None
    })
}

/// The task id of a QR text: its first run of exactly 8 digits (the payload's format is not
/// documented, so the raw text is shown beside it).
pub fn task_id_in(text: &str) -> Option<&str> {
    task_ids_in(text).next()
}

/// What the server did with a task the check predicted, as far as it says (contract §4.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerOutcome {
    /// Named in its `Skipping … duplicate tasks` event: the task already had sheets.
    Skipped,
    /// Named in the batch's failure (e.g. a task the uploader is not assigned to).
    NamedInFailure,
    /// Neither: the server took it.
    Taken,
}

/// The outcome of `task_id` from the batch's skipping message and failure message.
pub fn server_outcome(task_id: &str, skipping: Option<&str>, failure: Option<&str>) -> ServerOutcome {
    let names = |message: Option<&str>| message.is_some_and(|m| task_ids_in(m).any(|t| t == task_id));
    if names(skipping) {
        ServerOutcome::Skipped
    } else if names(failure) {
        ServerOutcome::NamedInFailure
    } else {
        ServerOutcome::Taken
    }
}

/// The check of one ZIP's sheet images.
#[derive(Debug)]
pub struct CoverCheck {
    /// The sheet images in the server's order (by name).
    sheets: Vec<SheetEntry>,
    readings: Vec<Option<Reading>>,
    /// Indexes into `sheets` in reading order, and how many were handed out.
    order: Vec<usize>,
    handed_out: usize,
    read: usize,
}

impl CoverCheck {
    /// A check of `sheets` (in any order).
    pub fn new(mut sheets: Vec<SheetEntry>) -> CoverCheck {
        sheets.sort_by(|a, b| a.name.cmp(&b.name));
        let looks_like_cover = |i: &usize| QR_COVER_BYTES.contains(&sheets[*i].size);
        let (mut order, rest): (Vec<usize>, Vec<usize>) = (0..sheets.len()).partition(looks_like_cover);
        order.extend(rest);
        CoverCheck { readings: vec![None; sheets.len()], sheets, order, handed_out: 0, read: 0 }
    }

    /// The next image to read and its index for [`CoverCheck::record`]; `None` once every
    /// image was handed out.
    pub fn next_to_read(&mut self) -> Option<(usize, &SheetEntry)> {
        let index = *self.order.get(self.handed_out)?;
        self.handed_out += 1;
        Some((index, &self.sheets[index]))
    }

    /// Takes the reading of image `index`; a second reading of the same image, or an index
    /// out of range, is ignored.
    pub fn record(&mut self, index: usize, reading: Reading) {
        if let Some(slot @ None) = self.readings.get_mut(index) {
            *slot = Some(reading);
            self.read += 1;
        }
    }

    /// Whether every image has been read.
    pub fn is_complete(&self) -> bool {
        self.read == self.sheets.len()
    }

    fn name(&self, index: usize) -> &str {
        &self.sheets[index].name
    }

    fn qr_text(&self, index: usize) -> Option<&str> {
        match &self.readings[index] {
            Some(Reading::Qr(text)) => Some(text),
            _ => None,
        }
    }

    /// The task id of image `index` if it is a cover.
    fn cover_task(&self, index: usize) -> Option<&str> {
        self.qr_text(index).and_then(task_id_in)
    }

    fn names_where(&self, keep: impl Fn(usize) -> bool) -> FileNames {
        FileNames::of((0..self.sheets.len()).filter(|&i| keep(i)).map(|i| self.name(i)))
    }

    /// What is known now.
    pub fn report(&self) -> CoverReport {
        let covers: Vec<usize> = (0..self.sheets.len()).filter(|&i| self.cover_task(i).is_some()).collect();
        let groups: Vec<TaskGroup> = covers
            .iter()
            .enumerate()
            .map(|(n, &cover)| {
                let next = covers.get(n + 1).copied().unwrap_or(self.sheets.len());
                TaskGroup {
                    task_id: self.cover_task(cover).unwrap_or_default().to_string(),
                    text: self.qr_text(cover).unwrap_or_default().to_string(),
                    cover: self.name(cover).to_string(),
                    sheets: next - cover - 1,
                }
            })
            .collect();
        let mut warnings = Vec::new();
        // Known once every image before the first cover is read (any of them could be a cover).
        let first_cover = covers.first().copied().unwrap_or(self.sheets.len());
        if first_cover > 0 && self.readings[..first_cover].iter().all(Option::is_some) {
            warnings.push(CoverWarning::SheetsBeforeFirstCover(self.names_where(|i| i < first_cover)));
        }
        let unreadable = self.names_where(|i| match &self.readings[i] {
            Some(Reading::QrUnreadable) => true,
            Some(Reading::NoQr) => QR_COVER_BYTES.contains(&self.sheets[i].size),
            _ => false,
        });
        if unreadable.count > 0 {
            warnings.push(CoverWarning::UnreadableCovers(unreadable));
        }
        for index in (0..self.sheets.len()).filter(|&i| self.qr_text(i).is_some() && self.cover_task(i).is_none()) {
            let text = self.qr_text(index).unwrap_or_default().to_string();
            warnings.push(CoverWarning::NoTaskId { cover: self.name(index).to_string(), text });
        }
        let mut seen: Vec<&str> = Vec::new();
        for task_id in groups.iter().map(|g| g.task_id.as_str()) {
            let covers = FileNames::of(groups.iter().filter(|g| g.task_id == task_id).map(|g| g.cover.as_str()));
            if covers.count > 1 && !seen.contains(&task_id) {
                seen.push(task_id);
                warnings.push(CoverWarning::SameTask { task_id: task_id.to_string(), covers });
            }
        }
        for group in groups.iter().filter(|g| g.sheets == 0) {
            warnings.push(CoverWarning::EmptyGroup { task_id: group.task_id.clone(), cover: group.cover.clone() });
        }
        let not_pictures = self.names_where(|i| self.readings[i] == Some(Reading::NotAnImage));
        if not_pictures.count > 0 {
            warnings.push(CoverWarning::NotPictures(not_pictures));
        }
        CoverReport { read: self.read, total: self.sheets.len(), groups, warnings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, size: u64) -> SheetEntry {
        SheetEntry { name: name.into(), header_offset: 0, compressed_size: size, size, method: 0 }
    }

    const COVER: u64 = 200_000;
    const SHEET: u64 = 650_000;

    /// Reads every image of `layout` (name, size, reading) through the check, in its order.
    fn read_all(layout: &[(&str, u64, Reading)]) -> CoverReport {
        let mut check = CoverCheck::new(layout.iter().map(|(n, s, _)| entry(n, *s)).collect());
        while let Some((index, sheet)) = check.next_to_read() {
            let name = sheet.name.clone();
            let reading = layout.iter().find(|(n, _, _)| *n == name).unwrap().2.clone();
            check.record(index, reading);
        }
        assert!(check.is_complete());
        check.report()
    }

    fn qr(text: &str) -> Reading {
        Reading::Qr(text.into())
    }

    #[test]
    fn task_ids_are_the_first_run_of_exactly_eight_digits() {
        assert_eq!(task_id_in("14900113"), Some("14900113"));
        assert_eq!(task_id_in("TASK:14900113;v=2"), Some("14900113"));
        assert_eq!(task_id_in("123456789 14900113"), Some("14900113"));
        assert_eq!(task_id_in("1490011"), None);
        assert_eq!(task_id_in("ทดสอบ 14900113"), Some("14900113"));
        assert_eq!(task_id_in(""), None);
        let named: Vec<&str> = task_ids_in("Skipping 2 duplicate tasks: 10300112, 10300122").collect();
        assert_eq!(named, ["10300112", "10300122"]);
    }

    #[test]
    fn the_server_outcome_comes_from_the_messages_that_name_the_task() {
        let skipping = Some("Skipping 1 duplicate tasks: 10300112");
        let failure = Some("Batch processing failed: Not assigned to tasks: 10300113");
        assert_eq!(server_outcome("10300112", skipping, failure), ServerOutcome::Skipped);
        assert_eq!(server_outcome("10300113", skipping, failure), ServerOutcome::NamedInFailure);
        assert_eq!(server_outcome("10300114", skipping, failure), ServerOutcome::Taken);
        assert_eq!(server_outcome("10300114", None, None), ServerOutcome::Taken);
        // Part of a longer number is not the task.
        assert_eq!(
            server_outcome("10300112", Some("Skipping 1 duplicate tasks: 103001120"), None),
            ServerOutcome::Taken
        );
    }

    #[test]
    fn covers_start_groups_in_name_order_and_are_not_sheets() {
        let report = read_all(&[
            ("b/0003.jpg", SHEET, Reading::NoQr),
            ("b/0001.jpg", COVER, qr("14900113")),
            ("b/0002.jpg", SHEET, Reading::NoQr),
            ("b/0004.jpg", COVER, qr("TASK 14900114")),
            ("b/0005.jpg", SHEET, Reading::NoQr),
        ]);
        assert_eq!(report.groups.len(), 2);
        assert_eq!(
            report.groups[0],
            TaskGroup { task_id: "14900113".into(), text: "14900113".into(), cover: "b/0001.jpg".into(), sheets: 2 }
        );
        assert_eq!((report.groups[1].task_id.as_str(), report.groups[1].sheets), ("14900114", 1));
        assert_eq!(report.groups[1].text, "TASK 14900114");
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!((report.read, report.total), (5, 5));
    }

    #[test]
    fn images_of_the_cover_size_are_read_first() {
        let mut check = CoverCheck::new(vec![
            entry("0001.jpg", SHEET),
            entry("0002.jpg", COVER),
            entry("0003.jpg", SHEET),
            entry("0004.jpg", COVER),
        ]);
        let order: Vec<String> = std::iter::from_fn(|| check.next_to_read().map(|(_, e)| e.name.clone())).collect();
        assert_eq!(order, ["0002.jpg", "0004.jpg", "0001.jpg", "0003.jpg"]);
    }

    #[test]
    fn groups_show_as_soon_as_the_covers_are_read() {
        let mut check = CoverCheck::new(vec![entry("1.jpg", COVER), entry("2.jpg", SHEET), entry("3.jpg", SHEET)]);
        let (index, _) = check.next_to_read().unwrap();
        check.record(index, qr("11111111"));
        let report = check.report();
        assert_eq!((report.read, report.total, report.is_complete()), (1, 3, false));
        assert_eq!(report.groups[0].sheets, 2);
        assert!(report.warnings.is_empty());
    }

    #[test]
    fn sheets_before_the_first_cover_are_named_once_they_are_all_read() {
        let mut check = CoverCheck::new(vec![entry("1.jpg", SHEET), entry("2.jpg", COVER), entry("3.jpg", SHEET)]);
        let (cover, _) = check.next_to_read().unwrap();
        check.record(cover, qr("11111111"));
        // 1.jpg is not read yet: it could be a cover of another size.
        assert!(check.report().warnings.is_empty());
        let (first, _) = check.next_to_read().unwrap();
        check.record(first, Reading::NoQr);
        assert_eq!(
            check.report().warnings,
            [CoverWarning::SheetsBeforeFirstCover(FileNames { shown: vec!["1.jpg".into()], count: 1 })]
        );
    }

    #[test]
    fn a_zip_without_a_readable_cover_warns_about_every_sheet() {
        let report = read_all(&[("1.jpg", SHEET, Reading::NoQr), ("2.jpg", SHEET, Reading::NoQr)]);
        assert!(report.groups.is_empty());
        assert_eq!(
            report.warnings,
            [CoverWarning::SheetsBeforeFirstCover(FileNames { shown: vec!["1.jpg".into(), "2.jpg".into()], count: 2 })]
        );
    }

    #[test]
    fn each_faulty_case_has_its_warning() {
        let report = read_all(&[
            ("01.jpg", COVER, qr("11111111")),
            ("02.jpg", SHEET, Reading::NoQr),
            ("03.jpg", COVER, Reading::QrUnreadable),
            ("04.jpg", COVER, Reading::NoQr),
            ("05.jpg", SHEET, Reading::QrUnreadable),
            ("06.jpg", COVER, qr("hello")),
            ("07.jpg", SHEET, Reading::NoQr),
            ("08.jpg", COVER, qr("11111111")),
            ("09.jpg", COVER, qr("22222222")),
            ("10.jpg", SHEET, Reading::NotAnImage),
            ("11.jpg", COVER, qr("33333333")),
        ]);
        let names =
            |list: &[&str]| FileNames { shown: list.iter().map(|s| s.to_string()).collect(), count: list.len() };
        assert_eq!(
            report.warnings,
            [
                CoverWarning::UnreadableCovers(names(&["03.jpg", "04.jpg", "05.jpg"])),
                CoverWarning::NoTaskId { cover: "06.jpg".into(), text: "hello".into() },
                CoverWarning::SameTask { task_id: "11111111".into(), covers: names(&["01.jpg", "08.jpg"]) },
                CoverWarning::EmptyGroup { task_id: "11111111".into(), cover: "08.jpg".into() },
                CoverWarning::EmptyGroup { task_id: "33333333".into(), cover: "11.jpg".into() },
                CoverWarning::NotPictures(names(&["10.jpg"])),
            ]
        );
        // Unreadable covers, and a code without a task id, count as sheets of the group before,
        // as the server will count them.
        assert_eq!(report.groups.iter().map(|g| g.sheets).collect::<Vec<_>>(), [6, 0, 1, 0]);
    }

    #[test]
    fn long_lists_show_five_names_and_the_count() {
        let layout: Vec<(String, u64, Reading)> =
            (0..12).map(|i| (format!("{i:02}.jpg"), SHEET, Reading::NotAnImage)).collect();
        let layout: Vec<(&str, u64, Reading)> = layout.iter().map(|(n, s, r)| (n.as_str(), *s, r.clone())).collect();
        let report = read_all(&layout);
        let CoverWarning::NotPictures(names) = &report.warnings[1] else { panic!("{:?}", report.warnings) };
        assert_eq!((names.shown.len(), names.count), (NAMES_SHOWN, 12));
    }

    #[test]
    fn a_second_reading_or_a_wrong_index_changes_nothing() {
        let mut check = CoverCheck::new(vec![entry("1.jpg", COVER)]);
        let (index, _) = check.next_to_read().unwrap();
        check.record(index, qr("11111111"));
        check.record(index, Reading::NoQr);
        check.record(7, Reading::NoQr);
        let report = check.report();
        assert_eq!((report.read, report.groups.len()), (1, 1));
        assert!(check.next_to_read().is_none());
    }

    #[test]
    fn an_empty_list_is_complete_at_once() {
        let check = CoverCheck::new(Vec::new());
        assert!(check.is_complete());
        assert_eq!(check.report(), CoverReport::default());
    }
}
