//! `POST /api/batches/upload` (one request) and `POST /api/batches/upload-chunk` (chunk protocol).

use crate::auth::CurrentUser;
use crate::db::{Batch, NewBatch, ReceivedFile};
use crate::faults::RequestNote;
use crate::http::{missing, naive_now, parse_bool, parse_int, ApiError, Problems};
use crate::later;
use crate::processing::{self, is_image_name};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The real server's per-chunk limit: 100 MiB.
pub const MAX_CHUNK_BYTES: u64 = 104_857_600;

/// A file part, hashed while it streamed in and kept as [`Keep`] asked.
pub struct FilePart {
    pub field: String,
    pub filename: String,
    /// Where it was written ([`Keep::Disk`]).
    pub path: Option<PathBuf>,
    /// The bytes as they arrived ([`Keep::Memory`]; `sha256` is then left empty).
    pub bytes: Vec<Bytes>,
    pub size: u64,
    pub sha256: String,
}

/// What [`read_form`] keeps of a file part besides its size and hash.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// A temporary file (the normal case).
    Disk,
    /// The received bytes, for the sink's in-order reassembly of chunks.
    Memory,
    /// Nothing: a sink upload sent in one request.
    HashOnly,
}

/// A parsed multipart body. Temporary files that a handler did not move away are removed on drop.
#[derive(Default)]
pub struct Form {
    texts: HashMap<String, String>,
    files: Vec<FilePart>,
}

impl Drop for Form {
    fn drop(&mut self) {
        for path in self.files.iter().filter_map(|part| part.path.as_ref()) {
            // Already moved into place in the normal case; only leftovers remain.
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Form {
    fn text(&self, name: &str) -> Option<&str> {
        self.texts.get(name).map(String::as_str)
    }

    fn files<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FilePart> {
        self.files.iter().filter(move |part| part.field == field)
    }
}

fn bad_body(_: impl std::fmt::Display) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "There was an error parsing the body")
}

/// True when the body ended inside a part: its delimiter after the first one is broken or
/// missing, or the body was cut. python-multipart, under FastAPI, raises nothing then: the part
/// that never ended, and every part after it, is simply not in the form, so the missing fields
/// answer 422. Only a body that does not begin with its boundary makes the parser raise, which
/// FastAPI answers 400 "There was an error parsing the body".
fn ended_inside_a_part(error: &MultipartError) -> bool {
    matches!(
        std::error::Error::source(error).and_then(|source| source.downcast_ref::<multer::Error>()),
        Some(
            multer::Error::IncompleteFieldData { .. }
                | multer::Error::IncompleteStream
                | multer::Error::IncompleteHeaders
        )
    )
}

/// Streams every part in, text fields to memory and file parts as `keep` says, hashing files on
/// the way.
async fn read_form(state: &AppState, mut multipart: Multipart, keep: Keep) -> Result<Form, ApiError> {
    let tmp = state.cfg.data_dir.join("tmp");
    tokio::fs::create_dir_all(&tmp).await.map_err(|e| ApiError::internal("Storage", e))?;
    let mut form = Form::default();
    // Whether the body's first boundary was found: from then on a body that ends inside a part
    // keeps the parts that ended before it (see [`ended_inside_a_part`]).
    let mut begun = false;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if begun && ended_inside_a_part(&error) => break,
            Err(error) => return Err(bad_body(error)),
        };
        begun = true;
        let name = field.name().unwrap_or_default().to_string();
        let Some(filename) = field.file_name().map(str::to_string) else {
            match field.text().await {
                Ok(text) => {
                    form.texts.insert(name, text);
                    continue;
                }
                Err(error) if ended_inside_a_part(&error) => break,
                Err(error) => return Err(bad_body(error)),
            }
        };
        let path = (keep == Keep::Disk).then(|| tmp.join(uuid::Uuid::new_v4().to_string()));
        let mut file = match &path {
            Some(path) => Some(tokio::fs::File::create(path).await.map_err(|e| ApiError::internal("Storage", e))?),
            None => None,
        };
        form.files.push(FilePart { field: name, filename, path, bytes: Vec::new(), size: 0, sha256: String::new() });
        let part = form.files.last_mut().expect("just pushed");
        // Kept bytes are hashed by the sink, in index order; hashing them here too would
        // double the stand-in's work that a benchmark counts.
        let mut hasher = (keep != Keep::Memory).then(Sha256::new);
        loop {
            let bytes = match field.chunk().await {
                Ok(Some(bytes)) => bytes,
                Ok(None) => break,
                Err(error) if ended_inside_a_part(&error) => {
                    // The part never ended: it is not in the form, nor its temporary file.
                    drop(file);
                    if let Some(path) = form.files.pop().and_then(|cut| cut.path) {
                        let _ = std::fs::remove_file(path);
                    }
                    return Ok(form);
                }
                Err(error) => return Err(bad_body(error)),
            };
            if let Some(hasher) = &mut hasher {
                hasher.update(&bytes);
            }
            part.size += bytes.len() as u64;
            if let Some(file) = &mut file {
                file.write_all(&bytes).await.map_err(|e| ApiError::internal("Storage", e))?;
            }
            if keep == Keep::Memory {
                part.bytes.push(bytes);
            }
        }
        if let Some(file) = &mut file {
            file.flush().await.map_err(|e| ApiError::internal("Storage", e))?;
        }
        part.sha256 = hasher.map(|hasher| hex(&hasher.finalize())).unwrap_or_default();
    }
    Ok(form)
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates the batch row, records the received files and starts processing.
fn create_batch(state: &AppState, new: NewBatch, received: Vec<(String, u64, String)>) -> Result<Batch, ApiError> {
    let batch_id = state.db.insert_batch(&new).map_err(|e| ApiError::internal("Batch creation failed", e))?;
    for (name, size, sha256) in received {
        let file = ReceivedFile { batch_uuid: new.batch_uuid.to_string(), name, size: size as i64, sha256 };
        state.db.record_file(&file).map_err(|e| ApiError::internal("Batch creation failed", e))?;
    }
    let batch =
        state.db.batch_by_id(batch_id).ok_or_else(|| ApiError::internal("Batch creation failed", "row vanished"))?;
    processing::spawn(state.clone(), batch.clone());
    Ok(batch)
}

fn accepted(batch: &Batch) -> Value {
    json!({"batch_id": batch.batch_uuid, "status": batch.status, "message": "Batch accepted for processing", "total_size": batch.file_size_bytes})
}

/// `POST /api/batches/upload`: a ZIP in `file`, or images in repeated `files`; 202 before processing.
pub async fn upload(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let sink = state.sink.is_on();
    let form = read_form(&state, multipart, if sink { Keep::HashOnly } else { Keep::Disk }).await?;
    let mut problems = Problems::default();
    let has_qr = match form.text("has_qr") {
        Some(raw) => problems.take(parse_bool("body", "has_qr", raw)).unwrap_or(true),
        None => true,
    };
    problems.finish()?;
    let options = later::upload_options(&state, form.text("profile_id"), form.text("alignment_mode"))?;
    let task_id = form.text("task_id").map(str::trim).filter(|t| !t.is_empty());
    let zip = form.files("file").next();
    let images: Vec<&FilePart> = form.files("files").collect();
    // The real handler lets `user_id` replace the uploader, for anyone (contract §5.1).
    let uploaded_by = form.text("user_id").and_then(|u| u.trim().parse().ok()).unwrap_or(user.user_id);
    let batch_uuid = uuid::Uuid::new_v4().to_string();
    let files_dir = state.cfg.data_dir.join("files");
    std::fs::create_dir_all(&files_dir).map_err(|e| ApiError::internal("Storage", e))?;
    let (name, upload_type, size, stored, received) = if let Some(zip) = zip {
        if let Some(refusal) = unsupported_name("zip", &zip.filename) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, refusal));
        }
        if !has_qr && task_id.is_none() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "Task ID is required for non-QR uploads"));
        }
        let stored = keep_file(zip, files_dir.join(format!("{batch_uuid}.zip")))?;
        let upload_type = if has_qr { "zip_qr" } else { "zip_no_qr" };
        let received = vec![(zip.filename.clone(), zip.size, zip.sha256.clone())];
        (zip.filename.clone(), upload_type, zip.size, stored, received)
    } else if !images.is_empty() {
        if task_id.is_none() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "Task ID is required for image uploads"));
        }
        if let Some(refusal) = images.iter().find_map(|part| unsupported_name("images", &part.filename)) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, refusal));
        }
        let stored = (!sink).then(|| files_dir.join(&batch_uuid));
        if let Some(stored) = &stored {
            std::fs::create_dir_all(stored).map_err(|e| ApiError::internal("Storage", e))?;
            for (index, part) in images.iter().enumerate() {
                keep_file(part, stored.join(format!("{index:05}-{}", safe_name(&part.filename))))?;
            }
        }
        let size = images.iter().map(|p| p.size).sum();
        let received = images.iter().map(|p| (p.filename.clone(), p.size, p.sha256.clone())).collect();
        let name = format!("{} images", images.len());
        (name, "images", size, stored, received)
    } else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "No file provided: send a ZIP as 'file' or images as 'files'",
        ));
    };
    let batch = create_batch(
        &state,
        NewBatch {
            batch_uuid: &batch_uuid,
            batch_name: &name,
            upload_type,
            file_size_bytes: size as i64,
            uploaded_by,
            task_id,
            notes: form.text("notes").filter(|n| !n.is_empty()),
            created_at: &naive_now(),
            stored_path: stored.as_ref().map(|path| path.to_string_lossy()).as_deref(),
        },
        received,
    )?;
    state.db.merge_upload_options(&batch.batch_uuid, &options).map_err(|e| ApiError::internal("Storage", e))?;
    Ok((StatusCode::ACCEPTED, Json(accepted(&batch))).into_response())
}

/// The direct upload's refusal of a file name its upload type does not take, or `None`.
fn unsupported_name(upload_type: &str, filename: &str) -> Option<String> {
    if upload_type == "images" {
        (!is_image_name(filename)).then(|| format!("Unsupported image type: {filename} (expected JPG or PNG)"))
    } else {
        (!filename.to_ascii_lowercase().ends_with(".zip"))
            .then(|| format!("Unsupported file type: {filename} (expected a .zip archive)"))
    }
}

/// Moves a part written to disk to `target`; `None` for a part that was not written (sink mode).
fn keep_file(part: &FilePart, target: PathBuf) -> Result<Option<PathBuf>, ApiError> {
    let Some(path) = &part.path else { return Ok(None) };
    std::fs::rename(path, &target).map_err(|e| ApiError::internal("Storage", e))?;
    Ok(Some(target))
}

/// Keeps a client-supplied file name from escaping its directory.
fn safe_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or("file").replace("..", "_")
}

/// What a chunk session remembers between requests (`meta.json` in its directory).
#[derive(Serialize, Deserialize)]
struct Session {
    total_chunks: i64,
    filename: String,
    upload_type: String,
    task_id: Option<String>,
    user_id: i64,
    final_received: bool,
}

fn chunk_file(dir: &Path, index: i64) -> PathBuf {
    dir.join(format!("chunk_{index:06}"))
}

fn received_indexes(dir: &Path, total: i64) -> Vec<i64> {
    (0..total).filter(|i| chunk_file(dir, *i).exists()).collect()
}

/// The fields of one chunk request after FastAPI-style validation.
struct ChunkRequest<'a> {
    chunk: &'a FilePart,
    index: i64,
    total: i64,
    filename: &'a str,
    upload_type: &'a str,
    upload_id: Option<&'a str>,
    task_id: Option<&'a str>,
    is_final: bool,
}

fn validate_chunk(form: &Form) -> Result<ChunkRequest<'_>, ApiError> {
    let mut problems = Problems::default();
    let chunk = form.files("chunk").next();
    if chunk.is_none() {
        problems.push(missing("body", "chunk"));
    }
    let mut int_field = |name: &str| match form.text(name) {
        Some(raw) => problems.take(parse_int("body", name, raw)),
        None => {
            problems.push(missing("body", name));
            None
        }
    };
    let index = int_field("chunk_index");
    let total = int_field("total_chunks");
    for name in ["filename", "upload_type"] {
        if form.text(name).is_none() {
            problems.push(missing("body", name));
        }
    }
    let is_final = match form.text("is_final_chunk") {
        Some(raw) => problems.take(parse_bool("body", "is_final_chunk", raw)).unwrap_or(false),
        None => false,
    };
    problems.finish()?;
    let (Some(chunk), Some(index), Some(total), Some(filename), Some(upload_type)) =
        (chunk, index, total, form.text("filename"), form.text("upload_type"))
    else {
        unreachable!("every missing field was reported above");
    };
    Ok(ChunkRequest {
        chunk,
        index,
        total,
        filename,
        upload_type,
        upload_id: form.text("upload_id").map(str::trim).filter(|u| !u.is_empty()),
        task_id: form.text("task_id").map(str::trim).filter(|t| !t.is_empty()),
        is_final,
    })
}

/// `POST /api/batches/upload-chunk`: see contract §5.2 for the order of checks.
pub async fn upload_chunk(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    multipart: Multipart,
) -> Result<Response, ApiError> {
    let sink = state.sink.is_on();
    let form = read_form(&state, multipart, if sink { Keep::Memory } else { Keep::Disk }).await?;
    let req = validate_chunk(&form)?;
    let options = later::upload_options(&state, form.text("profile_id"), form.text("alignment_mode"))?;
    if !["zip_with_qr", "zip_no_qr", "images"].contains(&req.upload_type) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Invalid upload_type. Must be one of: zip_with_qr, zip_no_qr, images",
        ));
    }
    if req.upload_type != "zip_with_qr" && req.task_id.is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("task_id required for upload_type '{}'", req.upload_type),
        ));
    }
    if req.chunk.size > MAX_CHUNK_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Chunk size {} exceeds maximum {MAX_CHUNK_BYTES}", req.chunk.size),
        ));
    }
    if req.total < 1 || req.index < 0 || req.index >= req.total {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("Invalid chunk_index {} (total: {})", req.index, req.total),
        ));
    }
    let sessions = state.cfg.data_dir.join("chunks");
    let (upload_id, dir) = match req.upload_id {
        Some(id) => {
            let dir = sessions.join(safe_name(id));
            if !dir.join("meta.json").exists() {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("Upload {id} not found. Please restart upload."),
                ));
            }
            (id.to_string(), dir)
        }
        None if req.index == 0 => {
            let id = uuid::Uuid::new_v4().to_string();
            let dir = sessions.join(&id);
            std::fs::create_dir_all(&dir).map_err(|e| ApiError::internal("Storage", e))?;
            let session = Session {
                total_chunks: req.total,
                filename: req.filename.to_string(),
                upload_type: req.upload_type.to_string(),
                task_id: req.task_id.map(str::to_string),
                user_id: user.user_id,
                final_received: false,
            };
            write_session(&dir, &session)?;
            (id, dir)
        }
        // The real router looks the session up under an empty id (contract §5.2 [I]).
        None => return Err(ApiError::new(StatusCode::NOT_FOUND, "Upload  not found. Please restart upload.")),
    };
    let note = json!({"upload_id": upload_id, "chunk_index": req.index, "is_final_chunk": req.is_final, "size": req.chunk.size});
    // One completion check at a time: two "last" chunks must not both reassemble.
    let _guard = state.chunk_lock.lock().await;
    let mut session = read_session(&dir).ok_or_else(|| {
        ApiError::new(StatusCode::NOT_FOUND, format!("Upload {upload_id} not found. Please restart upload."))
    })?;
    if session.total_chunks != req.total {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("total_chunks {} does not match the session's {}", req.total, session.total_chunks),
        ));
    }
    // Any chunk may carry the options; the batch gets the last value received of each.
    state.db.merge_upload_options(&upload_id, &options).map_err(|e| ApiError::internal("Storage", e))?;
    let received = if sink {
        // Cloning `Bytes` shares the received buffers; nothing is copied.
        state.sink.add(&upload_id, req.index, req.chunk.bytes.clone())
    } else {
        // A re-sent index overwrites the earlier copy.
        keep_file(req.chunk, chunk_file(&dir, req.index))?;
        received_indexes(&dir, session.total_chunks).len()
    };
    if req.is_final && !session.final_received {
        session.final_received = true;
        write_session(&dir, &session)?;
    }
    let complete = session.final_received && received as i64 == session.total_chunks;
    let mut body = json!({
        "upload_id": upload_id,
        "chunk_index": req.index,
        "chunks_received": received,
        "total_chunks": session.total_chunks,
        "is_complete": false,
        "batch_id": null,
        "status": null,
        "message": format!("Chunk {}/{} received", req.index + 1, session.total_chunks),
    });
    if complete {
        let batch = finish_session(&state, &dir, &upload_id, &session)?;
        state.db.move_upload_options(&upload_id, &batch.batch_uuid).map_err(|e| ApiError::internal("Storage", e))?;
        body["is_complete"] = json!(true);
        body["batch_id"] = json!(batch.batch_uuid);
        body["status"] = json!(batch.status);
        body["message"] = json!("Batch accepted for processing");
    }
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    response.extensions_mut().insert(RequestNote(note));
    Ok(response)
}

fn write_session(dir: &Path, session: &Session) -> Result<(), ApiError> {
    let text = serde_json::to_string(session).map_err(|e| ApiError::internal("Storage", e))?;
    std::fs::write(dir.join("meta.json"), text).map_err(|e| ApiError::internal("Storage", e))
}

fn read_session(dir: &Path) -> Option<Session> {
    serde_json::from_slice(&std::fs::read(dir.join("meta.json")).ok()?).ok()
}

/// Concatenates the chunks in index order (or takes the sink's hash of them), hashes the result
/// and creates the batch.
fn finish_session(state: &AppState, dir: &Path, upload_id: &str, session: &Session) -> Result<Batch, ApiError> {
    let batch_uuid = uuid::Uuid::new_v4().to_string();
    // Only a session whose chunks went to the sink has a reassembly there.
    let sunk = state.sink.finish(upload_id, session.total_chunks);
    let (stored, (size, sha256)) = match sunk {
        Some(received) => (None, received),
        None => {
            let (stored, target) = reassembly_target(state, &batch_uuid, session)
                .map_err(|e| ApiError::internal("Failed to reassemble chunks", e))?;
            let received = concatenate(dir, session.total_chunks, &target)
                .map_err(|e| ApiError::internal("Failed to reassemble chunks", e))?;
            (Some(stored), received)
        }
    };
    // Ignored error: a leftover session directory only costs disk space.
    let _ = std::fs::remove_dir_all(dir);
    // The router hands the reassembled file to the direct upload's code, whose 400 for a file
    // name it does not take comes back wrapped in a 500, the session already gone (§5.2).
    if let Some(refusal) = unsupported_name(&session.upload_type, &session.filename) {
        if let Some(stored) = &stored {
            let _ = if stored.is_dir() { std::fs::remove_dir_all(stored) } else { std::fs::remove_file(stored) };
        }
        return Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("Batch creation failed: 400: {refusal}")));
    }
    let upload_type = match session.upload_type.as_str() {
        "zip_with_qr" => "zip_qr",
        other => other,
    };
    let notes = format!("Chunked upload ({} chunks)", session.total_chunks);
    create_batch(
        state,
        NewBatch {
            batch_uuid: &batch_uuid,
            batch_name: &session.filename,
            upload_type,
            file_size_bytes: size as i64,
            uploaded_by: session.user_id,
            task_id: session.task_id.as_deref(),
            notes: Some(&notes),
            created_at: &naive_now(),
            stored_path: stored.as_ref().map(|path| path.to_string_lossy()).as_deref(),
        },
        vec![(session.filename.clone(), size, sha256)],
    )
}

/// Where a chunked upload is stored (a ZIP file, or an image directory) and the file to write.
fn reassembly_target(state: &AppState, batch_uuid: &str, session: &Session) -> std::io::Result<(PathBuf, PathBuf)> {
    let files_dir = state.cfg.data_dir.join("files");
    std::fs::create_dir_all(&files_dir)?;
    if session.upload_type == "images" {
        // Chunked "images" is one image: the reassembled blob goes into an image directory alone.
        let stored = files_dir.join(batch_uuid);
        std::fs::create_dir_all(&stored)?;
        let target = stored.join(safe_name(&session.filename));
        Ok((stored, target))
    } else {
        let target = files_dir.join(format!("{batch_uuid}.zip"));
        Ok((target.clone(), target))
    }
}

fn concatenate(dir: &Path, total: i64, target: &Path) -> std::io::Result<(u64, String)> {
    use std::io::{Read, Write};
    let mut out = std::io::BufWriter::new(std::fs::File::create(target)?);
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buffer = vec![0u8; 1 << 20];
    for index in 0..total {
        let mut chunk = std::fs::File::open(chunk_file(dir, index))?;
        loop {
            let read = chunk.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            out.write_all(&buffer[..read])?;
            size += read as u64;
        }
    }
    out.flush()?;
    Ok((size, hex(&hasher.finalize())))
}
