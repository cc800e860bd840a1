//! `ProgressBar`: an accessible bar (role=progressbar with aria values and a text equivalent).

use yew::prelude::*;

/// Props: value 0–100, a label naming what progresses, and the spoken text.
#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub percentage: f64,
    pub label: AttrValue,
    /// E.g. "45 %, 90 MB of 197 MB".
    pub value_text: AttrValue,
    #[prop_or_default]
    pub tone: Option<&'static str>,
}

/// A horizontal bar.
#[component]
pub fn ProgressBar(props: &ProgressBarProps) -> Html {
    let value = props.percentage.clamp(0.0, 100.0);
    html! {
        <div class={classes!("progress", props.tone)} role="progressbar" aria-label={props.label.clone()}
            aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{value:.0}")} aria-valuetext={props.value_text.clone()}>
            <div class="progress-fill" style={format!("width: {value:.1}%")}></div>
        </div>
    }
}
