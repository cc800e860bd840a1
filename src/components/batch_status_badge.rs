//! `BatchStatusBadge`: a distinct colour and label per status, neutral for unknown values.

use crate::api::types::BatchStatus;
use crate::i18n::strings;
use yew::prelude::*;

/// The label shown for a status.
pub fn status_label(status: &BatchStatus) -> String {
    let text = strings();
    match status {
        BatchStatus::Uploaded => text.status_uploaded.into(),
        BatchStatus::Validating => text.status_validating.into(),
        BatchStatus::Processing => text.status_processing.into(),
        BatchStatus::Completed => text.status_completed.into(),
        BatchStatus::Failed => text.status_failed.into(),
        BatchStatus::Reprocessing => text.status_reprocessing.into(),
        BatchStatus::Other(value) if value.trim().is_empty() => text.status_unknown.into(),
        // A status added to the server later: its own words beat a generic label.
        BatchStatus::Other(value) => value.replace('_', " "),
    }
}

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
    html! {
        <span class={classes!("status-badge", status_class(&props.status))} data-status={props.status.as_str().to_string()}>
            { status_label(&props.status) }
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
        assert_eq!(status_label(&BatchStatus::Completed), "Completed");
    }

    #[test]
    fn unknown_values_are_neutral_and_readable() {
        let status = BatchStatus::parse("queued_for_review");
        assert_eq!(status_class(&status), "status-unknown");
        assert_eq!(status_label(&status), "queued for review");
        assert_eq!(status_label(&BatchStatus::parse("")), "Unknown");
    }
}
