//! `UploadProvider`: owns the upload queue above the router, starts the next job when the
//! queue is free, and asks before the page is left with uploads pending.

use crate::batch_cache::{self, BatchFacts};
use crate::dom_listener::DomListener;
use crate::hooks::use_api::use_api;
use crate::hooks::use_session::use_session;
use crate::hooks::use_uploads::UploadsContext;
use crate::upload::cancel::Cancel;
use crate::upload::job::{Job, UploadEvent};
use crate::upload::queue::{QueueAction, QueueState};
use crate::upload::runner::run;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Props: the app below.
#[derive(Properties, PartialEq)]
pub struct UploadProviderProps {
    #[prop_or_default]
    pub children: Html,
}

fn cancel_all(cancels: &RefCell<HashMap<u32, Cancel>>) {
    for (_, cancel) in cancels.borrow_mut().drain() {
        cancel.cancel();
    }
}

/// Provides [`UploadsContext`].
#[component]
pub fn UploadProvider(props: &UploadProviderProps) -> Html {
    let client = use_api();
    let session = use_session();
    let state = use_reducer(QueueState::default);
    let cancels = use_mut_ref(HashMap::<u32, Cancel>::new);
    // Signing out, expiring or another user signing in (in any tab) ends this user's uploads:
    // running ones are cancelled and the queue is emptied. Their requests are also bound to
    // the sign-in, so nothing still in flight can go out under someone else.
    {
        let (dispatcher, cancels) = (state.dispatcher(), cancels.clone());
        use_effect_with(session.session_id.clone(), move |session_id| {
            cancel_all(&cancels);
            dispatcher.dispatch(QueueAction::SignIn(session_id.clone()));
        });
    }
    // The app going away (a test tearing it down) ends its uploads too.
    {
        let cancels = cancels.clone();
        use_effect_with((), move |_| move || cancel_all(&cancels));
    }
    {
        let (dispatcher, cancels) = (state.dispatcher(), cancels.clone());
        use_effect_with(state.clone(), move |state| {
            if let Some(id) = state.next_to_start() {
                let item = state.items.iter().find(|i| i.id == id).cloned().expect("next_to_start names an item");
                dispatcher.dispatch(QueueAction::Start(id));
                let cancel = Cancel::default();
                cancels.borrow_mut().insert(id, cancel.clone());
                let job = Job::new(item.upload.clone(), item.continue_earlier, client.config());
                let report: Rc<dyn Fn(UploadEvent)> = {
                    let dispatcher = dispatcher.clone();
                    let facts = BatchFacts::from(&item.upload);
                    Rc::new(move |event| {
                        if let UploadEvent::Done { batch_uuid, .. } = &event {
                            // The details page shows name, size and type, which /status lacks.
                            batch_cache::remember(batch_uuid, facts.clone());
                        }
                        dispatcher.dispatch(QueueAction::Event { id, event, now_ms: js_sys::Date::now() })
                    })
                };
                let (client, cancels) = (client.clone(), cancels.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    run(client, job, report, cancel).await;
                    cancels.borrow_mut().remove(&id);
                });
            }
        });
    }
    // Wi-Fi back: uploads that failed on the network carry on from their last chunk.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listener = DomListener::on_window("online", move |_| dispatcher.dispatch(QueueAction::BackOnline));
            move || drop(listener)
        });
    }
    // Leaving or reloading while uploads are pending asks for confirmation.
    use_effect_with(state.has_pending(), |pending| {
        let listener = pending
            .then(|| {
                DomListener::on_window("beforeunload", |event| {
                    event.prevent_default();
                    if let Some(event) = event.dyn_ref::<web_sys::BeforeUnloadEvent>() {
                        event.set_return_value("");
                    }
                })
            })
            .flatten();
        move || drop(listener)
    });
    let context = UploadsContext { state, cancels };
    html! {
        <ContextProvider<UploadsContext> context={context}>{ props.children.clone() }</ContextProvider<UploadsContext>>
    }
}
