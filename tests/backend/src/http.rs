//! Error bodies shaped as FastAPI shapes them, and the small parsers behind its 422 arrays.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A failed request: `{"detail": "..."}` or a 422 `{"detail": [...]}` array.
#[derive(Debug)]
pub enum ApiError {
    /// An `HTTPException` with a human-readable detail string.
    Detail(StatusCode, String),
    /// A request-validation failure: the Pydantic v2 error items.
    Validation(Vec<Value>),
}

impl ApiError {
    /// Shorthand for an `HTTPException(status, detail)`.
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        ApiError::Detail(status, detail.into())
    }

    /// 404 `Batch <uuid> not found`, the router's wording.
    pub fn batch_not_found(uuid: &str) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, format!("Batch {uuid} not found"))
    }

    /// An internal error surfaced as FastAPI would (500 with a detail string).
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{context}: {err}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Detail(status, detail) => {
                let mut response = (status, Json(json!({ "detail": detail }))).into_response();
                if status == StatusCode::UNAUTHORIZED {
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                }
                response
            }
            ApiError::Validation(items) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "detail": items }))).into_response()
            }
        }
    }
}

/// Where a validated value came from: `"body"` or `"query"`.
pub type Source = &'static str;

/// A `missing` item: the field was required and absent.
pub fn missing(source: Source, field: &str) -> Value {
    json!({"type": "missing", "loc": [source, field], "msg": "Field required", "input": null})
}

/// Parses an integer field as Pydantic does, or explains why not.
pub fn parse_int(source: Source, field: &str, raw: &str) -> Result<i64, Value> {
    raw.trim().parse::<i64>().map_err(|_| {
        json!({"type": "int_parsing", "loc": [source, field],
               "msg": "Input should be a valid integer, unable to parse string as an integer", "input": raw})
    })
}

/// Parses a boolean the way Pydantic's lax mode accepts it (`true`, `1`, `yes`, `on`, ...).
pub fn parse_bool(source: Source, field: &str, raw: &str) -> Result<bool, Value> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Ok(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Ok(false),
        _ => Err(json!({"type": "bool_parsing", "loc": [source, field],
                        "msg": "Input should be a valid boolean, unable to interpret input", "input": raw})),
    }
}

/// Checks `low <= value <= high`, naming the violated bound as Pydantic does.
pub fn check_range(
    source: Source,
    field: &str,
    raw: &str,
    value: i64,
    low: Option<i64>,
    high: Option<i64>,
) -> Result<i64, Value> {
    if let Some(low) = low.filter(|low| value < *low) {
        return Err(json!({"type": "greater_than_equal", "loc": [source, field],
            "msg": format!("Input should be greater than or equal to {low}"), "input": raw, "ctx": {"ge": low}}));
    }
    if let Some(high) = high.filter(|high| value > *high) {
        return Err(json!({"type": "less_than_equal", "loc": [source, field],
            "msg": format!("Input should be less than or equal to {high}"), "input": raw, "ctx": {"le": high}}));
    }
    Ok(value)
}

/// Collects validation problems so that one 422 lists them all, as FastAPI does.
#[derive(Default)]
pub struct Problems(Vec<Value>);

impl Problems {
    /// Keeps the value, or records the problem and yields `None`.
    pub fn take<T>(&mut self, result: Result<T, Value>) -> Option<T> {
        result.map_err(|item| self.0.push(item)).ok()
    }

    /// Records a problem.
    pub fn push(&mut self, item: Value) {
        self.0.push(item);
    }

    /// `Err(422)` when anything was recorded.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// The naive local wall-clock time as MySQL `DATETIME.isoformat()` prints it.
pub fn naive_now() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// The naive local time with microseconds, as stream events carry it.
pub fn naive_now_micros() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_follow_pydantic_lax_mode() {
        assert_eq!(parse_bool("body", "has_qr", "False"), Ok(false));
        assert_eq!(parse_bool("body", "has_qr", "on"), Ok(true));
        let err = parse_bool("body", "has_qr", "maybe").unwrap_err();
        assert_eq!(err["type"], "bool_parsing");
        assert_eq!(err["loc"], json!(["body", "has_qr"]));
    }

    #[test]
    fn range_names_the_bound() {
        let err = check_range("query", "limit", "500", 500, Some(1), Some(100)).unwrap_err();
        assert_eq!(err["msg"], "Input should be less than or equal to 100");
        assert_eq!(err["ctx"], json!({"le": 100}));
        assert_eq!(check_range("query", "offset", "0", 0, Some(0), None), Ok(0));
    }

    #[test]
    fn naive_time_has_no_offset() {
        let now = naive_now();
        assert_eq!(now.len(), 19, "{now}");
        assert!(!now.ends_with('Z'));
        assert_eq!(naive_now_micros().len(), 26);
    }
}
