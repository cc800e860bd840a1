//! `ServerMessage`: one message of the backend (a stage message, a batch's error, a sheet's
//! error) in the user's language. One this client does not recognise is shown exactly as
//! sent, isolated and marked `lang="en"`, so screen readers pronounce it as the English it is.

use crate::api::server_text::ServerText;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
use yew::prelude::*;

/// Props: the server's words.
#[derive(Properties, PartialEq)]
pub struct ServerMessageProps {
    pub text: AttrValue,
}

/// The message, translated when known.
#[component]
pub fn ServerMessage(props: &ServerMessageProps) -> Html {
    let locale = use_locale();
    let message = ServerText::parse(&props.text);
    let said = i18n::say(locale, &message);
    if message.is_known() {
        html! { { said } }
    } else {
        html! { <bdi lang="en">{ said }</bdi> }
    }
}
