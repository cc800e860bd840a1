//! `UploadQueue`: every upload of this page session, each with its own progress.

use crate::components::upload_item_view::upload_item_view;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_uploads::use_uploads;
use yew::prelude::*;

/// The queue, hidden while empty.
#[component]
pub fn UploadQueue() -> Html {
    let uploads = use_uploads();
    let locale = use_locale();
    let text = locale.upload();
    if uploads.state.items.is_empty() {
        return Html::default();
    }
    html! {
        <section class="upload-queue" aria-labelledby="upload-queue-title">
            <div class="list-toolbar">
                <h2 id="upload-queue-title">{ text.queue_title }</h2>
                if uploads.state.items.iter().any(|i| !i.phase.is_pending()) {
                    <button type="button" class="button button-quiet" data-testid="clear-finished"
                        onclick={{ let uploads = uploads.clone(); Callback::from(move |_: MouseEvent| uploads.clear_finished()) }}>
                        { text.clear_finished }
                    </button>
                }
            </div>
            <ul class="upload-list">
                { for uploads.state.items.iter().map(|item| upload_item_view(locale, &uploads, item)) }
            </ul>
        </section>
    }
}
