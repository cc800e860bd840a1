//! Texts with values of the upload queue: progress lines, notes on the way, why it stopped,
//! and the batch it became.

use super::{api_error, isolate};
use crate::api::later::{AlignmentMode, UploadOptions};
use crate::api::types::UploadType;
use crate::intl;
use crate::locale::{Lang, Locale};
use crate::upload::job::UploadFailure;
use crate::upload::new_upload::NewUpload;
use crate::upload::protocol::Note;
use crate::upload::queue::ItemMessage;

/// The name a queued upload goes by: the file's, or "12 images (p001.jpg …)" for a set.
pub fn upload_name(l: Locale, upload: &NewUpload) -> String {
    let count = upload.files.0.len();
    if upload.strategy != UploadType::Images || count <= 1 {
        return upload.label.clone();
    }
    let (count, first) = (intl::number(l, count as u64), &upload.label);
    match l.lang {
        Lang::En => format!("{count} images ({first} …)"),
        Lang::Th => format!("ไฟล์ภาพ {count} ไฟล์ ({first} …)"),
    }
}

/// A profile in the upload form's list, its default marked.
pub fn profile_option(l: Locale, name: &str, is_default: bool) -> String {
    match (l.lang, is_default) {
        (_, false) => name.to_string(),
        (Lang::En, true) => format!("{name} (default)"),
        (Lang::Th, true) => format!("{name} (ค่าเริ่มต้น)"),
    }
}

/// An alignment mode as the form names it.
pub fn alignment_mode(l: Locale, mode: AlignmentMode) -> &'static str {
    match (l.lang, mode) {
        (Lang::En, AlignmentMode::Hybrid) => "Automatic: standard, then robust when needed (server default)",
        (Lang::En, AlignmentMode::Standard) => "Standard only (fast, strict)",
        (Lang::En, AlignmentMode::ImregDft) => "Robust for rotated scans (slow)",
        (Lang::Th, AlignmentMode::Hybrid) => "อัตโนมัติ: แบบมาตรฐาน แล้วแบบทนทานเมื่อจำเป็น (ค่าเริ่มต้นของเซิร์ฟเวอร์)",
        (Lang::Th, AlignmentMode::Standard) => "แบบมาตรฐานเท่านั้น (เร็ว เข้มงวด)",
        (Lang::Th, AlignmentMode::ImregDft) => "แบบทนทานสำหรับภาพเอียง (ช้า)",
    }
}

/// The options a queued upload goes with, for its row; `None` when none were chosen.
pub fn upload_options(l: Locale, options: &UploadOptions) -> Option<String> {
    let text = l.upload();
    let mut parts = Vec::new();
    if let Some(profile) = &options.profile {
        parts.push(format!("{}: {}", text.profile, isolate(&profile.name)));
    }
    if let Some(mode) = options.alignment {
        parts.push(format!("{}: {}", text.alignment, alignment_mode(l, mode)));
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The line under a queued upload: a note on the way or why it stopped.
pub fn upload_message(l: Locale, file: &str, message: &ItemMessage) -> String {
    let text = l.upload();
    let file = super::isolate(file);
    match message {
        ItemMessage::Note(Note::Retrying { chunk, attempt, delay_ms, cause }) => {
            let (request, cause) = (intl::number(l, u64::from(chunk + 1)), api_error(l, cause));
            let wait = intl::duration(l, delay_ms.div_ceil(1000) as i64);
            match l.lang {
                Lang::En => format!("Request {request} failed (attempt {attempt}): {cause} Retrying in {wait}…"),
                Lang::Th => format!("ส่งคำขอที่ {request} ไม่สำเร็จ (ครั้งที่ {attempt}): {cause} จะลองใหม่ในอีก {wait}…"),
            }
        }
        ItemMessage::Note(Note::Restarted { refused: None }) => text.note_restarted.into(),
        ItemMessage::Note(Note::Restarted { refused: Some(cause) }) => {
            let cause = api_error(l, cause);
            match l.lang {
                Lang::En => format!("{cause} Sending the file once more from the beginning…"),
                Lang::Th => format!("{cause} กำลังส่งไฟล์ใหม่อีกครั้งตั้งแต่ต้น…"),
            }
        }
        ItemMessage::Note(Note::Verifying) => text.note_verifying.into(),
        ItemMessage::AlreadyReceived => text.already_received.into(),
        ItemMessage::Failure(UploadFailure::Request { chunk, total, cause }) if *total > 1 => {
            let (chunk, total, cause) = (intl::number(l, u64::from(*chunk)), intl::number(l, u64::from(*total)), api_error(l, cause));
            match l.lang {
                Lang::En => format!("“{file}”: chunk {chunk} of {total} failed: {cause}"),
                Lang::Th => format!("“{file}”: ส่งส่วนที่ {chunk} จาก {total} ไม่สำเร็จ: {cause}"),
            }
        }
        ItemMessage::Failure(UploadFailure::Request { cause, .. }) => {
            let cause = api_error(l, cause);
            match l.lang {
                Lang::En => format!("“{file}” could not be uploaded: {cause}"),
                Lang::Th => format!("อัปโหลด “{file}” ไม่สำเร็จ: {cause}"),
            }
        }
        ItemMessage::Failure(UploadFailure::LostTwice) => text.lost_twice.into(),
        ItemMessage::Failure(UploadFailure::OtherTab) => match l.lang {
            Lang::En => format!(
                "“{file}” is being uploaded in another tab of this browser. Follow it there, or press Retry once it has stopped."
            ),
            Lang::Th => format!("“{file}” กำลังอัปโหลดอยู่ในอีกแท็บหนึ่งของเบราว์เซอร์นี้ ติดตามได้ที่แท็บนั้น หรือกด “ลองอีกครั้ง” เมื่อแท็บนั้นหยุดแล้ว"),
        },
    }
}

/// "Uploading chunk 3 of 5"
pub fn upload_chunk_of(l: Locale, chunk: u32, total: u32) -> String {
    let (chunk, total) = (intl::number(l, u64::from(chunk)), intl::number(l, u64::from(total)));
    match l.lang {
        Lang::En => format!("Uploading chunk {chunk} of {total}"),
        Lang::Th => format!("กำลังส่งส่วนที่ {chunk} จาก {total}"),
    }
}

/// "An earlier upload of this file stopped after 3 of 5 chunks. Resume it, or start over?"
pub fn upload_resume_offer(l: Locale, done: usize, total: u32) -> String {
    let (done, total) = (intl::number(l, done as u64), intl::number(l, u64::from(total)));
    match l.lang {
        Lang::En => {
            format!("An earlier upload of this file stopped after {done} of {total} chunks. Resume it, or start over?")
        }
        Lang::Th => format!("ไฟล์นี้เคยอัปโหลดค้างไว้ที่ {done} จาก {total} ส่วน จะอัปโหลดต่อหรือเริ่มใหม่"),
    }
}

/// "2 uploads added to the queue."
pub fn uploads_added(l: Locale, count: usize) -> String {
    match (l.lang, count) {
        (Lang::En, 1) => "Added to the upload queue.".to_string(),
        (Lang::En, n) => format!("{} uploads added to the queue.", intl::number(l, n as u64)),
        (Lang::Th, 1) => "เพิ่มเข้ารายการอัปโหลดแล้ว".to_string(),
        (Lang::Th, n) => format!("เพิ่ม {} รายการเข้ารายการอัปโหลดแล้ว", intl::number(l, n as u64)),
    }
}

/// "12.3 MB/s · about 1 min 5 sec left", from bytes per second and seconds left.
pub fn speed_and_eta(l: Locale, bytes_per_sec: Option<u64>, eta_secs: Option<u64>) -> Option<String> {
    let speed = intl::bytes(l, bytes_per_sec?);
    Some(match (l.lang, eta_secs) {
        (Lang::En, Some(eta)) => format!("{speed}/s · about {} left", intl::duration(l, eta as i64)),
        (Lang::Th, Some(eta)) => format!("{speed}/วินาที · เหลืออีกประมาณ {}", intl::duration(l, eta as i64)),
        (Lang::En, None) => format!("{speed}/s"),
        (Lang::Th, None) => format!("{speed}/วินาที"),
    })
}

/// "45%, 90.0 MB of 197.0 MB": the spoken value of an upload bar.
pub fn bytes_of(l: Locale, percentage: f64, done: u64, total: u64) -> String {
    let (percent, done, total) = (intl::percent(l, percentage), intl::bytes(l, done), intl::bytes(l, total));
    match l.lang {
        Lang::En => format!("{percent}, {done} of {total}"),
        Lang::Th => format!("{percent} ({done} จาก {total})"),
    }
}

/// "3 of 4 chunks sent, 2 hours ago; choose the file again to continue."
pub fn unfinished_line(l: Locale, sent: usize, total: u32, age_ms: f64) -> String {
    let (sent, total, age) = (intl::number(l, sent as u64), intl::number(l, u64::from(total)), intl::age(l, age_ms));
    match l.lang {
        Lang::En => format!("{sent} of {total} chunks sent, {age}; choose the file again to continue."),
        Lang::Th => format!("ส่งแล้ว {sent} จาก {total} ส่วน ({age}) เลือกไฟล์เดิมอีกครั้งเพื่ออัปโหลดต่อ"),
    }
}

/// The duplicate guard's question, with when the earlier batch was made.
pub fn duplicate_question(l: Locale, created_at: Option<&str>) -> String {
    let when = super::timestamp(l, created_at);
    match l.lang {
        Lang::En => format!("This file was already uploaded on {when}. Upload it again?"),
        Lang::Th => format!("ไฟล์นี้เคยอัปโหลดแล้วเมื่อ {when} ต้องการอัปโหลดซ้ำหรือไม่"),
    }
}

/// "✓ 49 sheets processed, 2 failed": a finished batch under its upload.
pub fn follow_completed(l: Locale, processed: u64, failed: u64) -> String {
    let (processed, failed) = (intl::number(l, processed), intl::number(l, failed));
    match l.lang {
        Lang::En => format!("✓ {processed} sheets processed, {failed} failed"),
        Lang::Th => format!("✓ ประมวลผลแล้ว {processed} แผ่น ล้มเหลว {failed} แผ่น"),
    }
}
