//! `ListTextFilters`: the list's file-name filter, and for admins the uploader filter. What is
//! typed is applied 500 ms after the last keystroke in either input (one timer for both, as
//! the earlier client did, contract §5.9.7); the applied values come back from the address,
//! so the back button and a reload show them in the inputs.

use crate::hooks::use_locale::use_locale;
use gloo_timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Quiet time after the last keystroke before the filters apply.
const DEBOUNCE_MS: u32 = 500;

/// The two text filters: part of the file name, part of the uploader's username.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TextFilters {
    pub name: String,
    pub uploader: String,
}

/// Props: the applied filters (from the address), whether the uploader input is offered, and
/// what to call with the typed values once typing pauses.
#[derive(Properties, PartialEq)]
pub struct ListTextFiltersProps {
    pub applied: TextFilters,
    pub show_uploader: bool,
    pub on_apply: Callback<TextFilters>,
}

/// The labelled text inputs.
#[component]
pub fn ListTextFilters(props: &ListTextFiltersProps) -> Html {
    let text = use_locale().list();
    let typed = use_state_eq(|| props.applied.clone());
    // The address changed (back button, a link): the inputs show it.
    {
        let typed = typed.clone();
        use_effect_with(props.applied.clone(), move |applied| typed.set(applied.clone()));
    }
    // The latest callback, so a re-render of the page (a list refresh) does not restart the wait.
    let on_apply = use_mut_ref(|| props.on_apply.clone());
    *on_apply.borrow_mut() = props.on_apply.clone();
    {
        let applied = props.applied.clone();
        use_effect_with((*typed).clone(), move |typed| {
            let typed = typed.clone();
            // Each keystroke drops the pending timer with this effect's teardown.
            let timer = (typed != applied).then(|| Timeout::new(DEBOUNCE_MS, move || on_apply.borrow().emit(typed)));
            move || drop(timer)
        });
    }
    let input = |id: &'static str, label: &'static str, placeholder: &'static str, value: &str, uploader: bool| {
        let typed = typed.clone();
        let oninput = Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            let mut next = (*typed).clone();
            if uploader {
                next.uploader = value;
            } else {
                next.name = value;
            }
            typed.set(next);
        });
        html! {
            <div class="status-filter">
                <label for={id}>{ label }</label>
                <input id={id} type="search" autocomplete="off" placeholder={placeholder} value={value.to_string()} oninput={oninput} />
            </div>
        }
    };
    html! {
        <>
            { input("name-filter", text.filter_name, text.filter_name_placeholder, &typed.name, false) }
            if props.show_uploader {
                { input("uploader-filter", text.filter_uploader, text.filter_uploader_placeholder, &typed.uploader, true) }
            }
        </>
    }
}
