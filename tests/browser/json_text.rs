//! JSON text in the browser: `api::json` reads with `JSON.parse` and writes with
//! `JSON.stringify`. serde_json, which the native tests use, is the reference.

use omr_web::api::error::detail_of;
use omr_web::api::json::{parse, text, value, write};
use omr_web::api::later::{AlignmentMode, ProfileChoice, UploadOptions};
use omr_web::api::lenient::count;
use omr_web::api::session_store::{self, StoredSession};
use omr_web::api::types::UserInfo;
use omr_web::upload::resume::{parse_table, table_text, ResumeEntry};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn the_servers_json_reads_as_serde_json_reads_it() {
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
fn whole_numbers_arrive_as_integers() {
    // JavaScript has one number type: `12.0` arrives as the integer 12 (serde_json would give the
    // float 12.0), and every lenient reader takes it as a count either way.
    assert!(value("12.0").unwrap().is_u64());
    assert_eq!(value("-0").unwrap(), json!(0));
    for input in ["12", "12.0", "1.2e1"] {
        assert_eq!(count(&value(input).unwrap()), Some(12), "{input}");
    }
    assert_eq!(value("2.5").unwrap().as_f64(), Some(2.5));
    assert_eq!(count(&value("-1").unwrap()), None);
    // Beyond 2^53 a whole number is a float, which a strict integer field refuses.
    assert!(value("9007199254740993").unwrap().is_f64());
    assert!(parse::<u64>("9007199254740993").is_err());
    assert_eq!(parse::<u64>("9007199254740991").unwrap(), 9_007_199_254_740_991);
}

#[wasm_bindgen_test]
fn text_that_is_not_json_is_an_error_with_a_reason() {
    for input in ["", "{", "<html><body>502 Bad Gateway</body></html>", "NaN", "{'a': 1}", "[1,]"] {
        let err = value(input).expect_err(input);
        assert!(!err.to_string().is_empty(), "{input}");
    }
}

#[wasm_bindgen_test]
fn written_json_reads_back_the_same() {
    let written = json!({
        "access_token": "eyJ.x.y",
        "user": { "user_id": 14, "username": "ศูนย์สอบ 07", "is_admin": false },
        "chunks": [0, 1, 2, 4294967295u64, 6000000000u64],
        "ratio": 0.1,
        "note": "quote \" backslash \\ line\nbreak",
        "nothing": null,
        "empty": {},
    });
    let text = text(&written).unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), written, "{text}");
    assert_eq!(value(&text).unwrap(), written);
    // What JavaScript cannot hold is not written at all, rather than written wrong.
    assert_eq!(write(&json!({ "id": u64::MAX })), None);
}

#[wasm_bindgen_test]
fn stored_records_read_back_through_the_browser() {
    let now = js_sys::Date::now();
    let entry = ResumeEntry {
        upload_id: "9d1c-upload".into(),
        total_chunks: 21,
        chunk_size: 52_428_800,
        acknowledged: vec![0, 1, 5, 20],
        saved_at_ms: now,
        completion_unknown: true,
        label: "ห้อง 3.zip".into(),
        options: UploadOptions {
            profile: Some(ProfileChoice { id: 2, name: "มัธยมต้น 140 ข้อ".into() }),
            alignment: Some(AlignmentMode::ImregDft),
        },
    };
    let table = vec![("/api|14|scan.zip|1".to_string(), entry)];
    assert_eq!(parse_table(table_text(&table).as_deref(), now), table);

    let user = UserInfo {
        user_id: 14,
        username: "center07".into(),
        email: None,
        full_name: Some("ศูนย์สอบ 07".into()),
        is_admin: false,
        role_hierarchy: Some(2),
    };
    let session = StoredSession {
        session_id: "s-1".into(),
        access_token: "eyJ.a.b".into(),
        refresh_token: Some("r-1".into()),
        user: Some(user),
    };
    assert_eq!(session_store::parse(write(&session).as_deref()), Some(session));
}

#[wasm_bindgen_test]
fn field_errors_name_numeric_locations() {
    let body = r#"{"detail":[{"loc":["body","files",0],"msg":"field required","type":"missing"}]}"#;
    let Some(Err(items)) = detail_of(body) else { panic!("422 items expected") };
    assert_eq!(items[0].field, "body.files.0");
    assert_eq!(items[0].message, "field required");
}
