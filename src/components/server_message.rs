//! `server_message`: one message of the backend (a stage message, a batch's error, a sheet's
//! error) in the user's language. One this client does not recognise is shown exactly as
//! sent, isolated and marked `lang="en"`, so screen readers pronounce it as the English it is.
//!
//! A view function, not a component: it has no state of its own, and each component costs
//! about 1.3 KB of wasm in yew's lifecycle code.

use crate::api::server_text::ServerText;
use crate::i18n;
use crate::locale::Locale;
use yew::prelude::*;

/// The server's words `text`, translated when known.
pub fn server_message(locale: Locale, text: &str) -> Html {
    let message = ServerText::parse(text);
    let said = i18n::say(locale, &message);
    if message.is_known() {
        html! { { said } }
    } else {
        html! { <bdi lang="en">{ said }</bdi> }
    }
}
