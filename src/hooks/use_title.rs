//! `use_title`: sets the document title for the page being shown, in the user's language.

use crate::hooks::use_locale::use_locale;
use crate::i18n::page_title;
use yew::prelude::*;

/// Sets `<title>` to "<page> · <app name>" while the component is shown; `page` is already
/// in the current language, and the title follows a language switch.
#[hook]
pub fn use_title(page: &str) {
    let title = page_title(use_locale(), page);
    use_effect_with(title, |title| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(title);
        }
    });
}
