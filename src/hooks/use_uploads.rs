//! `use_uploads`: the upload queue provided by `UploadProvider`, with its actions.

use crate::upload::cancel::Cancel;
use crate::upload::job::UploadEvent;
use crate::upload::new_upload::NewUpload;
use crate::upload::queue::{Phase, QueueAction, QueueState};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use yew::prelude::*;

/// The queue and what can be done to it.
#[derive(Clone)]
pub struct UploadsContext {
    pub state: UseReducerHandle<QueueState>,
    pub(crate) cancels: Rc<RefCell<HashMap<u32, Cancel>>>,
}

impl PartialEq for UploadsContext {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state
    }
}

impl UploadsContext {
    /// Queues new uploads (they start one after another).
    pub fn add(&self, uploads: Vec<NewUpload>) {
        self.state.dispatch(QueueAction::Add(uploads));
    }

    /// Upload a file the server already has again (`true`), or skip it (`false`).
    pub fn confirm_duplicate(&self, id: u32, upload_again: bool) {
        self.state.dispatch(QueueAction::ConfirmDuplicate { id, upload_again });
    }

    /// Resume (`true`) or start over (`false`) an item found in the resume store.
    pub fn choose(&self, id: u32, resume: bool) {
        self.state.dispatch(QueueAction::Choose { id, resume });
    }

    /// Cancels an item: in-flight requests are aborted at once, nothing more is sent.
    pub fn cancel(&self, id: u32) {
        let running = self.cancels.borrow().get(&id).cloned();
        match running {
            Some(cancel) => cancel.cancel(),
            None => {
                let waiting = self.state.items.iter().any(|i| {
                    i.id == id && matches!(i.phase, Phase::Queued | Phase::AwaitingChoice | Phase::ConfirmDuplicate)
                });
                if waiting {
                    self.state.dispatch(QueueAction::Event {
                        id,
                        event: UploadEvent::Cancelled,
                        now_ms: js_sys::Date::now(),
                    });
                }
            }
        }
    }

    /// Puts a failed or cancelled item back in the queue; acknowledged chunks are not resent.
    pub fn retry(&self, id: u32) {
        self.state.dispatch(QueueAction::Retry(id));
    }

    /// Removes every row whose upload is over.
    pub fn clear_finished(&self) {
        self.state.dispatch(QueueAction::ClearFinished);
    }

    /// Removes a finished, failed or cancelled item from the list.
    pub fn remove(&self, id: u32) {
        self.state.dispatch(QueueAction::Remove(id));
    }
}

/// The upload queue.
#[hook]
pub fn use_uploads() -> UploadsContext {
    use_context::<UploadsContext>().expect("use_uploads needs UploadProvider above it")
}
