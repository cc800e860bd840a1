//! Multipart requests through `XMLHttpRequest`: the only browser API with upload progress.
//! File bytes go straight from `File.slice` into the request body, never through wasm memory.

use super::client::Answer;
use super::error::{ApiError, NetworkFailure};
use crate::wall_clock;
use futures_channel::oneshot;
use futures_util::future::{select, Either};
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
    /// The body was sent but no answer came within the answer deadline; aborted.
    NoAnswer,
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

/// How long a request may go without news: bytes moving while its body is sent, then an
/// answer once it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadlines {
    /// A body whose bytes stop moving this long is a stall.
    pub stall_ms: u32,
    /// A sent body whose answer has not come this long is a lost answer (the server's work
    /// on it, a reassembly say, must fit in).
    pub answer_ms: u32,
}

/// Sends `form` with POST and the extra `headers`; `on_progress(sent_bytes)` follows the
/// upload. A request whose upload makes no progress for `deadlines.stall_ms` is aborted as
/// `Stalled`; one whose answer has not come `deadlines.answer_ms` after its body was sent is
/// aborted as `NoAnswer`.
pub async fn post_form(
    url: &str,
    headers: &[(&str, &str)],
    form: &FormData,
    on_progress: Rc<dyn Fn(f64)>,
    abort: &AbortHandle,
    deadlines: Deadlines,
) -> Result<Answer, SendFailure> {
    if abort.is_aborted() {
        return Err(SendFailure::Aborted);
    }
    let request = XmlHttpRequest::new().map_err(|_| SendFailure::Network)?;
    request.open_with_async("POST", url, true).map_err(|_| SendFailure::Network)?;
    for (name, value) in headers {
        request.set_request_header(name, value).map_err(|_| SendFailure::Network)?;
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
    let last_progress = Rc::new(Cell::new(wall_clock::now_ms()));
    let body_sent = Rc::new(Cell::new(None::<f64>));
    let on_load = finish(Ok(()));
    let on_error = finish(Err(SendFailure::Network));
    let on_abort = finish(Err(SendFailure::Aborted));
    let on_sent = {
        let body_sent = body_sent.clone();
        Closure::<dyn FnMut()>::new(move || body_sent.set(Some(wall_clock::now_ms())))
    };
    let on_upload_progress = {
        let last_progress = last_progress.clone();
        Closure::<dyn FnMut(ProgressEvent)>::new(move |event: ProgressEvent| {
            last_progress.set(wall_clock::now_ms());
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
            let overdue = watch(last_progress, body_sent, deadlines);
            match select(receiver, Box::pin(overdue)).await {
                Either::Left((outcome, _)) => outcome.unwrap_or(Err(SendFailure::Aborted)),
                Either::Right((failure, _)) => {
                    let _ = request.abort();
                    Err(failure)
                }
            }
        }
    };
    abort.request.borrow_mut().take();
    outcome?;
    Ok(Answer {
        status: request.status().unwrap_or(0),
        authenticated: headers.iter().any(|(name, _)| *name == "Authorization"),
        retry_after: request.get_response_header("retry-after").ok().flatten(),
        date: request.get_response_header("date").ok().flatten(),
        body: request.response_text().ok().flatten().unwrap_or_default(),
    })
}

/// Where a request in flight stands against its deadlines.
#[derive(Clone, Debug, PartialEq)]
pub enum Watch {
    /// A deadline has passed: the request ends with this failure.
    Overdue(SendFailure),
    /// Nothing is overdue before this wall-clock time.
    LookAgainAt(f64),
}

/// Where a request last seen moving at `last_progress_ms`, whose body was sent at
/// `sent_at_ms` (if it was), stands at `now_ms` (pure).
pub fn watch_at(now_ms: f64, last_progress_ms: f64, sent_at_ms: Option<f64>, deadlines: Deadlines) -> Watch {
    let (due, failure) = match sent_at_ms {
        Some(sent) => (sent + f64::from(deadlines.answer_ms), SendFailure::NoAnswer),
        None => (last_progress_ms + f64::from(deadlines.stall_ms), SendFailure::Stalled),
    };
    match wall_clock::remaining_ms(due, now_ms) {
        None => Watch::Overdue(failure),
        Some(_) => Watch::LookAgainAt(due),
    }
}

/// Ends with what went overdue: one timer per deadline, moved on when progress moved it.
async fn watch(last_progress: Rc<Cell<f64>>, body_sent: Rc<Cell<Option<f64>>>, deadlines: Deadlines) -> SendFailure {
    loop {
        match watch_at(wall_clock::now_ms(), last_progress.get(), body_sent.get(), deadlines) {
            Watch::Overdue(failure) => return failure,
            Watch::LookAgainAt(due) => wall_clock::until(due).await,
        }
    }
}

/// Turns a transport failure into the error the user sees.
pub fn failure_to_error(failure: SendFailure) -> ApiError {
    match failure {
        SendFailure::Aborted => ApiError::Cancelled,
        SendFailure::Stalled => super::client::network_error(NetworkFailure::Stalled),
        SendFailure::NoAnswer => super::client::network_error(NetworkFailure::NoAnswer),
        SendFailure::Network => super::client::network_error(NetworkFailure::Interrupted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINES: Deadlines = Deadlines { stall_ms: 60_000, answer_ms: 120_000 };

    #[test]
    fn a_body_that_stops_moving_is_a_stall() {
        assert_eq!(watch_at(59_999.0, 0.0, None, DEADLINES), Watch::LookAgainAt(60_000.0));
        assert_eq!(watch_at(60_000.0, 0.0, None, DEADLINES), Watch::Overdue(SendFailure::Stalled));
        // Progress moves the deadline: the next look is a stall window after it.
        assert_eq!(watch_at(60_000.0, 30_000.0, None, DEADLINES), Watch::LookAgainAt(90_000.0));
    }

    #[test]
    fn a_sent_body_waits_for_its_answer_until_the_answer_deadline() {
        // A long reassembly after the last byte is not a stall…
        assert_eq!(watch_at(100_000.0, 10_000.0, Some(10_000.0), DEADLINES), Watch::LookAgainAt(130_000.0));
        // …but an answer that never comes is lost.
        assert_eq!(watch_at(130_000.0, 10_000.0, Some(10_000.0), DEADLINES), Watch::Overdue(SendFailure::NoAnswer));
    }
}
