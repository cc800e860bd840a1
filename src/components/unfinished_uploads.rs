//! `UnfinishedUploads`: this user's uploads that stopped part-way (their resume records), so
//! the next morning's officer sees what is left and can continue by choosing the file again.

use crate::hooks::use_api::use_api;
use crate::hooks::use_locale::use_locale;
use crate::hooks::use_session::use_session;
use crate::hooks::use_uploads::use_uploads;
use crate::i18n;
use crate::upload::resume::{self, Owner, ResumeEntry};
use yew::prelude::*;

/// The list above the upload queue; hidden while empty.
#[component]
pub fn UnfinishedUploads() -> Html {
    let client = use_api();
    let locale = use_locale();
    let session = use_session();
    let uploads = use_uploads();
    let owner = session.user.as_ref().map(|u| Owner { server: client.config().api_base.clone(), user_id: u.user_id });
    let records = use_state(Vec::<(String, ResumeEntry)>::new);
    // Read again whenever the queue moves: a finished upload drops its record.
    let queue_version = (uploads.state.completed, uploads.state.items.len(), owner.clone());
    {
        let records = records.clone();
        use_effect_with(queue_version, move |(_, _, owner)| {
            records.set(owner.as_ref().map(|o| resume::list(o, js_sys::Date::now())).unwrap_or_default());
        });
    }
    let Some(owner) = owner else { return Html::default() };
    if records.is_empty() {
        return Html::default();
    }
    let now = js_sys::Date::now();
    let text = locale.upload();
    html! {
        <section class="unfinished-uploads" aria-labelledby="unfinished-title">
            <h2 id="unfinished-title">{ text.unfinished_title }</h2>
            <ul class="upload-list">
                { for records.iter().map(|(fingerprint, entry)| {
                    let forget = {
                        let (records, owner, fingerprint) = (records.clone(), owner.clone(), fingerprint.clone());
                        Callback::from(move |_: MouseEvent| {
                            resume::forget(&owner, &fingerprint, js_sys::Date::now());
                            records.set(resume::list(&owner, js_sys::Date::now()));
                        })
                    };
                    html! {
                        <li class="unfinished-item" data-testid="unfinished-upload">
                            <bdi>{ entry.label.clone() }</bdi>{ ": " }
                            { i18n::unfinished_line(locale, entry.acknowledged.len(), entry.total_chunks, now - entry.saved_at_ms) }
                            <button type="button" class="button button-quiet" onclick={forget}>{ text.forget }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
