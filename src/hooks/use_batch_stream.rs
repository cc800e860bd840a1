//! `use_batch_stream`: follows a batch's event stream while it is unfinished, reconnecting with
//! back-off (1 s doubling to 30 s) after an unexpected end, never retrying a refusal (403/404),
//! and keeping one activity log without the duplicates every reconnect replays.

use crate::api::sse::{dedupe_key, StreamMessage};
use crate::api::stream::{StreamBreak, StreamEnd};
use crate::api::types::ProgressEvent;
use crate::api::ApiError;
use crate::hooks::use_api::use_api;
use crate::wall_clock;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use yew::prelude::*;

const FIRST_RETRY_MS: u64 = 1_000;
const MAX_RETRY_MS: u64 = 30_000;

/// The stream connection as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Connection {
    Idle,
    Connecting,
    Live,
    /// Waiting before the next attempt.
    Reconnecting {
        delay_ms: u64,
        reason: StreamBreak,
    },
    /// The final event arrived.
    Finished,
    /// The server refused the stream (polling carries the page alone).
    Unavailable(ApiError),
}

/// What the stream has told so far.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamView {
    pub connection: Connection,
    /// Every distinct event, oldest first; kept after the batch finishes.
    pub log: Vec<ProgressEvent>,
    /// The duplicate-task warning (`Skipping …`), when one arrived.
    pub duplicate_warning: Option<String>,
    /// The stream generator's own error text, when it sent one.
    pub stream_error: Option<String>,
    seen: HashSet<(Option<String>, String, String)>,
}

impl Default for StreamView {
    fn default() -> Self {
        StreamView {
            connection: Connection::Idle,
            log: Vec::new(),
            duplicate_warning: None,
            stream_error: None,
            seen: HashSet::new(),
        }
    }
}

impl StreamView {
    /// The newest event.
    pub fn latest(&self) -> Option<&ProgressEvent> {
        self.log.last()
    }
}

/// Changes to the view.
pub enum StreamAction {
    Connection(Connection),
    Message(StreamMessage),
}

impl Reducible for StreamView {
    type Action = StreamAction;

    fn reduce(self: Rc<Self>, action: StreamAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            StreamAction::Connection(connection) => next.connection = connection,
            StreamAction::Message(message) => {
                next.connection = Connection::Live;
                match message {
                    StreamMessage::Progress(event) | StreamMessage::Complete(event) | StreamMessage::Failed(event) => {
                        // A reconnect replays the whole stored log: keep each event once.
                        if next.seen.insert(dedupe_key(&event)) {
                            if event.skipped_duplicate_tasks().is_some() {
                                next.duplicate_warning = Some(event.message.clone());
                            }
                            next.log.push(event);
                        }
                    }
                    StreamMessage::StreamError(text) => next.stream_error = Some(text),
                    StreamMessage::Ignored => {}
                }
            }
        }
        if next == *self {
            self
        } else {
            Rc::new(next)
        }
    }
}

/// Follows the stream of `batch_uuid` while `enabled` (i.e. while polling says unfinished).
#[hook]
pub fn use_batch_stream(batch_uuid: &str, enabled: bool) -> StreamView {
    let client = use_api();
    let idle_ms = client.config().stream_idle_ms;
    let view = use_reducer(StreamView::default);
    {
        let dispatcher = view.dispatcher();
        use_effect_with((batch_uuid.to_string(), enabled), move |(uuid, enabled)| {
            let stopped = Rc::new(Cell::new(false));
            let current: Rc<RefCell<Option<web_sys::AbortController>>> = Rc::default();
            if *enabled {
                let (uuid, stopped, current) = (uuid.clone(), stopped.clone(), current.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let mut retry_ms = FIRST_RETRY_MS;
                    while !stopped.get() {
                        dispatcher.dispatch(StreamAction::Connection(Connection::Connecting));
                        let Ok(abort) = web_sys::AbortController::new() else { return };
                        *current.borrow_mut() = Some(abort.clone());
                        let received = Rc::new(Cell::new(false));
                        let on_message = {
                            let (dispatcher, received) = (dispatcher.clone(), received.clone());
                            move |message| {
                                received.set(true);
                                dispatcher.dispatch(StreamAction::Message(message));
                            }
                        };
                        let end = client.follow_stream(&uuid, &on_message, &abort, idle_ms).await;
                        current.borrow_mut().take();
                        if stopped.get() {
                            return;
                        }
                        if received.get() {
                            retry_ms = FIRST_RETRY_MS;
                        }
                        match end {
                            StreamEnd::Finished => {
                                return dispatcher.dispatch(StreamAction::Connection(Connection::Finished))
                            }
                            StreamEnd::Refused(error) => {
                                return dispatcher.dispatch(StreamAction::Connection(Connection::Unavailable(error)));
                            }
                            StreamEnd::Interrupted(reason) => {
                                dispatcher.dispatch(StreamAction::Connection(Connection::Reconnecting {
                                    delay_ms: retry_ms,
                                    reason,
                                }));
                                wall_clock::pause(retry_ms).await;
                                retry_ms = (retry_ms * 2).min(MAX_RETRY_MS);
                            }
                        }
                    }
                });
            }
            move || {
                stopped.set(true);
                if let Some(abort) = current.borrow_mut().take() {
                    abort.abort();
                }
            }
        });
    }
    (*view).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(message: &str, timestamp: &str) -> ProgressEvent {
        ProgressEvent {
            stage: "extracting".into(),
            message: message.into(),
            progress_percentage: 0.0,
            sheets_total: 0,
            sheets_processed: 0,
            elapsed_seconds: 0,
            timestamp: Some(timestamp.into()),
            error_details: None,
        }
    }

    #[test]
    fn replayed_events_are_kept_once() {
        let mut view = Rc::new(StreamView::default());
        for _ in 0..2 {
            for (message, time) in [("Starting extraction", "t1"), ("Extraction complete - 3 sheets", "t2")] {
                view = view.reduce(StreamAction::Message(StreamMessage::Progress(event(message, time))));
            }
        }
        assert_eq!(view.log.len(), 2);
        assert_eq!(view.latest().unwrap().message, "Extraction complete - 3 sheets");
    }

    #[test]
    fn skipping_message_raises_the_duplicate_warning() {
        let view = Rc::new(StreamView::default())
            .reduce(StreamAction::Message(StreamMessage::Progress(event("Skipping 1 duplicate tasks: 12300131", "t"))));
        assert_eq!(view.duplicate_warning.as_deref(), Some("Skipping 1 duplicate tasks: 12300131"));
    }

    #[test]
    fn stream_errors_are_kept_apart_from_the_log() {
        let view =
            Rc::new(StreamView::default()).reduce(StreamAction::Message(StreamMessage::StreamError("boom".into())));
        assert!(view.log.is_empty());
        assert_eq!(view.stream_error.as_deref(), Some("boom"));
    }
}
