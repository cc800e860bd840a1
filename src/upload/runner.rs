//! Runs one upload job: the thin browser driver of [`protocol`](super::protocol). It sends
//! what the machine asks (XHR with `File.slice`), waits, looks batches up, keeps the resume
//! record, holds the per-file Web Lock and reports every step to the queue.

use super::cancel::Cancel;
use super::job::{Job, UploadEvent, UploadFailure};
use super::plan::{plan, ChunkRange, Plan};
use super::protocol::{Answer, Command, Event, Outcome, Protocol, Request, Resume};
use super::resume::{self, ResumeEntry};
use crate::api::types::UploadType;
use crate::api::uploads::{ChunkFields, DirectFields, Transfer};
use crate::api::{ApiClient, ApiError};
use crate::web_lock::{self, Lock};
use futures_util::future::LocalBoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The browser side of one job.
struct Driver {
    client: ApiClient,
    job: Job,
    report: Rc<dyn Fn(UploadEvent)>,
    cancel: Cancel,
    /// Empty for a direct upload.
    ranges: Vec<ChunkRange>,
    inflight: Rc<RefCell<Inflight>>,
    /// Acknowledged bytes and chunks, for progress reported from inside a request.
    acked: Rc<Cell<(u64, u32)>>,
    /// When this upload began sending (this PC's clock, for elapsed time only).
    started_at_ms: f64,
    /// Sent with every request so the gateway keeps them on one API host.
    upload_key: String,
}

/// Bytes on the wire per chunk being sent: at most `chunk_concurrency` entries, so a list
/// (a `BTreeMap` cost 6 KB of wasm).
#[derive(Debug, Default)]
struct Inflight(Vec<(u32, u64)>);

impl Inflight {
    /// Chunk `index` has `sent` bytes on the wire.
    fn set(&mut self, index: u32, sent: u64) {
        match self.0.iter_mut().find(|(i, _)| *i == index) {
            Some(entry) => entry.1 = sent,
            None => self.0.push((index, sent)),
        }
    }

    /// Chunk `index` is no longer being sent.
    fn clear(&mut self, index: u32) {
        self.0.retain(|(i, _)| *i != index);
    }

    fn total(&self) -> u64 {
        self.0.iter().map(|(_, sent)| sent).sum()
    }
}

/// The progress the queue is told: acknowledged bytes and chunks, and bytes on the wire.
fn progress_event((acked_bytes, chunks_done): (u64, u32), inflight: &Inflight) -> UploadEvent {
    UploadEvent::Progress { acked_bytes, inflight_bytes: inflight.total(), chunks_done }
}

impl Driver {
    fn total(&self) -> u32 {
        (self.ranges.len() as u32).max(1)
    }

    fn report_progress(&self, protocol: &Protocol) {
        let acked = protocol.acknowledged();
        let acked_bytes = acked.iter().filter_map(|i| self.ranges.get(*i as usize)).map(ChunkRange::len).sum();
        self.acked.set((acked_bytes, acked.len() as u32));
        (self.report)(progress_event(self.acked.get(), &self.inflight.borrow()));
    }

    fn save(&self, protocol: &Protocol) {
        let Some(key) = &self.job.upload.resume_key else { return };
        let progress = protocol.progress();
        let now = js_sys::Date::now();
        match progress.upload_id {
            Some(upload_id) => resume::remember(
                &key.owner,
                &key.fingerprint,
                ResumeEntry {
                    upload_id,
                    total_chunks: self.ranges.len() as u32,
                    chunk_size: self.job.chunk_size,
                    acknowledged: progress.acknowledged,
                    saved_at_ms: now,
                    completion_unknown: progress.completion_unknown,
                    label: self.job.upload.label.clone(),
                    options: self.job.options.clone(),
                },
            ),
            None => resume::forget(&key.owner, &key.fingerprint, now),
        }
    }

    async fn send(&self, request: Request, delay_ms: u64) -> Event {
        let index = request.index();
        let jitter = js_sys::Math::random();
        self.cancel.pause(delay_ms).await;
        if self.cancel.is_cancelled() {
            return Event::Answered { index, answer: Answer::Failed(ApiError::Cancelled), jitter };
        }
        let handle = self.cancel.handle();
        let on_progress: Rc<dyn Fn(f64)> = {
            let (inflight, acked, report) = (self.inflight.clone(), self.acked.clone(), self.report.clone());
            let limit = self.ranges.get(index as usize).map_or(self.job.upload.size, ChunkRange::len);
            Rc::new(move |sent: f64| {
                inflight.borrow_mut().set(index, (sent as u64).min(limit));
                report(progress_event(acked.get(), &inflight.borrow()));
            })
        };
        let upload = &self.job.upload;
        let completing = matches!(request, Request::Direct | Request::Chunk { is_final: true, .. });
        let transfer = Transfer {
            owner: &upload.session_id,
            upload_key: &self.upload_key,
            on_progress,
            abort: &handle,
            deadlines: self.job.deadlines(completing),
        };
        let answer = match &request {
            Request::Chunk { index, upload_id, is_final } => {
                if *is_final {
                    (self.report)(UploadEvent::Finishing);
                }
                let range = self.ranges[*index as usize];
                let fields = ChunkFields {
                    index: *index,
                    total: self.total(),
                    filename: &upload.label,
                    upload_type: upload.strategy,
                    upload_id: upload_id.as_deref(),
                    task_id: upload.task_id.as_deref(),
                    is_final: *is_final,
                    options: &self.job.options,
                };
                let file = &upload.files.0[0];
                self.client.upload_chunk(file, range.start, range.end, &fields, transfer).await.map(|a| {
                    Answer::Accepted { upload_id: Some(a.upload_id), complete: a.is_complete, batch_id: a.batch_id }
                })
            }
            Request::Direct => {
                let fields = DirectFields {
                    has_qr: upload.strategy == UploadType::ZipWithQr,
                    task_id: upload.task_id.as_deref(),
                    notes: upload.notes.as_deref(),
                    options: &self.job.options,
                };
                let images = upload.strategy == UploadType::Images;
                self.client.upload_direct(&upload.files.0, images, &fields, transfer).await.map(|a| Answer::Accepted {
                    upload_id: None,
                    complete: true,
                    batch_id: Some(a.batch_id),
                })
            }
        };
        self.cancel.release(&handle);
        self.inflight.borrow_mut().clear(index);
        Event::Answered { index, answer: answer.unwrap_or_else(Answer::Failed), jitter }
    }

    async fn look_up(&self, delay_ms: u64) -> Event {
        self.cancel.pause(delay_ms).await;
        if self.cancel.is_cancelled() {
            return Event::Cancelled;
        }
        let upload = &self.job.upload;
        // The server names an image set itself; a ZIP's batch carries the file name.
        let name = (upload.strategy != UploadType::Images).then_some(upload.label.as_str());
        let found = self.client.find_uploaded_batch(&upload.session_id, name, upload.size, self.started_at_ms).await;
        Event::LookedUp(found)
    }

    fn finish(&self, outcome: Outcome) {
        // Whatever is still in flight (a middle chunk when another completed) is not needed.
        self.cancel.abort_requests();
        let event = match outcome {
            Outcome::Done { batch_uuid, recovered } => {
                if let Some(key) = &self.job.upload.resume_key {
                    resume::forget(&key.owner, &key.fingerprint, js_sys::Date::now());
                }
                UploadEvent::Done { batch_uuid, recovered }
            }
            Outcome::Cancelled => UploadEvent::Cancelled,
            Outcome::LostTwice => UploadEvent::Failed(UploadFailure::LostTwice),
            // The sign-in ended: the queue is being cleared, nothing to say.
            Outcome::Failed { cause: ApiError::SessionChanged, .. } => UploadEvent::Cancelled,
            Outcome::Failed { chunk, cause } => {
                UploadEvent::Failed(UploadFailure::Request { chunk: chunk + 1, total: self.total(), cause })
            }
        };
        (self.report)(event);
    }
}

/// The stored record this job may continue, checked against its plan, and when the upload
/// it continues last sent something (now for a fresh one).
fn stored_resume(job: &Job, total: u32, now_ms: f64) -> (Resume, f64) {
    let Some(key) = job.upload.resume_key.as_ref().filter(|_| job.continue_earlier) else {
        return (Resume::default(), now_ms);
    };
    match resume::find(&key.owner, &key.fingerprint, now_ms).filter(|e| e.fits(total, job.chunk_size)) {
        Some(entry) => (
            Resume {
                upload_id: Some(entry.upload_id),
                acknowledged: entry.acknowledged,
                completion_unknown: entry.completion_unknown,
            },
            entry.saved_at_ms.min(now_ms),
        ),
        None => (Resume::default(), now_ms),
    }
}

/// Runs `job` to its end, reporting every step through `report`.
pub async fn run(client: ApiClient, job: Job, report: Rc<dyn Fn(UploadEvent)>, cancel: Cancel) {
    // Two tabs never upload the same file at once; the lock is held until this returns.
    let _lock = match &job.upload.resume_key {
        Some(key) => match web_lock::acquire(&key.lock_name(), true).await {
            Lock::Taken => return report(UploadEvent::Failed(UploadFailure::OtherTab)),
            Lock::Held(lock) => Some(lock),
            Lock::Unsupported => None,
        },
        None => None,
    };
    let size = job.upload.size;
    let chunked = job.upload.strategy != UploadType::Images && job.upload.files.0.len() == 1;
    let ranges = match plan(size, job.threshold, job.chunk_size) {
        Plan::Chunked(ranges) if chunked => ranges,
        _ => Vec::new(),
    };
    let now = js_sys::Date::now();
    let (mut protocol, (resume, started_at)) = if ranges.is_empty() {
        (Protocol::direct(job.lookup_interval_ms), (Resume::default(), now))
    } else {
        let total = ranges.len() as u32;
        (Protocol::chunked(total, job.concurrency, job.lookup_interval_ms), stored_resume(&job, total, now))
    };
    report(UploadEvent::Started { total_chunks: (ranges.len() as u32).max(1), chunked: !ranges.is_empty() });
    let upload_key = job.upload.upload_key();
    let driver = Driver {
        client,
        job,
        report,
        cancel,
        ranges,
        inflight: Rc::default(),
        acked: Rc::default(),
        started_at_ms: started_at,
        upload_key,
    };
    let mut tasks: FuturesUnordered<LocalBoxFuture<'_, Event>> = FuturesUnordered::new();
    let mut commands = protocol.start(resume);
    loop {
        for command in std::mem::take(&mut commands) {
            match command {
                Command::Send { request, delay_ms } => tasks.push(driver.send(request, delay_ms).boxed_local()),
                Command::LookUp { delay_ms } => tasks.push(driver.look_up(delay_ms).boxed_local()),
                Command::Save => driver.save(&protocol),
                Command::Tell(note) => (driver.report)(UploadEvent::Note(note)),
                Command::Finish(outcome) => return driver.finish(outcome),
            }
        }
        driver.report_progress(&protocol);
        let Some(event) = tasks.next().await else {
            // Nothing in flight and nothing to do cannot happen; end as failed rather than hang.
            return driver.finish(Outcome::Failed { chunk: 0, cause: ApiError::Cancelled });
        };
        let event = if driver.cancel.is_cancelled() { Event::Cancelled } else { event };
        commands = protocol.handle(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_on_the_wire_count_each_chunk_once() {
        let mut inflight = Inflight::default();
        inflight.set(3, 10);
        inflight.set(4, 5);
        inflight.set(3, 25);
        assert_eq!(inflight.total(), 30);
        inflight.clear(3);
        inflight.clear(9);
        assert_eq!(inflight.total(), 5);
        inflight.clear(4);
        assert_eq!(inflight.total(), 0);
    }
}
