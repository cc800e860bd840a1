//! Texts with values of the QR cover check: its progress, its outcome and its warnings.

use super::isolate;
use crate::intl;
use crate::locale::{Lang, Locale};
use crate::upload::cover_check::{CoverReport, CoverWarning, FileNames};

/// "Reading QR covers: 37 of 291" while the check runs; how many tasks once it is done.
pub fn progress(l: Locale, report: &CoverReport) -> String {
    let n = |value: usize| intl::number(l, value as u64);
    let (read, total, tasks) = (n(report.read), n(report.total), n(report.groups.len()));
    let s = |count: usize| if count == 1 { "" } else { "s" };
    match (l.lang, report.is_complete()) {
        (Lang::En, false) => format!("Reading QR covers: {read} of {total}"),
        (Lang::Th, false) => format!("กำลังอ่าน QR ใบปะหน้า: {read} จาก {total}"),
        (Lang::En, true) => {
            format!("QR covers read in {total} image{}: {tasks} task{}", s(report.total), s(report.groups.len()))
        }
        (Lang::Th, true) => format!("อ่าน QR ใบปะหน้าครบ {total} ภาพ: พบ {tasks} ชุดงาน"),
    }
}

/// A QR code's text as read, quoted, beside the task id taken from it.
pub fn qr_text(l: Locale, text: &str) -> String {
    match l.lang {
        Lang::En => format!("QR text: “{}”", isolate(text)),
        Lang::Th => format!("ข้อความใน QR: “{}”", isolate(text)),
    }
}

/// Names, then how many more there are.
fn names(l: Locale, list: &FileNames) -> String {
    let shown: Vec<String> = list.shown.iter().map(|name| isolate(name)).collect();
    let more = list.count.saturating_sub(list.shown.len());
    match (l.lang, more) {
        (_, 0) => shown.join(", "),
        (Lang::En, more) => format!("{} and {} more", shown.join(", "), intl::number(l, more as u64)),
        (Lang::Th, more) => format!("{} และอีก {} ไฟล์", shown.join(", "), intl::number(l, more as u64)),
    }
}

/// One warning, naming its files.
pub fn warning(l: Locale, warning: &CoverWarning) -> String {
    let count = |list: &FileNames| intl::number(l, list.count as u64);
    // English: "1 image comes", "2 images come".
    let one = |list: &FileNames| list.count == 1;
    match (l.lang, warning) {
        (Lang::En, CoverWarning::SheetsBeforeFirstCover(list)) => format!(
            "{} {} before the first readable QR cover; the server cannot give {} a task: {}",
            count(list),
            if one(list) { "image comes" } else { "images come" },
            if one(list) { "it" } else { "them" },
            names(l, list)
        ),
        (Lang::Th, CoverWarning::SheetsBeforeFirstCover(list)) => format!(
            "มี {} ภาพอยู่ก่อนใบปะหน้า QR ใบแรกที่อ่านได้ เซิร์ฟเวอร์จะไม่รู้ว่าเป็นของชุดงานใด: {}",
            count(list),
            names(l, list)
        ),
        (Lang::En, CoverWarning::UnreadableCovers(list)) => format!(
            "{} {} like {} but {} QR code cannot be read; the server will count {} as answer sheets of the task before: {}",
            count(list),
            if one(list) { "image looks" } else { "images look" },
            if one(list) { "a cover" } else { "covers" },
            if one(list) { "its" } else { "their" },
            if one(list) { "it" } else { "them" },
            names(l, list)
        ),
        (Lang::Th, CoverWarning::UnreadableCovers(list)) => format!(
            "{} ภาพดูเหมือนใบปะหน้าแต่อ่าน QR code ไม่ได้ เซิร์ฟเวอร์จะนับเป็นกระดาษคำตอบของชุดงานก่อนหน้า: {}",
            count(list),
            names(l, list)
        ),
        (Lang::En, CoverWarning::NoTaskId { cover, text }) => format!(
            "The QR code of {} holds no 8-digit task ID (“{}”); the server will count it as an answer sheet of the task before",
            isolate(cover),
            isolate(text)
        ),
        (Lang::Th, CoverWarning::NoTaskId { cover, text }) => format!(
            "QR code ของ {} ไม่มีรหัสชุดงาน 8 หลัก (“{}”) เซิร์ฟเวอร์จะนับเป็นกระดาษคำตอบของชุดงานก่อนหน้า",
            isolate(cover),
            isolate(text)
        ),
        (Lang::En, CoverWarning::SameTask { task_id, covers }) => {
            format!("Task {task_id} has more than one cover: {}", names(l, covers))
        }
        (Lang::Th, CoverWarning::SameTask { task_id, covers }) => {
            format!("ชุดงาน {task_id} มีใบปะหน้ามากกว่าหนึ่งใบ: {}", names(l, covers))
        }
        (Lang::En, CoverWarning::EmptyGroup { task_id, cover }) => {
            format!("No answer sheets follow the cover {} (task {task_id})", isolate(cover))
        }
        (Lang::Th, CoverWarning::EmptyGroup { task_id, cover }) => {
            format!("ไม่มีกระดาษคำตอบตามหลังใบปะหน้า {} (ชุดงาน {task_id})", isolate(cover))
        }
        (Lang::En, CoverWarning::NotPictures(list)) => format!(
            "{} {} cannot be opened as {}: {}",
            count(list),
            if one(list) { "image" } else { "images" },
            if one(list) { "a picture" } else { "pictures" },
            names(l, list)
        ),
        (Lang::Th, CoverWarning::NotPictures(list)) => {
            format!("เปิด {} ภาพเป็นรูปภาพไม่ได้: {}", count(list), names(l, list))
        }
    }
}
