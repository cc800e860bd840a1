//! Pure maths of the live view: estimated completion from the observed rate, the three
//! durations of the timeline, and batch-id checks.

use crate::format::seconds_between;

/// Seconds of history the rate is measured over.
const WINDOW_MS: f64 = 60_000.0;

/// `(when in ms, sheets done)` observations, oldest first.
pub type Samples = Vec<(f64, u64)>;

/// Adds an observation, keeping only the last minute (plus the one before it).
pub fn add_sample(samples: &mut Samples, now_ms: f64, done: u64) {
    if samples.last().is_some_and(|(_, last)| *last > done) {
        samples.clear(); // Counts went backwards (reprocessing): start measuring again.
    }
    samples.push((now_ms, done));
    while samples.len() > 2 && now_ms - samples[1].0 > WINDOW_MS {
        samples.remove(0);
    }
}

/// Seconds until `total` sheets are done at the rate seen in `samples`.
pub fn eta_secs(samples: &[(f64, u64)], total: u64) -> Option<u64> {
    let (first, last) = (samples.first()?, samples.last()?);
    let elapsed_ms = last.0 - first.0;
    let progressed = last.1.checked_sub(first.1)?;
    if elapsed_ms < 1_000.0 || progressed == 0 {
        return None;
    }
    let per_ms = progressed as f64 / elapsed_ms;
    let remaining = total.saturating_sub(last.1);
    Some((remaining as f64 / per_ms / 1000.0).ceil() as u64)
}

/// The timeline's three durations, in seconds, where both ends are known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Durations {
    /// Upload accepted → finished.
    pub total: Option<i64>,
    /// Upload accepted → processing started (extraction and QR reading).
    pub extraction: Option<i64>,
    /// Processing started → finished (sheet checking).
    pub checking: Option<i64>,
}

/// Durations from the `/status` timestamps.
pub fn durations(created: Option<&str>, started: Option<&str>, finished: Option<&str>) -> Durations {
    Durations {
        total: seconds_between(created, finished),
        extraction: seconds_between(created, started),
        checking: seconds_between(started, finished),
    }
}

/// A batch UUID as the server issues them: 36 characters with hyphens, or 32 hex digits.
pub fn is_batch_id(id: &str) -> bool {
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    match id.len() {
        32 => hex(id),
        36 => {
            let parts: Vec<&str> = id.split('-').collect();
            parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| hex(p))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_from_the_observed_rate() {
        let mut samples = Samples::new();
        add_sample(&mut samples, 0.0, 100);
        add_sample(&mut samples, 10_000.0, 200);
        assert_eq!(eta_secs(&samples, 1160), Some(96), "10 sheets/s, 960 left");
        assert_eq!(eta_secs(&samples, 200), Some(0));
    }

    #[test]
    fn no_eta_without_progress_or_time() {
        let mut samples = Samples::new();
        assert_eq!(eta_secs(&samples, 10), None);
        add_sample(&mut samples, 0.0, 5);
        add_sample(&mut samples, 500.0, 6);
        assert_eq!(eta_secs(&samples, 10), None, "less than a second observed");
        add_sample(&mut samples, 5_000.0, 6);
        let stalled: Samples = vec![(0.0, 6), (5_000.0, 6)];
        assert_eq!(eta_secs(&stalled, 10), None);
    }

    #[test]
    fn old_samples_leave_the_window_and_backwards_counts_reset() {
        let mut samples = Samples::new();
        for second in 0..200 {
            add_sample(&mut samples, second as f64 * 1000.0, second);
        }
        assert!(samples.len() <= 62, "{}", samples.len());
        add_sample(&mut samples, 201_000.0, 3);
        assert_eq!(samples, vec![(201_000.0, 3)]);
    }

    #[test]
    fn timeline_durations() {
        let d = durations(Some("2025-12-19T14:02:11"), Some("2025-12-19T14:02:58"), Some("2025-12-19T14:05:33"));
        assert_eq!(d, Durations { total: Some(202), extraction: Some(47), checking: Some(155) });
        let running = durations(Some("2025-12-19T14:02:11"), Some("2025-12-19T14:02:58"), None);
        assert_eq!(running, Durations { total: None, extraction: Some(47), checking: None });
    }

    #[test]
    fn batch_ids() {
        assert!(is_batch_id("9a3d57c2-0e6b-4f1a-8c24-d1b7e9a40f65"));
        assert!(is_batch_id("9a3d57c20e6b4f1a8c24d1b7e9a40f65"));
        assert!(!is_batch_id("11302"), "the integer list key is not a batch id");
        assert!(!is_batch_id("9a3d57c2-0e6b-4f1a-8c24-d1b7e9a40f6z"));
        assert!(!is_batch_id("../../etc/passwd"));
        assert!(!is_batch_id("9a3d57c20-e6b-4f1a-8c24-d1b7e9a40f65"));
    }
}
