//! `progress_bar`: an accessible bar (role=progressbar with aria values and a text equivalent).
//! A view function, not a component (see `server_message`).

use yew::prelude::*;

/// A horizontal bar at `percentage` (0–100), named by `label`, spoken as `value_text` (e.g.
/// "45 %, 90 MB of 197 MB"), in an optional colour `tone`.
pub fn progress_bar(percentage: f64, label: AttrValue, value_text: AttrValue, tone: Option<&'static str>) -> Html {
    let value = percentage.clamp(0.0, 100.0);
    html! {
        <div class={classes!("progress", tone)} role="progressbar" aria-label={label}
            aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{value:.0}")} aria-valuetext={value_text}>
            <div class="progress-fill" style={format!("width: {value:.1}%")}></div>
        </div>
    }
}
