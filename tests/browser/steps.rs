//! What a user does with the page, as the browser would deliver it: picking and dropping
//! files, typing, submitting, signing in, choosing in a select.

use crate::support::{find, type_into, wait_for};
use wasm_bindgen::JsCast;

/// Puts files into the file input as the picker would, and fires `change`.
pub fn choose_files(root: &web_sys::Element, files: &[web_sys::File]) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    for file in files {
        transfer.items().add_with_file(file).unwrap();
    }
    let input: web_sys::HtmlInputElement = root.query_selector("#upload-files").unwrap().unwrap().dyn_into().unwrap();
    input.set_files(transfer.files().as_ref());
    input
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("change", &{
                let init = web_sys::EventInit::new();
                init.set_bubbles(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
}

/// Drops files on the drop zone as a drag from the file manager would.
pub fn drop_files(root: &web_sys::Element, files: &[web_sys::File]) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    for file in files {
        transfer.items().add_with_file(file).unwrap();
    }
    let init = web_sys::DragEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_data_transfer(Some(&transfer));
    let event = web_sys::DragEvent::new_with_event_init_dict("drop", &init).unwrap();
    find(root, ".drop-zone").unwrap().dispatch_event(&event).unwrap();
}

/// Types a task ID and leaves the field, as a user tabbing on would.
pub fn set_task_id(root: &web_sys::Element, value: &str) {
    let input: web_sys::HtmlInputElement = root.query_selector("#upload-task-id").unwrap().unwrap().dyn_into().unwrap();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(
            &web_sys::InputEvent::new_with_event_init_dict("input", &web_sys::InputEventInit::new()).unwrap(),
        )
        .unwrap();
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

/// Presses the upload form's submit button.
pub fn submit(root: &web_sys::Element) {
    find(root, ".upload-form button[type=submit]").unwrap().click();
}

/// Fills the login form and presses Sign in.
pub async fn sign_in(root: &web_sys::Element, user: &str, password: &str) {
    wait_for("the login form", || find(root, "#login-username").is_some()).await;
    type_into(root, "#login-username", user);
    type_into(root, "#login-password", password);
    find(root, "button[type=submit]").unwrap().click();
}

/// Chooses `value` in the status filter.
pub fn select_status(root: &web_sys::Element, value: &str) {
    choose_option(root, "#status-filter", value);
}

/// Chooses `value` in the select `selector`, as a user does (a bubbling `change`).
pub fn choose_option(root: &web_sys::Element, selector: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = root.query_selector(selector).unwrap().unwrap().dyn_into().unwrap();
    select.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    select.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}
