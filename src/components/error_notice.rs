//! `ErrorNotice`: an error message with an optional Retry button, announced to screen readers.

use crate::hooks::use_locale::use_locale;
use yew::prelude::*;

/// Props: the message and what Retry does.
#[derive(Properties, PartialEq)]
pub struct ErrorNoticeProps {
    pub message: AttrValue,
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
}

/// A visible, announced error box.
#[component]
pub fn ErrorNotice(props: &ErrorNoticeProps) -> Html {
    let locale = use_locale();
    let retry = props.on_retry.clone().map(|on_retry| {
        html! {
            <button type="button" class="button" onclick={Callback::from(move |_: MouseEvent| on_retry.emit(()))}>
                { locale.strings().retry }
            </button>
        }
    });
    html! {
        <div class="error-notice" role="alert">
            <p>{ props.message.clone() }</p>
            { for retry }
        </div>
    }
}
