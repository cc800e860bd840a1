//! Multipart requests through `XMLHttpRequest`: the only browser API with upload progress.
//! File bytes go straight from `File.slice` into the request body, never through wasm memory.

use super::client::Answer;
use super::error::{ApiError, NetworkFailure};
use futures_channel::oneshot;
use futures_util::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{FormData, ProgressEvent, XmlHttpRequest};

/// Aborts the request it is attached to; cheap to clone, shared with the cancel button.
#[derive(Clone, Default)]
pub struct AbortHandle {
    request: Rc<RefCell<Option<XmlHttpRequest>>>,
    aborted: Rc<std::cell::Cell<bool>>,
}

impl AbortHandle {
    /// Stops the request in flight (if any) and every later one using this handle.
    pub fn abort(&self) {
        self.aborted.set(true);
        if let Some(request) = self.request.borrow_mut().take() {
            // Aborting a finished request is a no-op.
            let _ = request.abort();
        }
    }

    /// True when both handles are the same one.
    pub fn same_as(&self, other: &AbortHandle) -> bool {
        Rc::ptr_eq(&self.aborted, &other.aborted)
    }

    /// Whether `abort` was called.
    pub fn is_aborted(&self) -> bool {
        self.aborted.get()
    }
}

/// How a multipart request ended without an HTTP answer.
#[derive(Clone, Debug, PartialEq)]
pub enum SendFailure {
    /// The connection failed (reset, refused, CORS, offline).
    Network,
    /// The upload showed no progress for the stall limit and was aborted.
    Stalled,
    /// `AbortHandle::abort` was called.
    Aborted,
}

/// Event handlers attached to one request; dropping the guard detaches them before their
/// closures are freed, whichever way the request ended.
struct Handlers {
    request: XmlHttpRequest,
    _closures: Vec<Closure<dyn FnMut()>>,
    _progress: Closure<dyn FnMut(ProgressEvent)>,
}

impl Drop for Handlers {
    fn drop(&mut self) {
        self.request.set_onload(None);
        self.request.set_onerror(None);
        self.request.set_ontimeout(None);
        self.request.set_onabort(None);
        if let Ok(upload) = self.request.upload() {
            upload.set_onprogress(None);
            upload.set_onload(None);
        }
    }
}

/// Sends `form` with POST; `on_progress(sent_bytes)` follows the upload. A request whose
/// upload makes no progress for `stall_ms` is aborted as `Stalled` (once the body is sent,
/// waiting for the answer — a long reassembly — is not a stall).
pub async fn post_form(
    url: &str,
    token: Option<&str>,
    form: &FormData,
    on_progress: Rc<dyn Fn(f64)>,
    abort: &AbortHandle,
    stall_ms: u32,
) -> Result<Answer, SendFailure> {
    if abort.is_aborted() {
        return Err(SendFailure::Aborted);
    }
    let request = XmlHttpRequest::new().map_err(|_| SendFailure::Network)?;
    request.open_with_async("POST", url, true).map_err(|_| SendFailure::Network)?;
    if let Some(token) = token {
        request.set_request_header("Authorization", &super::client::bearer(token)).map_err(|_| SendFailure::Network)?;
    }
    let (sender, receiver) = oneshot::channel::<Result<(), SendFailure>>();
    let sender = Rc::new(RefCell::new(Some(sender)));
    let finish = |outcome: Result<(), SendFailure>| {
        let sender = sender.clone();
        Closure::<dyn FnMut()>::new(move || {
            if let Some(sender) = sender.borrow_mut().take() {
                // The receiver lives until this future ends; a late event has nobody to tell.
                let _ = sender.send(outcome.clone());
            }
        })
    };
    let last_progress = Rc::new(Cell::new(js_sys::Date::now()));
    let body_sent = Rc::new(Cell::new(false));
    let on_load = finish(Ok(()));
    let on_error = finish(Err(SendFailure::Network));
    let on_abort = finish(Err(SendFailure::Aborted));
    let on_sent = {
        let body_sent = body_sent.clone();
        Closure::<dyn FnMut()>::new(move || body_sent.set(true))
    };
    let on_upload_progress = {
        let last_progress = last_progress.clone();
        Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            last_progress.set(js_sys::Date::now());
            on_progress(event.loaded());
        })
    };
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    request.set_ontimeout(Some(on_error.as_ref().unchecked_ref()));
    request.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_upload_progress.as_ref().unchecked_ref()));
        upload.set_onload(Some(on_sent.as_ref().unchecked_ref()));
    }
    let _handlers = Handlers {
        request: request.clone(),
        _closures: vec![on_load, on_error, on_abort, on_sent],
        _progress: on_upload_progress,
    };
    *abort.request.borrow_mut() = Some(request.clone());
    let sent = request.send_with_opt_form_data(Some(form)).map_err(|_| SendFailure::Network);
    let outcome = match sent {
        Err(failure) => Err(failure),
        Ok(()) => {
            let stalled = watch_for_stall(last_progress, body_sent, stall_ms);
            match select(receiver, Box::pin(stalled)).await {
                Either::Left((outcome, _)) => outcome.unwrap_or(Err(SendFailure::Aborted)),
                Either::Right(((), _)) => {
                    let _ = request.abort();
                    Err(SendFailure::Stalled)
                }
            }
        }
    };
    abort.request.borrow_mut().take();
    outcome?;
    Ok(Answer {
        status: request.status().unwrap_or(0),
        authenticated: token.is_some(),
        retry_after: request.get_response_header("retry-after").ok().flatten(),
        body: request.response_text().ok().flatten().unwrap_or_default(),
    })
}

/// Ends when the upload has shown no progress for `stall_ms` before its body was sent.
async fn watch_for_stall(last_progress: Rc<Cell<f64>>, body_sent: Rc<Cell<bool>>, stall_ms: u32) {
    let check_ms = (stall_ms / 4).clamp(100, 5_000);
    loop {
        TimeoutFuture::new(check_ms).await;
        if !body_sent.get() && js_sys::Date::now() - last_progress.get() >= f64::from(stall_ms) {
            return;
        }
    }
}

/// Turns a transport failure into the error the user sees.
pub fn failure_to_error(failure: SendFailure) -> ApiError {
    match failure {
        SendFailure::Aborted => ApiError::Cancelled,
        SendFailure::Stalled => super::client::network_error(NetworkFailure::Stalled),
        SendFailure::Network => super::client::network_error(NetworkFailure::Interrupted),
    }
}
