//! `navigator.locks` (the Web Locks API): one holder per name across every tab of the origin.
//! web-sys only exposes it behind an unstable cfg, so the two calls are made through `Reflect`.
//!
//! Web Locks exist only on secure origins; a host served over plain http (inside an exam
//! centre's network, say) has none. There a lock asked for with `if_available` is a lease in
//! `localStorage`: taken when free or expired, renewed while held, given back when dropped,
//! and taken over by another tab once its holder stopped renewing it (a closed or crashed tab).

use futures_channel::oneshot;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A held lock; dropping it releases it.
pub enum HeldLock {
    /// A Web Lock: calling the function settles the promise that holds it.
    WebLock(js_sys::Function),
    /// A lease in `localStorage` (no Web Locks here).
    Lease(Lease),
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        match self {
            HeldLock::WebLock(release) => {
                let _ = release.call0(&JsValue::NULL);
            }
            HeldLock::Lease(lease) => lease.give_back(),
        }
    }
}

/// How long a lease lasts without renewal: longer than the minute a hidden tab's timers may
/// be held back, so a holder in a background tab keeps it.
pub const LEASE_MS: f64 = 3.0 * 60.0 * 1000.0;

/// How often a held lease is renewed.
const RENEW_MS: u32 = 30_000;

/// One lease as stored: `holder|until_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaseEntry {
    pub holder: String,
    pub until_ms: f64,
}

impl LeaseEntry {
    /// Reads a stored lease; anything unreadable counts as no lease (pure). The time is whole
    /// milliseconds (what `Date.now()` gives): read and written as an integer, since Rust's
    /// float reading and writing would cost the app's wasm several KB.
    pub fn parse(text: &str) -> Option<LeaseEntry> {
        let (holder, until) = text.split_once('|')?;
        let until_ms = until.parse::<u64>().ok()? as f64;
        Some(LeaseEntry { holder: holder.to_string(), until_ms })
    }

    /// The stored form.
    pub fn text(&self) -> String {
        format!("{}|{}", self.holder, self.until_ms.max(0.0) as u64)
    }
}

/// Whether `holder` may take the lease `entry` at `now_ms`: nobody has it, its holder stopped
/// renewing it, or it is `holder`'s own (pure).
pub fn lease_is_free(entry: Option<&LeaseEntry>, holder: &str, now_ms: f64) -> bool {
    entry.is_none_or(|entry| entry.holder == holder || entry.until_ms <= now_ms)
}

/// A held lease: renewed on a timer until given back.
pub struct Lease {
    storage: web_sys::Storage,
    key: String,
    holder: String,
    _renewal: gloo_timers::callback::Interval,
}

impl Lease {
    fn read(storage: &web_sys::Storage, key: &str) -> Option<LeaseEntry> {
        storage.get_item(key).ok().flatten().as_deref().and_then(LeaseEntry::parse)
    }

    fn write(storage: &web_sys::Storage, key: &str, holder: &str) -> bool {
        let entry = LeaseEntry { holder: holder.to_string(), until_ms: js_sys::Date::now() + LEASE_MS };
        storage.set_item(key, &entry.text()).is_ok()
    }

    /// Takes the lease `name` if it is free. Two tabs may write at the same moment: each
    /// reads back after a short wait, and only the one whose write stayed holds it.
    async fn take(name: &str) -> Option<Lock> {
        let storage = web_sys::window()?.local_storage().ok().flatten()?;
        let key = format!("omr.lease.{name}");
        let holder = format!("{:016x}", (js_sys::Math::random() * 9.0e15) as u64);
        if !lease_is_free(Lease::read(&storage, &key).as_ref(), &holder, js_sys::Date::now()) {
            return Some(Lock::Taken);
        }
        if !Lease::write(&storage, &key, &holder) {
            return None;
        }
        gloo_timers::future::TimeoutFuture::new(50).await;
        if Lease::read(&storage, &key).is_none_or(|entry| entry.holder != holder) {
            return Some(Lock::Taken);
        }
        let renewal = {
            let (storage, key, holder) = (storage.clone(), key.clone(), holder.clone());
            gloo_timers::callback::Interval::new(RENEW_MS, move || {
                // Renewed only while still ours: a lease taken over after it expired stays taken.
                if Lease::read(&storage, &key).is_some_and(|entry| entry.holder == holder) {
                    Lease::write(&storage, &key, &holder);
                }
            })
        };
        Some(Lock::Held(HeldLock::Lease(Lease { storage, key, holder, _renewal: renewal })))
    }

    fn give_back(&self) {
        if Lease::read(&self.storage, &self.key).is_some_and(|entry| entry.holder == self.holder) {
            let _ = self.storage.remove_item(&self.key);
        }
    }
}

/// The result of asking for a lock.
pub enum Lock {
    /// This tab holds it until the value is dropped.
    Held(HeldLock),
    /// Another holder has it (only when asked with `if_available`).
    Taken,
    /// The browser has no Web Locks (old browsers, insecure origins) and, for a waiting
    /// request, no fallback; or it has no storage for a lease either.
    Unsupported,
}

fn lock_manager() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok()?;
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok()?;
    request.is_function().then_some(locks)
}

/// Asks for the exclusive lock `name`. With `if_available` it answers `Taken` at once when
/// someone holds it (a lease where there are no Web Locks); otherwise it waits for its turn.
pub async fn acquire(name: &str, if_available: bool) -> Lock {
    let Some(locks) = lock_manager() else {
        return match if_available {
            true => Lease::take(name).await.unwrap_or(Lock::Unsupported),
            false => Lock::Unsupported,
        };
    };
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
        Ok(Some(release)) => Lock::Held(HeldLock::WebLock(release)),
        Ok(None) => Lock::Taken,
        Err(_) => Lock::Unsupported,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_free_when_nobody_holds_it_or_its_holder_stopped_renewing() {
        let held = LeaseEntry { holder: "tab-a".into(), until_ms: 1_000.0 };
        assert!(lease_is_free(None, "tab-b", 0.0));
        assert!(!lease_is_free(Some(&held), "tab-b", 999.0));
        assert!(lease_is_free(Some(&held), "tab-b", 1_000.0), "expired: taken over");
        assert!(lease_is_free(Some(&held), "tab-a", 999.0), "its own");
    }

    #[test]
    fn stored_leases_read_back_and_garbage_is_no_lease() {
        let entry = LeaseEntry { holder: "00ab".into(), until_ms: 1_733_000_000_000.0 };
        assert_eq!(LeaseEntry::parse(&entry.text()), Some(entry));
        assert_eq!(LeaseEntry::parse("no separator"), None);
        assert_eq!(LeaseEntry::parse("a|soon"), None);
        assert_eq!(LeaseEntry::parse("a|NaN"), None);
    }
}
