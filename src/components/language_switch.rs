//! `LanguageSwitch`: one button per language, each named in its own language, in the header
//! and on the login page. The current one is pressed (`aria-pressed`).

use crate::hooks::use_locale::{use_choose_lang, use_locale};
use crate::locale::Lang;
use yew::prelude::*;

/// The switch.
#[component]
pub fn LanguageSwitch() -> Html {
    let locale = use_locale();
    let choose = use_choose_lang();
    html! {
        <div class="language-switch" role="group" aria-label={locale.strings().language}>
            { for Lang::ALL.iter().map(|&lang| {
                let choose = choose.clone();
                let current = lang == locale.lang;
                html! {
                    <button type="button" class="language-option" lang={lang.code()} aria-pressed={current.to_string()}
                        data-lang={lang.code()} onclick={Callback::from(move |_: MouseEvent| choose.emit(lang))}>
                        { lang.native_name() }
                    </button>
                }
            }) }
        </div>
    }
}
