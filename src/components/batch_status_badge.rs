//! `batch_status_badge`: a distinct colour and label per status, neutral for unknown values.
//! A view function, not a component (see `server_message`).

use crate::api::types::BatchStatus;
use crate::i18n;
use crate::locale::Locale;
use yew::prelude::*;

/// The CSS modifier for a status (`status-unknown` for values this client does not know).
pub fn status_class(status: &BatchStatus) -> &'static str {
    match status {
        BatchStatus::Uploaded => "status-uploaded",
        BatchStatus::Validating => "status-validating",
        BatchStatus::Processing => "status-processing",
        BatchStatus::Completed => "status-completed",
        BatchStatus::Failed => "status-failed",
        BatchStatus::Reprocessing => "status-reprocessing",
        BatchStatus::Other(_) => "status-unknown",
    }
}

/// A pill with the status label; the colour never carries meaning alone (the text does).
pub fn batch_status_badge(locale: Locale, status: &BatchStatus) -> Html {
    html! {
        <span class={classes!("status-badge", status_class(status))} data-status={status.as_str().to_string()}>
            { i18n::batch_status(locale, status) }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_has_its_own_class_and_label() {
        let classes: std::collections::HashSet<_> = BatchStatus::ALL.iter().map(status_class).collect();
        assert_eq!(classes.len(), 6);
        assert!(!classes.contains("status-unknown"));
    }

    #[test]
    fn unknown_values_are_neutral() {
        assert_eq!(status_class(&BatchStatus::parse("queued_for_review")), "status-unknown");
        assert_eq!(status_class(&BatchStatus::parse("")), "status-unknown");
    }
}
