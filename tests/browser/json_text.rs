//! JSON text in the browser: `lenient::value` reads with `JSON.parse` and `lenient::text` writes
//! with `JSON.stringify`. serde_json, which the native tests use, is the reference.

use omr_web::api::error::detail_of;
use omr_web::api::lenient::{count, parse, text, value};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn the_browser_reads_json_as_serde_json_does() {
    let texts = [
        r#"{"batch_uuid":"3f2a","total_sheets":6000000000,"progress_percentage":42.5,"error":null}"#,
        r#"{"a":[true,false,null,-3,-0.25],"b":{"c":{"d":[]}},"e":{}}"#,
        r#"{"name":"ชุดที่ 1 \"ห้อง\" \\ \u0e01 \ud83d\ude00\n\t"}"#,
        r#"{"a":1,"a":2}"#,
        r#"  [ 1 , "x" ]  "#,
        r#""only a string""#,
        "null",
    ];
    for input in texts {
        let expected: Value = serde_json::from_str(input).unwrap();
        assert_eq!(value(input).expect(input), expected, "{input}");
    }
}

#[wasm_bindgen_test]
fn whole_numbers_read_as_counts_however_they_are_written() {
    // JavaScript has one number type: `12.0` arrives as the integer 12, which every lenient
    // reader accepts like serde_json's float 12.0.
    for input in ["12", "12.0", "1.2e1"] {
        assert_eq!(count(&value(input).unwrap()), Some(12), "{input}");
    }
    assert_eq!(value("2.5").unwrap().as_f64(), Some(2.5));
    assert_eq!(count(&value("-1").unwrap()), None);
}

#[wasm_bindgen_test]
fn text_that_is_not_json_is_an_error_with_a_reason() {
    for input in ["", "{", "<html><body>502 Bad Gateway</body></html>", "NaN", "{'a': 1}", "[1,]"] {
        let err = value(input).expect_err(input);
        assert!(!err.to_string().is_empty(), "{input}");
        assert!(parse::<Value>(input).is_err(), "{input}");
    }
}

#[wasm_bindgen_test]
fn written_json_reads_back_the_same() {
    let written = json!({
        "access_token": "eyJ.x.y",
        "user": { "user_id": 14, "username": "ศูนย์สอบ 07", "is_admin": false },
        "chunks": [0, 1, 2, 4294967295u64, 6000000000u64],
        "saved_at_ms": 1764590400123.5,
        "note": "quote \" backslash \\ line\nbreak",
        "nothing": null,
        "empty": {},
    });
    let text = text(&written);
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), written, "{text}");
    assert_eq!(value(&text).unwrap(), written);
}

#[wasm_bindgen_test]
fn field_errors_name_numeric_locations() {
    let body = r#"{"detail":[{"loc":["body","files",0],"msg":"field required","type":"missing"}]}"#;
    let Some(Err(items)) = detail_of(body) else { panic!("422 items expected") };
    assert_eq!(items[0].field, "body.files.0");
    assert_eq!(items[0].message, "field required");
}
