//! Pure display decisions: which unit a size or a duration is shown in, how long ago
//! something was. `intl` writes the result in the user's locale.

use crate::api::types::NaiveTimestamp;

/// A file size in the unit it reads best in (binary steps of 1024, as file managers show).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ByteSize {
    Bytes(u64),
    Kilo(f64),
    Mega(f64),
    Giga(f64),
    Tera(f64),
}

/// `48213774` → `Mega(45.98…)`; below 1 KiB the bytes as they are.
pub fn byte_size(bytes: u64) -> ByteSize {
    if bytes < 1024 {
        return ByteSize::Bytes(bytes);
    }
    let mut value = bytes as f64 / 1024.0;
    let mut steps = 0;
    while value >= 1024.0 && steps < 3 {
        value /= 1024.0;
        steps += 1;
    }
    match steps {
        0 => ByteSize::Kilo(value),
        1 => ByteSize::Mega(value),
        2 => ByteSize::Giga(value),
        _ => ByteSize::Tera(value),
    }
}

/// A duration in the two largest units that matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Duration {
    /// Under a minute.
    Seconds(u64),
    /// Minutes and seconds, under an hour.
    Minutes(u64, u64),
    /// Hours and minutes.
    Hours(u64, u64),
}

/// `95` → `Minutes(1, 35)`; `3725` → `Hours(1, 2)`; negative counts as 0.
pub fn duration(seconds: i64) -> Duration {
    let seconds = seconds.max(0) as u64;
    let (hours, minutes, secs) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => Duration::Seconds(secs),
        (0, _) => Duration::Minutes(minutes, secs),
        _ => Duration::Hours(hours, minutes),
    }
}

/// How long ago, in the largest whole unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelativeAge {
    Seconds(u64),
    Minutes(u64),
    Hours(u64),
    Days(u64),
}

/// `7_200_000` ms → `Hours(2)`; a clock that went backwards counts as now.
pub fn relative_age(age_ms: f64) -> RelativeAge {
    let seconds = (age_ms.max(0.0) / 1000.0) as u64;
    match seconds {
        s if s < 60 => RelativeAge::Seconds(s),
        s if s < 3600 => RelativeAge::Minutes(s / 60),
        s if s < 86_400 => RelativeAge::Hours(s / 3600),
        s => RelativeAge::Days(s / 86_400),
    }
}

/// Seconds between two server timestamps, when both are readable and in order.
pub fn seconds_between(start: Option<&str>, end: Option<&str>) -> Option<i64> {
    let start = NaiveTimestamp::parse(start?)?;
    let end = NaiveTimestamp::parse(end?)?;
    let seconds = end.seconds() - start.seconds();
    (seconds >= 0).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_the_unit_they_read_best_in() {
        assert_eq!(byte_size(0), ByteSize::Bytes(0));
        assert_eq!(byte_size(1023), ByteSize::Bytes(1023));
        assert_eq!(byte_size(1024), ByteSize::Kilo(1.0));
        assert!(matches!(byte_size(48_213_774), ByteSize::Mega(v) if (v - 45.98).abs() < 0.01));
        assert_eq!(byte_size(10 * 1024 * 1024 * 1024), ByteSize::Giga(10.0));
        assert_eq!(byte_size(5 << 50), ByteSize::Tera(5120.0));
    }

    #[test]
    fn durations_between_server_times() {
        assert_eq!(seconds_between(Some("2025-12-18T09:41:07"), Some("2025-12-18T09:43:02")), Some(115));
        assert_eq!(seconds_between(Some("2025-12-31T23:59:30"), Some("2026-01-01T00:00:10")), Some(40));
        assert_eq!(seconds_between(Some("2024-02-28T12:00:00"), Some("2024-03-01T12:00:00")), Some(2 * 86_400));
        assert_eq!(seconds_between(Some("2025-12-18T09:43:02"), Some("2025-12-18T09:41:07")), None);
        assert_eq!(seconds_between(None, Some("2025-12-18T09:41:07")), None);
        assert_eq!(duration(7), Duration::Seconds(7));
        assert_eq!(duration(95), Duration::Minutes(1, 35));
        assert_eq!(duration(3725), Duration::Hours(1, 2));
        assert_eq!(duration(-5), Duration::Seconds(0));
    }

    #[test]
    fn ages_round_down_to_the_largest_unit() {
        assert_eq!(relative_age(-3.0), RelativeAge::Seconds(0));
        assert_eq!(relative_age(59_999.0), RelativeAge::Seconds(59));
        assert_eq!(relative_age(7_200_000.0), RelativeAge::Hours(2));
        assert_eq!(relative_age(3.0 * 86_400_000.0), RelativeAge::Days(3));
    }
}
