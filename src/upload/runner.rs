//! Runs one upload job: direct, or chunk 0 → middle chunks (bounded concurrency) → final
//! chunk, with retries, resume data after every acknowledged chunk, and cancellation.

use super::plan::{plan, ChunkRange, Plan};
use super::resume::{self, ResumeEntry};
use super::retry::{decide, Decision};
use super::validate::Strategy;
use crate::api::uploads::{ChunkFields, DirectFields};
use crate::api::xhr::AbortHandle;
use crate::api::{ApiClient, ApiError};
use crate::i18n;
use futures_util::future::join_all;
use gloo_timers::future::sleep;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::rc::Rc;
use std::time::Duration;
use web_sys::File;

/// What a running job tells the queue.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadEvent {
    /// Sending began: `total_chunks` is 1 for a direct upload.
    Started { total_chunks: u32, chunked: bool },
    /// Bytes the server acknowledged, and bytes on the wire for unacknowledged chunks.
    Progress { acked_bytes: u64, inflight_bytes: u64, chunks_done: u32 },
    /// A chunk failed and is retried after a pause.
    Retrying { chunk: u32, attempt: u32, delay_ms: u64, reason: String },
    /// The server no longer knew the upload: starting over from chunk 0.
    Restarted,
    /// Every chunk is in; waiting for the server to assemble the file.
    Finishing,
    /// The server confirmed: the new batch's UUID.
    Done { batch_uuid: String },
    /// Gave up, with a message naming the file, the chunk and the reason. `transient` when the
    /// cause may pass by itself (network, 5xx): the queue then resumes when the browser is back
    /// online.
    Failed { message: String, transient: bool },
    /// Stopped by the user.
    Cancelled,
}

/// Everything needed to run one upload.
#[derive(Clone)]
pub struct Job {
    pub files: Vec<File>,
    pub label: String,
    pub strategy: Strategy,
    pub task_id: Option<String>,
    pub notes: Option<String>,
    /// Resume key for single-file uploads.
    pub fingerprint: Option<String>,
    /// Continue a stored session instead of starting a new one.
    pub resume: bool,
    pub threshold: u64,
    pub chunk_size: u64,
    pub concurrency: u32,
}

impl Job {
    /// A fresh (not resumed) job for one file, sized by the app configuration.
    pub fn for_file(file: File, strategy: Strategy, task_id: Option<String>, config: &crate::config::AppConfig) -> Job {
        Job {
            label: file.name(),
            files: vec![file],
            strategy,
            task_id,
            notes: None,
            fingerprint: None,
            resume: false,
            threshold: config.chunk_threshold_bytes,
            chunk_size: config.chunk_size_bytes,
            concurrency: config.chunk_concurrency,
        }
    }
}

/// Cancels a job: sets the flag and aborts every request it has in flight.
#[derive(Clone, Default)]
pub struct Cancel {
    flag: Rc<Cell<bool>>,
    handles: Rc<RefCell<Vec<AbortHandle>>>,
}

impl Cancel {
    /// Stops the job at once; nothing more is sent.
    pub fn cancel(&self) {
        self.flag.set(true);
        for handle in self.handles.borrow_mut().drain(..) {
            handle.abort();
        }
    }

    fn is_cancelled(&self) -> bool {
        self.flag.get()
    }

    fn handle(&self) -> AbortHandle {
        let handle = AbortHandle::default();
        if self.is_cancelled() {
            handle.abort();
        } else {
            self.handles.borrow_mut().push(handle.clone());
        }
        handle
    }

    fn release(&self, handle: &AbortHandle) {
        // Finished requests leave the list so it does not grow over a 200-chunk upload.
        self.handles.borrow_mut().retain(|h| !h.same_as(handle));
    }

    /// Waits `ms`, waking early when cancelled.
    async fn pause(&self, ms: u64) {
        let mut left = ms;
        while left > 0 && !self.is_cancelled() {
            let step = left.min(100);
            sleep(Duration::from_millis(step)).await;
            left -= step;
        }
    }
}

/// Why a phase of the job stopped.
enum Stop {
    Restart,
    Cancelled,
    Failed { message: String, transient: bool },
}

struct Ctx {
    client: ApiClient,
    job: Job,
    report: Rc<dyn Fn(UploadEvent)>,
    cancel: Cancel,
    ranges: Vec<ChunkRange>,
    upload_id: RefCell<Option<String>>,
    acked: RefCell<BTreeSet<u32>>,
    inflight: RefCell<BTreeMap<u32, u64>>,
}

impl Ctx {
    fn report_progress(&self) {
        let acked = self.acked.borrow();
        let acked_bytes = acked.iter().map(|i| self.ranges[*i as usize].len()).sum();
        let inflight_bytes = self.inflight.borrow().values().sum();
        (self.report)(UploadEvent::Progress { acked_bytes, inflight_bytes, chunks_done: acked.len() as u32 });
    }

    fn remember(&self) {
        let (Some(fingerprint), Some(upload_id)) = (&self.job.fingerprint, self.upload_id.borrow().clone()) else {
            return;
        };
        let entry = ResumeEntry {
            upload_id,
            total_chunks: self.ranges.len() as u32,
            chunk_size: self.job.chunk_size,
            acknowledged: self.acked.borrow().iter().copied().collect(),
            saved_at_ms: js_sys::Date::now(),
        };
        resume::remember(fingerprint, entry);
    }

    fn failure(&self, chunk: u32, error: &ApiError) -> Stop {
        let message =
            i18n::upload_chunk_failed(&self.job.label, chunk + 1, self.ranges.len() as u32, &error.to_string());
        Stop::Failed { message, transient: error.is_transient() }
    }

    /// Sends one chunk until it is acknowledged, retrying transient failures.
    async fn send_chunk(self: &Rc<Self>, index: u32, is_final: bool) -> Result<crate::api::types::ChunkAccepted, Stop> {
        let range = self.ranges[index as usize];
        let file = &self.job.files[0];
        let upload_type = self.job.strategy.upload_type();
        let mut attempt = 1;
        loop {
            if self.cancel.is_cancelled() {
                return Err(Stop::Cancelled);
            }
            let upload_id = self.upload_id.borrow().clone();
            let fields = ChunkFields {
                index,
                total: self.ranges.len() as u32,
                filename: &self.job.label,
                upload_type: &upload_type,
                upload_id: upload_id.as_deref(),
                task_id: self.job.task_id.as_deref(),
                is_final,
            };
            let handle = self.cancel.handle();
            let on_progress: Rc<dyn Fn(f64)> = {
                let ctx = self.clone();
                Rc::new(move |sent: f64| {
                    ctx.inflight.borrow_mut().insert(index, (sent as u64).min(range.len()));
                    ctx.report_progress();
                })
            };
            let result = self.client.upload_chunk(file, range.start, range.end, &fields, on_progress, &handle).await;
            self.cancel.release(&handle);
            self.inflight.borrow_mut().remove(&index);
            match result {
                Ok(accepted) => {
                    if self.upload_id.borrow().is_none() {
                        *self.upload_id.borrow_mut() = Some(accepted.upload_id.clone());
                    }
                    self.acked.borrow_mut().insert(index);
                    self.remember();
                    self.report_progress();
                    return Ok(accepted);
                }
                Err(ApiError::Cancelled) => return Err(Stop::Cancelled),
                Err(error) => match decide(&error, attempt, js_sys::Math::random()) {
                    Decision::RetryAfter { delay_ms } => {
                        (self.report)(UploadEvent::Retrying {
                            chunk: index,
                            attempt,
                            delay_ms,
                            reason: error.to_string(),
                        });
                        self.report_progress();
                        self.cancel.pause(delay_ms).await;
                        attempt += 1;
                    }
                    Decision::RestartUpload => return Err(Stop::Restart),
                    Decision::Fail => return Err(self.failure(index, &error)),
                },
            }
        }
    }

    /// Sends the middle chunks not yet acknowledged, `concurrency` at a time; after the first
    /// failure no new chunk starts (those in flight finish and stay acknowledged for resume).
    async fn send_middle(self: &Rc<Self>) -> Result<(), Stop> {
        let last = self.ranges.len() as u32 - 1;
        let queue: VecDeque<u32> = (1..last).filter(|i| !self.acked.borrow().contains(i)).collect();
        let queue = Rc::new(RefCell::new(queue));
        let stop: Rc<RefCell<Option<Stop>>> = Rc::default();
        let workers = (0..self.job.concurrency.max(1)).map(|_| {
            let (ctx, queue, stop) = (self.clone(), queue.clone(), stop.clone());
            async move {
                loop {
                    if stop.borrow().is_some() {
                        return;
                    }
                    let Some(index) = queue.borrow_mut().pop_front() else { return };
                    if let Err(reason) = ctx.send_chunk(index, false).await {
                        stop.borrow_mut().get_or_insert(reason);
                    }
                }
            }
        });
        join_all(workers).await;
        let stopped = stop.borrow_mut().take();
        match stopped {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }

    /// One pass of the chunk protocol; `Ok` carries the new batch's UUID.
    async fn send_all_chunks(self: &Rc<Self>) -> Result<String, Stop> {
        let total = self.ranges.len() as u32;
        if self.upload_id.borrow().is_none() {
            self.acked.borrow_mut().clear();
            let first = self.send_chunk(0, total == 1).await?;
            if total == 1 {
                return self.completed(first);
            }
        }
        self.send_middle().await?;
        (self.report)(UploadEvent::Finishing);
        let last = self.send_chunk(total - 1, true).await?;
        self.completed(last)
    }

    fn completed(&self, answer: crate::api::types::ChunkAccepted) -> Result<String, Stop> {
        match answer.batch_id.filter(|_| answer.is_complete) {
            Some(batch_uuid) => Ok(batch_uuid),
            // Every chunk was acknowledged but the server did not assemble them: a new
            // session is the only way forward.
            None => Err(Stop::Restart),
        }
    }
}

fn finish(report: &Rc<dyn Fn(UploadEvent)>, fingerprint: Option<&str>, result: Result<String, Stop>) {
    match result {
        Ok(batch_uuid) => {
            if let Some(fingerprint) = fingerprint {
                resume::forget(fingerprint, js_sys::Date::now());
            }
            report(UploadEvent::Done { batch_uuid });
        }
        Err(Stop::Cancelled) => report(UploadEvent::Cancelled),
        Err(Stop::Failed { message, transient }) => report(UploadEvent::Failed { message, transient }),
        Err(Stop::Restart) => report(UploadEvent::Failed { message: i18n::upload_lost_twice(), transient: false }),
    }
}

/// Runs `job` to its end, reporting every step through `report`.
pub async fn run(client: ApiClient, job: Job, report: Rc<dyn Fn(UploadEvent)>, cancel: Cancel) {
    let size: u64 = job.files.iter().map(|f| f.size() as u64).sum();
    let chunked = job.strategy != Strategy::Images && job.files.len() == 1;
    let ranges = match plan(size, job.threshold, job.chunk_size) {
        Plan::Chunked(ranges) if chunked => ranges,
        _ => {
            report(UploadEvent::Started { total_chunks: 1, chunked: false });
            let result = send_direct(&client, &job, &report, &cancel, size).await;
            return finish(&report, None, result);
        }
    };
    let stored = job
        .fingerprint
        .as_deref()
        .filter(|_| job.resume)
        .and_then(|fp| resume::find(fp, js_sys::Date::now()))
        .filter(|entry| entry.fits(ranges.len() as u32, job.chunk_size));
    report(UploadEvent::Started { total_chunks: ranges.len() as u32, chunked: true });
    let ctx = Rc::new(Ctx {
        client,
        report: report.clone(),
        cancel,
        upload_id: RefCell::new(stored.as_ref().map(|e| e.upload_id.clone())),
        acked: RefCell::new(stored.map(|e| e.acknowledged.into_iter().collect()).unwrap_or_default()),
        inflight: RefCell::default(),
        ranges,
        job,
    });
    ctx.report_progress();
    let mut result = ctx.send_all_chunks().await;
    if matches!(result, Err(Stop::Restart)) {
        // The server lost the session (404 "Upload … not found"): once, start over.
        report(UploadEvent::Restarted);
        *ctx.upload_id.borrow_mut() = None;
        ctx.acked.borrow_mut().clear();
        ctx.report_progress();
        result = ctx.send_all_chunks().await;
    }
    finish(&report, ctx.job.fingerprint.as_deref(), result);
}

/// One request for a small ZIP or an image set, retried like a chunk.
async fn send_direct(
    client: &ApiClient,
    job: &Job,
    report: &Rc<dyn Fn(UploadEvent)>,
    cancel: &Cancel,
    size: u64,
) -> Result<String, Stop> {
    let images = job.strategy == Strategy::Images;
    let fields = DirectFields {
        has_qr: job.strategy == Strategy::ZipWithQr,
        task_id: job.task_id.as_deref(),
        notes: job.notes.as_deref(),
    };
    let mut attempt = 1;
    loop {
        if cancel.is_cancelled() {
            return Err(Stop::Cancelled);
        }
        let handle = cancel.handle();
        let on_progress: Rc<dyn Fn(f64)> = {
            let report = report.clone();
            Rc::new(move |sent: f64| {
                report(UploadEvent::Progress {
                    acked_bytes: 0,
                    inflight_bytes: (sent as u64).min(size),
                    chunks_done: 0,
                })
            })
        };
        let result = client.upload_direct(&job.files, images, &fields, on_progress, &handle).await;
        cancel.release(&handle);
        match result {
            Ok(accepted) => return Ok(accepted.batch_id),
            Err(ApiError::Cancelled) => return Err(Stop::Cancelled),
            Err(error) => match decide(&error, attempt, js_sys::Math::random()) {
                Decision::RetryAfter { delay_ms } => {
                    report(UploadEvent::Retrying { chunk: 0, attempt, delay_ms, reason: error.to_string() });
                    cancel.pause(delay_ms).await;
                    attempt += 1;
                }
                _ => {
                    let message = i18n::upload_failed(&job.label, &error.to_string());
                    return Err(Stop::Failed { message, transient: error.is_transient() });
                }
            },
        }
    }
}
