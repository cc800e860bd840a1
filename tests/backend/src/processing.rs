//! Simulated but honest batch processing: the received ZIP is really opened, its images
//! become sheets, and the pipeline's stages are walked over time, publishing the same
//! events and counts the real pipeline does.
//!
//! A QR ZIP is read as the server reads it ([`list_qr_zip`]): every image is decoded and
//! searched for a QR code; a cover sheet's code names the task of the images after it. Then,
//! as on the server, a non-admin uploader must be assigned to every task a cover names (else
//! the batch fails `Not assigned to tasks: …`), and tasks that already have sheets are skipped
//! with a `Skipping K duplicate tasks: …` event. Placeholder bytes that are no picture keep the
//! older rule of the tests written before QR reading: their 8-digit top folder is their task.
//!
//! A batch whose file name contains `SLOW` is processed one sheet per second at least, whatever
//! the configured timings, so that tests (and people) can cancel it while it runs.

use crate::cancel::CancelSignal;
use crate::db::Batch;
use crate::events::ProgressEvent;
use crate::http::{naive_now, naive_now_micros};
use crate::qr::{self, Scan};
use crate::state::AppState;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// Answers read per successfully read sheet, in the pipeline's messages and in `/recover`.
pub const ANSWERS_PER_SHEET: i64 = 120;

/// `error_message` of a cancelled batch.
pub const CANCELLED: &str = "Cancelled by user";

/// The least time a sheet takes in a batch whose file name contains `SLOW`.
pub const SLOW_SHEET: Duration = Duration::from_secs(1);

/// True for names the pipeline treats as answer-sheet images (contract §4.4): `.jpg`, `.jpeg`
/// or `.png` in any case, not a folder, not under `__MACOSX/`, not a `._` resource fork.
pub fn is_image_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    !lower.ends_with('/')
        && !lower.starts_with("__macosx/")
        && !lower.contains("/__macosx/")
        && !file.starts_with("._")
        && [".jpg", ".jpeg", ".png"].iter().any(|ext| lower.ends_with(ext))
}

/// True for an 8-digit task id.
pub fn is_task_id(value: &str) -> bool {
    value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit())
}

/// The sheets of an upload, each with the task it belongs to, and the task ids read from QR
/// cover sheets.
#[derive(Debug, Default)]
pub struct Listing {
    /// Sheet images in name order with their task ids.
    pub sheets: Vec<(String, Option<String>)>,
    /// Task ids read from QR covers, sorted, each once: the ones the uploader must be assigned to.
    pub qr_tasks: Vec<String>,
}

/// The images of an upload with the task each belongs to, or the reason it cannot be read.
///
/// QR ZIPs ([`list_qr_zip`]): covers start the groups. Other uploads: every image belongs to
/// the form's task id. Blocking: a QR ZIP's images are all decoded.
pub fn list_images(batch: &Batch) -> Result<Listing, String> {
    let path = batch.stored_path.as_deref().ok_or("No file was stored for this batch")?;
    let path = Path::new(path);
    if batch.upload_type == "zip_qr" {
        return list_qr_zip(path);
    }
    let names: Vec<String> = if batch.upload_type == "images" {
        std::fs::read_dir(path)
            .map_err(|e| format!("Cannot read uploaded images: {e}"))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect()
    } else {
        open_zip(path)?.file_names().map(str::to_string).collect()
    };
    let mut sheets: Vec<(String, Option<String>)> =
        names.into_iter().filter(|name| is_image_name(name)).map(|name| (name, batch.task_id.clone())).collect();
    sheets.sort();
    Ok(Listing { sheets, qr_tasks: Vec::new() })
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<std::fs::File>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("Cannot open upload: {e}"))?;
    zip::ZipArchive::new(file).map_err(|_| "File is not a valid ZIP archive".to_string())
}

/// A QR ZIP read as the server reads it (contract §4.3): its images in name order, each decoded
/// and searched for a QR code ([`qr::scan`]). A cover (a code holding an 8-digit task id)
/// starts that task's group and is not a sheet itself; the pictures after it are its sheets;
/// pictures before the first cover have no task. Entries that are no picture at all (the
/// placeholder bytes most tests upload) keep the older rule: their 8-digit top folder, if any,
/// is their task.
pub fn list_qr_zip(path: &Path) -> Result<Listing, String> {
    let mut archive = open_zip(path)?;
    let mut names: Vec<String> = archive.file_names().filter(|name| is_image_name(name)).map(str::to_string).collect();
    names.sort();
    let mut listing = Listing::default();
    let mut tasks = BTreeSet::new();
    let mut group: Option<String> = None;
    for name in names {
        let scanned = picture_bytes(&mut archive, &name).map_or(Scan::NotAPicture, |bytes| qr::scan(&bytes));
        match scanned {
            Scan::Cover(task) => {
                tasks.insert(task.clone());
                group = Some(task);
            }
            Scan::Sheet => listing.sheets.push((name, group.clone())),
            Scan::NotAPicture => {
                let task = name.split('/').next().filter(|top| is_task_id(top)).map(str::to_string);
                listing.sheets.push((name, task));
            }
        }
    }
    listing.qr_tasks = tasks.into_iter().collect();
    Ok(listing)
}

/// The bytes of an entry that starts like a JPEG or PNG and is small enough to be a scan;
/// `None` for anything else, or an entry that cannot be read whole (a bad CRC, say).
fn picture_bytes(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<Vec<u8>> {
    let mut entry = archive.by_name(name).ok()?;
    if entry.size() > qr::MAX_PICTURE_BYTES {
        return None;
    }
    // The first bytes decide, so that a test's huge placeholder entry is never read whole.
    let mut bytes = vec![0u8; 8];
    entry.read_exact(&mut bytes).ok()?;
    if !qr::looks_like_a_picture(&bytes) {
        return None;
    }
    entry.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The tasks read from QR covers that a non-admin uploader is not assigned to, sorted; empty
/// for admins, who may upload any task (contract §4.3). Folder-named tasks of placeholder
/// images are not checked: they stand in for covers only in tests that predate QR reading,
/// which upload random task ids as staff users.
pub fn unassigned_tasks(state: &AppState, batch: &Batch, qr_tasks: &[String]) -> Vec<String> {
    if qr_tasks.is_empty() || state.db.user_by_id(batch.uploaded_by).is_some_and(|user| user.is_admin) {
        return Vec::new();
    }
    let assigned = state.db.assigned_tasks(batch.uploaded_by);
    qr_tasks.iter().filter(|task| !assigned.contains(task)).cloned().collect()
}

/// Splits images into kept ones and the sorted duplicate task ids that already have sheets.
pub fn skip_duplicates(
    images: Vec<(String, Option<String>)>,
    known: &[String],
) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let mut skipped = BTreeSet::new();
    let kept = images
        .into_iter()
        .filter(|(_, task)| match task {
            Some(task) if known.contains(task) => {
                skipped.insert(task.clone());
                false
            }
            _ => true,
        })
        .collect();
    (kept, skipped.into_iter().collect())
}

struct Run<'a> {
    state: &'a AppState,
    batch: &'a Batch,
    cancel: &'a CancelSignal,
    started: Instant,
    sheets_total: i64,
    sheets_processed: i64,
}

impl Run<'_> {
    fn publish(&self, stage: &str, message: impl Into<String>, percentage: f64) {
        let event = ProgressEvent {
            stage: stage.into(),
            message: message.into(),
            progress_percentage: percentage,
            sheets_total: self.sheets_total,
            sheets_processed: self.sheets_processed,
            elapsed_seconds: self.started.elapsed().as_secs() as i64,
            timestamp: naive_now_micros(),
            error_details: None,
        };
        self.state.events.publish(self.batch.batch_id, &event);
    }

    async fn pause(&self) -> bool {
        self.wait(self.state.cfg.stage_delay).await
    }

    /// Waits, then tells whether to go on: not when the batch was deleted, nor when a cancel
    /// was requested (the batch then ends here, before its next sheet).
    async fn wait(&self, duration: Duration) -> bool {
        self.cancel.sleep(duration).await;
        if self.cancel.requested() {
            self.end_failed(&format!("Batch failed: {CANCELLED}"), CANCELLED);
            return false;
        }
        self.still_exists()
    }

    /// A deleted batch stops its pipeline.
    fn still_exists(&self) -> bool {
        self.state.db.batch_by_id(self.batch.batch_id).is_some()
    }

    fn fail(&self, reason: &str) {
        self.end_failed(&format!("Batch failed: {reason}"), &format!("Batch processing failed: {reason}"));
    }

    /// Ends the batch `failed` with its processed results kept for `/recover`, then publishes
    /// the `failed` event that closes streams; false when it had already ended or is gone.
    fn end_failed(&self, event_message: &str, error_message: &str) -> bool {
        let ended = self.state.db.fail_keeping_results(self.batch.batch_id, error_message, &naive_now());
        // An error reads as "already gone": a deleted batch has nothing left to mark.
        let ended = ended.unwrap_or(false);
        if ended {
            self.publish("failed", event_message, 0.0);
        }
        ended
    }
}

/// Runs the pipeline for one batch in the background.
pub fn spawn(state: AppState, batch: Batch) {
    // Registered before the task starts, so a cancel can never miss a starting pipeline.
    let registration = state.pipelines.register(batch.batch_id);
    tokio::spawn(async move { run(state, batch, &registration.signal).await });
}

/// Cancels a batch that no pipeline is running (a seeded one, or one whose pipeline ended
/// meanwhile), as the pipeline would; false when it had already ended.
pub fn cancel_idle(state: &AppState, batch: &Batch) -> bool {
    let counts = state.db.sheet_counts(batch.batch_id);
    let run = Run {
        state,
        batch,
        cancel: &CancelSignal::default(),
        started: Instant::now(),
        sheets_total: batch.sheet_count,
        sheets_processed: counts.completed + counts.failed,
    };
    run.end_failed(&format!("Batch failed: {CANCELLED}"), CANCELLED)
}

async fn run(state: AppState, batch: Batch, cancel: &CancelSignal) {
    let mut run =
        Run { state: &state, batch: &batch, cancel, started: Instant::now(), sheets_total: 0, sheets_processed: 0 };
    if !run.pause().await {
        return;
    }
    run.publish("extracting", "Starting extraction", 0.0);
    if batch.upload_type != "zip_qr" && !batch.task_id.as_deref().is_some_and(is_task_id) {
        let task = batch.task_id.as_deref().unwrap_or("");
        return run.fail(&format!("Invalid task_id '{task}': must be 8 digits"));
    }
    // Decoding every image of a QR ZIP takes a while: off the async workers.
    let listed = {
        let batch = batch.clone();
        tokio::task::spawn_blocking(move || list_images(&batch)).await
    };
    let listing = match listed {
        Ok(Ok(listing)) => listing,
        Ok(Err(reason)) => return run.fail(&reason),
        Err(panic) => return run.fail(&format!("Cannot read upload: {panic}")),
    };
    if !run.still_exists() {
        return;
    }
    // The server checks permissions before it looks for duplicates (contract §5.1).
    let unassigned = unassigned_tasks(&state, &batch, &listing.qr_tasks);
    if !unassigned.is_empty() {
        return run.fail(&format!("Not assigned to tasks: {}", unassigned.join(", ")));
    }
    // Only QR uploads skip tasks that already have sheets (contract §4.3).
    let (images, skipped) = if batch.upload_type == "zip_qr" {
        skip_duplicates(listing.sheets, &state.db.tasks_with_sheets(batch.batch_id))
    } else {
        (listing.sheets, Vec::new())
    };
    if !skipped.is_empty() {
        run.publish("extracting", format!("Skipping {} duplicate tasks: {}", skipped.len(), skipped.join(", ")), 0.0);
    }
    if images.is_empty() {
        return run.fail("No sheets were created");
    }
    if !run.pause().await {
        return;
    }
    let total = images.len() as i64;
    run.sheets_total = total;
    run.publish("extracting", format!("Extraction complete - {total} sheets"), 100.0);
    if state.db.create_sheets(batch.batch_id, &batch.batch_uuid, &images).is_err()
        || state.db.start_processing(batch.batch_id, total, &naive_now()).is_err()
    {
        return; // Deleted meanwhile.
    }
    run.publish("processing_sheets", "Creating sheet records", 0.0);
    run.publish("processing_sheets", format!("Dispatching {total} tasks to workers"), 0.0);
    let slow = batch.batch_name.as_deref().is_some_and(|name| name.contains("SLOW"));
    let (tick, per_tick) = if slow {
        (state.cfg.tick.max(SLOW_SHEET), 1)
    } else {
        (state.cfg.tick, i64::from(state.cfg.sheets_per_tick.max(1)))
    };
    let mut done = 0;
    while done < total {
        if !run.wait(tick).await {
            return;
        }
        let next = (done + per_tick).min(total);
        if state.db.finish_sheets(batch.batch_id, done + 1, next).is_err() || !run.still_exists() {
            return;
        }
        done = next;
        run.sheets_processed = done;
        let percentage = (done as f64 / total as f64 * 10_000.0).round() / 100.0;
        run.publish("processing_sheets", format!("Processing: {done}/{total} sheets completed"), percentage);
    }
    let counts = state.db.sheet_counts(batch.batch_id);
    run.publish("processing_sheets", format!("All {total} tasks completed ({} failed)", counts.failed), 100.0);
    let answers = counts.completed * ANSWERS_PER_SHEET;
    let steps = [
        ("collecting_results", "Collecting worker results".to_string()),
        ("collecting_results", format!("Collected {total} results")),
        ("generating_csv", "Generating CSV files".to_string()),
        ("generating_csv", format!("CSV generation complete: {} sheets, {answers} answers", counts.completed)),
        ("loading_database", "Loading to database".to_string()),
        (
            "loading_database",
            format!("Database load complete: {} sheets, {answers} answers in 42 ms", counts.completed),
        ),
        ("cleanup", "Cleaning up batch files".to_string()),
    ];
    for (stage, message) in steps {
        if !run.pause().await {
            return;
        }
        run.publish(stage, message, 100.0);
    }
    if state.db.finish(batch.batch_id, "completed", None, &naive_now()).is_ok() {
        run.publish("completed", "Batch completed successfully", 100.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_are_recognised_by_extension() {
        assert!(is_image_name("10300112/sheet-001.JPG"));
        assert!(is_image_name("a.png"));
        assert!(!is_image_name("notes.txt"));
        assert!(!is_image_name("folder.jpg/"));
        assert!(!is_image_name("__MACOSX/10300112/._sheet-001.jpg"), "macOS leftovers are not sheets");
        assert!(!is_image_name("10300112/._sheet-001.jpg"));
        assert!(!is_image_name("x/__MACOSX/a.png"));
    }

    #[test]
    fn task_ids_are_eight_digits() {
        assert!(is_task_id("14900113"));
        assert!(!is_task_id("1490011"));
        assert!(!is_task_id("1490011a"));
    }

    #[test]
    fn duplicates_are_skipped_and_named_once() {
        let images = vec![
            ("10300112/a.jpg".to_string(), Some("10300112".to_string())),
            ("10300112/b.jpg".to_string(), Some("10300112".to_string())),
            ("10300122/c.jpg".to_string(), Some("10300122".to_string())),
        ];
        let (kept, skipped) = skip_duplicates(images, &["10300112".to_string()]);
        assert_eq!(kept.len(), 1);
        assert_eq!(skipped, vec!["10300112".to_string()]);
    }
}
