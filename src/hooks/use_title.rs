//! `use_title`: sets the document title for the page being shown.

use crate::i18n::page_title;
use yew::prelude::*;

/// Sets `<title>` to "<page> · OMR Batches" while the component is shown.
#[hook]
pub fn use_title(page: &str) {
    let title = page_title(page);
    use_effect_with(title, |title| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(title);
        }
    });
}
