//! One upload job: what it is made of, what it reports, and why it may fail.

use super::new_upload::NewUpload;
use super::protocol::Note;
use crate::api::later::UploadOptions;
use crate::api::xhr::Deadlines;
use crate::api::ApiError;
use crate::config::{AppConfig, COMPLETING_ANSWER_FACTOR};

/// Why an upload stopped without a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadFailure {
    /// Request `chunk` of `total` (1-based; `total` 1 for a direct upload) failed with `cause`.
    Request { chunk: u32, total: u32, cause: ApiError },
    /// The server lost the chunk session again after one restart.
    LostTwice,
    /// Another tab of this browser is uploading the same file.
    OtherTab,
}

impl UploadFailure {
    /// Whether the cause may pass by itself (network, 5xx): the queue resumes it when online.
    pub fn is_transient(&self) -> bool {
        matches!(self, UploadFailure::Request { cause, .. } if cause.is_transient())
    }
}

/// What a running job tells the queue.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadEvent {
    /// Sending began: `total_chunks` is 1 for a direct upload.
    Started {
        total_chunks: u32,
        chunked: bool,
    },
    /// Bytes the server acknowledged, and bytes on the wire for unacknowledged chunks.
    Progress {
        acked_bytes: u64,
        inflight_bytes: u64,
        chunks_done: u32,
    },
    /// Something worth saying on the way (a retry, a restart, a look-up).
    Note(Note),
    /// Every byte is sent; waiting for the server to assemble the file.
    Finishing,
    /// The server has the batch; `recovered` when it was found after its answer was lost.
    Done {
        batch_uuid: String,
        recovered: bool,
    },
    Failed(UploadFailure),
    /// Stopped by the user, or by the end of the sign-in it belonged to.
    Cancelled,
}

/// Everything needed to run one upload.
#[derive(Clone)]
pub struct Job {
    pub upload: NewUpload,
    /// Continue the stored record instead of starting a new session.
    pub continue_earlier: bool,
    pub threshold: u64,
    pub chunk_size: u64,
    pub concurrency: u32,
    /// Interval between look-ups for a batch whose answer was lost.
    pub lookup_interval_ms: u64,
    /// A request whose upload shows no progress this long is aborted and sent again.
    pub stall_ms: u32,
    /// A sent request whose answer has not come this long counts as a lost answer.
    pub answer_ms: u32,
    /// The later backend's options every request of the upload sends.
    pub options: UploadOptions,
}

impl Job {
    /// How long request `completing` (the one the server answers with the batch, after
    /// reassembling the file) or another may go without news.
    pub fn deadlines(&self, completing: bool) -> Deadlines {
        let factor = if completing { COMPLETING_ANSWER_FACTOR } else { 1 };
        Deadlines { stall_ms: self.stall_ms, answer_ms: self.answer_ms.saturating_mul(factor) }
    }

    /// The job for a queued upload, sized by the app configuration.
    pub fn new(upload: NewUpload, continue_earlier: bool, config: &AppConfig) -> Job {
        Job {
            options: upload.options_for(continue_earlier).clone(),
            upload,
            continue_earlier,
            threshold: config.chunk_threshold_bytes,
            chunk_size: config.chunk_size_bytes,
            concurrency: config.chunk_concurrency,
            lookup_interval_ms: u64::from(config.poll_interval_ms),
            stall_ms: config.upload_stall_ms,
            answer_ms: config.upload_answer_ms,
        }
    }
}
