//! Texts with values of the QR cover check: its progress, its outcome and its warnings.

use super::isolate;
use crate::intl;
use crate::locale::{Lang, Locale};
use crate::upload::cover_check::{CoverReport, CoverWarning, FileNames};

/// "Reading QR covers: 37 of 291" while the check runs; how many tasks once it is done.
pub fn progress(l: Locale, report: &CoverReport) -> String {
    let n = |value: usize| intl::number(l, value as u64);
    let (read, total, tasks) = (n(report.read), n(report.total), n(report.groups.len()));
    match (l.lang, report.is_complete()) {
        (Lang::En, false) => format!("Reading QR covers: {read} of {total}"),
        (Lang::Th, false) => format!("กำลังอ่าน QR ใบปะหน้า: {read} จาก {total}"),
        (Lang::En, true) => format!("QR covers read in {total} images: {tasks} tasks"),
        (Lang::Th, true) => format!("อ่าน QR ใบปะหน้าครบ {total} ภาพ: พบ {tasks} ชุดงาน"),
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
    let task = |task_id: &Option<String>| task_id.clone().unwrap_or_else(|| l.upload().covers_no_task_id.into());
    match (l.lang, warning) {
        (Lang::En, CoverWarning::SheetsBeforeFirstCover(list)) => format!(
            "{} images come before the first readable QR cover; the server cannot give them a task: {}",
            count(list),
            names(l, list)
        ),
        (Lang::Th, CoverWarning::SheetsBeforeFirstCover(list)) => format!(
            "มี {} ภาพอยู่ก่อนใบปะหน้า QR ใบแรกที่อ่านได้ เซิร์ฟเวอร์จะไม่รู้ว่าเป็นของชุดงานใด: {}",
            count(list),
            names(l, list)
        ),
        (Lang::En, CoverWarning::UnreadableCovers(list)) => format!(
            "{} images look like covers but their QR code cannot be read; the server will count them as answer sheets of the task before: {}",
            count(list),
            names(l, list)
        ),
        (Lang::Th, CoverWarning::UnreadableCovers(list)) => format!(
            "{} ภาพดูเหมือนใบปะหน้าแต่อ่าน QR code ไม่ได้ เซิร์ฟเวอร์จะนับเป็นกระดาษคำตอบของชุดงานก่อนหน้า: {}",
            count(list),
            names(l, list)
        ),
        (Lang::En, CoverWarning::NoTaskId { cover, text }) => {
            format!("The QR code of {} holds no 8-digit task ID: “{}”", isolate(cover), isolate(text))
        }
        (Lang::Th, CoverWarning::NoTaskId { cover, text }) => {
            format!("QR code ของ {} ไม่มีรหัสชุดงาน 8 หลัก: “{}”", isolate(cover), isolate(text))
        }
        (Lang::En, CoverWarning::SameTask { task_id, covers }) => {
            format!("Task {task_id} has more than one cover: {}", names(l, covers))
        }
        (Lang::Th, CoverWarning::SameTask { task_id, covers }) => {
            format!("ชุดงาน {task_id} มีใบปะหน้ามากกว่าหนึ่งใบ: {}", names(l, covers))
        }
        (Lang::En, CoverWarning::EmptyGroup { task_id, cover }) => {
            format!("No answer sheets follow the cover {} (task {})", isolate(cover), task(task_id))
        }
        (Lang::Th, CoverWarning::EmptyGroup { task_id, cover }) => {
            format!("ไม่มีกระดาษคำตอบตามหลังใบปะหน้า {} (ชุดงาน {})", isolate(cover), task(task_id))
        }
        (Lang::En, CoverWarning::NotPictures(list)) => {
            format!("{} images cannot be opened as pictures: {}", count(list), names(l, list))
        }
        (Lang::Th, CoverWarning::NotPictures(list)) => {
            format!("เปิด {} ภาพเป็นรูปภาพไม่ได้: {}", count(list), names(l, list))
        }
    }
}
