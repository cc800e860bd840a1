//! Upload endpoints: `POST /upload` (one request) and `POST /upload-chunk`, on the long lane,
//! through `XMLHttpRequest` for byte progress, with the same refresh-once rule as every call.

use super::client::{bearer, Answer, ApiClient, Lane, SecondRefusal};
use super::error::{ApiError, NetworkFailure};
use super::later::UploadOptions;
use super::types::{ChunkAccepted, UploadAccepted, UploadType};
use super::xhr::{failure_to_error, post_form, AbortHandle, Deadlines};
use std::rc::Rc;
use web_sys::{Blob, File, FormData};

/// The header that keeps one upload's requests on one API host (the gateway hashes on it;
/// deploy/nginx/omr-api-upstream.conf).
pub const UPLOAD_KEY_HEADER: &str = "X-Upload-Key";

/// Whether `url` is served by the page's own origin `page_origin` (`https://host:port`):
/// a path, or an absolute URL on that origin (pure).
pub fn is_same_origin(url: &str, page_origin: &str) -> bool {
    if url.starts_with('/') {
        return !url.starts_with("//");
    }
    url.strip_prefix(page_origin).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The form fields of one chunk request (all sent on every chunk).
pub struct ChunkFields<'a> {
    pub index: u32,
    pub total: u32,
    pub filename: &'a str,
    pub upload_type: UploadType,
    /// Absent on chunk 0 of a new session.
    pub upload_id: Option<&'a str>,
    pub task_id: Option<&'a str>,
    pub is_final: bool,
    /// The later backend's options, sent on every chunk.
    pub options: &'a UploadOptions,
}

/// How one upload request travels: for whom, with which progress callback and abort handle.
pub struct Transfer<'a> {
    /// The sign-in (session id) the upload belongs to: nothing is sent once it has ended.
    pub owner: &'a str,
    /// The upload's affinity key, sent as `X-Upload-Key` on every request of one upload.
    pub upload_key: &'a str,
    /// Called with the bytes sent so far.
    pub on_progress: Rc<dyn Fn(f64)>,
    pub abort: &'a AbortHandle,
    /// A request whose bytes stop moving, or whose answer does not come, is abandoned.
    pub deadlines: Deadlines,
}

/// The form fields of a direct upload besides the files.
pub struct DirectFields<'a> {
    /// `true` for QR ZIPs; sent as `has_qr` for ZIPs only.
    pub has_qr: bool,
    pub task_id: Option<&'a str>,
    pub notes: Option<&'a str>,
    /// The later backend's options.
    pub options: &'a UploadOptions,
}

fn append(form: &FormData, name: &str, value: &str) -> Result<(), ApiError> {
    form.append_with_str(name, value).map_err(|_| ApiError::Network(NetworkFailure::FormRefused))
}

fn append_blob(form: &FormData, name: &str, blob: &Blob, filename: &str) -> Result<(), ApiError> {
    form.append_with_blob_and_filename(name, blob, filename).map_err(|_| ApiError::Network(NetworkFailure::FormRefused))
}

/// `profile_id` and `alignment_mode` when chosen (a server without them is sent neither).
fn append_options(form: &FormData, options: &UploadOptions) -> Result<(), ApiError> {
    if let Some(profile) = &options.profile {
        append(form, "profile_id", &profile.id.to_string())?;
    }
    if let Some(mode) = options.alignment {
        append(form, "alignment_mode", mode.form_value())?;
    }
    Ok(())
}

fn new_form() -> Result<FormData, ApiError> {
    FormData::new().map_err(|_| ApiError::Network(NetworkFailure::FormRefused))
}

impl ApiClient {
    /// POSTs a multipart form on the long lane; on a session problem refreshes once and resends.
    async fn send_form(&self, path: &str, form: &FormData, transfer: Transfer<'_>) -> Result<Answer, ApiError> {
        let url = self.url(Lane::Realtime, path);
        let Transfer { owner, upload_key, on_progress, abort, deadlines } = transfer;
        let page_origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        let same_origin = is_same_origin(&url, &page_origin);
        self.with_session(Some(owner), SecondRefusal::EndsSession, |token| {
            let (url, on_progress) = (url.clone(), on_progress.clone());
            async move {
                let authorization = bearer(&token);
                let mut headers = vec![("Authorization", authorization.as_str())];
                // Our own gateway reads it; another origin's CORS rules may refuse an unknown
                // header (contract §1.4), so it goes only where the page's own origin serves.
                if same_origin {
                    headers.push((UPLOAD_KEY_HEADER, upload_key));
                }
                post_form(&url, &headers, form, on_progress, abort, deadlines).await.map_err(failure_to_error)
            }
        })
        .await
    }

    /// `POST /api/realtime/batches/upload-chunk` with bytes `[start, end)` of `file`
    /// (a `File.slice`: the bytes never enter wasm memory).
    pub async fn upload_chunk(
        &self,
        file: &File,
        start: u64,
        end: u64,
        fields: &ChunkFields<'_>,
        transfer: Transfer<'_>,
    ) -> Result<ChunkAccepted, ApiError> {
        let slice = file
            .slice_with_f64_and_f64(start as f64, end as f64)
            .map_err(|_| ApiError::Network(NetworkFailure::FileUnreadable))?;
        let form = new_form()?;
        append_blob(&form, "chunk", &slice, &format!("{}.part{}", fields.filename, fields.index))?;
        append(&form, "chunk_index", &fields.index.to_string())?;
        append(&form, "total_chunks", &fields.total.to_string())?;
        append(&form, "filename", fields.filename)?;
        append(&form, "upload_type", fields.upload_type.form_value())?;
        if let Some(upload_id) = fields.upload_id {
            append(&form, "upload_id", upload_id)?;
        }
        if let Some(task_id) = fields.task_id {
            append(&form, "task_id", task_id)?;
        }
        append(&form, "is_final_chunk", if fields.is_final { "true" } else { "false" })?;
        append_options(&form, fields.options)?;
        self.send_form("batches/upload-chunk", &form, transfer).await?.decode()
    }

    /// `POST /api/realtime/batches/upload`: one ZIP as `file`, or images as repeated `files`.
    /// Never sends `user_id` (it would re-assign the batch) nor `upload_type` (ignored).
    pub async fn upload_direct(
        &self,
        files: &[File],
        images: bool,
        fields: &DirectFields<'_>,
        transfer: Transfer<'_>,
    ) -> Result<UploadAccepted, ApiError> {
        let form = new_form()?;
        for file in files {
            append_blob(&form, if images { "files" } else { "file" }, file, &file.name())?;
        }
        if !images {
            append(&form, "has_qr", if fields.has_qr { "true" } else { "false" })?;
        }
        if let Some(task_id) = fields.task_id {
            append(&form, "task_id", task_id)?;
        }
        if let Some(notes) = fields.notes.filter(|n| !n.trim().is_empty()) {
            append(&form, "notes", notes)?;
        }
        append_options(&form, fields.options)?;
        self.send_form("batches/upload", &form, transfer).await?.decode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_key_goes_only_to_the_pages_own_origin() {
        let page = "https://omr.example";
        assert!(is_same_origin("/api/realtime/batches/upload-chunk", page));
        assert!(is_same_origin("https://omr.example/api/realtime/batches/upload", page));
        assert!(!is_same_origin("//evil.example/api", page));
        assert!(!is_same_origin("https://omr.example.evil/api", page));
        assert!(!is_same_origin("http://omr.example/api", page));
        assert!(!is_same_origin("https://api.omr.example/api", page));
    }
}
