//! Cancelling a job: a flag, the abort handles of its requests, and waits that wake early.

use crate::api::xhr::AbortHandle;
use crate::wall_clock;
use futures_channel::oneshot;
use futures_util::future::select;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Cancels a job: sets the flag and aborts every request it has in flight.
#[derive(Clone, Default)]
pub struct Cancel {
    flag: Rc<Cell<bool>>,
    handles: Rc<RefCell<Vec<AbortHandle>>>,
    /// Waits under way, woken by `cancel`.
    sleepers: Rc<RefCell<Vec<oneshot::Sender<()>>>>,
}

impl Cancel {
    /// Stops the job at once; nothing more is sent.
    pub fn cancel(&self) {
        self.flag.set(true);
        self.abort_requests();
        for sleeper in self.sleepers.borrow_mut().drain(..) {
            // A wait that already ended has dropped its receiver: nothing to wake.
            let _ = sleeper.send(());
        }
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

    /// Waits `ms` of wall-clock time (one timer, see [`wall_clock`]), ending at once when
    /// cancelled.
    pub(super) async fn pause(&self, ms: u64) {
        if ms == 0 || self.is_cancelled() {
            return;
        }
        let (sender, cancelled) = oneshot::channel::<()>();
        self.sleepers.borrow_mut().push(sender);
        let _ = select(Box::pin(wall_clock::pause(ms)), cancelled).await;
        // Finished waits leave the list so it does not grow over a long upload.
        self.sleepers.borrow_mut().retain(|sleeper| !sleeper.is_canceled());
    }
}
