//! `use_batch_progress`: polls `/progress` until the batch is completed or failed.
//!
//! Never overlapping: the next request is scheduled only when the previous answer arrived.
//! RAII: the pending `Timeout` lives in the effect and its teardown drops it (unmount, another
//! batch, the tab hidden). A hidden tab pauses polling; showing it again polls at once.

use crate::api::types::{BatchProgress, BatchStatus};
use crate::api::{ApiClient, ApiError};
use crate::hooks::use_api::use_api;
use crate::hooks::use_visibility::use_visibility;
use crate::progress_math::{add_sample, Samples};
use gloo_timers::callback::Timeout;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use yew::prelude::*;

/// Errors in a row, or a status this client does not know, stretch the interval up to this.
const MAX_BACKOFF_MS: u32 = 30_000;

/// The wait before the next poll (pure): the interval, doubled per error in a row and per
/// answer in a row with an unknown status (2 s, 4 s … up to 30 s).
pub fn poll_delay_ms(interval_ms: u32, failures: u32, unknown_answers: u32) -> u32 {
    let doublings = failures.max(unknown_answers).min(5);
    interval_ms.saturating_mul(1 << doublings).min(MAX_BACKOFF_MS.max(interval_ms))
}

/// What polling has learned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProgressView {
    /// The latest good answer (kept while later requests fail).
    pub latest: Option<BatchProgress>,
    /// The latest failure, cleared by the next success.
    pub error: Option<ApiError>,
    /// `(ms, sheets done)` for the completion estimate.
    pub samples: Samples,
}

impl ProgressView {
    /// Completed or failed.
    pub fn is_terminal(&self) -> bool {
        self.latest.as_ref().is_some_and(|p| p.status.is_terminal())
    }
}

struct Poller {
    client: ApiClient,
    uuid: String,
    interval_ms: u32,
    view: UseStateHandle<ProgressView>,
    current: RefCell<ProgressView>,
    timer: RefCell<Option<Timeout>>,
    stopped: Cell<bool>,
    failures: Cell<u32>,
    unknown_answers: Cell<u32>,
}

impl Poller {
    fn poll(self: &Rc<Self>) {
        let poller = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let result = poller.client.progress(&poller.uuid).await;
            if poller.stopped.get() {
                return;
            }
            let mut view = poller.current.borrow().clone();
            match result {
                Ok(progress) => {
                    poller.failures.set(0);
                    let unknown = matches!(progress.status, BatchStatus::Other(_));
                    poller.unknown_answers.set(if unknown { poller.unknown_answers.get() + 1 } else { 0 });
                    add_sample(
                        &mut view.samples,
                        js_sys::Date::now(),
                        progress.processed_count + progress.failed_count,
                    );
                    view.latest = Some(progress);
                    view.error = None;
                }
                Err(error) => {
                    poller.failures.set(poller.failures.get() + 1);
                    view.error = Some(error);
                }
            }
            let terminal = view.is_terminal();
            // 404 and 403 will not change by asking again.
            let hopeless =
                matches!(view.error, Some(ApiError::NotFound(_) | ApiError::Forbidden(_) | ApiError::SessionExpired));
            *poller.current.borrow_mut() = view.clone();
            poller.view.set(view);
            if terminal || hopeless {
                return;
            }
            let delay = poll_delay_ms(poller.interval_ms, poller.failures.get(), poller.unknown_answers.get());
            let next = poller.clone();
            *poller.timer.borrow_mut() = Some(Timeout::new(delay, move || next.poll()));
        });
    }

    fn stop(&self) {
        self.stopped.set(true);
        // Dropping the Timeout clears it.
        self.timer.borrow_mut().take();
    }
}

/// Polls the batch's progress every `interval_ms` while it is unfinished and the tab visible.
#[hook]
pub fn use_batch_progress(batch_uuid: &str, interval_ms: u32) -> ProgressView {
    let client = use_api();
    let visible = use_visibility();
    let view = use_state(ProgressView::default);
    let terminal = view.is_terminal();
    {
        let view = view.clone();
        use_effect_with((batch_uuid.to_string(), visible, terminal), move |(uuid, visible, terminal)| {
            let poller = (*visible && !*terminal).then(|| {
                let poller = Rc::new(Poller {
                    client,
                    uuid: uuid.clone(),
                    interval_ms,
                    current: RefCell::new((*view).clone()),
                    view,
                    timer: RefCell::new(None),
                    stopped: Cell::new(false),
                    failures: Cell::new(0),
                    unknown_answers: Cell::new(0),
                });
                poller.poll();
                poller
            });
            move || {
                if let Some(poller) = poller {
                    poller.stop();
                }
            }
        });
    }
    (*view).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_and_errors_slow_polling_down_to_30_s() {
        assert_eq!(poll_delay_ms(2_000, 0, 0), 2_000);
        assert_eq!(poll_delay_ms(2_000, 0, 1), 4_000);
        assert_eq!(poll_delay_ms(2_000, 0, 2), 8_000);
        assert_eq!(poll_delay_ms(2_000, 0, 4), 30_000);
        assert_eq!(poll_delay_ms(2_000, 0, 40), 30_000, "never longer than 30 s");
        assert_eq!(poll_delay_ms(2_000, 3, 0), 16_000);
        assert_eq!(poll_delay_ms(60_000, 1, 0), 60_000, "a long configured interval is kept");
    }
}
