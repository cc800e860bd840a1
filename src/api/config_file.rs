//! `/config.json` next to `index.html`: read at start, so one release bundle deploys anywhere.

use crate::config::AppConfig;

/// Fetches `/config.json`; anything wrong with it means defaults plus a console warning.
pub async fn load_config() -> AppConfig {
    let text = match gloo_net::http::Request::get("/config.json").send().await {
        Ok(response) if response.ok() => response.text().await.ok(),
        _ => None,
    };
    let (config, warnings) = match text {
        Some(text) => AppConfig::from_json(&text),
        None => (AppConfig::default(), vec!["config.json could not be loaded; using defaults".to_string()]),
    };
    for warning in warnings {
        web_sys::console::warn_1(&warning.into());
    }
    config
}
