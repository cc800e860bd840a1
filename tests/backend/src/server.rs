//! The accept loop and the gateway-like layer in front of the routes: the `/api/realtime/`
//! lane, fault injection (which may close a connection without any response — something a
//! plain axum handler cannot do), the request log and test-mode CORS.

use crate::faults::{gateway_page, FaultAction, LoggedRequest, RequestNote};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode, Uri};
use axum::Router;
use futures_util::StreamExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::time::Duration;
use tower::ServiceExt;

/// Returned instead of a response to make hyper close the connection silently.
#[derive(Debug)]
pub struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for DroppedConnection {}

/// Accepts connections forever, serving each with HTTP/1.1.
pub async fn accept_loop(listener: tokio::net::TcpListener, router: Router, state: AppState) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let (router, state) = (router.clone(), state.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(state.clone(), router.clone(), req));
            // Connection errors (client gone, injected drop) end only this connection.
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// `/api/realtime/x` → `/api/x`, keeping the query; other URIs unchanged.
pub fn fold_realtime_lane(uri: &Uri) -> Option<Uri> {
    let rest = uri.path().strip_prefix("/api/realtime/")?;
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("/api/{rest}{query}").parse().ok()
}

async fn drain(body: Body) {
    let mut stream = body.into_data_stream();
    while let Some(Ok(_)) = stream.next().await {}
}

fn html(status: StatusCode, body: String) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

async fn handle(state: AppState, router: Router, req: Request<Incoming>) -> Result<Response<Body>, DroppedConnection> {
    let mut req = req.map(Body::new);
    let original_path = req.uri().path().to_string();
    if let Some(uri) = fold_realtime_lane(req.uri()) {
        *req.uri_mut() = uri;
    }
    if !state.cfg.test_mode {
        return Ok(router.oneshot(req).await.unwrap_or_else(|never| match never {}));
    }
    let _in_flight = state.faults.start_request();
    let method = req.method().clone();
    if method == Method::OPTIONS {
        return Ok(with_cors(Response::new(Body::empty())));
    }
    let path = req.uri().path().to_string();
    if let Some(link) = state.faults.link().filter(|_| !path.starts_with("/__test/")) {
        tokio::time::sleep(Duration::from_millis(link.latency_ms)).await;
        req = req.map(|body| link.throttle(body));
    }
    let log = |status: u16, note| {
        state.faults.log(LoggedRequest { method: method.to_string(), path: original_path.clone(), status, note });
    };
    let mut after = After::Answer;
    if !path.starts_with("/__test/") {
        let length = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if let (Some(limit), Some(length)) = (state.faults.gateway_body_limit(), length) {
            if length > limit {
                // Read the body first, as a gateway does, so the client sees the 413 and not a reset.
                drain(req.into_body()).await;
                log(413, None);
                return Ok(with_cors(html(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    gateway_page(413, "Request Entity Too Large", "cloudflare"),
                )));
            }
        }
        match state.faults.check(method.as_str(), &path) {
            Some(FaultAction::Respond { status, body, content_type }) => {
                drain(req.into_body()).await;
                log(status, None);
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
                let mut response = html(status, body);
                if let Ok(value) = HeaderValue::from_str(&content_type) {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                return Ok(with_cors(response));
            }
            Some(FaultAction::RateLimit { retry_after_secs }) => {
                drain(req.into_body()).await;
                log(429, None);
                let mut response = html(StatusCode::TOO_MANY_REQUESTS, gateway_page(429, "Too Many Requests", "nginx"));
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                return Ok(with_cors(response));
            }
            Some(FaultAction::Drop) => {
                log(0, None);
                return Err(DroppedConnection);
            }
            Some(FaultAction::DropAfter) => after = After::Drop,
            Some(FaultAction::Stall) => {
                log(200, None);
                let silence = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
                let mut response = Response::new(Body::from_stream(silence));
                response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
                return Ok(with_cors(response));
            }
            Some(FaultAction::Cut) => {
                drain(req.into_body()).await;
                log(0, None);
                return Ok(with_cors(cut_response(StatusCode::OK)));
            }
            Some(FaultAction::CutAfter) => after = After::Cut,
            Some(FaultAction::Omit { fields }) => after = After::Omit(fields),
            Some(FaultAction::Delay { ms }) => tokio::time::sleep(Duration::from_millis(ms)).await,
            None => {}
        }
    }
    let response = router.oneshot(req).await.unwrap_or_else(|never| match never {});
    let note = response.extensions().get::<RequestNote>().map(|note| note.0.clone());
    let status = response.status().as_u16();
    match after {
        After::Drop => {
            log(0, note);
            Err(DroppedConnection)
        }
        After::Cut => {
            // The note keeps what the backend did; status 0 says the answer never arrived.
            log(0, note);
            Ok(with_cors(cut_response(response.status())))
        }
        After::Omit(fields) => {
            log(status, note);
            Ok(with_cors(without_fields(response, &fields).await))
        }
        After::Answer => {
            log(status, note);
            Ok(with_cors(response))
        }
    }
}

/// What happens to an answer the backend produced.
enum After {
    Answer,
    Drop,
    Cut,
    Omit(Vec<String>),
}

/// The status line (`status`), headers and a few body bytes, then an aborted connection. The pause lets
/// hyper flush the head and the first bytes before the error aborts the connection.
fn cut_response(status: StatusCode) -> Response<Body> {
    let partial = futures_util::stream::unfold(0, |step| async move {
        match step {
            0 => Some((Ok(axum::body::Bytes::from_static(b"{\"upload_id\": \"")), 1)),
            1 => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                Some((Err(std::io::Error::other("connection cut by an injected fault")), 2))
            }
            _ => None,
        }
    });
    let mut response = Response::new(Body::from_stream(partial));
    *response.status_mut() = status;
    response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from_static("1000"));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The same answer with `fields` removed from its JSON object (other bodies unchanged).
async fn without_fields(response: Response<Body>, fields: &[String]) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(mut object)) => {
            for field in fields {
                object.remove(field);
            }
            serde_json::Value::Object(object).to_string().into_bytes()
        }
        _ => bytes.to_vec(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}

/// Lets browser tests served from the test runner's origin call the stand-in.
fn with_cors(mut response: Response<Body>) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE, OPTIONS"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("authorization, content-type"));
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after, location, www-authenticate, date"),
    );
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realtime_lane_folds_into_api() {
        let uri: Uri = "/api/realtime/batches/x/stream?a=1".parse().unwrap();
        assert_eq!(fold_realtime_lane(&uri).unwrap(), "/api/batches/x/stream?a=1");
        assert!(fold_realtime_lane(&"/api/batches/".parse().unwrap()).is_none());
    }
}
