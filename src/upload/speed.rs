//! Upload speed as an exponential moving average, and the time remaining (pure).

/// Weight of the newest sample (Uppy uses a similar smoothing).
const ALPHA: f64 = 0.3;
/// Samples closer together than this are merged, so bursts of progress events do not spike.
const MIN_SAMPLE_MS: f64 = 250.0;

/// Tracks bytes over time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeedMeter {
    last_bytes: u64,
    last_ms: Option<f64>,
    bytes_per_sec: Option<f64>,
}

impl SpeedMeter {
    /// Records that `bytes` (a running total) were done at `now_ms`.
    pub fn sample(&mut self, bytes: u64, now_ms: f64) {
        let Some(last_ms) = self.last_ms else {
            self.last_ms = Some(now_ms);
            self.last_bytes = bytes;
            return;
        };
        let elapsed = now_ms - last_ms;
        if elapsed < MIN_SAMPLE_MS {
            return;
        }
        let delta = bytes.saturating_sub(self.last_bytes) as f64;
        let instant = delta / (elapsed / 1000.0);
        self.bytes_per_sec = Some(match self.bytes_per_sec {
            Some(previous) => ALPHA * instant + (1.0 - ALPHA) * previous,
            None => instant,
        });
        self.last_ms = Some(now_ms);
        self.last_bytes = bytes;
    }

    /// Forgets the baseline (after a pause, a retry wait or a restart) but keeps the average.
    pub fn rebase(&mut self) {
        self.last_ms = None;
    }

    /// The smoothed speed, once there is one.
    pub fn bytes_per_sec(&self) -> Option<f64> {
        self.bytes_per_sec
    }

    /// Seconds to send `remaining` bytes at the smoothed speed.
    pub fn eta_secs(&self, remaining: u64) -> Option<u64> {
        let speed = self.bytes_per_sec.filter(|s| *s > 1.0)?;
        Some((remaining as f64 / speed).ceil() as u64)
    }
}

/// Percentage for the bar: never 100 before the server has confirmed completion.
pub fn shown_percentage(done_bytes: u64, total: u64, confirmed: bool) -> f64 {
    if confirmed {
        return 100.0;
    }
    if total == 0 {
        return 0.0;
    }
    (done_bytes as f64 / total as f64 * 100.0).min(99.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_transfer_converges_to_its_rate() {
        let mut meter = SpeedMeter::default();
        for second in 0..20u64 {
            meter.sample(second * 10_000_000, second as f64 * 1000.0);
        }
        let speed = meter.bytes_per_sec().unwrap();
        assert!((speed - 10_000_000.0).abs() < 1.0, "{speed}");
        assert_eq!(meter.eta_secs(50_000_000), Some(5));
    }

    #[test]
    fn average_smooths_a_spike() {
        let mut meter = SpeedMeter::default();
        meter.sample(0, 0.0);
        meter.sample(1_000_000, 1000.0);
        meter.sample(11_000_000, 2000.0);
        let speed = meter.bytes_per_sec().unwrap();
        assert!(speed > 1_000_000.0 && speed < 10_000_000.0, "{speed}");
    }

    #[test]
    fn no_speed_no_eta() {
        let mut meter = SpeedMeter::default();
        assert_eq!(meter.eta_secs(10), None);
        meter.sample(0, 0.0);
        meter.sample(10, 100.0);
        assert_eq!(meter.bytes_per_sec(), None, "too close to count");
    }

    #[test]
    fn bar_waits_for_the_server() {
        assert_eq!(shown_percentage(100, 100, false), 99.0);
        assert_eq!(shown_percentage(100, 100, true), 100.0);
        assert_eq!(shown_percentage(25, 100, false), 25.0);
        assert_eq!(shown_percentage(0, 0, false), 0.0);
    }
}
