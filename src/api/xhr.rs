//! Multipart requests through `XMLHttpRequest`: the only browser API with upload progress.
//! File bytes go straight from `File.slice` into the request body, never through wasm memory.

use super::client::Answer;
use super::error::ApiError;
use futures_channel::oneshot;
use std::cell::RefCell;
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
    /// `AbortHandle::abort` was called.
    Aborted,
}

/// Sends `form` with POST; `on_progress(sent_bytes)` follows the upload.
pub async fn post_form(
    url: &str,
    token: Option<&str>,
    form: &FormData,
    on_progress: Rc<dyn Fn(f64)>,
    abort: &AbortHandle,
) -> Result<Answer, SendFailure> {
    if abort.is_aborted() {
        return Err(SendFailure::Aborted);
    }
    let request = XmlHttpRequest::new().map_err(|_| SendFailure::Network)?;
    request.open_with_async("POST", url, true).map_err(|_| SendFailure::Network)?;
    if let Some(token) = token {
        request.set_request_header("Authorization", &format!("Bearer {token}")).map_err(|_| SendFailure::Network)?;
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
    let on_load = finish(Ok(()));
    let on_error = finish(Err(SendFailure::Network));
    let on_abort = finish(Err(SendFailure::Aborted));
    let on_upload_progress =
        Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| on_progress(event.loaded()));
    request.set_onload(Some(on_load.as_ref().unchecked_ref()));
    request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    request.set_ontimeout(Some(on_error.as_ref().unchecked_ref()));
    request.set_onabort(Some(on_abort.as_ref().unchecked_ref()));
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(Some(on_upload_progress.as_ref().unchecked_ref()));
    }
    *abort.request.borrow_mut() = Some(request.clone());
    request.send_with_opt_form_data(Some(form)).map_err(|_| SendFailure::Network)?;
    let outcome = receiver.await.unwrap_or(Err(SendFailure::Aborted));
    abort.request.borrow_mut().take();
    // The closures above must outlive every event they handle: they drop here, after the end.
    request.set_onload(None);
    request.set_onerror(None);
    request.set_ontimeout(None);
    request.set_onabort(None);
    if let Ok(upload) = request.upload() {
        upload.set_onprogress(None);
    }
    outcome?;
    Ok(Answer {
        status: request.status().unwrap_or(0),
        authenticated: token.is_some(),
        retry_after: request.get_response_header("retry-after").ok().flatten(),
        body: request.response_text().ok().flatten().unwrap_or_default(),
    })
}

/// Turns a transport failure into the error the user sees.
pub fn failure_to_error(failure: SendFailure) -> ApiError {
    match failure {
        SendFailure::Aborted => ApiError::Cancelled,
        SendFailure::Network => super::client::network_error("the connection was interrupted"),
    }
}
