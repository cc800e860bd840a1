//! `error_notice`: an error message with an optional Retry button, announced to screen
//! readers. A view function, not a component (see `server_message`).

use crate::locale::Locale;
use yew::prelude::*;

/// A visible, announced error box with `message`, and Retry when `on_retry` is given.
pub fn error_notice(locale: Locale, message: String, on_retry: Option<Callback<()>>) -> Html {
    let retry = on_retry.map(|on_retry| {
        html! {
            <button type="button" class="button" onclick={Callback::from(move |_: MouseEvent| on_retry.emit(()))}>
                { locale.strings().retry }
            </button>
        }
    });
    html! {
        <div class="error-notice" role="alert">
            <p>{ message }</p>
            { for retry }
        </div>
    }
}
