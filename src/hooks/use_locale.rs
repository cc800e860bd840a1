//! `use_locale`: the language the user chose, from the context `LocaleProvider` provides.
//! Every component that shows text reads it here, so a switch re-renders exactly them.

use crate::locale::{Lang, Locale};
use yew::prelude::*;

/// The context value: the locale in use and the way to change its language.
#[derive(Clone, PartialEq)]
pub struct LocaleContext {
    pub locale: Locale,
    pub choose: Callback<Lang>,
}

/// The current locale. Outside a `LocaleProvider` (a component mounted alone in a test) it is
/// English with the defaults.
#[hook]
pub fn use_locale() -> Locale {
    use_context::<LocaleContext>().map(|context| context.locale).unwrap_or(Locale::new(Lang::En))
}

/// The way to switch language (a no-op outside a `LocaleProvider`).
#[hook]
pub fn use_choose_lang() -> Callback<Lang> {
    use_context::<LocaleContext>().map(|context| context.choose).unwrap_or_default()
}
