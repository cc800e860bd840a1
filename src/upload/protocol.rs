//! The upload protocol as a pure state machine: events in (an answer, a failure, a look-up
//! result, a cancel), commands out (send this request after this wait, look for the batch,
//! save the resume record, tell the user, finish). No browser, no clock: `runner` drives it.
//!
//! Chunked: chunk 0 alone (it mints the `upload_id`), the middle chunks `concurrency` at a
//! time, the final chunk alone once every other one was acknowledged. Direct: one request.
//!
//! Never the same file twice because an answer was lost: when the answer to the completing
//! request is lost or unreadable, when it says complete without a `batch_id`, or when the
//! chunk session is gone after the completing request was sent, the machine first looks for
//! the batch the server may already have made (the runner searches the user's newest
//! batches). Only when none appears within a few polls does it send again, or start over.

use super::retry::{decide, Decision, MAX_ATTEMPTS};
use crate::api::{ApiError, NetworkFailure};
use std::collections::{BTreeSet, VecDeque};

/// Look-ups made before concluding that the server did not create the batch.
pub const LOOKUP_POLLS: u32 = 3;

/// The cause recorded for an answer that never arrived.
fn lost_answer() -> ApiError {
    ApiError::Network(NetworkFailure::AnswerLost)
}

/// A request the runner is to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `POST /upload-chunk` for chunk `index`; `upload_id` is absent on a new session's chunk 0.
    Chunk { index: u32, upload_id: Option<String>, is_final: bool },
    /// `POST /upload`: the whole file or image set in one request.
    Direct,
}

impl Request {
    /// The chunk index (0 for a direct upload).
    pub fn index(&self) -> u32 {
        match self {
            Request::Chunk { index, .. } => *index,
            Request::Direct => 0,
        }
    }
}

/// What the user is told on the way.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// Request `chunk` failed on attempt `attempt`; it is sent again after `delay_ms`.
    Retrying { chunk: u32, attempt: u32, delay_ms: u64, cause: ApiError },
    /// Starting over from chunk 0: the server no longer had the chunk session (`refused`
    /// `None`), or it refused to make the batch with this reason.
    Restarted { refused: Option<ApiError> },
    /// An answer was lost: looking for the batch the server may have created.
    Verifying,
}

/// How the upload ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The batch exists; `recovered` when it was found after its answer was lost.
    Done {
        batch_uuid: String,
        recovered: bool,
    },
    /// Gave up on request `chunk` with `cause`.
    Failed {
        chunk: u32,
        cause: ApiError,
    },
    /// The chunk session was lost again after one restart.
    LostTwice,
    Cancelled,
}

/// What the runner is to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Send after waiting `delay_ms` (0: at once).
    Send {
        request: Request,
        delay_ms: u64,
    },
    /// Look for the batch this upload may already have created, after `delay_ms`.
    LookUp {
        delay_ms: u64,
    },
    /// Persist [`Protocol::progress`] as the resume record (or forget it when there is no session).
    Save,
    Tell(Note),
    Finish(Outcome),
}

/// What happened to a request the runner sent.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// 202: the session id, and on the completing answer `complete` and maybe the batch.
    Accepted {
        upload_id: Option<String>,
        complete: bool,
        batch_id: Option<String>,
    },
    Failed(ApiError),
}

/// Everything the machine reacts to.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The request for chunk `index` (0 for direct) ended; `jitter` in `[0, 1)` spreads retries.
    Answered {
        index: u32,
        answer: Answer,
        jitter: f64,
    },
    /// The result of a look-up: the batch's UUID when found.
    LookedUp(Result<Option<String>, ApiError>),
    Cancelled,
}

/// What a resumed upload starts from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resume {
    pub upload_id: Option<String>,
    pub acknowledged: Vec<u32>,
    /// The completing request was sent and its answer never arrived.
    pub completion_unknown: bool,
}

/// What to do once the look-up found nothing.
#[derive(Clone, Debug, PartialEq)]
enum Unfound {
    /// Send the completing request again (it failed with `cause` on attempt `attempt`).
    Resend { request: Request, attempt: u32, cause: ApiError },
    /// The session is gone: start over from chunk 0.
    Restart,
}

/// Why no new chunk starts: waiting for the ones in flight, then this.
#[derive(Clone, Debug, PartialEq)]
enum Stop {
    Fail(Outcome),
    Restart,
}

/// The protocol's state for one file.
#[derive(Clone, Debug)]
pub struct Protocol {
    /// `None` for a direct upload.
    total: Option<u32>,
    concurrency: u32,
    lookup_interval_ms: u64,
    upload_id: Option<String>,
    acknowledged: BTreeSet<u32>,
    waiting: VecDeque<u32>,
    /// Sent or waiting to be sent again, with their attempt numbers.
    in_flight: Vec<(u32, u32)>,
    restarted: bool,
    /// Why the next restart happens, when the server refused to make the batch.
    refused: Option<ApiError>,
    completion_unknown: bool,
    stop: Option<Stop>,
    /// Polls made and what comes next, while looking for the batch.
    lookup: Option<(u32, Unfound)>,
    over: bool,
}

/// The resume record's content.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub upload_id: Option<String>,
    pub acknowledged: Vec<u32>,
    pub completion_unknown: bool,
}

impl Protocol {
    /// A chunked upload of `total` chunks.
    pub fn chunked(total: u32, concurrency: u32, lookup_interval_ms: u64) -> Protocol {
        Protocol::new(Some(total.max(1)), concurrency, lookup_interval_ms)
    }

    /// A direct upload.
    pub fn direct(lookup_interval_ms: u64) -> Protocol {
        Protocol::new(None, 1, lookup_interval_ms)
    }

    fn new(total: Option<u32>, concurrency: u32, lookup_interval_ms: u64) -> Protocol {
        Protocol {
            total,
            concurrency: concurrency.max(1),
            lookup_interval_ms,
            upload_id: None,
            acknowledged: BTreeSet::new(),
            waiting: VecDeque::new(),
            in_flight: Vec::new(),
            restarted: false,
            refused: None,
            completion_unknown: false,
            stop: None,
            lookup: None,
            over: false,
        }
    }

    /// What the resume record is to hold now.
    pub fn progress(&self) -> Progress {
        Progress {
            upload_id: self.upload_id.clone(),
            acknowledged: self.acknowledged.iter().copied().collect(),
            completion_unknown: self.completion_unknown,
        }
    }

    /// Chunks acknowledged so far.
    pub fn acknowledged(&self) -> &BTreeSet<u32> {
        &self.acknowledged
    }

    /// The commands that begin the upload, continuing `resume` when given. Indexes outside
    /// the plan are ignored.
    pub fn start(&mut self, resume: Resume) -> Vec<Command> {
        let mut out = Vec::new();
        if let Some(total) = self.total {
            self.upload_id = resume.upload_id.filter(|id| !id.trim().is_empty());
            if self.upload_id.is_some() {
                self.acknowledged = resume.acknowledged.into_iter().filter(|i| *i < total).collect();
            }
        }
        if resume.completion_unknown {
            self.completion_unknown = true;
            let then = match (&self.upload_id, self.total) {
                (Some(_), Some(total)) => {
                    Unfound::Resend { request: self.completing_request(total), attempt: 1, cause: lost_answer() }
                }
                (None, Some(_)) => Unfound::Restart,
                (_, None) => Unfound::Resend { request: Request::Direct, attempt: 1, cause: lost_answer() },
            };
            self.look_up(then, &mut out);
            return out;
        }
        self.begin(&mut out);
        out
    }

    fn completing_request(&self, total: u32) -> Request {
        Request::Chunk { index: total - 1, upload_id: self.upload_id.clone(), is_final: true }
    }

    fn begin(&mut self, out: &mut Vec<Command>) {
        match (self.total, &self.upload_id) {
            (None, _) => self.send(Request::Direct, 1, 0, out),
            (Some(total), None) => {
                self.acknowledged.clear();
                let request = Request::Chunk { index: 0, upload_id: None, is_final: total == 1 };
                self.send(request, 1, 0, out);
            }
            (Some(total), Some(_)) => {
                self.waiting = (1..total.saturating_sub(1)).filter(|i| !self.acknowledged.contains(i)).collect();
                self.fill(out);
            }
        }
    }

    fn send(&mut self, request: Request, attempt: u32, delay_ms: u64, out: &mut Vec<Command>) {
        let index = request.index();
        if self.is_completing(&request) {
            // From here on the server may create the batch even if its answer never arrives.
            self.completion_unknown = true;
            out.push(Command::Save);
        }
        self.in_flight.retain(|(i, _)| *i != index);
        self.in_flight.push((index, attempt));
        out.push(Command::Send { request, delay_ms });
    }

    fn is_completing(&self, request: &Request) -> bool {
        match (request, self.total) {
            (Request::Direct, _) => true,
            (Request::Chunk { index, .. }, Some(total)) => *index + 1 == total,
            (Request::Chunk { .. }, None) => false,
        }
    }

    /// Starts middle chunks up to the concurrency limit; the final chunk once all are in.
    fn fill(&mut self, out: &mut Vec<Command>) {
        let Some(total) = self.total else { return };
        if let Some(stop) = self.stop.clone() {
            if self.in_flight.is_empty() {
                self.stop = None;
                match stop {
                    Stop::Fail(outcome) => self.finish(outcome, out),
                    Stop::Restart => self.restart(out),
                }
            }
            return;
        }
        while self.in_flight.len() < self.concurrency as usize {
            let Some(index) = self.waiting.pop_front() else { break };
            let request = Request::Chunk { index, upload_id: self.upload_id.clone(), is_final: false };
            self.send(request, 1, 0, out);
        }
        if self.waiting.is_empty() && self.in_flight.is_empty() {
            let request = self.completing_request(total);
            self.send(request, 1, 0, out);
        }
    }

    fn finish(&mut self, outcome: Outcome, out: &mut Vec<Command>) {
        self.over = true;
        self.in_flight.clear();
        if matches!(outcome, Outcome::Done { .. }) {
            self.completion_unknown = false;
        }
        out.push(Command::Finish(outcome));
    }

    fn restart(&mut self, out: &mut Vec<Command>) {
        if self.restarted {
            return self.finish(Outcome::LostTwice, out);
        }
        self.restarted = true;
        self.upload_id = None;
        self.acknowledged.clear();
        self.waiting.clear();
        self.completion_unknown = false;
        out.push(Command::Save);
        out.push(Command::Tell(Note::Restarted { refused: self.refused.take() }));
        self.begin(out);
    }

    fn look_up(&mut self, then: Unfound, out: &mut Vec<Command>) {
        self.in_flight.clear();
        self.lookup = Some((0, then));
        out.push(Command::Tell(Note::Verifying));
        out.push(Command::LookUp { delay_ms: 0 });
    }

    fn attempt_of(&self, index: u32) -> u32 {
        self.in_flight.iter().find(|(i, _)| *i == index).map_or(1, |(_, attempt)| *attempt)
    }

    fn request_for(&self, index: u32) -> Request {
        match self.total {
            None => Request::Direct,
            Some(total) if index == 0 && self.upload_id.is_none() => {
                Request::Chunk { index, upload_id: None, is_final: total == 1 }
            }
            Some(total) => Request::Chunk { index, upload_id: self.upload_id.clone(), is_final: index + 1 == total },
        }
    }

    /// Reacts to one event.
    pub fn handle(&mut self, event: Event) -> Vec<Command> {
        let mut out = Vec::new();
        if self.over {
            return out;
        }
        match event {
            Event::Cancelled => self.finish(Outcome::Cancelled, &mut out),
            Event::Answered { index, answer, jitter } => {
                // An answer for a request no longer awaited (e.g. during a look-up) changes nothing.
                if !self.in_flight.iter().any(|(i, _)| *i == index) {
                    return out;
                }
                match answer {
                    Answer::Accepted { upload_id, complete, batch_id } => {
                        self.accepted(index, upload_id, complete, batch_id, &mut out)
                    }
                    Answer::Failed(cause) => self.failed(index, cause, jitter, &mut out),
                }
            }
            Event::LookedUp(result) => self.looked_up(result, &mut out),
        }
        out
    }

    fn accepted(
        &mut self,
        index: u32,
        upload_id: Option<String>,
        complete: bool,
        batch_id: Option<String>,
        out: &mut Vec<Command>,
    ) {
        self.in_flight.retain(|(i, _)| *i != index);
        if let (None, Some(id)) = (&self.upload_id, upload_id.filter(|id| !id.is_empty())) {
            self.upload_id = Some(id);
        }
        if self.total.is_some() {
            self.acknowledged.insert(index);
        }
        match (complete || self.total.is_none(), batch_id.filter(|b| !b.is_empty())) {
            (true, Some(batch_uuid)) => return self.finish(Outcome::Done { batch_uuid, recovered: false }, out),
            // "Complete" without the batch (or a direct 202 without one): look before resending.
            (true, None) => {
                let then = match self.total {
                    Some(_) => Unfound::Restart,
                    None => Unfound::Resend {
                        request: Request::Direct,
                        attempt: 1,
                        cause: ApiError::Undecodable("batch_id".into()),
                    },
                };
                self.completion_unknown = true;
                out.push(Command::Save);
                return self.look_up(then, out);
            }
            (false, _) => {}
        }
        let total = self.total.unwrap_or(1);
        if index + 1 == total {
            // Every chunk acknowledged, yet the server did not assemble them: only a new
            // session helps.
            self.completion_unknown = false;
            self.stop = Some(Stop::Restart);
            return self.fill(out);
        }
        out.push(Command::Save);
        if index == 0 && self.waiting.is_empty() && self.stop.is_none() {
            self.waiting = (1..total - 1).filter(|i| !self.acknowledged.contains(i)).collect();
        }
        self.fill(out);
    }

    fn failed(&mut self, index: u32, cause: ApiError, jitter: f64, out: &mut Vec<Command>) {
        if cause == ApiError::Cancelled {
            return self.finish(Outcome::Cancelled, out);
        }
        if matches!(cause, ApiError::BatchCreationFailed(_)) {
            return self.batch_not_created(index, cause, out);
        }
        let attempt = self.attempt_of(index);
        let request = self.request_for(index);
        let completing = self.is_completing(&request);
        // The answer of the completing request may have been lost after the server acted on it.
        let answer_lost = cause.is_transient() || matches!(cause, ApiError::Undecodable(_));
        if completing && answer_lost && self.stop.is_none() {
            return self.look_up(Unfound::Resend { request, attempt, cause }, out);
        }
        // An unreadable 202 for a chunk that completes nothing: sending it again is harmless.
        let policy_cause = if matches!(cause, ApiError::Undecodable(_)) { lost_answer() } else { cause.clone() };
        match decide(&policy_cause, attempt, jitter) {
            Decision::RetryAfter { delay_ms } if self.stop.is_none() => {
                out.push(Command::Tell(Note::Retrying { chunk: index, attempt, delay_ms, cause }));
                self.send(request, attempt + 1, delay_ms, out);
            }
            Decision::RestartUpload if self.completion_unknown && self.stop.is_none() => {
                self.look_up(Unfound::Restart, out)
            }
            Decision::RestartUpload => {
                self.in_flight.retain(|(i, _)| *i != index);
                self.stop.get_or_insert(Stop::Restart);
                self.fill(out);
            }
            _ => {
                self.in_flight.retain(|(i, _)| *i != index);
                if completing && !answer_lost {
                    // A plain refusal of the completing request: the server made no batch.
                    self.completion_unknown = false;
                    out.push(Command::Save);
                }
                let outcome = Outcome::Failed { chunk: index, cause };
                if self.total.is_none() {
                    return self.finish(outcome, out);
                }
                self.stop.get_or_insert(Stop::Fail(outcome));
                self.fill(out);
            }
        }
    }

    /// 500 "Batch creation failed: …": the server answered that it made no batch and has
    /// deleted the session, so there is nothing to look for and nothing to send again under it.
    /// A new session from chunk 0 once, as for a lost session (contract §5.2); the second time
    /// the cause is the outcome, so a refusal that does not pass (a file name the server does
    /// not take) is said rather than sent for ever.
    fn batch_not_created(&mut self, index: u32, cause: ApiError, out: &mut Vec<Command>) {
        self.in_flight.retain(|(i, _)| *i != index);
        self.completion_unknown = false;
        self.upload_id = None;
        self.acknowledged.clear();
        self.waiting.clear();
        out.push(Command::Save);
        if self.total.is_none() || self.restarted {
            self.stop = None;
            return self.finish(Outcome::Failed { chunk: index, cause }, out);
        }
        self.refused = Some(cause);
        self.stop.get_or_insert(Stop::Restart);
        self.fill(out);
    }

    fn looked_up(&mut self, result: Result<Option<String>, ApiError>, out: &mut Vec<Command>) {
        let Some((polls, then)) = self.lookup.take() else { return };
        let lookup_error = match result {
            Ok(Some(batch_uuid)) => return self.finish(Outcome::Done { batch_uuid, recovered: true }, out),
            Ok(None) => None,
            Err(error) => Some(error),
        };
        let polls = polls + 1;
        if polls < LOOKUP_POLLS && !matches!(lookup_error, Some(ApiError::Offline | ApiError::SessionChanged)) {
            self.lookup = Some((polls, then));
            out.push(Command::LookUp { delay_ms: self.lookup_interval_ms });
            return;
        }
        if let Some(error) = lookup_error {
            // The server cannot be asked: stop here; the record keeps "completion unknown", so
            // a later retry looks again before sending anything.
            let chunk = match &then {
                Unfound::Resend { request, .. } => request.index(),
                Unfound::Restart => 0,
            };
            return self.finish(Outcome::Failed { chunk, cause: error }, out);
        }
        match then {
            Unfound::Restart => self.restart(out),
            Unfound::Resend { request, attempt, cause } if attempt >= MAX_ATTEMPTS => {
                self.finish(Outcome::Failed { chunk: request.index(), cause }, out)
            }
            // The grace polls were the wait: send again at once.
            Unfound::Resend { request, attempt, .. } => self.send(request, attempt + 1, 0, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLL: u64 = 2_000;

    fn sends(commands: &[Command]) -> Vec<(u32, bool, Option<String>, u64)> {
        commands
            .iter()
            .filter_map(|c| match c {
                Command::Send { request: Request::Chunk { index, upload_id, is_final }, delay_ms } => {
                    Some((*index, *is_final, upload_id.clone(), *delay_ms))
                }
                Command::Send { request: Request::Direct, delay_ms } => Some((0, true, None, *delay_ms)),
                _ => None,
            })
            .collect()
    }

    fn indexes(commands: &[Command]) -> Vec<u32> {
        sends(commands).into_iter().map(|(index, ..)| index).collect()
    }

    fn ok(index: u32) -> Event {
        Event::Answered {
            index,
            answer: Answer::Accepted { upload_id: Some("up-1".into()), complete: false, batch_id: None },
            jitter: 0.5,
        }
    }

    fn complete(index: u32, batch: Option<&str>) -> Event {
        Event::Answered {
            index,
            answer: Answer::Accepted {
                upload_id: Some("up-1".into()),
                complete: true,
                batch_id: batch.map(Into::into),
            },
            jitter: 0.5,
        }
    }

    fn failed(index: u32, cause: ApiError) -> Event {
        Event::Answered { index, answer: Answer::Failed(cause), jitter: 0.5 }
    }

    fn network() -> ApiError {
        ApiError::Network(NetworkFailure::Interrupted)
    }

    fn lost_session() -> ApiError {
        ApiError::UploadSessionLost("Upload up-1 not found. Please restart upload.".into())
    }

    fn finished(commands: &[Command]) -> Option<Outcome> {
        commands.iter().find_map(|c| match c {
            Command::Finish(outcome) => Some(outcome.clone()),
            _ => None,
        })
    }

    fn looks_up(commands: &[Command]) -> Option<u64> {
        commands.iter().find_map(|c| match c {
            Command::LookUp { delay_ms } => Some(*delay_ms),
            _ => None,
        })
    }

    /// Chunks 0 … total-2 acknowledged; returns the commands that followed the last answer.
    fn through_middle(protocol: &mut Protocol, total: u32) -> Vec<Command> {
        let mut last = protocol.handle(ok(0));
        for index in 1..total - 1 {
            last = protocol.handle(ok(index));
        }
        last
    }

    #[test]
    fn chunk_zero_alone_then_the_middle_then_the_final_alone() {
        let mut protocol = Protocol::chunked(4, 2, POLL);
        let first = protocol.start(Resume::default());
        assert_eq!(sends(&first), vec![(0, false, None, 0)], "chunk 0 alone, without an upload_id");
        let middle = protocol.handle(ok(0));
        assert_eq!(indexes(&middle), vec![1, 2]);
        assert!(sends(&middle).iter().all(|(_, is_final, id, _)| !is_final && id.as_deref() == Some("up-1")));
        assert!(middle.contains(&Command::Save), "the upload_id is recorded at once");
        assert!(indexes(&protocol.handle(ok(1))).is_empty(), "the final chunk waits for chunk 2");
        let last = protocol.handle(ok(2));
        assert_eq!(sends(&last), vec![(3, true, Some("up-1".into()), 0)]);
        assert!(protocol.progress().completion_unknown, "from now on the batch may exist");
        let done = protocol.handle(complete(3, Some("b-1")));
        assert_eq!(finished(&done), Some(Outcome::Done { batch_uuid: "b-1".into(), recovered: false }));
        assert!(protocol.handle(ok(3)).is_empty(), "nothing after the end");
    }

    #[test]
    fn never_more_than_the_concurrency_limit_in_flight() {
        let mut protocol = Protocol::chunked(12, 3, POLL);
        protocol.start(Resume::default());
        let mut in_flight: Vec<u32> = indexes(&protocol.handle(ok(0)));
        assert_eq!(in_flight.len(), 3);
        let mut sent_final = false;
        while let Some(index) = in_flight.first().copied() {
            in_flight.remove(0);
            let next = protocol.handle(ok(index));
            for (index, is_final, ..) in sends(&next) {
                if is_final {
                    assert!(in_flight.is_empty(), "the final chunk goes alone");
                    assert_eq!(protocol.acknowledged().len(), 11);
                    sent_final = true;
                } else {
                    in_flight.push(index);
                }
            }
            assert!(in_flight.len() <= 3, "{in_flight:?}");
        }
        assert!(sent_final);
    }

    #[test]
    fn a_single_chunk_is_first_and_final() {
        let mut protocol = Protocol::chunked(1, 3, POLL);
        assert_eq!(sends(&protocol.start(Resume::default())), vec![(0, true, None, 0)]);
        let lost = protocol.handle(failed(0, network()));
        assert_eq!(looks_up(&lost), Some(0), "the completing request's answer may be lost");
    }

    #[test]
    fn a_lost_final_answer_finds_the_batch_the_server_made() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        let lost = protocol.handle(failed(2, network()));
        assert!(lost.contains(&Command::Tell(Note::Verifying)));
        assert_eq!(looks_up(&lost), Some(0));
        assert!(sends(&lost).is_empty(), "nothing is sent before looking");
        let found = protocol.handle(Event::LookedUp(Ok(Some("b-9".into()))));
        assert_eq!(finished(&found), Some(Outcome::Done { batch_uuid: "b-9".into(), recovered: true }));
    }

    #[test]
    fn a_lost_final_answer_with_no_batch_resends_then_restarts_only_after_looking_again() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        protocol.handle(failed(2, ApiError::Server { status: 504, detail: None }));
        for _ in 1..LOOKUP_POLLS {
            let again = protocol.handle(Event::LookedUp(Ok(None)));
            assert_eq!(looks_up(&again), Some(POLL), "a grace period of a few polls");
        }
        let resend = protocol.handle(Event::LookedUp(Ok(None)));
        assert_eq!(sends(&resend), vec![(2, true, Some("up-1".into()), 0)], "not there: send the final chunk again");
        // The server had acted after all and dropped the session: look before starting over.
        let gone = protocol.handle(failed(2, lost_session()));
        assert_eq!(looks_up(&gone), Some(0));
        assert!(sends(&gone).is_empty());
        for _ in 1..LOOKUP_POLLS {
            protocol.handle(Event::LookedUp(Ok(None)));
        }
        let restart = protocol.handle(Event::LookedUp(Ok(None)));
        assert!(restart.contains(&Command::Tell(Note::Restarted { refused: None })));
        assert_eq!(sends(&restart), vec![(0, false, None, 0)], "a new session from chunk 0");
        assert!(protocol.acknowledged().is_empty());
    }

    #[test]
    fn complete_without_a_batch_id_looks_then_starts_over() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        let odd = protocol.handle(complete(2, None));
        assert_eq!(looks_up(&odd), Some(0));
        let found = protocol.handle(Event::LookedUp(Ok(Some("b-2".into()))));
        assert_eq!(finished(&found), Some(Outcome::Done { batch_uuid: "b-2".into(), recovered: true }));

        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        protocol.handle(complete(2, None));
        for _ in 1..LOOKUP_POLLS {
            protocol.handle(Event::LookedUp(Ok(None)));
        }
        assert_eq!(indexes(&protocol.handle(Event::LookedUp(Ok(None)))), vec![0]);
    }

    #[test]
    fn a_middle_answer_that_completes_the_upload_ends_it() {
        let mut protocol = Protocol::chunked(5, 3, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        let done = protocol.handle(complete(2, Some("b-3")));
        assert_eq!(finished(&done), Some(Outcome::Done { batch_uuid: "b-3".into(), recovered: false }));
        let mut protocol = Protocol::chunked(5, 3, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        assert_eq!(looks_up(&protocol.handle(complete(1, None))), Some(0), "complete without the batch");
    }

    #[test]
    fn a_direct_upload_whose_answer_is_lost_is_looked_up_before_it_is_sent_again() {
        let mut protocol = Protocol::direct(POLL);
        assert_eq!(sends(&protocol.start(Resume::default())), vec![(0, true, None, 0)]);
        assert_eq!(looks_up(&protocol.handle(failed(0, network()))), Some(0));
        let found = protocol.handle(Event::LookedUp(Ok(Some("b-4".into()))));
        assert_eq!(finished(&found), Some(Outcome::Done { batch_uuid: "b-4".into(), recovered: true }));

        let mut protocol = Protocol::direct(POLL);
        protocol.start(Resume::default());
        protocol.handle(failed(0, ApiError::Undecodable("eof".into())));
        for _ in 1..LOOKUP_POLLS {
            protocol.handle(Event::LookedUp(Ok(None)));
        }
        assert_eq!(sends(&protocol.handle(Event::LookedUp(Ok(None)))), vec![(0, true, None, 0)]);
        let refused = protocol.handle(failed(0, ApiError::Rejected { status: 400, message: "no".into() }));
        assert!(matches!(finished(&refused), Some(Outcome::Failed { chunk: 0, .. })));
    }

    #[test]
    fn a_lost_session_mid_upload_restarts_once_after_the_chunks_in_flight() {
        let mut protocol = Protocol::chunked(6, 3, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        let waiting = protocol.handle(failed(1, lost_session()));
        assert!(sends(&waiting).is_empty(), "chunks 2 and 3 are still in flight");
        protocol.handle(ok(2));
        let restart = protocol.handle(failed(3, network()));
        assert_eq!(sends(&restart), vec![(0, false, None, 0)]);
        assert!(restart.contains(&Command::Tell(Note::Restarted { refused: None })));
        protocol.handle(ok(0));
        let twice = protocol.handle(failed(1, lost_session()));
        protocol.handle(failed(2, network()));
        let end = protocol.handle(failed(3, network()));
        assert_eq!(finished(&twice).or(finished(&end)), Some(Outcome::LostTwice));
    }

    fn batch_creation_failed() -> ApiError {
        ApiError::BatchCreationFailed(
            "Batch creation failed: 400: Unsupported file type: scans.pdf (expected a .zip archive)".into(),
        )
    }

    #[test]
    fn a_failed_batch_creation_restarts_from_chunk_0_at_once_then_fails_naming_its_cause() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        let restart = protocol.handle(failed(2, batch_creation_failed()));
        assert_eq!(looks_up(&restart), None, "the server said it made no batch: nothing to look for");
        assert_eq!(sends(&restart), vec![(0, false, None, 0)], "a new session from chunk 0, no resend of chunk 2");
        let said = Note::Restarted { refused: Some(batch_creation_failed()) };
        assert!(restart.contains(&Command::Tell(said)), "the restart says why");
        assert_eq!(protocol.progress(), Progress { upload_id: None, acknowledged: vec![], completion_unknown: false });
        through_middle(&mut protocol, 3);
        let end = protocol.handle(failed(2, batch_creation_failed()));
        assert_eq!(sends(&end), vec![], "no third session");
        assert_eq!(looks_up(&end), None);
        assert_eq!(finished(&end), Some(Outcome::Failed { chunk: 2, cause: batch_creation_failed() }));
        assert_eq!(protocol.progress(), Progress { upload_id: None, acknowledged: vec![], completion_unknown: false });
        assert!(protocol.handle(ok(0)).is_empty(), "over");
    }

    #[test]
    fn a_failed_batch_creation_after_a_lost_session_fails_at_once_and_a_single_chunk_restarts_too() {
        // The one restart was spent on a lost session.
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        protocol.handle(failed(1, lost_session()));
        through_middle(&mut protocol, 3);
        let end = protocol.handle(failed(2, batch_creation_failed()));
        assert_eq!(finished(&end), Some(Outcome::Failed { chunk: 2, cause: batch_creation_failed() }));
        // One chunk that is also the completing one.
        let mut protocol = Protocol::chunked(1, 3, POLL);
        assert_eq!(sends(&protocol.start(Resume::default())), vec![(0, true, None, 0)]);
        assert_eq!(sends(&protocol.handle(failed(0, batch_creation_failed()))), vec![(0, true, None, 0)]);
        let end = protocol.handle(failed(0, batch_creation_failed()));
        assert_eq!(finished(&end), Some(Outcome::Failed { chunk: 0, cause: batch_creation_failed() }));
    }

    #[test]
    fn resume_sends_only_the_missing_chunks_and_ignores_indexes_outside_the_plan() {
        let mut protocol = Protocol::chunked(6, 6, POLL);
        let resume =
            Resume { upload_id: Some("up-7".into()), acknowledged: vec![0, 2, 9, u32::MAX], completion_unknown: false };
        let first = protocol.start(resume);
        assert_eq!(indexes(&first), vec![1, 3, 4]);
        assert!(sends(&first).iter().all(|(_, _, id, _)| id.as_deref() == Some("up-7")));
        assert_eq!(protocol.acknowledged().iter().copied().collect::<Vec<_>>(), vec![0, 2]);
    }

    #[test]
    fn a_resumed_upload_whose_completion_is_unknown_looks_first() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        let resume = Resume { upload_id: Some("up-1".into()), acknowledged: vec![0, 1], completion_unknown: true };
        let first = protocol.start(resume);
        assert_eq!(looks_up(&first), Some(0));
        assert!(sends(&first).is_empty());
        for _ in 1..LOOKUP_POLLS {
            protocol.handle(Event::LookedUp(Ok(None)));
        }
        assert_eq!(sends(&protocol.handle(Event::LookedUp(Ok(None)))), vec![(2, true, Some("up-1".into()), 0)]);
    }

    #[test]
    fn passing_failures_are_retried_after_a_wait_and_refusals_end_after_the_chunks_in_flight() {
        let mut protocol = Protocol::chunked(5, 3, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        let retry = protocol.handle(failed(1, ApiError::Server { status: 502, detail: None }));
        assert_eq!(sends(&retry), vec![(1, false, Some("up-1".into()), 1_000)]);
        assert!(matches!(retry[0], Command::Tell(Note::Retrying { chunk: 1, attempt: 1, delay_ms: 1_000, .. })));
        let refused = protocol.handle(failed(2, ApiError::Rejected { status: 400, message: "bad".into() }));
        assert!(finished(&refused).is_none(), "chunks 1 and 3 are still in flight");
        protocol.handle(ok(1));
        let end = protocol.handle(ok(3));
        assert!(matches!(finished(&end), Some(Outcome::Failed { chunk: 2, .. })));
        assert_eq!(protocol.acknowledged().iter().copied().collect::<Vec<_>>(), vec![0, 1, 3], "kept for resume");
    }

    #[test]
    fn offline_on_a_middle_chunk_stops_at_once_for_the_online_event() {
        let mut protocol = Protocol::chunked(5, 1, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        let end = protocol.handle(failed(1, ApiError::Offline));
        assert_eq!(finished(&end), Some(Outcome::Failed { chunk: 1, cause: ApiError::Offline }));
        assert!(sends(&end).is_empty());
        // An unreadable 202 for a middle chunk is simply sent again.
        let mut protocol = Protocol::chunked(5, 1, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        let again = protocol.handle(failed(1, ApiError::Undecodable("eof".into())));
        assert_eq!(indexes(&again), vec![1]);
    }

    #[test]
    fn cancel_ends_at_once_and_nothing_follows() {
        let mut protocol = Protocol::chunked(5, 3, POLL);
        protocol.start(Resume::default());
        protocol.handle(ok(0));
        assert_eq!(finished(&protocol.handle(Event::Cancelled)), Some(Outcome::Cancelled));
        assert!(protocol.handle(ok(1)).is_empty());
        assert!(protocol.handle(failed(2, network())).is_empty());
    }

    #[test]
    fn an_offline_look_up_stops_with_a_passing_failure_and_keeps_completion_unknown() {
        let mut protocol = Protocol::chunked(3, 2, POLL);
        protocol.start(Resume::default());
        through_middle(&mut protocol, 3);
        protocol.handle(failed(2, ApiError::Offline));
        let end = protocol.handle(Event::LookedUp(Err(ApiError::Offline)));
        assert_eq!(finished(&end), Some(Outcome::Failed { chunk: 2, cause: ApiError::Offline }));
        assert!(protocol.progress().completion_unknown, "a later retry looks again first");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties;
