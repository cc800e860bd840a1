//! Cancelling a job: a flag, the abort handles of its requests, and waits that wake early.

use crate::api::xhr::AbortHandle;
use gloo_timers::future::sleep;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

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
        self.abort_requests();
    }

    /// Aborts the requests in flight without stopping the job (a finished job's leftovers).
    pub(super) fn abort_requests(&self) {
        for handle in self.handles.borrow_mut().drain(..) {
            handle.abort();
        }
    }

    pub(super) fn is_cancelled(&self) -> bool {
        self.flag.get()
    }

    pub(super) fn handle(&self) -> AbortHandle {
        let handle = AbortHandle::default();
        if self.is_cancelled() {
            handle.abort();
        } else {
            self.handles.borrow_mut().push(handle.clone());
        }
        handle
    }

    pub(super) fn release(&self, handle: &AbortHandle) {
        // Finished requests leave the list so it does not grow over a 200-chunk upload.
        self.handles.borrow_mut().retain(|h| !h.same_as(handle));
    }

    /// Waits `ms`, waking early when cancelled.
    pub(super) async fn pause(&self, ms: u64) {
        let mut left = ms;
        while left > 0 && !self.is_cancelled() {
            let step = left.min(100);
            sleep(Duration::from_millis(step)).await;
            left -= step;
        }
    }
}
