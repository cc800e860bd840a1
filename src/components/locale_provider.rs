//! `LocaleProvider`: chooses the language at start-up (the user's last choice, the
//! deployment's `default_language`, the browser's languages), remembers a switch in
//! localStorage so it outlives reloads and sign-outs, and keeps `<html lang>` in step.

use crate::hooks::use_locale::LocaleContext;
use crate::locale::{initial_lang, Lang, Locale, ThaiCalendar, STORAGE_KEY};
use yew::prelude::*;

/// Props: the deployment's defaults, and the app inside.
#[derive(Properties, PartialEq)]
pub struct LocaleProviderProps {
    /// `default_language` of config.json, when set.
    #[prop_or_default]
    pub default_language: Option<AttrValue>,
    #[prop_or_default]
    pub thai_calendar: ThaiCalendar,
    #[prop_or_default]
    pub children: Html,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The browser's preferred languages, most preferred first.
fn browser_languages() -> Vec<String> {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return Vec::new() };
    let listed: Vec<String> = navigator.languages().iter().filter_map(|tag| tag.as_string()).collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// The language the app starts in (also used before config.json has arrived).
pub fn starting_lang(default_language: Option<&str>) -> Lang {
    let stored = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    initial_lang(stored.as_deref(), default_language, &browser_languages())
}

fn mark_document(lang: Lang) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
}

/// Provides the locale to everything below it.
#[component]
pub fn LocaleProvider(props: &LocaleProviderProps) -> Html {
    let lang = use_state({
        let configured = props.default_language.clone();
        move || starting_lang(configured.as_deref())
    });
    use_effect_with(*lang, |lang| mark_document(*lang));
    // One callback for the provider's life: a new one per render would change the context
    // value and re-render every component that reads it.
    let choose = {
        let setter = lang.setter();
        use_callback((), move |chosen: Lang, _| {
            if let Some(storage) = storage() {
                // A full or disabled storage only costs remembering the choice.
                let _ = storage.set_item(STORAGE_KEY, chosen.code());
            }
            setter.set(chosen);
        })
    };
    let context = LocaleContext { locale: Locale { lang: *lang, thai_calendar: props.thai_calendar }, choose };
    html! {
        <ContextProvider<LocaleContext> context={context}>
            { props.children.clone() }
        </ContextProvider<LocaleContext>>
    }
}
