//! The English sentences the backend writes (stage messages, batch errors, refusals) read back
//! into values, so the interface can say them in the user's language with their numbers
//! kept (contract §5.6). A sentence not recognised stays as it was sent.

/// A message of the server, recognised or not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerText {
    StartingExtraction,
    /// "Extraction complete - N sheets"
    ExtractionComplete {
        sheets: u64,
    },
    /// "Skipping K duplicate tasks: 10300112, 10300122"
    SkippingDuplicates {
        count: u64,
        tasks: String,
    },
    CreatingSheetRecords,
    /// "Dispatching N tasks to workers"
    DispatchingTasks {
        tasks: u64,
    },
    /// "Processing: X/N sheets completed"
    ProcessingSheets {
        done: u64,
        total: u64,
    },
    /// "All N tasks completed (F failed)"
    AllTasksCompleted {
        tasks: u64,
        failed: u64,
    },
    CollectingResults,
    /// "Collected N results"
    CollectedResults {
        results: u64,
    },
    GeneratingCsv,
    /// "CSV generation complete: N sheets, A answers"
    CsvComplete {
        sheets: u64,
        answers: u64,
    },
    LoadingDatabase,
    /// "Database load complete: N sheets, A answers in T ms"
    DatabaseComplete {
        sheets: u64,
        answers: u64,
        ms: u64,
    },
    CleaningUp,
    BatchCompleted,
    /// "Batch failed: <reason>" or "Batch processing failed: <reason>"
    BatchFailed(Box<ServerText>),
    NoSheetsCreated,
    /// "Timeout: Only X/Y tasks completed within Ns"
    Timeout {
        done: u64,
        total: u64,
        seconds: u64,
    },
    /// "Upload <id> not found. Please restart upload."
    UploadNotFound,
    /// "Batch creation failed: <reason>": the chunk upload's completing request could not make
    /// the batch, its session already deleted (contract §5.2). The reason is often the direct
    /// upload's refusal as FastAPI prints it ("400: Unsupported file type: …"); its status is
    /// dropped and the rest read again.
    BatchCreationFailed(Box<ServerText>),
    /// "Batch <uuid> not found"
    BatchNotFound,
    InvalidCredentials,
    AccessDenied,
    OnlyAdminsDelete,
    TaskIdRequired,
    /// "Cancelled by user": the later backend's reason for a cancelled batch (§5.9.3).
    CancelledByUser,
    /// Anything else, exactly as sent.
    Other(String),
}

/// True for the chunk service's "Upload <id> not found. Please restart upload." wording. An
/// empty id ("Upload  not found") is a chunk sent without its `upload_id`, a client bug, and
/// not a lost session.
pub fn names_a_lost_upload_session(detail: &str) -> bool {
    let Some((id, _)) = detail.strip_prefix("Upload ").and_then(|rest| rest.split_once(" not found")) else {
        return false;
    };
    !id.trim().is_empty() && !id.contains(' ')
}

/// The chunk service's "Batch creation failed: …" prefix (contract §5.2).
const BATCH_CREATION_FAILED: &str = "Batch creation failed: ";

/// True for a completing chunk's "Batch creation failed: …": the server made no batch and no
/// longer holds the session, so only a new one from chunk 0 can help.
pub fn names_a_failed_batch_creation(detail: &str) -> bool {
    detail.trim_start().starts_with(BATCH_CREATION_FAILED)
}

/// `"12"` → 12, tolerating the thousands separators a Python f-string may add.
fn count(text: &str) -> Option<u64> {
    text.trim().replace(',', "").parse().ok()
}

/// `"X/N"` → (X, N).
fn fraction(text: &str) -> Option<(u64, u64)> {
    let (done, total) = text.split_once('/')?;
    Some((count(done)?, count(total)?))
}

/// The text between `prefix` and `suffix`, when `text` has both.
fn between<'a>(text: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?.strip_suffix(suffix)
}

impl ServerText {
    /// Whether this client recognised the message (a failure whose reason it does not know
    /// counts: its frame is said in the user's language).
    pub fn is_known(&self) -> bool {
        !matches!(self, ServerText::Other(_))
    }

    /// Reads one message of the server.
    pub fn parse(text: &str) -> ServerText {
        let trimmed = text.trim();
        Self::recognise(trimmed).unwrap_or_else(|| ServerText::Other(text.to_string()))
    }

    fn recognise(text: &str) -> Option<ServerText> {
        let fixed = match text {
            "Starting extraction" => Some(ServerText::StartingExtraction),
            "Creating sheet records" => Some(ServerText::CreatingSheetRecords),
            "Collecting worker results" => Some(ServerText::CollectingResults),
            "Generating CSV files" => Some(ServerText::GeneratingCsv),
            "Loading to database" => Some(ServerText::LoadingDatabase),
            "Cleaning up batch files" => Some(ServerText::CleaningUp),
            "Batch completed successfully" => Some(ServerText::BatchCompleted),
            "No sheets were created" => Some(ServerText::NoSheetsCreated),
            "Invalid username or password" | "Incorrect username or password" => Some(ServerText::InvalidCredentials),
            "Access denied" => Some(ServerText::AccessDenied),
            "Only administrators can delete batches" => Some(ServerText::OnlyAdminsDelete),
            "Task ID is required for non-QR uploads" => Some(ServerText::TaskIdRequired),
            "Cancelled by user" => Some(ServerText::CancelledByUser),
            _ => None,
        };
        if fixed.is_some() {
            return fixed;
        }
        if let Some(reason) =
            text.strip_prefix("Batch processing failed: ").or_else(|| text.strip_prefix("Batch failed: "))
        {
            return Some(ServerText::BatchFailed(Box::new(ServerText::parse(reason))));
        }
        if let Some(reason) = text.strip_prefix(BATCH_CREATION_FAILED) {
            // `str(HTTPException)` is "<status>: <detail>".
            let reason = match reason.split_once(": ") {
                Some((status, rest)) if status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => reason,
            };
            return Some(ServerText::BatchCreationFailed(Box::new(ServerText::parse(reason))));
        }
        if let Some(n) = between(text, "Extraction complete - ", " sheets") {
            return Some(ServerText::ExtractionComplete { sheets: count(n)? });
        }
        if let Some(rest) = text.strip_prefix("Skipping ") {
            let (n, tasks) = rest.split_once(" duplicate tasks")?;
            let tasks = tasks.trim_start_matches(':').trim().to_string();
            return Some(ServerText::SkippingDuplicates { count: count(n)?, tasks });
        }
        if let Some(n) = between(text, "Dispatching ", " tasks to workers") {
            return Some(ServerText::DispatchingTasks { tasks: count(n)? });
        }
        if let Some(x) = between(text, "Processing: ", " sheets completed") {
            let (done, total) = fraction(x)?;
            return Some(ServerText::ProcessingSheets { done, total });
        }
        if let Some(rest) = between(text, "All ", " failed)") {
            let (tasks, failed) = rest.split_once(" tasks completed (")?;
            return Some(ServerText::AllTasksCompleted { tasks: count(tasks)?, failed: count(failed)? });
        }
        if let Some(n) = between(text, "Collected ", " results") {
            return Some(ServerText::CollectedResults { results: count(n)? });
        }
        if let Some(rest) = between(text, "CSV generation complete: ", " answers") {
            let (sheets, answers) = rest.split_once(" sheets, ")?;
            return Some(ServerText::CsvComplete { sheets: count(sheets)?, answers: count(answers)? });
        }
        if let Some(rest) = between(text, "Database load complete: ", " ms") {
            let (sheets, rest) = rest.split_once(" sheets, ")?;
            let (answers, ms) = rest.split_once(" answers in ")?;
            return Some(ServerText::DatabaseComplete {
                sheets: count(sheets)?,
                answers: count(answers)?,
                ms: count(ms)?,
            });
        }
        if let Some(rest) = between(text, "Timeout: Only ", "s") {
            let (tasks, seconds) = rest.split_once(" tasks completed within ")?;
            let (done, total) = fraction(tasks)?;
            return Some(ServerText::Timeout { done, total, seconds: count(seconds)? });
        }
        if names_a_lost_upload_session(text) {
            return Some(ServerText::UploadNotFound);
        }
        if text.starts_with("Batch ") && text.ends_with(" not found") {
            return Some(ServerText::BatchNotFound);
        }
        None
    }
}

/// A processing stage of the pipeline (contract §5.6), or one this client does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Uploading,
    Extracting,
    OrganizingQr,
    ProcessingSheets,
    CollectingResults,
    GeneratingCsv,
    LoadingDatabase,
    Cleanup,
    Completed,
    Failed,
    /// Shown as sent.
    Other(String),
}

impl Stage {
    /// Reads the `stage` field of a progress event.
    pub fn parse(text: &str) -> Stage {
        match text.trim().to_ascii_lowercase().as_str() {
            "uploading" => Stage::Uploading,
            "extracting" => Stage::Extracting,
            "organizing_qr" => Stage::OrganizingQr,
            "processing_sheets" => Stage::ProcessingSheets,
            "collecting_results" => Stage::CollectingResults,
            "generating_csv" => Stage::GeneratingCsv,
            "loading_database" => Stage::LoadingDatabase,
            "cleanup" => Stage::Cleanup,
            "completed" => Stage::Completed,
            "failed" => Stage::Failed,
            _ => Stage::Other(text.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_known_messages_keep_their_numbers() {
        assert_eq!(
            ServerText::parse("Processing: 12/1,160 sheets completed"),
            ServerText::ProcessingSheets { done: 12, total: 1160 }
        );
        assert_eq!(
            ServerText::parse("Extraction complete - 1160 sheets"),
            ServerText::ExtractionComplete { sheets: 1160 }
        );
        assert_eq!(
            ServerText::parse("Skipping 2 duplicate tasks: 10300112, 10300122"),
            ServerText::SkippingDuplicates { count: 2, tasks: "10300112, 10300122".into() }
        );
        assert_eq!(
            ServerText::parse("All 4 tasks completed (1 failed)"),
            ServerText::AllTasksCompleted { tasks: 4, failed: 1 }
        );
        assert_eq!(
            ServerText::parse("Batch processing failed: No sheets were created"),
            ServerText::BatchFailed(Box::new(ServerText::NoSheetsCreated))
        );
        assert_eq!(
            ServerText::parse("Batch processing failed: Timeout: Only 1159/1160 tasks completed within 3600s"),
            ServerText::BatchFailed(Box::new(ServerText::Timeout { done: 1159, total: 1160, seconds: 3600 }))
        );
        assert_eq!(
            ServerText::parse("Database load complete: 49 sheets, 5880 answers in 312 ms"),
            ServerText::DatabaseComplete { sheets: 49, answers: 5880, ms: 312 }
        );
        assert_eq!(ServerText::parse("Upload e41a8c37 not found. Please restart upload."), ServerText::UploadNotFound);
        assert_eq!(ServerText::parse("Invalid username or password"), ServerText::InvalidCredentials);
        assert_eq!(
            ServerText::parse("Batch failed: Cancelled by user"),
            ServerText::BatchFailed(Box::new(ServerText::CancelledByUser))
        );
    }

    #[test]
    fn a_failed_batch_creation_is_read_with_its_reason() {
        let detail = "Batch creation failed: 400: Unsupported file type: scans.pdf (expected a .zip archive)";
        assert!(names_a_failed_batch_creation(detail));
        assert_eq!(
            ServerText::parse(detail),
            ServerText::BatchCreationFailed(Box::new(ServerText::Other(
                "Unsupported file type: scans.pdf (expected a .zip archive)".into()
            )))
        );
        assert_eq!(
            ServerText::parse("Batch creation failed: 400: Task ID is required for non-QR uploads"),
            ServerText::BatchCreationFailed(Box::new(ServerText::TaskIdRequired))
        );
        // No status in front: the reason as it is.
        assert_eq!(
            ServerText::parse("Batch creation failed: disk full"),
            ServerText::BatchCreationFailed(Box::new(ServerText::Other("disk full".into())))
        );
        assert!(!names_a_failed_batch_creation("Failed to reassemble chunks: disk full"));
        assert!(!names_a_failed_batch_creation("Batch processing failed: No sheets were created"));
    }

    #[test]
    fn anything_else_stays_as_sent() {
        assert!(!ServerText::parse("Could not read the answer grid").is_known());
        assert!(ServerText::parse("Batch failed: disk full").is_known());
        for text in [
            "Processing: many sheets completed",
            "Batch failed because",
            "Skipping",
            "",
            "Timeout: Only x/y tasks completed within 5s",
        ] {
            assert_eq!(ServerText::parse(text), ServerText::Other(text.to_string()));
        }
        assert_eq!(
            ServerText::parse("Batch failed: disk full"),
            ServerText::BatchFailed(Box::new(ServerText::Other("disk full".into())))
        );
    }

    #[test]
    fn stages_are_read_case_insensitively() {
        assert_eq!(Stage::parse("processing_sheets"), Stage::ProcessingSheets);
        assert_eq!(Stage::parse("COMPLETED"), Stage::Completed);
        assert_eq!(Stage::parse("quantum"), Stage::Other("quantum".into()));
    }
}
