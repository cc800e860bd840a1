//! Helpers: the stand-in's address, its test endpoints, mounting the app, waiting for the DOM.

use gloo_net::http::Request;
use gloo_timers::future::sleep;
use omr_web::api::types::UploadType;
use omr_web::api::ApiClient;
use omr_web::app::{App, AppProps};
use omr_web::config::AppConfig;
use omr_web::upload::job::UploadEvent;
use omr_web::upload::new_upload::{Files, NewUpload, ResumeKey};
use omr_web::upload::resume;
use serde_json::Value;
use std::time::Duration;
use wasm_bindgen::JsCast;

/// The stand-in's base URL, fixed at compile time by `cargo xtask test`.
pub fn standin() -> &'static str {
    match option_env!("OMR_STANDIN_URL") {
        Some(url) => url,
        None => {
            panic!("run the browser tests through `cargo xtask test`: it starts the stand-in and sets OMR_STANDIN_URL")
        }
    }
}

/// App configuration pointing both lanes at the stand-in (another origin: it answers CORS), and
/// the QR cover check's worker at the stand-in's copy (`cargo xtask test` builds it).
pub fn config() -> AppConfig {
    AppConfig {
        api_base: format!("{}/api", standin()),
        realtime_base: format!("{}/api/realtime", standin()),
        cover_worker_base: format!("{}/__test/worker/", standin()),
        ..AppConfig::default()
    }
}

/// A client with no stored session.
pub fn fresh_client() -> ApiClient {
    clear_storage();
    ApiClient::new(config())
}

/// Forgets any session a previous test stored.
pub fn clear_storage() {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        storage.clear().expect("localStorage clears");
    }
}

/// What this origin's `localStorage` holds under `key`.
pub fn stored(key: &str) -> Option<String> {
    web_sys::window()?.local_storage().ok()??.get_item(key).ok()?
}

thread_local! {
    /// Every app a test mounted, so the next test can end what a failed one left running.
    static MOUNTED: std::cell::RefCell<Vec<(yew::AppHandle<App>, web_sys::Element)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Mounts the whole app with `config` at the current address; it is destroyed by
/// [`unmount_all`] (called by [`start_clean`]) if the test does not do it itself.
pub fn mount_app(config: AppConfig) -> web_sys::Element {
    mount_app_with(AppProps { config: Some(config) })
}

/// [`mount_app`] with any props (`config: None` loads `/config.json` as in production).
pub fn mount_app_with(props: AppProps) -> web_sys::Element {
    let root = mount_point();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    MOUNTED.with(|mounted| mounted.borrow_mut().push((app, root.clone())));
    root
}

/// Destroys every mounted app (their effects stop their timers, streams and uploads) and
/// removes their elements.
pub fn unmount_all() {
    let apps = MOUNTED.with(|mounted| std::mem::take(&mut *mounted.borrow_mut()));
    for (app, root) in apps {
        app.destroy();
        root.remove();
    }
}

/// Every test starts here: no app of an earlier test running, no stored session or resume
/// record, no fault rule or gateway limit left on the stand-in, an empty request log, the tab
/// visible and online, the page at `/`, and no request of an earlier test still being handled.
pub async fn start_clean() {
    unmount_all();
    restore_page_globals();
    clear_storage();
    set_tab_visible(true);
    set_online(true);
    go_to("/");
    control("DELETE", "/__test/faults").await;
    // Requests of the previous test the stand-in is still handling (a delayed or aborted
    // chunk) would be logged in this test's log: wait for them to end, then forget them.
    for _ in 0..600 {
        if control("GET", "/__test/requests").await["in_flight"] == 0 {
            break;
        }
        sleep(Duration::from_millis(50)).await;
    }
    control("DELETE", "/__test/requests").await;
}

/// Runs a piece of JavaScript in the page (test set-up only: timers, clock, Web Locks).
pub fn js(code: &str) -> wasm_bindgen::JsValue {
    js_sys::Function::new_no_args(code).call0(&wasm_bindgen::JsValue::NULL).expect("the script runs")
}

/// Puts an element `tag` with `text` and id `id` into the test page's `<head>`, once
/// ([`restore_page_globals`] removes the ones it knows of).
pub fn add_to_head(id: &str, tag: &str, text: &str) {
    let document = web_sys::window().unwrap().document().unwrap();
    if document.get_element_by_id(id).is_some() {
        return;
    }
    let element = document.create_element(tag).unwrap();
    element.set_id(id);
    element.set_text_content(Some(text));
    document.head().unwrap().append_child(&element).unwrap();
}

/// Puts the app's stylesheet on the test page: layout and colour contrast as users see them.
pub fn use_app_style() {
    add_to_head("test-app-style", "style", include_str!("../../assets/style.css"));
}

/// Puts index.html's static shell last in the test page's `<body>` (with the app's
/// stylesheet) and returns it; an app mounted next lands right below it.
pub fn show_index_shell() -> web_sys::Element {
    const INDEX_HTML: &str = include_str!("../../index.html");
    let start = INDEX_HTML.find("<div id=\"shell\"").expect("index.html has a shell");
    let end = INDEX_HTML.rfind("</body>").expect("index.html ends its body");
    use_app_style();
    let document = web_sys::window().unwrap().document().unwrap();
    let holder = document.create_element("div").unwrap();
    holder.set_inner_html(&INDEX_HTML[start..end]);
    let shell = holder.first_element_child().expect("the shell element");
    document.body().unwrap().append_child(&shell).unwrap();
    shell
}

/// Undoes what a test changed in the page's own objects: counted `setTimeout`, a shifted
/// `Date.now`, Web Locks switched off, index.html's shell and the app's stylesheet put on the page.
pub fn restore_page_globals() {
    js("if (window.__realSetTimeout) { window.setTimeout = window.__realSetTimeout; delete window.__realSetTimeout; }
        if (window.__realDateNow) { Date.now = window.__realDateNow; delete window.__realDateNow; }
        delete navigator.locks;
        for (const id of ['shell', 'test-app-style']) { document.getElementById(id)?.remove(); }
        document.documentElement.classList.remove('shell-signed-in');");
}

/// Makes `navigator.onLine` say `online` (headless Chromium is always online by itself).
pub fn set_online(online: bool) {
    let navigator = web_sys::window().unwrap().navigator();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"value".into(), &online.into()).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(&navigator, &"onLine".into(), &descriptor);
}

/// A same-origin frame: its window shares this page's `localStorage` and receives the
/// `storage` events this page causes (and the other way round), as a second tab does.
pub fn second_tab() -> web_sys::Window {
    let document = web_sys::window().unwrap().document().unwrap();
    let frame: web_sys::HtmlIFrameElement = document.create_element("iframe").unwrap().dyn_into().unwrap();
    document.body().unwrap().append_child(&frame).unwrap();
    frame.content_window().expect("the frame has a window")
}

/// Calls a `/__test/...` control endpoint.
pub async fn control(method: &str, path: &str) -> Value {
    let url = format!("{}{}", standin(), path);
    let request = match method {
        "POST" => Request::post(&url),
        "DELETE" => Request::delete(&url),
        _ => Request::get(&url),
    };
    let response = request.send().await.expect("stand-in reachable");
    assert!(response.ok(), "{method} {path} → {}", response.status());
    response.json().await.unwrap_or(Value::Null)
}

/// How many requests the stand-in saw for this method and path since the log was cleared.
pub async fn count_requests(method: &str, path: &str) -> usize {
    let log = control("GET", "/__test/requests").await;
    log["requests"]
        .as_array()
        .expect("request log")
        .iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .count()
}

/// A fresh element under `<body>` for one test's app.
pub fn mount_point() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// Polls until `check` holds, failing with `what` after 10 s.
pub async fn wait_for(what: &str, check: impl FnMut() -> bool) {
    if !held_within_10_s(check).await {
        panic!("timed out waiting for {what}");
    }
}

/// The wait of [`wait_for`] and [`wait_on_page`]: `check` every 50 ms, 200 times.
async fn held_within_10_s(check: impl FnMut() -> bool) -> bool {
    poll_until(200, Duration::from_millis(50), check).await
}

/// [`wait_for`] on a mounted app that, when it times out, says what the page showed and which
/// requests the stand-in saw, so that a rare failure can be told apart from a slow machine.
pub async fn wait_on_page(root: &web_sys::Element, what: &str, check: impl FnMut() -> bool) {
    if held_within_10_s(check).await {
        return;
    }
    let log = control("GET", "/__test/requests").await;
    let requests: Vec<String> = log["requests"]
        .as_array()
        .map(|all| {
            let field = |r: &Value, key: &str| r[key].as_str().unwrap_or_default().to_string();
            all.iter().map(|r| format!("{} {} {}", field(r, "method"), field(r, "path"), r["status"])).collect()
        })
        .unwrap_or_default();
    let shown: String = text(root).chars().take(600).collect();
    panic!("timed out waiting for {what}; the stand-in saw {requests:?}; the page began {shown:?}");
}

/// Checks `check` up to `tries` times, `every` apart; true as soon as it holds.
pub async fn poll_until(tries: u32, every: Duration, mut check: impl FnMut() -> bool) -> bool {
    for _ in 0..tries {
        if check() {
            return true;
        }
        sleep(every).await;
    }
    false
}

/// Signs `user` in, opens the batch list with `config` and waits for the upload form.
pub async fn open_batches(user: &str, password: &str, config: AppConfig) -> web_sys::Element {
    ApiClient::new(config.clone()).login(user, password).await.unwrap();
    go_to("/dashboard/batches");
    let root = mount_app(config);
    wait_for("the upload form", || find(&root, "#upload-files").is_some()).await;
    root
}

/// The element matching `selector` inside `root`, if any.
pub fn find(root: &web_sys::Element, selector: &str) -> Option<web_sys::HtmlElement> {
    root.query_selector(selector).ok().flatten().and_then(|e| e.dyn_into().ok())
}

/// The visible text of `root`, without the invisible isolate marks (FSI, PDI) around names.
pub fn text(root: &web_sys::Element) -> String {
    root.text_content().unwrap_or_default().replace(['\u{2068}', '\u{2069}'], "")
}

/// Sets an input's value as typing would.
pub fn type_into(root: &web_sys::Element, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector(selector).unwrap().expect(selector).dyn_into().unwrap();
    input.set_value(value);
}

/// The current path and query of the test page.
pub fn current_url() -> String {
    let location = web_sys::window().unwrap().location();
    format!("{}{}", location.pathname().unwrap(), location.search().unwrap())
}

/// Moves the test page to `path` without reloading (as a link would).
pub fn go_to(path: &str) {
    let history = web_sys::window().unwrap().history().unwrap();
    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path)).unwrap();
}

/// The local and central headers of one stored (uncompressed) ZIP entry at `offset`.
fn zip_headers(entry: &str, size: u32, crc: u32, offset: u32) -> (Vec<u8>, Vec<u8>) {
    let header = |signature: u32, central: bool| {
        let mut h = Vec::new();
        h.extend_from_slice(&signature.to_le_bytes());
        if central {
            h.extend_from_slice(&20u16.to_le_bytes());
        }
        h.extend_from_slice(&20u16.to_le_bytes());
        h.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        h.extend_from_slice(&crc.to_le_bytes());
        h.extend_from_slice(&size.to_le_bytes());
        h.extend_from_slice(&size.to_le_bytes());
        h.extend_from_slice(&(entry.len() as u16).to_le_bytes());
        h.extend_from_slice(&0u16.to_le_bytes());
        if central {
            // Comment length, disk number, internal and external attributes.
            h.extend_from_slice(&[0; 10]);
            h.extend_from_slice(&offset.to_le_bytes());
        }
        h.extend_from_slice(entry.as_bytes());
        h
    };
    (header(0x0403_4b50, false), header(0x0201_4b50, true))
}

/// The end record of a ZIP of `count` entries whose directory (`size` bytes) starts at `offset`.
fn zip_end(count: usize, size: usize, offset: usize) -> Vec<u8> {
    let mut end = Vec::new();
    end.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    end.extend_from_slice(&[0, 0, 0, 0]);
    end.extend_from_slice(&(count as u16).to_le_bytes());
    end.extend_from_slice(&(count as u16).to_le_bytes());
    end.extend_from_slice(&(size as u32).to_le_bytes());
    end.extend_from_slice(&(offset as u32).to_le_bytes());
    end.extend_from_slice(&0u16.to_le_bytes());
    end
}

/// A real ZIP of one stored sheet image made of `blocks` MiB (plus `tail` bytes) whose every
/// block differs (its index in its first bytes, `seed` in the pattern), so a reordered or
/// missing chunk changes the hash; dated `last_modified` when given. Returns the file and the
/// SHA-256 (hex) of all its bytes. Built block by block: the file never sits in wasm memory.
pub fn patterned_zip(
    name: &str,
    blocks: u32,
    tail: u32,
    seed: u8,
    last_modified: Option<f64>,
) -> (web_sys::File, String) {
    use sha2::{Digest, Sha256};
    const MIB: usize = 1024 * 1024;
    let parts = js_sys::Array::new();
    let mut hasher = Sha256::new();
    let mut push = |bytes: &[u8]| {
        hasher.update(bytes);
        parts.push(&js_sys::Uint8Array::from(bytes));
    };
    let size = blocks as usize * MIB + tail as usize;
    let (local, central) = zip_headers("12300145/scan.jpg", size as u32, 0, 0);
    push(&local);
    let mut block = vec![0u8; MIB];
    for (i, byte) in block.iter_mut().enumerate() {
        *byte = ((i % 251) as u8).wrapping_add(seed);
    }
    for index in 0..blocks {
        block[..4].copy_from_slice(&index.to_le_bytes());
        push(&block);
    }
    push(&block[..tail as usize]);
    let directory_at = local.len() + size;
    push(&central);
    push(&zip_end(1, central.len(), directory_at));
    let options = web_sys::FilePropertyBag::new();
    options.set_type("application/zip");
    if let Some(date) = last_modified {
        options.set_last_modified(date);
    }
    let file = web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options).expect("file");
    let hash = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    (file, hash)
}

/// [`patterned_zip`] with the default pattern and today's date.
pub fn patterned_file(name: &str, blocks: u32, tail: u32) -> (web_sys::File, String) {
    patterned_zip(name, blocks, tail, 0, None)
}

/// A small real ZIP (stored entries) holding `count` sheet images under a task folder.
pub fn small_zip(name: &str, task: &str, count: usize) -> web_sys::File {
    let mut zip = Vec::new();
    let mut central = Vec::new();
    for i in 0..count {
        let entry = format!("{task}/sheet-{i:03}.jpg");
        let data = format!("fake jpeg {i}").into_bytes();
        let (local, listed) = zip_headers(&entry, data.len() as u32, crc32(&data), zip.len() as u32);
        zip.extend(local);
        zip.extend_from_slice(&data);
        central.extend(listed);
    }
    let central_offset = zip.len();
    zip.extend_from_slice(&central);
    zip.extend(zip_end(count, central.len(), central_offset));
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(zip.as_slice()));
    web_sys::File::new_with_u8_array_sequence(&parts, name).expect("file")
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Installs one fault rule on the stand-in.
pub async fn fault(rule: serde_json::Value) {
    let response = Request::post(&format!("{}/__test/faults", standin())).json(&rule).unwrap().send().await.unwrap();
    assert!(response.ok());
}

/// Sends a JSON body to a `/__test/...` control endpoint with PUT (sink, link, generation, …).
pub async fn put_control(path: &str, body: Value) {
    let response = Request::put(&format!("{}{path}", standin())).json(&body).unwrap().send().await.unwrap();
    assert!(response.ok(), "PUT {path} → {}", response.status());
}

/// Chunk requests in the stand-in's log: (chunk_index, upload_id, status) in arrival order.
pub async fn chunk_log() -> Vec<(i64, String, u16)> {
    let log = control("GET", "/__test/requests").await;
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with("/upload-chunk")))
        .map(|r| {
            (
                r["note"]["chunk_index"].as_i64().unwrap_or(-1),
                r["note"]["upload_id"].as_str().unwrap_or_default().to_string(),
                r["status"].as_u64().unwrap_or(0) as u16,
            )
        })
        .collect()
}

/// Pretends the tab was hidden or shown again (headless Chromium never hides it itself).
pub fn set_tab_visible(visible: bool) {
    let document = web_sys::window().unwrap().document().unwrap();
    let descriptor = js_sys::Object::new();
    js_sys::Reflect::set(&descriptor, &"value".into(), &(if visible { "visible" } else { "hidden" }).into()).unwrap();
    js_sys::Reflect::set(&descriptor, &"configurable".into(), &true.into()).unwrap();
    js_sys::Object::define_property(&document, &"visibilityState".into(), &descriptor);
    document.dispatch_event(&web_sys::Event::new("visibilitychange").unwrap()).unwrap();
}

/// Progress requests the stand-in logged for batch `uuid` (the polling of the details page
/// and of queue rows).
pub async fn progress_requests(uuid: &str) -> usize {
    count_path_suffix(&format!("/{uuid}/progress")).await
}

/// Requests the stand-in logged for a path ending in `suffix`.
pub async fn count_path_suffix(suffix: &str) -> usize {
    let log = control("GET", "/__test/requests").await;
    log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
        .count()
}

/// A fresh 8-digit task id: QR uploads skip tasks that already have sheets, and the stand-in
/// outlives one test run when a developer reuses it.
pub fn unique_task() -> String {
    format!("{:08}", (js_sys::Math::random() * 100_000_000.0) as u64)
}

/// Current size of this module's linear memory (it grows and never shrinks).
pub fn wasm_memory_bytes() -> u64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length() as u64
}

/// A queued upload of `file` for `client`'s sign-in, as the form makes it; chunked single
/// files get a resume key (owner and a fingerprint from name, size and date).
pub fn queued(client: &ApiClient, file: web_sys::File, strategy: UploadType, task_id: Option<&str>) -> NewUpload {
    let session = client.session().expect("signed in");
    let resume_key = session.user.as_ref().filter(|_| strategy != UploadType::Images).map(|user| ResumeKey {
        owner: resume::Owner { server: client.config().api_base.clone(), user_id: user.user_id },
        fingerprint: resume::fingerprint(
            &file.name(),
            file.size() as u64,
            file.last_modified(),
            strategy.form_value(),
            task_id,
            0,
        ),
    });
    NewUpload {
        label: file.name(),
        size: file.size() as u64,
        files: Files(std::rc::Rc::new(vec![file])),
        strategy,
        task_id: task_id.map(str::to_string),
        notes: None,
        session_id: session.session_id,
        resume_key,
        earlier_attempt: None,
        duplicate_of: None,
        options: Default::default(),
        covers: None,
    }
}

/// Events a job reported, in order.
pub type Events = std::rc::Rc<std::cell::RefCell<Vec<UploadEvent>>>;

/// A report callback that records every event.
pub fn recorder() -> (Events, std::rc::Rc<dyn Fn(UploadEvent)>) {
    let events: Events = std::rc::Rc::default();
    let sink = events.clone();
    (events, std::rc::Rc::new(move |event| sink.borrow_mut().push(event)))
}

/// The last event reported.
pub fn last(events: &Events) -> UploadEvent {
    events.borrow().last().cloned().expect("at least one event")
}

/// The batch a finished job made (and whether it was found after a lost answer).
pub fn done(events: &Events) -> (String, bool) {
    match last(events) {
        UploadEvent::Done { batch_uuid, recovered } => (batch_uuid, recovered),
        other => panic!("upload did not finish: {other:?} after {:?}", events.borrow()),
    }
}

/// The SHA-256 of the file the stand-in made a batch from.
pub async fn received_sha(batch_uuid: &str) -> String {
    let files = control("GET", &format!("/__test/files/{batch_uuid}")).await;
    files["files"][0]["sha256"].as_str().expect("recorded file").to_string()
}

/// How many of `client`'s batches carry `name` (the newest 100).
pub async fn batches_named(client: &ApiClient, name: &str) -> usize {
    let page = client.list_batches(None, 100, 0).await.expect("list");
    page.batches.iter().filter(|b| b.batch_name.as_deref() == Some(name)).count()
}

/// A name no earlier test or run used.
pub fn unique_name(stem: &str) -> String {
    format!("{stem}-{}.zip", unique_task())
}

/// Uploads a ZIP straight through the runner, as the queue would, and returns the batch UUID.
pub async fn upload_zip(client: &ApiClient, file: web_sys::File) -> String {
    let job = omr_web::upload::job::Job::new(queued(client, file, UploadType::ZipWithQr, None), false, client.config());
    let (events, report) = recorder();
    omr_web::upload::runner::run(client.clone(), job, report, omr_web::upload::cancel::Cancel::default()).await;
    done(&events).0
}
