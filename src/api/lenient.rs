//! Lenient readers for server fields: a value of the wrong shape becomes "unknown" (`None`,
//! or the field's default) instead of making the whole answer unreadable. Used with
//! `#[serde(default, deserialize_with = "…")]` on response types, which [`super::json::parse`]
//! reads.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A whole number ≥ 0 from a JSON number (`12`, `12.0`) or a numeric string; anything else
/// (negative, fractional, text, null) is `None`.
pub fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            (f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64).then_some(f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `Option<u64>` field: see [`count`].
pub fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Ok(count(&Value::deserialize(deserializer)?))
}

/// `u64` field that is 0 when unreadable.
pub fn u64_or_zero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(count(&Value::deserialize(deserializer)?).unwrap_or(0))
}

/// `f64` field (percentages, integer or float) that is 0 when unreadable.
pub fn f64_or_zero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Value::deserialize(deserializer)?.as_f64().filter(|f| f.is_finite()).unwrap_or(0.0))
}

/// `Option<i64>` field from any JSON number, rounded (`12.7` ms → 13).
pub fn opt_i64_rounded<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    Ok(value.as_i64().or_else(|| value.as_f64().filter(|f| f.is_finite()).map(|f| f.round() as i64)))
}

/// `Option<String>` field: a string, else `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// `Option<T>` field whose unreadable values are `None`.
pub fn opt<'de, D: Deserializer<'de>, T: DeserializeOwned>(deserializer: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(deserializer)?).ok())
}

/// Rows of a list: the readable ones, and how many were skipped.
pub fn rows<T: DeserializeOwned>(values: Vec<Value>) -> (Vec<T>, usize) {
    let total = values.len();
    let rows: Vec<T> = values.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect();
    let skipped = total - rows.len();
    (rows, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_accept_whole_numbers_only() {
        assert_eq!(count(&json!(5)), Some(5));
        assert_eq!(count(&json!(5.0)), Some(5));
        assert_eq!(count(&json!("42")), Some(42));
        assert_eq!(count(&json!(6_000_000_000u64)), Some(6_000_000_000));
        for bad in [json!(-1), json!(2.5), json!(null), json!("x"), json!([]), json!(f64::MAX)] {
            assert_eq!(count(&bad), None, "{bad}");
        }
    }

    #[test]
    fn rows_skip_the_unreadable_ones() {
        let (rows, skipped) = rows::<u32>(vec![json!(1), json!("x"), json!(3)]);
        assert_eq!((rows, skipped), (vec![1, 3], 1));
    }

    /// Property tests (native only: proptest is not built for wasm).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;

        /// Any JSON value: scalars of every kind (huge, negative and fractional numbers, Thai
        /// text), arrays and objects with the list's own field names among others.
        fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
            use proptest::prelude::*;
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i64>().prop_map(Value::from),
                any::<u64>().prop_map(Value::from),
                any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
                "(\\PC|[ก-ฮ0-9])*".prop_map(Value::from),
            ];
            leaf.prop_recursive(4, 64, 8, |inner| {
                let key = prop::sample::select(vec![
                    "batches",
                    "total",
                    "batch_uuid",
                    "status",
                    "sheet_count",
                    "file_size_bytes",
                    "upload_type",
                    "x",
                ]);
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                    prop::collection::vec((key, inner), 0..8).prop_map(|fields| Value::Object(
                        fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                    )),
                ]
            })
        }

        proptest::proptest! {
            #![proptest_config(crate::property_tests::seeded(512))]

            /// A list answer of any shape decodes without a panic, and every row it holds is either
            /// read or counted as skipped.
            #[test]
            fn list_answers_of_any_shape_decode_or_count(rows in proptest::collection::vec(any_json(), 0..12), total in any_json()) {
                let body = json!({"batches": rows.clone(), "total": total});
                let list: crate::api::types::BatchListResponse = serde_json::from_value(body).unwrap();
                proptest::prop_assert_eq!(list.batches.len() + list.skipped, rows.len());
                let (_, skipped) = super::rows::<crate::api::types::BatchListItem>(rows.clone());
                proptest::prop_assert_eq!(skipped, list.skipped);
            }

            /// Whatever a `batches` field holds, even not an array, the answer still decodes.
            #[test]
            fn any_value_anywhere_decodes(value in any_json()) {
                let _ = serde_json::from_value::<crate::api::types::BatchListResponse>(value.clone());
                let _ = serde_json::from_value::<crate::api::types::BatchListResponse>(json!({"batches": value}))
                    .expect("a list answer whose batches are unreadable is empty, not an error");
            }
        }
    }
}
