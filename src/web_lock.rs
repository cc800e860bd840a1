//! `navigator.locks` (the Web Locks API): one holder per name across every tab of the origin.
//! web-sys only exposes it behind an unstable cfg, so the two calls are made through `Reflect`.

use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A held lock; dropping it releases it.
pub struct HeldLock {
    release: js_sys::Function,
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// The result of asking for a lock.
pub enum Lock {
    /// This tab holds it until the value is dropped.
    Held(HeldLock),
    /// Another holder has it (only when asked with `if_available`).
    Taken,
    /// The browser has no Web Locks (old browsers, insecure origins).
    Unsupported,
}

fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?;
    request.is_function().then_some(locks)
}

/// Asks for the exclusive lock `name`. With `if_available` it answers `Taken` at once when
/// someone holds it; otherwise it waits for its turn.
pub async fn acquire(name: &str, if_available: bool) -> Lock {
    let Some(locks) = lock_manager() else { return Lock::Unsupported };
    let (granted_tx, granted_rx) = oneshot::channel::<Option<js_sys::Function>>();
    let granted_tx = Rc::new(RefCell::new(Some(granted_tx)));
    // The browser calls this once, with the lock or (if_available and taken) with null; the
    // lock is held until the promise it returns settles, i.e. until `HeldLock` is dropped.
    let callback = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        let Some(sender) = granted_tx.borrow_mut().take() else { return JsValue::UNDEFINED };
        if lock.is_null() {
            let _ = sender.send(None);
            return JsValue::UNDEFINED;
        }
        let mut release = None;
        let held = js_sys::Promise::new(&mut |resolve, _reject| release = Some(resolve));
        if let Some(release) = release {
            // Nobody waits any more: let go at once.
            if let Err(Some(release)) = sender.send(Some(release)) {
                let _ = release.call0(&JsValue::NULL);
            }
        }
        held.into()
    });
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &if_available.into());
    let request: js_sys::Function = match js_sys::Reflect::get(&locks, &"request".into()) {
        Ok(request) => request.unchecked_into(),
        Err(_) => return Lock::Unsupported,
    };
    if request.call3(&locks, &name.into(), &options, &callback).is_err() {
        return Lock::Unsupported;
    }
    match granted_rx.await {
        Ok(Some(release)) => Lock::Held(HeldLock { release }),
        Ok(None) => Lock::Taken,
        Err(_) => Lock::Unsupported,
    }
}
