//! `BatchStatusBadge`: a distinct colour and label per status, neutral for unknown values.

use crate::api::types::BatchStatus;
use crate::hooks::use_locale::use_locale;
use crate::i18n;
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

/// Props: the status to show.
#[derive(Properties, PartialEq)]
pub struct BatchStatusBadgeProps {
    pub status: BatchStatus,
}

/// A pill with the status label; the colour never carries meaning alone (the text does).
#[component]
pub fn BatchStatusBadge(props: &BatchStatusBadgeProps) -> Html {
    let locale = use_locale();
    html! {
        <span class={classes!("status-badge", status_class(&props.status))} data-status={props.status.as_str().to_string()}>
            { i18n::batch_status(locale, &props.status) }
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
