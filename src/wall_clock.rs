//! Waits that a sleeping tab cannot stretch: one timer per wait, re-checked against the wall
//! clock when it fires or when the tab becomes visible again.
//!
//! Chromium runs chained timers of a hidden tab at most once a second, and after five
//! minutes hidden at most once a minute, so a wait made of many short timers takes many
//! times its length in a background tab. A wait here schedules one timer for the time left;
//! when the browser fires it late, the wait is over; when the tab becomes visible (the
//! browser may have held the timer back), the clock is read again at once.

use crate::dom_listener::DomListener;
use futures_channel::oneshot;
use futures_util::future::select;
use gloo_timers::future::TimeoutFuture;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::VisibilityState;

/// The longest single timer: browsers fire a `setTimeout` above 2^31 − 1 ms at once.
const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// The time left before `deadline_ms` at `now_ms` (both `Date.now()` values), rounded up to
/// whole milliseconds, or `None` when the deadline has passed (pure).
pub fn remaining_ms(deadline_ms: f64, now_ms: f64) -> Option<u32> {
    let left = deadline_ms - now_ms;
    // NaN (a broken clock value) counts as passed: a wait never hangs on it.
    (left > 0.0).then(|| left.ceil().min(MAX_TIMER_MS) as u32)
}

/// The browser's wall clock, in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves when the tab next becomes visible (never, where there is no document).
async fn visible_again() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return futures_util::future::pending().await;
    };
    let (sender, receiver) = oneshot::channel::<()>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let watched = document.clone();
    let _listener = DomListener::new(&document, "visibilitychange", move |_| {
        if watched.visibility_state() == VisibilityState::Visible {
            if let Some(sender) = sender.borrow_mut().take() {
                let _ = sender.send(());
            }
        }
    });
    // The sender lives in the listener, which lives until this future ends.
    let _ = receiver.await;
}

/// Waits until the wall clock reaches `deadline_ms`: one timer for the time left, a new one
/// only when the tab became visible before the deadline.
pub async fn until(deadline_ms: f64) {
    while let Some(left) = remaining_ms(deadline_ms, now_ms()) {
        // Either the timer fired (perhaps late, in a hidden tab) or the tab became visible
        // (the timer may have been held back): the loop reads the clock again.
        let _ = select(TimeoutFuture::new(left), Box::pin(visible_again())).await;
    }
}

/// Waits `ms` milliseconds of wall-clock time.
pub async fn pause(ms: u64) {
    until(now_ms() + ms as f64).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many timers a wait of `ms` schedules when each timer fires `late_ms` after it
    /// was due and the tab becomes visible at the times in `visible_at`.
    fn timers_for(ms: f64, late_ms: f64, visible_at: &[f64]) -> u32 {
        let deadline = ms;
        let mut now = 0.0;
        let mut timers = 0;
        let mut wakes = visible_at.iter().copied().peekable();
        while let Some(left) = remaining_ms(deadline, now) {
            timers += 1;
            let fires_at = now + f64::from(left) + late_ms;
            match wakes.next_if(|at| *at < fires_at) {
                Some(at) => now = at,
                None => now = fires_at,
            }
        }
        timers
    }

    #[test]
    fn one_wait_schedules_one_timer() {
        assert_eq!(timers_for(20_000.0, 0.0, &[]), 1);
        assert_eq!(timers_for(60_000.0, 0.0, &[]), 1);
        // A hidden tab fires the timer up to a minute late: still one timer, not a chain.
        assert_eq!(timers_for(20_000.0, 59_000.0, &[]), 1);
    }

    #[test]
    fn becoming_visible_before_the_deadline_arms_one_more_timer_for_what_is_left() {
        assert_eq!(timers_for(20_000.0, 0.0, &[5_000.0]), 2);
        // Visible after the deadline: nothing more to wait for.
        assert_eq!(timers_for(20_000.0, 40_000.0, &[30_000.0]), 1);
    }

    #[test]
    fn the_time_left_is_read_from_the_wall_clock() {
        assert_eq!(remaining_ms(1_000.0, 0.0), Some(1_000));
        assert_eq!(remaining_ms(1_000.0, 999.4), Some(1));
        assert_eq!(remaining_ms(1_000.0, 1_000.0), None);
        assert_eq!(remaining_ms(1_000.0, 5_000.0), None);
        assert_eq!(remaining_ms(f64::NAN, 0.0), None);
        assert_eq!(remaining_ms(1e15, 0.0), Some(2_147_483_647));
    }
}
