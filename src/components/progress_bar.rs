//! `progress_bar`: an accessible bar (role=progressbar with aria values and a text equivalent).
//! A view function, not a component (see `server_message`).

use yew::prelude::*;

/// A horizontal bar at `percentage` (0–100), named by `label`, spoken as `value_text` (e.g.
/// "45 %, 90 MB of 197 MB"), in an optional colour `tone`.
pub fn progress_bar(percentage: f64, label: AttrValue, value_text: AttrValue, tone: Option<&'static str>) -> Html {
    let (whole, width) = bar_values(percentage);
    html! {
        <div class={classes!("progress", tone)} role="progressbar" aria-label={label}
            aria-valuemin="0" aria-valuemax="100" aria-valuenow={whole} aria-valuetext={value_text}>
            <div class="progress-fill" style={width}></div>
        </div>
    }
}

/// The bar's `aria-valuenow` (a whole percentage) and its fill's style (tenths of a percent),
/// for `percentage` clamped to 0–100. Written with integers: Rust's float formatting would cost
/// the app's wasm about 5 KB for these two numbers.
pub fn bar_values(percentage: f64) -> (String, String) {
    // NaN clamps to NaN, which `as` turns into 0.
    let tenths = (percentage.clamp(0.0, 100.0) * 10.0).round() as u32;
    let whole = (tenths + 5) / 10;
    (whole.to_string(), format!("width: {}.{}%", tenths / 10, tenths % 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_whole_percent_and_its_fill_tenths() {
        assert_eq!(bar_values(42.44), ("42".into(), "width: 42.4%".into()));
        assert_eq!(bar_values(99.96), ("100".into(), "width: 100.0%".into()));
        assert_eq!(bar_values(0.05), ("0".into(), "width: 0.1%".into()));
        assert_eq!(bar_values(150.0), ("100".into(), "width: 100.0%".into()));
        assert_eq!(bar_values(-3.0), ("0".into(), "width: 0.0%".into()));
        assert_eq!(bar_values(f64::NAN), ("0".into(), "width: 0.0%".into()));
    }
}
