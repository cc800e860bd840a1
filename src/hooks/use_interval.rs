//! `use_interval`: calls back every `millis` while `Some`; the timer is an RAII value dropped
//! by the effect's teardown (on change to `None`, to another period, or on unmount).

use gloo_timers::callback::Interval;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The most recent callback a component passed in.
type LatestCallback = Rc<RefCell<Option<Box<dyn Fn()>>>>;

/// Runs `callback` every `millis` milliseconds; `None` means stopped.
#[hook]
pub fn use_interval<F: Fn() + 'static>(callback: F, millis: Option<u32>) {
    // The latest callback is kept outside the timer so a re-render does not restart it.
    let latest: LatestCallback = use_mut_ref(|| None);
    *latest.borrow_mut() = Some(Box::new(callback));
    use_effect_with(millis, move |millis| {
        let timer = millis.map(|millis| {
            Interval::new(millis, move || {
                if let Some(callback) = latest.borrow().as_ref() {
                    callback();
                }
            })
        });
        move || drop(timer)
    });
}
