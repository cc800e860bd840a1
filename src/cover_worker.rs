//! The QR cover check's worker: the `qr_worker` binary, its own wasm file that the page fetches
//! only when a "ZIP with QR codes" is picked (the first visit never loads it).
//!
//! One script plays two parts, by the first message it gets:
//! - a picked `File`: the **checker**. It reads the ZIP's directory (the pre-flight reader,
//!   keeping where each sheet is), starts one helper, reads images two at a time itself and two
//!   at a time through the helper, in [`CoverCheck`]'s order, and tells the page what it knows
//!   ([`ToPage`]) at most every [`REPORT_EVERY_MS`] and once at the end. The page stops it with `terminate()`, which ends the helper too.
//! - `[file, index, entry]` (an entry as JSON): the **helper** reads that image and answers
//!   `[index, reading]` (a [`Reading`] as JSON).
//!
//! Each worker says [`ToPage::Ready`] once it listens: a message posted before would be lost
//! while the wasm loads. At most two workers run: the checker and its helper.
//!
//! Reading one image: its local header (30 bytes) says where the data start; stored data are a
//! `Blob.slice` of the file, deflated ones go through `DecompressionStream("deflate-raw")`;
//! `createImageBitmap` decodes the picture off the main thread, an `OffscreenCanvas` scales it
//! to [`qr_read::READ_LONG_SIDE`] and gives the pixels; the bitmap is closed at once.

use crate::upload::cover_check::wire::ToPage;
use crate::upload::cover_check::{CoverCheck, Reading};
use crate::upload::file_reads::read_slice;
use crate::upload::qr_read::{self, Found};
use crate::upload::zip_scan::{self, SheetEntry};
use futures_util::StreamExt;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, DedicatedWorkerGlobalScope, File, ImageBitmap, MessageEvent, OffscreenCanvas, Worker};

/// trunk's files of the `qr_worker` binary (`data-type="worker"` keeps them unhashed): the
/// loader the page starts, the wasm-bindgen script it imports and the module.
pub const LOADER: &str = "qr_worker_loader.js";
/// See [`LOADER`].
pub const SCRIPT: &str = "qr_worker.js";
/// See [`LOADER`].
pub const WASM: &str = "qr_worker_bg.wasm";
/// The least time between two reports to the page: enough for a progress line, and the page
/// does not re-render for every image.
pub const REPORT_EVERY_MS: f64 = 100.0;
/// Images read at once by each worker: one decodes while the other's bytes arrive.
const IN_FLIGHT: usize = 2;
/// How long the checker waits for its helper to listen before it gives up on it (it reads all
/// the while).
const HELPER_START_MS: u32 = 5_000;

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Starts listening; the worker binary's `main`.
pub fn start() {
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        if let Some(file) = data.dyn_ref::<File>() {
            spawn_local(check(file.clone()));
        } else if Array::is_array(&data) {
            spawn_local(help(data.unchecked_into()));
        }
    });
    scope().set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The worker lives as long as it listens.
    onmessage.forget();
    post(&ToPage::Ready);
}

/// The helper's part: reads one image and answers `[index, reading]`.
async fn help(job: Array) {
    let file = job.get(0).dyn_into::<File>().ok();
    let entry = job.get(2).as_string().and_then(|json| serde_json::from_str::<SheetEntry>(&json).ok());
    let reading = match (file, entry) {
        (Some(file), Some(entry)) => read_image(&file, &entry).await,
        _ => Reading::NotAnImage,
    };
    let json = serde_json::to_string(&reading).unwrap_or_default();
    let _ = scope().post_message(&Array::of2(&job.get(1), &json.into()));
}

/// Says `message` to the page (or, from a helper, to its checker).
fn post(message: &ToPage) {
    let _ = scope().post_message(&message.to_text().into());
}

/// What the checker's loop hears.
enum Event {
    /// An image read by the checker itself (`false`) or by its helper (`true`).
    Read { index: usize, reading: Reading, by_helper: bool },
    /// The helper listens: it may take images now.
    HelperReady,
    /// The helper failed (its script or wasm did not load, or it stopped): its images are read
    /// here instead.
    HelperLost,
}

/// The checker's part.
async fn check(file: File) {
    let summary = zip_scan::scan_keeping_sheets(file.size() as u64, |start, end| read_slice(&file, start, end)).await;
    // Past MAX_KEPT_SHEETS the walk kept no more entries: a report on part of the ZIP would be
    // wrong, so such a ZIP is not checked.
    let Some(summary) = summary.ok().filter(|s| !s.sheets_cut_off) else {
        post(&ToPage::Unavailable);
        return;
    };
    let mut check = CoverCheck::new(summary.sheet_entries);
    if check.is_complete() {
        // No sheets: nothing to read.
        post(&ToPage::Report(check.report()));
        return;
    }
    let (events, mut heard) = futures_channel::mpsc::unbounded::<Event>();
    // Reading starts at once; the helper takes images once it listens.
    let helper = start_helper(events.clone());
    let mut helper_ready = false;
    // Images handed to the helper and not answered yet, and images to read again here.
    let mut with_helper: Vec<(usize, SheetEntry)> = Vec::new();
    let mut again: Vec<(usize, SheetEntry)> = Vec::new();
    let mut reading_here = 0;
    let mut last_report = 0.0;
    while !check.is_complete() {
        while reading_here < IN_FLIGHT {
            let Some((index, entry)) = again.pop().or_else(|| check.next_to_read().map(|(i, e)| (i, e.clone()))) else {
                break;
            };
            reading_here += 1;
            let (file, events) = (file.clone(), events.clone());
            spawn_local(async move {
                let reading = read_image(&file, &entry).await;
                let _ = events.unbounded_send(Event::Read { index, reading, by_helper: false });
            });
        }
        while let (Some(helper), true) = (&helper, helper_ready && with_helper.len() < IN_FLIGHT) {
            let Some((index, entry)) = check.next_to_read() else { break };
            let json = serde_json::to_string(entry).unwrap_or_default();
            let _ = helper.worker.post_message(&Array::of3(&file, &(index as f64).into(), &json.into()));
            with_helper.push((index, entry.clone()));
        }
        match heard.next().await {
            Some(Event::Read { index, reading, by_helper }) => {
                if by_helper {
                    with_helper.retain(|(i, _)| *i != index);
                } else {
                    reading_here -= 1;
                }
                check.record(index, reading);
                let now = js_sys::Date::now();
                if now - last_report >= REPORT_EVERY_MS || check.is_complete() {
                    last_report = now;
                    post(&ToPage::Report(check.report()));
                }
            }
            Some(Event::HelperReady) => helper_ready = true,
            Some(Event::HelperLost) => {
                helper_ready = false;
                again.append(&mut with_helper);
            }
            None => break,
        }
    }
    if let Some(helper) = helper {
        helper.worker.terminate();
    }
}

/// The helper worker and its listeners, which forward what it says as [`Event`]s.
struct Helper {
    worker: Worker,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

/// Starts a second worker from this very script if the machine has a second core; `None` reads
/// alone. It says [`Event::HelperReady`] once it listens, and [`Event::HelperLost`] when it fails,
/// or when it has not listened within [`HELPER_START_MS`].
fn start_helper(events: futures_channel::mpsc::UnboundedSender<Event>) -> Option<Helper> {
    if scope().navigator().hardware_concurrency() < 2.0 {
        return None;
    }
    let worker = Worker::new(&scope().location().href()).ok()?;
    let listening = std::rc::Rc::new(std::cell::Cell::new(false));
    let onmessage = {
        let (events, listening) = (events.clone(), listening.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_string().and_then(|text| ToPage::from_text(&text)) == Some(ToPage::Ready) {
                listening.set(true);
                let _ = events.unbounded_send(Event::HelperReady);
                return;
            }
            let answer: Array = data.unchecked_into();
            let index = answer.get(0).as_f64().unwrap_or(f64::MAX) as usize;
            let json = answer.get(1).as_string().unwrap_or_default();
            let reading = serde_json::from_str(&json).unwrap_or(Reading::NotAnImage);
            let _ = events.unbounded_send(Event::Read { index, reading, by_helper: true });
        })
    };
    let onerror = {
        let events = events.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            // Handled here: unhandled, the helper's error would reach the page and end the check.
            event.prevent_default();
            let _ = events.unbounded_send(Event::HelperLost);
        })
    };
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    // A helper whose wasm never loads sends neither: stop waiting for it.
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(HELPER_START_MS).await;
        if !listening.get() {
            let _ = events.unbounded_send(Event::HelperLost);
        }
    });
    Some(Helper { worker, _onmessage: onmessage, _onerror: onerror })
}

/// Reads one sheet image; whatever fails (bytes, format, browser) is [`Reading::NotAnImage`].
pub async fn read_image(file: &File, entry: &SheetEntry) -> Reading {
    match try_read_image(file, entry).await {
        Ok(found) => match found {
            Found::Text(text) => Reading::Qr(text),
            Found::Unreadable { .. } => Reading::QrUnreadable,
            Found::Nothing => Reading::NoQr,
        },
        Err(_) => Reading::NotAnImage,
    }
}

async fn try_read_image(file: &File, entry: &SheetEntry) -> Result<Found, JsValue> {
    let at = entry.header_offset;
    let header = read_slice(file, at, at.saturating_add(zip_scan::LOCAL_HEADER_BYTES)).await.ok_or(JsValue::NULL)?;
    let start = zip_scan::local_data_start(&header, at).ok_or(JsValue::NULL)?;
    let data = file.slice_with_f64_and_f64(start as f64, start.saturating_add(entry.compressed_size) as f64)?;
    let picture = match entry.method {
        0 => data,
        8 => inflate(&data).await?,
        _ => return Err(JsValue::NULL),
    };
    let bitmap: ImageBitmap = JsFuture::from(scope().create_image_bitmap_with_blob(&picture)?).await?.unchecked_into();
    let found = qr_read::read_page(bitmap.width(), bitmap.height(), |region, size| draw_region(&bitmap, region, size));
    bitmap.close();
    found
}

// web-sys has `DecompressionStream` only behind `--cfg web_sys_unstable_apis`, which would
// apply to the whole build: the three members used here, bound by hand.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = DecompressionStream)]
    type Inflater;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<Inflater, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &Inflater) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &Inflater) -> web_sys::WritableStream;
}

/// The inflated bytes of a deflated entry, as a blob (the browser inflates; nothing is copied
/// into wasm memory).
async fn inflate(data: &Blob) -> Result<Blob, JsValue> {
    let inflater = Inflater::new("deflate-raw")?;
    let pair = web_sys::ReadableWritablePair::new(&inflater.readable(), &inflater.writable());
    let inflated = data.stream().pipe_through(&pair);
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&inflated))?;
    Ok(JsFuture::from(response.blob()?).await?.unchecked_into())
}

/// Draws `region` (x, y, width, height) of the bitmap at `size` and hands over its RGBA pixels.
fn draw_region(bitmap: &ImageBitmap, region: (u32, u32, u32, u32), size: (u32, u32)) -> Result<Vec<u8>, JsValue> {
    let canvas = OffscreenCanvas::new(size.0, size.1)?;
    // The default (accelerated) canvas: `willReadFrequently`, a canvas in memory, measured 30 %
    // slower over a whole check in `cargo xtask bench qr-covers` (9.9 s against 7.5 s for 291
    // pages), its scaling being the browser's slower software path.
    let context: web_sys::OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d")?.ok_or(JsValue::NULL)?.unchecked_into();
    let (x, y, w, h) = (f64::from(region.0), f64::from(region.1), f64::from(region.2), f64::from(region.3));
    let (dw, dh) = (f64::from(size.0), f64::from(size.1));
    context
        .draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(bitmap, x, y, w, h, 0.0, 0.0, dw, dh)?;
    Ok(context.get_image_data(0.0, 0.0, dw, dh)?.data().0)
}
