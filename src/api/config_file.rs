//! `/config.json` next to `index.html`: read at start, so one release bundle deploys anywhere.

use crate::config::AppConfig;

/// Reads `config.json` text. Unknown keys are ignored, missing ones take defaults, and
/// out-of-range values are replaced; every correction is returned as a warning.
pub fn read_config(text: &str) -> (AppConfig, Vec<String>) {
    match super::json::parse::<AppConfig>(text) {
        Ok(config) => config.sanitized(),
        Err(err) => (AppConfig::default(), vec![format!("config.json is not valid ({err}); using defaults")]),
    }
}

/// Fetches `/config.json`; anything wrong with it means defaults plus a console warning.
pub async fn load_config() -> AppConfig {
    let text = match gloo_net::http::Request::get("/config.json").send().await {
        Ok(response) if response.ok() => response.text().await.ok(),
        _ => None,
    };
    let (config, warnings) = match text {
        Some(text) => read_config(&text),
        None => (AppConfig::default(), vec!["config.json could not be loaded; using defaults".to_string()]),
    };
    for warning in warnings {
        web_sys::console::warn_1(&warning.into());
    }
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locale::ThaiCalendar;

    #[test]
    fn missing_keys_take_defaults_and_unknown_keys_are_ignored() {
        let (config, warnings) = read_config(r#"{"api_base": "https://omr.example/api", "future_option": 1}"#);
        assert_eq!(config.api_base, "https://omr.example/api");
        assert_eq!(config.chunk_size_bytes, 52_428_800);
        assert!(warnings.is_empty());
    }

    #[test]
    fn broken_json_falls_back_with_a_warning() {
        let (config, warnings) = read_config("<html>index</html>");
        assert_eq!(config, AppConfig::default());
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn out_of_range_values_are_replaced() {
        let (config, warnings) =
            read_config(r#"{"chunk_size_bytes": 200000000, "chunk_concurrency": 0, "api_base": " "}"#);
        assert_eq!(config.chunk_size_bytes, 52_428_800);
        assert_eq!(config.chunk_concurrency, 3);
        assert_eq!(config.api_base, "/api");
        assert_eq!(warnings.len(), 3);
    }

    #[test]
    fn language_and_calendar_are_read_and_checked() {
        let (config, warnings) = read_config(r#"{"default_language": "th", "thai_calendar": "gregorian"}"#);
        assert_eq!(config.default_language.as_deref(), Some("th"));
        assert_eq!(config.thai_calendar, ThaiCalendar::Gregorian);
        assert!(warnings.is_empty());
        let (config, warnings) = read_config(r#"{"default_language": "fr"}"#);
        assert_eq!((config.default_language, config.thai_calendar), (None, ThaiCalendar::Buddhist));
        assert_eq!(warnings.len(), 1);
    }
}
