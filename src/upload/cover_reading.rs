//! The page's side of the QR cover check: starts the worker (`cover_worker`), hands it the picked
//! file, and passes on what it reports. Dropping a [`CoverReading`] stops the check at once
//! (`Worker.terminate()` ends the checker and its helper).

use super::cover_check::wire::ToPage;
use super::cover_check::CoverReport;
use crate::cover_worker::{LOADER, SCRIPT, WASM};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, MessageEvent, Worker};

/// What the check says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverUpdate {
    /// What is known so far (complete when every image was read).
    Report(CoverReport),
    /// The check cannot run here: the worker did not load (an old browser, a network error)
    /// or the ZIP cannot be read. The upload is not affected.
    Unavailable,
}

/// How long the worker may take to start (its files fetched, its wasm compiled) before the check
/// says it cannot run: 140 KB over a slow link, with room.
pub const START_WITHIN_MS: u32 = 30_000;

/// A running check.
pub struct CoverReading {
    worker: Worker,
    /// The blob address the worker was started from, if any: given back when the check ends
    /// (its helper is started from the same address while the check runs).
    blob_url: Option<String>,
    /// Until the worker listens: its script may load and its wasm fail (a 404, a blocked
    /// compile), which rejects a promise inside the worker and fires no error event here.
    start_limit: Rc<RefCell<Option<Timeout>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for CoverReading {
    fn drop(&mut self) {
        // Nothing the worker still had queued reaches the page once the check has ended.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.start_limit.borrow_mut().take();
        self.worker.terminate();
        if let Some(url) = &self.blob_url {
            let _ = web_sys::Url::revoke_object_url(url);
        }
    }
}

/// The worker, from `base` (the folder of trunk's worker files, `cover_worker_base` in
/// config.json), and the blob address it came from. Same origin: its loader script. Another
/// origin (the browser tests load it from the stand-in): a small blob script that imports it,
/// since a worker's own script must come from the page's origin.
fn new_worker(base: &str) -> Result<(Worker, Option<String>), JsValue> {
    let location = web_sys::window().ok_or(JsValue::NULL)?.location();
    let base = web_sys::Url::new_with_base(base, &location.href()?)?;
    if base.origin() == location.origin()? {
        return Ok((Worker::new(&format!("{}{LOADER}", base.href()))?, None));
    }
    let (script, wasm) = (format!("{}{SCRIPT}", base.href()), format!("{}{WASM}", base.href()));
    let source = format!("importScripts({script:?});wasm_bindgen({wasm:?});");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&js_sys::Array::of1(&source.into()), &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    Ok((Worker::new(&url)?, Some(url)))
}

impl CoverReading {
    /// Starts the check of `file`; `on_update` hears each report, and [`CoverUpdate::Unavailable`]
    /// when the check cannot run (also when the worker has not started within [`START_WITHIN_MS`]).
    /// `None`: the worker could not even be created.
    pub fn start(file: &File, worker_base: &str, on_update: impl Fn(CoverUpdate) + 'static) -> Option<CoverReading> {
        let (worker, blob_url) = new_worker(worker_base).ok()?;
        let on_update = Rc::new(on_update);
        let start_limit = Rc::new(RefCell::new(None));
        let onmessage = {
            let (worker, file, on_update, start_limit) =
                (worker.clone(), file.clone(), on_update.clone(), start_limit.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let message = event.data().as_string().and_then(|text| ToPage::from_text(&text));
                match message {
                    Some(ToPage::Ready) => {
                        start_limit.borrow_mut().take();
                        let _ = worker.post_message(&file);
                    }
                    Some(ToPage::Report(report)) => on_update(CoverUpdate::Report(report)),
                    Some(ToPage::Unavailable) | None => on_update(CoverUpdate::Unavailable),
                }
            })
        };
        let onerror = {
            let on_update = on_update.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| on_update(CoverUpdate::Unavailable))
        };
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        *start_limit.borrow_mut() = Some(Timeout::new(START_WITHIN_MS, move || on_update(CoverUpdate::Unavailable)));
        Some(CoverReading { worker, blob_url, start_limit, _onmessage: onmessage, _onerror: onerror })
    }
}
