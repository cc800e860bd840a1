//! The upload queue's state (a reducer): one item per file or image set, each with its own
//! phase and progress. Files upload one after another.

use super::job::{UploadEvent, UploadFailure};
use super::new_upload::NewUpload;
use super::protocol::Note;
use super::speed::{shown_percentage, SpeedMeter};
use std::rc::Rc;
use yew::Reducible;

/// Where an item stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The server already has a batch of this file: waiting for Upload again or Skip.
    ConfirmDuplicate,
    /// An earlier attempt of this file was found: waiting for Resume or Start over.
    AwaitingChoice,
    Queued,
    Uploading,
    /// All bytes sent; the server is assembling the file.
    Finishing,
    Done,
    Failed,
    Cancelled,
}

impl Phase {
    /// Phases that hold the queue (only one item at a time).
    pub fn is_active(&self) -> bool {
        matches!(self, Phase::Uploading | Phase::Finishing)
    }

    /// Phases during which leaving the page would lose work.
    pub fn is_pending(&self) -> bool {
        matches!(
            self,
            Phase::Queued | Phase::Uploading | Phase::Finishing | Phase::AwaitingChoice | Phase::ConfirmDuplicate
        )
    }
}

/// The line an item shows besides its phase.
#[derive(Clone, Debug, PartialEq)]
pub enum ItemMessage {
    Note(Note),
    Failure(UploadFailure),
    /// The batch was found after its answer was lost: the server already had the file.
    AlreadyReceived,
}

/// One queued upload and its progress.
#[derive(Clone, Debug, PartialEq)]
pub struct UploadItem {
    pub id: u32,
    pub upload: NewUpload,
    pub phase: Phase,
    /// Continue the stored session when started.
    pub continue_earlier: bool,
    pub chunked: bool,
    pub total_chunks: u32,
    pub chunks_done: u32,
    pub acked_bytes: u64,
    pub inflight_bytes: u64,
    pub speed: SpeedMeter,
    /// Latest note or the failure reason.
    pub message: Option<ItemMessage>,
    /// Failed for a reason that may pass (network, 5xx): resumed when the browser is online again.
    pub resume_when_online: bool,
    pub batch_uuid: Option<String>,
    /// When the upload was done (`Date.now()` ms): the details page opens a finished batch's
    /// event log for its QR cover comparison only while that log is surely kept.
    pub done_at_ms: Option<f64>,
}

impl UploadItem {
    /// Bytes counted as done: acknowledged plus those on the wire.
    pub fn done_bytes(&self) -> u64 {
        (self.acked_bytes + self.inflight_bytes).min(self.upload.size)
    }

    /// The bar's value: never 100 before the server confirmed.
    pub fn percentage(&self) -> f64 {
        shown_percentage(self.done_bytes(), self.upload.size, self.phase == Phase::Done)
    }

    /// Seconds left at the current speed.
    pub fn eta_secs(&self) -> Option<u64> {
        self.speed.eta_secs(self.upload.size.saturating_sub(self.done_bytes()))
    }
}

/// The queue's overall state, for the page title.
#[derive(Clone, Debug, PartialEq)]
pub enum QueueProgress {
    /// Nothing queued, or only stopped items.
    Idle,
    /// Bytes done over bytes of every pending item.
    Running { percentage: f64 },
    /// Everything that was queued is uploaded.
    AllDone,
}

/// Everything the queue changes on.
pub enum QueueAction {
    Add(Vec<NewUpload>),
    /// The user chose for an item whose file the server already has.
    ConfirmDuplicate {
        id: u32,
        upload_again: bool,
    },
    /// The user chose for an item found in the resume store.
    Choose {
        id: u32,
        resume: bool,
    },
    Start(u32),
    Event {
        id: u32,
        event: UploadEvent,
        now_ms: f64,
    },
    /// Failed or cancelled item back in the queue; keeps acknowledged chunks.
    Retry(u32),
    /// The browser is online again: every item that failed on a passing cause resumes.
    BackOnline,
    Remove(u32),
    /// The sign-in changed (to `Some` new one, or to nobody): every item of the previous one
    /// goes (the runner of an active one was cancelled first), and only uploads of this one
    /// are taken from now on.
    SignIn(Option<String>),
    /// Removes the rows whose upload is over (done, failed, cancelled).
    ClearFinished,
}

/// The queue.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueState {
    pub items: Vec<UploadItem>,
    /// The sign-in whose uploads the queue holds.
    owner: Option<String>,
    next_id: u32,
    /// Uploads finished since the page loaded (lists refresh when it changes).
    pub completed: u32,
}

impl QueueState {
    /// The item that should start now, if none is active.
    pub fn next_to_start(&self) -> Option<u32> {
        if self.items.iter().any(|i| i.phase.is_active()) {
            return None;
        }
        self.items.iter().find(|i| i.phase == Phase::Queued).map(|i| i.id)
    }

    /// Overall progress of what is pending, or "all done" once the last upload finished.
    pub fn progress(&self) -> QueueProgress {
        let pending: Vec<&UploadItem> = self.items.iter().filter(|i| i.phase.is_pending()).collect();
        if pending.is_empty() {
            return match self.items.iter().any(|i| i.phase == Phase::Done) {
                true => QueueProgress::AllDone,
                false => QueueProgress::Idle,
            };
        }
        let total: u64 = pending.iter().map(|i| i.upload.size).sum();
        let done: u64 = pending.iter().map(|i| i.done_bytes()).sum();
        let percentage = if total == 0 { 0.0 } else { (done as f64 * 100.0 / total as f64).min(99.0) };
        QueueProgress::Running { percentage }
    }

    /// Whether leaving the page now would lose work.
    pub fn has_pending(&self) -> bool {
        self.items.iter().any(|i| i.phase.is_pending())
    }

    fn item(&mut self, id: u32) -> Option<&mut UploadItem> {
        self.items.iter_mut().find(|i| i.id == id)
    }

    fn apply(&mut self, id: u32, event: UploadEvent, now_ms: f64) {
        let mut completed = false;
        let Some(item) = self.item(id) else { return };
        match event {
            UploadEvent::Started { total_chunks, chunked } => {
                item.total_chunks = total_chunks;
                item.chunked = chunked;
                item.speed.rebase();
            }
            UploadEvent::Progress { acked_bytes, inflight_bytes, chunks_done } => {
                item.acked_bytes = acked_bytes;
                item.inflight_bytes = inflight_bytes;
                item.chunks_done = chunks_done;
                item.speed.sample(acked_bytes + inflight_bytes, now_ms);
            }
            UploadEvent::Note(note) => {
                if matches!(note, Note::Retrying { .. }) {
                    item.speed.rebase();
                }
                item.message = Some(ItemMessage::Note(note));
            }
            UploadEvent::Finishing => item.phase = Phase::Finishing,
            UploadEvent::Done { batch_uuid, recovered } => {
                item.phase = Phase::Done;
                item.batch_uuid = Some(batch_uuid);
                item.done_at_ms = Some(now_ms);
                item.message = recovered.then_some(ItemMessage::AlreadyReceived);
                item.inflight_bytes = 0;
                item.acked_bytes = item.upload.size;
                item.chunks_done = item.total_chunks;
                completed = true;
            }
            UploadEvent::Failed(failure) => {
                item.phase = Phase::Failed;
                item.resume_when_online = failure.is_transient();
                item.message = Some(ItemMessage::Failure(failure));
                item.inflight_bytes = 0;
            }
            UploadEvent::Cancelled => {
                item.phase = Phase::Cancelled;
                item.message = None;
                item.inflight_bytes = 0;
            }
        }
        if completed {
            self.completed += 1;
        }
    }
}

impl Reducible for QueueState {
    type Action = QueueAction;

    fn reduce(self: Rc<Self>, action: QueueAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            QueueAction::Add(uploads) => {
                // A submit that began under another sign-in (a user who has since signed out
                // or been replaced) never lands in this one's queue.
                let owned = uploads.into_iter().filter(|u| next.owner.as_deref() == Some(u.session_id.as_str()));
                for upload in owned {
                    next.next_id += 1;
                    let phase = match (&upload.duplicate_of, &upload.earlier_attempt) {
                        (Some(_), _) => Phase::ConfirmDuplicate,
                        (None, Some(_)) => Phase::AwaitingChoice,
                        (None, None) => Phase::Queued,
                    };
                    next.items.push(UploadItem {
                        id: next.next_id,
                        continue_earlier: upload.earlier_attempt.is_some(),
                        upload,
                        phase,
                        chunked: false,
                        total_chunks: 0,
                        chunks_done: 0,
                        acked_bytes: 0,
                        inflight_bytes: 0,
                        speed: SpeedMeter::default(),
                        message: None,
                        resume_when_online: false,
                        batch_uuid: None,
                        done_at_ms: None,
                    });
                }
            }
            QueueAction::ConfirmDuplicate { id, upload_again: false } => {
                next.items.retain(|i| i.id != id || i.phase != Phase::ConfirmDuplicate);
            }
            QueueAction::ConfirmDuplicate { id, upload_again: true } => {
                if let Some(item) = next.item(id).filter(|i| i.phase == Phase::ConfirmDuplicate) {
                    item.phase =
                        if item.upload.earlier_attempt.is_some() { Phase::AwaitingChoice } else { Phase::Queued };
                }
            }
            QueueAction::Choose { id, resume } => {
                if let Some(item) = next.item(id).filter(|i| i.phase == Phase::AwaitingChoice) {
                    item.continue_earlier = resume;
                    item.phase = Phase::Queued;
                }
            }
            QueueAction::Start(id) => {
                if let Some(item) = next.item(id).filter(|i| i.phase == Phase::Queued) {
                    item.phase = Phase::Uploading;
                    item.message = None;
                }
            }
            QueueAction::Event { id, event, now_ms } => next.apply(id, event, now_ms),
            QueueAction::Retry(id) => {
                if let Some(item) = next.item(id).filter(|i| matches!(i.phase, Phase::Failed | Phase::Cancelled)) {
                    item.phase = Phase::Queued;
                    // Chunks the server acknowledged are kept in the resume store.
                    item.continue_earlier = true;
                    item.message = None;
                }
            }
            QueueAction::BackOnline => {
                for item in next.items.iter_mut().filter(|i| i.phase == Phase::Failed && i.resume_when_online) {
                    item.phase = Phase::Queued;
                    item.continue_earlier = true;
                    item.resume_when_online = false;
                    item.message = None;
                }
            }
            QueueAction::Remove(id) => next.items.retain(|i| i.id != id || i.phase.is_active()),
            QueueAction::SignIn(owner) => {
                next.items.clear();
                next.owner = owner;
            }
            QueueAction::ClearFinished => next.items.retain(|i| i.phase.is_pending()),
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::upload::new_upload::EarlierBatch;
    use crate::upload::resume::ResumeEntry;

    /// An empty queue of sign-in `s1`.
    fn queue() -> Rc<QueueState> {
        Rc::new(QueueState::default()).reduce(QueueAction::SignIn(Some("s1".into())))
    }

    fn upload(label: &str, earlier_attempt: Option<ResumeEntry>) -> NewUpload {
        NewUpload { earlier_attempt, ..crate::upload::new_upload::sample(label) }
    }

    fn refusal() -> crate::api::ApiError {
        crate::api::ApiError::Rejected { status: 400, message: "Invalid upload_type".into() }
    }

    fn event(state: Rc<QueueState>, id: u32, event: UploadEvent) -> Rc<QueueState> {
        state.reduce(QueueAction::Event { id, event, now_ms: 0.0 })
    }

    #[test]
    fn files_upload_one_after_another() {
        let state = queue().reduce(QueueAction::Add(vec![upload("a.zip", None), upload("b.zip", None)]));
        assert_eq!(state.next_to_start(), Some(1));
        let state = state.reduce(QueueAction::Start(1));
        assert_eq!(state.next_to_start(), None, "one at a time");
        let state = event(state, 1, UploadEvent::Done { batch_uuid: "u".into(), recovered: false });
        assert_eq!(state.next_to_start(), Some(2));
        assert_eq!(state.completed, 1);
        assert_eq!(state.items[0].percentage(), 100.0);
    }

    #[test]
    fn bar_stays_below_100_until_confirmed() {
        let state = queue().reduce(QueueAction::Add(vec![upload("a.zip", None)])).reduce(QueueAction::Start(1));
        let state = event(state, 1, UploadEvent::Progress { acked_bytes: 100, inflight_bytes: 0, chunks_done: 2 });
        assert_eq!(state.items[0].percentage(), 99.0);
        let state = event(state, 1, UploadEvent::Finishing);
        assert_eq!(state.items[0].phase, Phase::Finishing);
    }

    #[test]
    fn a_found_earlier_attempt_waits_for_a_choice() {
        let entry = ResumeEntry {
            upload_id: "u".into(),
            total_chunks: 4,
            chunk_size: 10,
            acknowledged: vec![0, 1],
            saved_at_ms: 0.0,
            completion_unknown: false,
            label: "a.zip".into(),
            options: Default::default(),
        };
        let state = queue().reduce(QueueAction::Add(vec![upload("a.zip", Some(entry))]));
        assert_eq!(state.items[0].phase, Phase::AwaitingChoice);
        assert_eq!(state.next_to_start(), None);
        assert!(state.has_pending(), "leaving would lose the choice");
        let state = state.reduce(QueueAction::Choose { id: 1, resume: false });
        assert!(!state.items[0].continue_earlier);
        assert_eq!(state.next_to_start(), Some(1));
    }

    #[test]
    fn failed_items_retry_with_resume_and_active_ones_cannot_be_removed() {
        let state = queue().reduce(QueueAction::Add(vec![upload("a.zip", None)])).reduce(QueueAction::Start(1));
        let same = state.clone().reduce(QueueAction::Remove(1));
        assert_eq!(same.items.len(), 1, "an active upload stays");
        let refused = UploadFailure::Request { chunk: 3, total: 4, cause: refusal() };
        let state = event(state, 1, UploadEvent::Failed(refused.clone()));
        assert_eq!(state.items[0].message, Some(ItemMessage::Failure(refused)));
        assert!(!state.has_pending());
        let state = state.reduce(QueueAction::Retry(1));
        assert_eq!(state.items[0].phase, Phase::Queued);
        assert!(state.items[0].continue_earlier);
        let state = event(state, 1, UploadEvent::Cancelled).reduce(QueueAction::Remove(1));
        assert!(state.items.is_empty());
    }

    #[test]
    fn back_online_resumes_only_passing_failures() {
        let state = queue()
            .reduce(QueueAction::Add(vec![upload("net.zip", None), upload("bad.zip", None)]))
            .reduce(QueueAction::Start(1));
        let offline = UploadFailure::Request { chunk: 2, total: 4, cause: crate::api::ApiError::Offline };
        let state = event(state, 1, UploadEvent::Failed(offline)).reduce(QueueAction::Start(2));
        let state =
            event(state, 2, UploadEvent::Failed(UploadFailure::Request { chunk: 1, total: 4, cause: refusal() }));
        let state = state.reduce(QueueAction::BackOnline);
        assert_eq!(state.items[0].phase, Phase::Queued);
        assert!(state.items[0].continue_earlier);
        assert_eq!(state.items[1].phase, Phase::Failed, "a refusal does not come back by itself");
    }

    #[test]
    fn a_file_the_server_already_has_waits_for_upload_again_or_skip() {
        let earlier = EarlierBatch { batch_uuid: "b".into(), created_at: Some("2025-12-18T09:41:07".into()) };
        let twice = |label: &str| NewUpload { duplicate_of: Some(earlier.clone()), ..upload(label, None) };
        let state = queue().reduce(QueueAction::Add(vec![twice("a.zip"), twice("b.zip")]));
        assert!(state.items.iter().all(|i| i.phase == Phase::ConfirmDuplicate));
        assert_eq!(state.next_to_start(), None, "nothing starts without the choice");
        let state = state.reduce(QueueAction::ConfirmDuplicate { id: 1, upload_again: true });
        assert_eq!(state.items[0].phase, Phase::Queued);
        let state = state.reduce(QueueAction::ConfirmDuplicate { id: 2, upload_again: false });
        assert_eq!(state.items.len(), 1, "skipped");
    }

    #[test]
    fn the_title_progress_and_clear_finished() {
        let state = queue();
        assert_eq!(state.progress(), QueueProgress::Idle);
        let state = state
            .reduce(QueueAction::Add(vec![upload("a.zip", None), upload("b.zip", None)]))
            .reduce(QueueAction::Start(1));
        let state = event(state, 1, UploadEvent::Progress { acked_bytes: 50, inflight_bytes: 0, chunks_done: 1 });
        assert_eq!(state.progress(), QueueProgress::Running { percentage: 25.0 }, "50 of 200 bytes");
        let state = event(state, 1, UploadEvent::Done { batch_uuid: "u".into(), recovered: false });
        assert_eq!(state.progress(), QueueProgress::Running { percentage: 0.0 }, "b.zip still to go");
        let state = state.reduce(QueueAction::Start(2));
        let state = event(state, 2, UploadEvent::Done { batch_uuid: "v".into(), recovered: false });
        assert_eq!(state.progress(), QueueProgress::AllDone);
        let state = state.reduce(QueueAction::Add(vec![upload("c.zip", None)])).reduce(QueueAction::ClearFinished);
        assert_eq!(state.items.iter().map(|i| i.upload.label.as_str()).collect::<Vec<_>>(), ["c.zip"]);
    }

    #[test]
    fn a_found_batch_says_the_server_already_had_it_and_clear_empties_the_queue() {
        let state = queue()
            .reduce(QueueAction::Add(vec![upload("a.zip", None), upload("b.zip", None)]))
            .reduce(QueueAction::Start(1));
        let state = event(state, 1, UploadEvent::Done { batch_uuid: "u".into(), recovered: true });
        assert_eq!(state.items[0].message, Some(ItemMessage::AlreadyReceived));
        let state = state.reduce(QueueAction::SignIn(None));
        assert!(state.items.is_empty() && state.next_to_start().is_none());
    }

    #[test]
    fn only_the_current_sign_in_adds_uploads() {
        let of = |session_id: &str| NewUpload { session_id: session_id.into(), ..upload("a.zip", None) };
        // Nobody signed in: a late submit adds nothing.
        let nobody = Rc::new(QueueState::default()).reduce(QueueAction::Add(vec![of("s1")]));
        assert!(nobody.items.is_empty());
        // Signed in as s2: a submit that s1 began before the switch adds nothing, s2's does.
        let state = Rc::new(QueueState::default()).reduce(QueueAction::SignIn(Some("s2".into())));
        let state = state.reduce(QueueAction::Add(vec![of("s1")]));
        assert!(state.items.is_empty());
        let state = state.reduce(QueueAction::Add(vec![of("s2"), of("s1")]));
        assert_eq!(state.items.iter().map(|i| i.upload.session_id.as_str()).collect::<Vec<_>>(), ["s2"]);
        // The next sign-in starts from an empty queue.
        let state = state.reduce(QueueAction::SignIn(Some("s3".into())));
        assert!(state.items.is_empty());
    }
}
