//! The app's one way between JSON text and values: every JSON it reads (answers, events,
//! `config.json`, stored records) and writes (request bodies, stored records) goes through here.
//!
//! In the browser the text is parsed by `JSON.parse` and written by `JSON.stringify`, and
//! serde-wasm-bindgen converts to and from a [`Value`]; serde_json's own parser, writer and
//! their error texts are then not in the wasm (4.7 KB brotli less). Reading a 100-row list page
//! costs under 2 ms more that way (`cargo xtask bench`, "JSON reading"). Native builds, the unit
//! tests among them, use serde_json for both.
//!
//! Where the browser's reading differs: JavaScript has one number type, so a whole number
//! written `12.0` arrives as the integer 12 (which every reader here accepts, as it accepts
//! serde_json's float), and a whole number beyond 2^53 arrives as a float, which a strict integer
//! field refuses. No field the server sends or the app stores comes near 2^53: ids, byte counts,
//! chunk numbers, times in ms.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// The longest answer body read, in UTF-16 units (what a JavaScript string counts) or
/// `Content-Length` bytes. The biggest answer the contract describes, `/status` with 1000
/// sheets, is about 400 KB; a body past this is not the server's answer, and reading it would
/// grow wasm memory for good.
pub const MAX_BODY_BYTES: u32 = 4 * 1024 * 1024;

/// The text of an answer's body: checked against [`MAX_BODY_BYTES`] by its `Content-Length`
/// before it is read, and by its length before it is copied into wasm memory; a longer one is
/// [`ApiError::Undecodable`]. A body cut off mid-way is empty: the status still tells.
pub async fn body_text(response: gloo_net::http::Response) -> Result<String, super::ApiError> {
    let too_long = || super::ApiError::Undecodable(format!("an answer over {MAX_BODY_BYTES} bytes"));
    let declared = response.headers().get("content-length").and_then(|n| n.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::from(MAX_BODY_BYTES)) {
        return Err(too_long());
    }
    let Ok(promise) = web_sys::Response::from(response).text() else { return Ok(String::new()) };
    let Ok(text) = wasm_bindgen_futures::JsFuture::from(promise).await else { return Ok(String::new()) };
    let text: js_sys::JsString = wasm_bindgen::JsCast::unchecked_into(text);
    if text.length() > MAX_BODY_BYTES {
        return Err(too_long());
    }
    Ok(String::from(text))
}

/// Reads JSON text as `T` by way of a [`Value`]. Every reader in the app goes through here
/// (and [`serde_json::from_value`]), so the derived visitors are compiled for one
/// deserializer instead of two (7 KB less wasm).
pub fn parse<T: DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_value(value(text)?)
}

/// JSON text as a [`Value`]; an error carries the browser's reason (the parser's in native
/// builds).
#[cfg(target_arch = "wasm32")]
pub fn value(text: &str) -> serde_json::Result<Value> {
    use serde::de::Error;
    let parsed = js_sys::JSON::parse(text).map_err(|err| {
        let reason = err.dyn_ref::<js_sys::Error>().map(|err| String::from(err.message()));
        serde_json::Error::custom(reason.unwrap_or_default())
    })?;
    serde_wasm_bindgen::from_value(parsed).map_err(|err| serde_json::Error::custom(err.to_string()))
}

/// JSON text as a [`Value`]; an error carries the browser's reason (the parser's in native
/// builds).
#[cfg(not(target_arch = "wasm32"))]
pub fn value(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str(text)
}

/// A [`Value`] as JSON text. `None` when it cannot be written: in the browser, a whole number
/// beyond 2^53 (see the module's notes); callers then write nothing rather than a broken record.
#[cfg(target_arch = "wasm32")]
pub fn text(value: &Value) -> Option<String> {
    // Objects as plain objects, not `Map`s, so that `JSON.stringify` writes their fields.
    let converted = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    js_sys::JSON::stringify(&converted).ok()?.as_string()
}

/// A [`Value`] as JSON text. `None` when it cannot be written: in the browser, a whole number
/// beyond 2^53 (see the module's notes); callers then write nothing rather than a broken record.
#[cfg(not(target_arch = "wasm32"))]
pub fn text(value: &Value) -> Option<String> {
    Some(value.to_string())
}

/// A serializable record as JSON text, by way of a [`Value`] (one serializer in the wasm, like
/// [`parse`]'s one deserializer). `None` as for [`text`].
pub fn write<T: Serialize>(record: &T) -> Option<String> {
    text(&serde_json::to_value(record).ok()?)
}
