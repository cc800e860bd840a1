//! The user's language and calendar: which one is chosen at start-up, and how the choice is
//! remembered. Pure, so the rules have native tests; `intl` and `i18n` turn a `Locale` into
//! text.

use serde::{Deserialize, Serialize};

/// A language the catalogues are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// Thai.
    Th,
}

impl Lang {
    /// Every language, in the order the switch offers them.
    pub const ALL: [Lang; 2] = [Lang::Th, Lang::En];

    /// The BCP 47 tag for `<html lang>` and storage: `en` or `th`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Th => "th",
        }
    }

    /// Reads a language tag (`th`, `th-TH`, `EN-us`); anything else is not ours.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "th" => Some(Lang::Th),
            _ => None,
        }
    }

    /// The language's own name, as the switch shows it whatever the current language.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Th => "ไทย",
        }
    }
}

/// How Thai dates count years (config `thai_calendar`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThaiCalendar {
    /// พ.ศ., the Buddhist era (Gregorian + 543), as Thai offices write dates.
    #[default]
    Buddhist,
    /// The Gregorian year, for offices that prefer it.
    Gregorian,
}

/// Everything that decides how text and numbers look: the language and, for Thai, the era.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Locale {
    pub lang: Lang,
    pub thai_calendar: ThaiCalendar,
}

impl Locale {
    /// The locale for `lang` with the Buddhist era for Thai.
    pub fn new(lang: Lang) -> Locale {
        Locale { lang, thai_calendar: ThaiCalendar::Buddhist }
    }

    /// The tag `Intl` formatters get: the calendar travels as a Unicode extension, so one
    /// formatter per locale does the whole job.
    pub fn intl_tag(self) -> &'static str {
        match (self.lang, self.thai_calendar) {
            (Lang::En, _) => "en-GB",
            (Lang::Th, ThaiCalendar::Buddhist) => "th-TH-u-ca-buddhist",
            (Lang::Th, ThaiCalendar::Gregorian) => "th-TH-u-ca-gregory",
        }
    }
}

/// The localStorage key that keeps the choice across reloads and sign-outs.
pub const STORAGE_KEY: &str = "omr.language";

/// The language to start in: the user's last choice, else the deployment's default, else the
/// first of the browser's languages we have, else Thai (the people this is built for).
pub fn initial_lang(stored: Option<&str>, configured: Option<&str>, browser: &[String]) -> Lang {
    stored
        .and_then(Lang::from_tag)
        .or_else(|| configured.and_then(Lang::from_tag))
        .or_else(|| browser.iter().find_map(|tag| Lang::from_tag(tag)))
        .unwrap_or(Lang::Th)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_read_by_their_primary_subtag() {
        assert_eq!(Lang::from_tag("th-TH"), Some(Lang::Th));
        assert_eq!(Lang::from_tag(" EN_us "), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
        assert_eq!(Lang::from_tag(""), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.code()), Some(lang));
        }
    }

    #[test]
    fn the_choice_beats_the_deployment_which_beats_the_browser() {
        let browser = vec!["de-DE".to_string(), "en-US".to_string()];
        assert_eq!(initial_lang(Some("en"), Some("th"), &browser), Lang::En);
        assert_eq!(initial_lang(None, Some("th"), &browser), Lang::Th);
        assert_eq!(initial_lang(Some("klingon"), None, &browser), Lang::En);
        assert_eq!(initial_lang(None, Some("fr"), &["fr".to_string()]), Lang::Th);
    }

    #[test]
    fn thai_carries_its_calendar_in_the_tag() {
        assert_eq!(Locale::new(Lang::Th).intl_tag(), "th-TH-u-ca-buddhist");
        let gregorian = Locale { lang: Lang::Th, thai_calendar: ThaiCalendar::Gregorian };
        assert_eq!(gregorian.intl_tag(), "th-TH-u-ca-gregory");
        assert_eq!(Locale::new(Lang::En).intl_tag(), "en-GB");
    }
}
