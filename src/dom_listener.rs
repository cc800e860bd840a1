//! `DomListener`: an event listener that is removed when dropped, so an effect's teardown
//! (dropping it) is all it takes to stop listening.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

/// A registered listener; dropping it unregisters it and frees its closure.
pub struct DomListener {
    target: EventTarget,
    name: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl DomListener {
    /// Listens for `name` on `target` (the window, the document, …).
    pub fn new(target: &EventTarget, name: &'static str, handler: impl FnMut(Event) + 'static) -> DomListener {
        let closure = Closure::<dyn FnMut(Event)>::new(handler);
        // Registration only fails on a detached target; then there is nothing to listen to.
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        DomListener { target: target.clone(), name, closure }
    }

    /// Listens on the window, when there is one.
    pub fn on_window(name: &'static str, handler: impl FnMut(Event) + 'static) -> Option<DomListener> {
        web_sys::window().map(|window| DomListener::new(&window, name, handler))
    }
}

impl Drop for DomListener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.name, self.closure.as_ref().unchecked_ref());
    }
}
