//! Pure display formatting: sizes, timestamps, durations, upload types.

use crate::api::types::{NaiveTimestamp, UploadType};
use crate::i18n::strings;

/// `48213774` → `46.0 MB` (binary units, one decimal; bytes below 1 KiB as-is).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A server timestamp for display (`2025-12-18 09:41:07`), or "—" when absent or unreadable.
pub fn timestamp(value: Option<&str>) -> String {
    value.and_then(NaiveTimestamp::parse).map(|t| t.display()).unwrap_or_else(|| strings().not_available.to_string())
}

/// Seconds between two server timestamps, when both are readable and in order.
pub fn seconds_between(start: Option<&str>, end: Option<&str>) -> Option<i64> {
    let start = NaiveTimestamp::parse(start?)?;
    let end = NaiveTimestamp::parse(end?)?;
    let seconds = end.seconds() - start.seconds();
    (seconds >= 0).then_some(seconds)
}

/// `95` → `1 min 35 s`; `3725` → `1 h 2 min`; `7` → `7 s`.
pub fn duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{secs} s"),
        (0, _) => format!("{minutes} min {secs} s"),
        _ => format!("{hours} h {minutes} min"),
    }
}

/// The user-facing name of an upload strategy.
pub fn upload_type(value: Option<&UploadType>) -> String {
    let text = strings();
    match value {
        Some(UploadType::ZipWithQr) => text.type_zip_qr.into(),
        Some(UploadType::ZipNoQr) => text.type_zip_no_qr.into(),
        Some(UploadType::Images) => text.type_images.into(),
        None => text.not_available.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_naturally() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.0 KB");
        assert_eq!(human_bytes(48_213_774), "46.0 MB");
        assert_eq!(human_bytes(230_686_720), "220.0 MB");
        assert_eq!(human_bytes(10 * 1024 * 1024 * 1024), "10.0 GB");
    }

    #[test]
    fn timestamps_show_as_given_without_shifting() {
        assert_eq!(timestamp(Some("2025-12-18T09:41:07")), "2025-12-18 09:41:07");
        assert_eq!(timestamp(Some("2025-11-20T12:00:05.123456Z")), "2025-11-20 12:00:05");
        assert_eq!(timestamp(Some("yesterday")), "—");
        assert_eq!(timestamp(None), "—");
    }

    #[test]
    fn durations_between_server_times() {
        assert_eq!(seconds_between(Some("2025-12-18T09:41:07"), Some("2025-12-18T09:43:02")), Some(115));
        assert_eq!(seconds_between(Some("2025-12-31T23:59:30"), Some("2026-01-01T00:00:10")), Some(40));
        assert_eq!(seconds_between(Some("2024-02-28T12:00:00"), Some("2024-03-01T12:00:00")), Some(2 * 86_400));
        assert_eq!(seconds_between(Some("2025-12-18T09:43:02"), Some("2025-12-18T09:41:07")), None);
        assert_eq!(seconds_between(None, Some("2025-12-18T09:41:07")), None);
        assert_eq!(duration(7), "7 s");
        assert_eq!(duration(95), "1 min 35 s");
        assert_eq!(duration(3725), "1 h 2 min");
    }

    #[test]
    fn upload_types_have_names() {
        assert_eq!(upload_type(UploadType::parse("zip_qr").as_ref()), "ZIP with QR codes");
        assert_eq!(upload_type(UploadType::parse("zip_with_qr").as_ref()), "ZIP with QR codes");
        assert_eq!(upload_type(None), "—");
    }
}
