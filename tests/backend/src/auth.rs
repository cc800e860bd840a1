//! `/api/auth/*`: login, refresh, me, verify, and the bearer-token check every batch route uses.

use crate::db::User;
use crate::http::{missing, unix_now, ApiError, Problems};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

/// The signed-in caller, extracted from `Authorization: Bearer <token>`.
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let token = header
            .and_then(|h| h.split_once(' '))
            .filter(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && !token.is_empty())
            .map(|(_, token)| token.trim());
        let Some(token) = token else {
            // FastAPI's HTTPBearer: 403 before 0.122, 401 from 0.122 on.
            let status = if state.cfg.missing_auth_is_401 { StatusCode::UNAUTHORIZED } else { StatusCode::FORBIDDEN };
            return Err(ApiError::new(status, "Not authenticated"));
        };
        user_for_token(state, token, "access")
            .map(CurrentUser)
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Could not validate credentials"))
    }
}

fn user_for_token(state: &AppState, token: &str, kind: &str) -> Option<User> {
    let (user_id, expires_at) = state.db.token(token, kind)?;
    if expires_at <= unix_now() {
        return None;
    }
    state.db.user_by_id(user_id)
}

/// Mints a JWT-shaped token (readable `exp` in the payload) and stores it.
fn issue_token(state: &AppState, user_id: i64, kind: &str, ttl_secs: u64) -> Result<(String, i64), ApiError> {
    let exp = unix_now() + ttl_secs as i64;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload =
        json!({"sub": user_id.to_string(), "exp": exp, "type": kind, "jti": uuid::Uuid::new_v4().to_string()});
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    let signature = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes());
    let token = format!("{header}.{payload}.{signature}");
    state.db.insert_token(&token, user_id, kind, exp).map_err(|e| ApiError::internal("Token store failed", e))?;
    Ok((token, exp))
}

/// Reads a JSON object body with the named string fields, answering 422 like FastAPI.
fn json_fields<const N: usize>(body: &Bytes, names: [&str; N]) -> Result<[String; N], ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::Validation(vec![json!({"type": "json_invalid", "loc": ["body", e.column()],
            "msg": "JSON decode error", "input": {}, "ctx": {"error": e.to_string()}})])
    })?;
    let mut problems = Problems::default();
    let fields = names.map(|name| match value.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            problems.push(json!({"type": "string_type", "loc": ["body", name], "msg": "Input should be a valid string", "input": other}));
            String::new()
        }
        None => {
            problems.push(missing("body", name));
            String::new()
        }
    });
    problems.finish()?;
    Ok(fields)
}

/// `POST /api/auth/login` with `{"username", "password"}`.
pub async fn login(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let [username, password] = json_fields(&body, ["username", "password"])?;
    let user = state
        .db
        .user_by_name(&username)
        .filter(|user| user.password == password)
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Invalid username or password"))?;
    let (access, _) = issue_token(&state, user.user_id, "access", state.cfg.access_ttl.as_secs())?;
    let (refresh, _) = issue_token(&state, user.user_id, "refresh", state.cfg.refresh_ttl.as_secs())?;
    Ok(Json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "bearer",
        "expires_in": state.cfg.access_ttl.as_secs(),
        "user": user,
    })))
}

/// `POST /api/auth/refresh` with `{"refresh_token"}`.
pub async fn refresh(State(state): State<AppState>, body: Bytes) -> Result<Json<Value>, ApiError> {
    let [refresh_token] = json_fields(&body, ["refresh_token"])?;
    let user = user_for_token(&state, &refresh_token, "refresh")
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Invalid or expired refresh token"))?;
    let (access, _) = issue_token(&state, user.user_id, "access", state.cfg.access_ttl.as_secs())?;
    if state.cfg.minimal_refresh {
        return Ok(Json(json!({"access_token": access, "token_type": "bearer"})));
    }
    let (new_refresh, _) = issue_token(&state, user.user_id, "refresh", state.cfg.refresh_ttl.as_secs())?;
    Ok(Json(json!({
        "access_token": access,
        "refresh_token": new_refresh,
        "token_type": "bearer",
        "expires_in": state.cfg.access_ttl.as_secs(),
        "user": user,
    })))
}

/// `GET /api/auth/me`: the caller's `UserInfo`.
pub async fn me(CurrentUser(user): CurrentUser) -> Json<User> {
    Json(user)
}

/// `GET /api/auth/verify`: whether the bearer token is valid and when it expires.
pub async fn verify(State(state): State<AppState>, CurrentUser(user): CurrentUser, headers: HeaderMap) -> Json<Value> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.split_once(' '))
        .map(|(_, t)| t.trim())
        .unwrap_or_default();
    let exp = state.db.token(token, "access").map(|(_, exp)| exp).unwrap_or_default();
    Json(json!({"valid": true, "user_id": user.user_id, "username": user.username, "exp": exp}))
}
