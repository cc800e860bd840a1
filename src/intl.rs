//! Numbers, sizes, durations and server times in the user's locale, through the browser's
//! `Intl` formatters (cached per locale and kind: building one costs far more than using it).
//! The arithmetic that decides *what* to show lives in `format`, with native tests; this
//! module only asks the browser how to write it.

use crate::api::types::NaiveTimestamp;
use crate::format::{self, ByteSize, Duration, RelativeAge};
use crate::locale::Locale;
use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsValue;

/// The formatters this app uses; each is one `Intl` object per locale.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Integer,
    OneDecimal,
    Percent,
    Byte(ByteUnit),
    Span(SpanUnit),
    DateTime,
    Relative,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum ByteUnit {
    Byte,
    Kilo,
    Mega,
    Giga,
    Tera,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum SpanUnit {
    Second,
    Minute,
    Hour,
}

thread_local! {
    static CACHE: RefCell<HashMap<(Locale, Kind), Function>> = RefCell::new(HashMap::new());
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let object = Object::new();
    for (key, value) in pairs {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object
}

fn build(locale: Locale, kind: Kind) -> Function {
    let locales = Array::of1(&JsValue::from_str(locale.intl_tag()));
    let s = JsValue::from_str;
    let unit = |name: &str, fraction: u8| {
        options(&[
            ("style", s("unit")),
            ("unit", s(name)),
            ("unitDisplay", s("short")),
            ("maximumFractionDigits", fraction.into()),
            ("minimumFractionDigits", fraction.into()),
        ])
    };
    let number = |object: Object| Intl::NumberFormat::new(&locales, &object).format();
    match kind {
        Kind::Integer => number(options(&[("maximumFractionDigits", 0.into())])),
        Kind::OneDecimal => {
            number(options(&[("maximumFractionDigits", 1.into()), ("minimumFractionDigits", 1.into())]))
        }
        Kind::Percent => number(options(&[("style", s("percent")), ("maximumFractionDigits", 0.into())])),
        Kind::Byte(ByteUnit::Byte) => number(unit("byte", 0)),
        Kind::Byte(ByteUnit::Kilo) => number(unit("kilobyte", 1)),
        Kind::Byte(ByteUnit::Mega) => number(unit("megabyte", 1)),
        Kind::Byte(ByteUnit::Giga) => number(unit("gigabyte", 1)),
        Kind::Byte(ByteUnit::Tera) => number(unit("terabyte", 1)),
        Kind::Span(SpanUnit::Second) => number(unit("second", 0)),
        Kind::Span(SpanUnit::Minute) => number(unit("minute", 0)),
        Kind::Span(SpanUnit::Hour) => number(unit("hour", 0)),
        Kind::DateTime => {
            // Server times are wall-clock times of the server's zone (contract §2.4): they are
            // built as UTC instants and formatted in UTC, so nothing shifts them.
            let object = options(&[
                ("timeZone", s("UTC")),
                ("year", s("numeric")),
                ("month", s("short")),
                ("day", s("numeric")),
                ("hour", s("2-digit")),
                ("minute", s("2-digit")),
                ("second", s("2-digit")),
                ("hourCycle", s("h23")),
            ]);
            Intl::DateTimeFormat::new(&locales, &object).format()
        }
        Kind::Relative => {
            let format = Intl::RelativeTimeFormat::new(&locales, &options(&[("numeric", s("auto"))]));
            // `format` is a method here, not a bound getter: bind it like the others.
            let method: Function =
                Reflect::get(&format, &s("format")).map(Into::into).unwrap_or_else(|_| Function::new_no_args(""));
            method.bind0(&format)
        }
    }
}

fn with_formatter(locale: Locale, kind: Kind, call: impl FnOnce(&Function) -> Result<JsValue, JsValue>) -> String {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        let formatter = cache.entry((locale, kind)).or_insert_with(|| build(locale, kind));
        call(formatter).ok().and_then(|value| value.as_string()).unwrap_or_default()
    })
}

fn number_as(locale: Locale, kind: Kind, value: f64) -> String {
    with_formatter(locale, kind, |format| format.call1(&JsValue::NULL, &value.into()))
}

/// `1160` → `1,160`.
pub fn number(locale: Locale, value: u64) -> String {
    number_as(locale, Kind::Integer, value as f64)
}

/// `63.97` → `64.0`: one decimal, for percentages of progress bars.
pub fn one_decimal(locale: Locale, value: f64) -> String {
    number_as(locale, Kind::OneDecimal, value)
}

/// `42.4` → `42%`.
pub fn percent(locale: Locale, percentage: f64) -> String {
    number_as(locale, Kind::Percent, percentage / 100.0)
}

/// `48213774` → `46.0 MB` (binary steps, as file managers show them).
pub fn bytes(locale: Locale, value: u64) -> String {
    let (amount, unit) = match format::byte_size(value) {
        ByteSize::Bytes(n) => (n as f64, ByteUnit::Byte),
        ByteSize::Kilo(v) => (v, ByteUnit::Kilo),
        ByteSize::Mega(v) => (v, ByteUnit::Mega),
        ByteSize::Giga(v) => (v, ByteUnit::Giga),
        ByteSize::Tera(v) => (v, ByteUnit::Tera),
    };
    number_as(locale, Kind::Byte(unit), amount)
}

/// `95` → `1 min 35 sec` (`1 นาที 35 วินาที`).
pub fn duration(locale: Locale, seconds: i64) -> String {
    let span = |unit, value: u64| number_as(locale, Kind::Span(unit), value as f64);
    match format::duration(seconds) {
        Duration::Seconds(s) => span(SpanUnit::Second, s),
        Duration::Minutes(m, s) => format!("{} {}", span(SpanUnit::Minute, m), span(SpanUnit::Second, s)),
        Duration::Hours(h, m) => format!("{} {}", span(SpanUnit::Hour, h), span(SpanUnit::Minute, m)),
    }
}

/// A server time as the server's clock showed it, in the locale's calendar and a 24-hour clock.
pub fn timestamp(locale: Locale, time: &NaiveTimestamp) -> String {
    let instant = Date::utc(time.year as f64, time.month as f64 - 1.0)
        + (time.day as f64 - 1.0) * 86_400_000.0
        + (time.hour as f64 * 3600.0 + time.minute as f64 * 60.0 + time.second as f64) * 1000.0;
    let date = Date::new(&JsValue::from_f64(instant));
    with_formatter(locale, Kind::DateTime, |format| format.call1(&JsValue::NULL, &date))
}

/// `2 h` in the past → `2 hours ago` (`2 ชั่วโมงที่ผ่านมา`).
pub fn age(locale: Locale, age_ms: f64) -> String {
    let (value, unit) = match format::relative_age(age_ms) {
        RelativeAge::Seconds(n) => (n, "second"),
        RelativeAge::Minutes(n) => (n, "minute"),
        RelativeAge::Hours(n) => (n, "hour"),
        RelativeAge::Days(n) => (n, "day"),
    };
    with_formatter(locale, Kind::Relative, |format| {
        format.call2(&JsValue::NULL, &(-(value as f64)).into(), &unit.into())
    })
}
