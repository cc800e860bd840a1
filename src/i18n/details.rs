//! Texts with values of the details page: progress, the live stream, the sheets, and the
//! server's own words (stage names and known messages) said in the user's language.

use super::api_error;
use crate::api::server_text::{ServerText, Stage};
use crate::api::stream::StreamBreak;
use crate::api::types::BatchProgress;
use crate::api::ApiError;
use crate::intl;
use crate::locale::{Lang, Locale};

/// A stage of the pipeline by name; one this client does not know, as sent.
pub fn stage_name(l: Locale, stage: &str) -> String {
    let text = l.server();
    match Stage::parse(stage) {
        Stage::Uploading => text.stage_uploading.into(),
        Stage::Extracting => text.stage_extracting.into(),
        Stage::OrganizingQr => text.stage_organizing_qr.into(),
        Stage::ProcessingSheets => text.stage_processing_sheets.into(),
        Stage::CollectingResults => text.stage_collecting_results.into(),
        Stage::GeneratingCsv => text.stage_generating_csv.into(),
        Stage::LoadingDatabase => text.stage_loading_database.into(),
        Stage::Cleanup => text.stage_cleanup.into(),
        Stage::Completed => text.stage_completed.into(),
        Stage::Failed => text.stage_failed.into(),
        Stage::Other(name) => name,
    }
}

/// One message of the server in the user's language, numbers kept; unknown ones as sent.
pub fn server_text(l: Locale, message: &str) -> String {
    say(l, &ServerText::parse(message))
}

/// A message of the server already read: said in the user's language, or as sent.
pub fn say(l: Locale, message: &ServerText) -> String {
    let text = l.server();
    let n = |value: &u64| intl::number(l, *value);
    let en = l.lang == Lang::En;
    match message {
        ServerText::StartingExtraction => text.starting_extraction.into(),
        ServerText::CreatingSheetRecords => text.creating_sheet_records.into(),
        ServerText::CollectingResults => text.collecting_results.into(),
        ServerText::GeneratingCsv => text.generating_csv.into(),
        ServerText::LoadingDatabase => text.loading_database.into(),
        ServerText::CleaningUp => text.cleaning_up.into(),
        ServerText::BatchCompleted => text.batch_completed.into(),
        ServerText::NoSheetsCreated => text.no_sheets_created.into(),
        ServerText::UploadNotFound => text.upload_not_found.into(),
        ServerText::BatchNotFound => text.batch_not_found.into(),
        ServerText::InvalidCredentials => text.invalid_credentials.into(),
        ServerText::AccessDenied => text.access_denied.into(),
        ServerText::OnlyAdminsDelete => text.only_admins_delete.into(),
        ServerText::TaskIdRequired => text.task_id_required.into(),
        ServerText::CancelledByUser => l.actions().cancelled_by_user.into(),
        ServerText::ExtractionComplete { sheets } if en => format!("Extraction complete: {} sheets", n(sheets)),
        ServerText::ExtractionComplete { sheets } => format!("แตกไฟล์เสร็จแล้ว ได้ {} แผ่น", n(sheets)),
        ServerText::SkippingDuplicates { count, tasks } if en => {
            format!("Skipping {} duplicate tasks: {tasks}", n(count))
        }
        ServerText::SkippingDuplicates { count, tasks } => format!("ข้ามชุดงานที่ซ้ำ {} ชุด: {tasks}", n(count)),
        ServerText::DispatchingTasks { tasks } if en => format!("Sending {} tasks to the workers", n(tasks)),
        ServerText::DispatchingTasks { tasks } => format!("กำลังส่ง {} ชุดงานให้เครื่องประมวลผล", n(tasks)),
        ServerText::ProcessingSheets { done, total } if en => {
            format!("Processing: {} of {} sheets done", n(done), n(total))
        }
        ServerText::ProcessingSheets { done, total } => {
            format!("กำลังประมวลผล: เสร็จแล้ว {} จาก {} แผ่น", n(done), n(total))
        }
        ServerText::AllTasksCompleted { tasks, failed } if en => {
            format!("All {} tasks done ({} failed)", n(tasks), n(failed))
        }
        ServerText::AllTasksCompleted { tasks, failed } => {
            format!("ประมวลผลครบทั้ง {} ชุดงาน (ล้มเหลว {} ชุด)", n(tasks), n(failed))
        }
        ServerText::CollectedResults { results } if en => format!("Collected {} results", n(results)),
        ServerText::CollectedResults { results } => format!("รวบรวมผลได้ {} รายการ", n(results)),
        ServerText::CsvComplete { sheets, answers } if en => {
            format!("CSV files ready: {} sheets, {} answers", n(sheets), n(answers))
        }
        ServerText::CsvComplete { sheets, answers } => {
            format!("สร้างไฟล์ CSV เสร็จแล้ว: {} แผ่น {} คำตอบ", n(sheets), n(answers))
        }
        ServerText::DatabaseComplete { sheets, answers, ms } if en => {
            format!("Saved to the database: {} sheets, {} answers in {} ms", n(sheets), n(answers), n(ms))
        }
        ServerText::DatabaseComplete { sheets, answers, ms } => {
            format!("บันทึกลงฐานข้อมูลแล้ว: {} แผ่น {} คำตอบ ใช้เวลา {} มิลลิวินาที", n(sheets), n(answers), n(ms))
        }
        ServerText::Timeout { done, total, seconds } if en => format!(
            "Time ran out: only {} of {} tasks were done within {}",
            n(done),
            n(total),
            intl::duration(l, *seconds as i64)
        ),
        ServerText::Timeout { done, total, seconds } => format!(
            "หมดเวลา: ประมวลผลเสร็จเพียง {} จาก {} ชุดงานภายใน {}",
            n(done),
            n(total),
            intl::duration(l, *seconds as i64)
        ),
        ServerText::BatchCreationFailed(reason) if en => {
            format!("The server could not create the batch: {}", say(l, reason))
        }
        ServerText::BatchCreationFailed(reason) => format!("เซิร์ฟเวอร์สร้างชุดข้อมูลไม่สำเร็จ: {}", say(l, reason)),
        ServerText::BatchFailed(reason) if en => format!("Batch processing failed: {}", say(l, reason)),
        ServerText::BatchFailed(reason) => format!("ประมวลผลชุดข้อมูลล้มเหลว: {}", say(l, reason)),
        ServerText::Other(text) => text.clone(),
    }
}

/// "742 of 1,160 processed · 3 failed"
pub fn progress_counts(l: Locale, progress: &BatchProgress) -> String {
    let n = |value: u64| intl::number(l, value);
    let (done, total, failed) = (n(progress.processed_count), n(progress.sheet_count), n(progress.failed_count));
    match l.lang {
        Lang::En => format!("{done} of {total} processed · {failed} failed"),
        Lang::Th => format!("ประมวลผลแล้ว {done} จาก {total} แผ่น · ล้มเหลว {failed} แผ่น"),
    }
}

/// "Estimated time left: 3 min 20 sec"
pub fn estimated_left(l: Locale, seconds: u64) -> String {
    format!("{}: {}", l.details().estimated_left, intl::duration(l, seconds as i64))
}

/// "Sheets (100 of 1,160)", or "Sheets (40)" when all are shown.
pub fn sheets_heading(l: Locale, loaded: u64, total: u64) -> String {
    let text = l.details();
    let (shown, all) = (intl::number(l, loaded), intl::number(l, total));
    if loaded < total {
        format!("{} ({shown} {} {all})", text.sheets, text.of_total)
    } else {
        format!("{} ({shown})", text.sheets)
    }
}

fn stream_break(l: Locale, reason: &StreamBreak) -> String {
    let text = l.details();
    match reason {
        StreamBreak::Failed(error) => api_error(l, error),
        StreamBreak::NoBody => text.stream_no_body.into(),
        StreamBreak::ConnectionLost => text.stream_connection_lost.into(),
        StreamBreak::ClosedByServer => text.stream_closed.into(),
        StreamBreak::Silent { seconds } => match l.lang {
            Lang::En => format!("nothing arrived for {}", intl::duration(l, i64::from(*seconds))),
            Lang::Th => format!("ไม่มีข้อมูลเข้ามานาน {}", intl::duration(l, i64::from(*seconds))),
        },
    }
}

/// "Live updates interrupted (the server closed the stream); reconnecting in 4 sec…"
pub fn reconnecting(l: Locale, delay_ms: u64, reason: &StreamBreak) -> String {
    let (reason, wait) = (stream_break(l, reason), intl::duration(l, delay_ms.div_ceil(1000) as i64));
    match l.lang {
        Lang::En => format!("Live updates interrupted ({reason}); reconnecting in {wait}…"),
        Lang::Th => format!("การอัปเดตแบบสดขาดหาย ({reason}) จะเชื่อมต่อใหม่ในอีก {wait}…"),
    }
}

/// Live updates refused: the page polls instead, and says why.
pub fn live_unavailable(l: Locale, error: &ApiError) -> String {
    format!("{} ({})", l.details().live_unavailable, api_error(l, error))
}

/// "63.9 %": a progress bar's number, one decimal.
pub fn progress_percent(l: Locale, percentage: f64) -> String {
    format!("{} %", intl::one_decimal(l, percentage))
}
