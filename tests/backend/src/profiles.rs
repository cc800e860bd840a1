//! `GET /api/profiles/` (contract §5.9.5): the processing profiles a batch upload can name in
//! `profile_id`. The stand-in has three fixed ones; test mode can replace the answer verbatim.

use crate::auth::CurrentUser;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// The seeded profiles: the base configuration (not the default, as on the live server), the
/// default one with a Thai name, and one without a description.
pub fn seeded() -> Value {
    json!([
        {
            "id": 1,
            "name": "Default System Config",
            "description": "Base configuration (omr_config-04.json) without overrides",
            "config_json": {},
            "is_default": false,
            "created_at": "2025-11-29T09:12:04",
            "updated_at": "2025-11-29T09:12:04",
        },
        {
            "id": 2,
            "name": "มัธยมต้น 140 ข้อ",
            "description": "ข้อสอบมัธยมต้น 140 ข้อ ปรับความเข้มของวงกลม",
            "config_json": {"bubble_detection": {"darkness_empty_threshold": 0.35, "grid_density_min_threshold": 10.0}},
            "is_default": true,
            "created_at": "2025-12-02T14:30:51",
            "updated_at": "2025-12-16T08:05:37",
        },
        {
            "id": 3,
            "name": "Strict bubbles",
            "description": null,
            "config_json": {"bubble_detection": {"darkness_empty_threshold": 0.5}},
            "is_default": false,
            "created_at": "2025-12-10T11:00:00",
            "updated_at": "2025-12-10T11:00:00",
        },
    ])
}

/// `GET /api/profiles/`: any signed-in user; the seeded list, or the test-mode replacement.
pub async fn list(State(state): State<AppState>, _user: CurrentUser) -> Response {
    match state.later.profiles_answer() {
        Some(body) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        None => Json(seeded()).into_response(),
    }
}
