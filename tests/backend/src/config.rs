//! Start-up configuration of the stand-in backend, read from command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything that shapes how the stand-in behaves. `Config::for_tests` gives fast timings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed at start).
    pub addr: SocketAddr,
    /// Directory holding the SQLite database, received files and chunk sessions.
    pub data_dir: PathBuf,
    /// Lifetime of access tokens.
    pub access_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_ttl: Duration,
    /// Enables fault injection, the `/__test/...` endpoints and permissive CORS.
    pub test_mode: bool,
    /// Creates about 120 demo batches on an empty database.
    pub seed_demo: bool,
    /// Pause between pipeline stages of the simulated processing.
    pub stage_delay: Duration,
    /// Pause between worker progress updates while sheets are processed.
    pub tick: Duration,
    /// Sheets finished per worker tick.
    pub sheets_per_tick: u32,
    /// Interval of the `: ping` comments on event streams (15 s on the real server).
    pub ping_interval: Duration,
    /// How long a batch's event log is kept after its last event (Redis TTL on the real server).
    pub event_log_ttl: Duration,
    /// FastAPI >= 0.122 answers a missing bearer header with 401 instead of 403.
    pub missing_auth_is_401: bool,
    /// Refresh answers only `access_token` and `token_type` (the other documented reading).
    pub minimal_refresh: bool,
    /// List items omit `username`, as the router snapshot does.
    pub list_without_username: bool,
    /// Faults installed at start (JSON array of rules, see `faults.rs`); needs `test_mode`.
    pub initial_faults: Option<String>,
    /// Answer 413 HTML above this many request-body bytes, like Cloudflare; needs `test_mode`.
    pub gateway_body_limit: Option<u64>,
    /// Largest request body accepted at all: nginx's `client_max_body_size 500M` plus margin;
    /// `--body-limit` raises it (test mode) so a benchmark can send a whole large file at once.
    pub body_limit: usize,
    /// Serve the later backend generation (contract §5.9: cancel, recover, stats, profiles, list
    /// filters, upload options); `--generation snapshot` answers as the router snapshot does.
    pub later_generation: bool,
    /// The QR cover check's worker files (wasm-bindgen's no-modules output of the app's
    /// `qr_worker`), served at `/__test/worker/` for the browser tests; needs `test_mode`.
    pub worker_dir: Option<PathBuf>,
}

impl Config {
    /// Defaults for a developer session: realistic but quick processing.
    pub fn dev(data_dir: PathBuf) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8000)),
            data_dir,
            access_ttl: Duration::from_secs(30 * 60),
            refresh_ttl: Duration::from_secs(7 * 24 * 3600),
            test_mode: false,
            seed_demo: false,
            stage_delay: Duration::from_millis(700),
            tick: Duration::from_millis(1000),
            sheets_per_tick: 20,
            ping_interval: Duration::from_secs(15),
            event_log_ttl: Duration::from_secs(3600),
            missing_auth_is_401: false,
            minimal_refresh: false,
            list_without_username: false,
            initial_faults: None,
            gateway_body_limit: None,
            body_limit: 600 * 1024 * 1024,
            later_generation: true,
            worker_dir: None,
        }
    }

    /// Fast timings and test mode on, on a free port: what automated tests use.
    pub fn for_tests(data_dir: PathBuf) -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            test_mode: true,
            stage_delay: Duration::from_millis(5),
            tick: Duration::from_millis(10),
            sheets_per_tick: 50,
            ping_interval: Duration::from_millis(200),
            ..Config::dev(data_dir)
        }
    }

    /// Parses `--flag value` pairs; unknown flags are an error naming them.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut cfg = Config::dev(PathBuf::from(".omr-standin"));
        let mut args = args.into_iter();
        let mut body_limit_set = false;
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--addr" => cfg.addr = parse(&flag, &value()?)?,
                "--data-dir" => cfg.data_dir = PathBuf::from(value()?),
                "--access-ttl-secs" => cfg.access_ttl = secs(&flag, &value()?)?,
                "--refresh-ttl-secs" => cfg.refresh_ttl = secs(&flag, &value()?)?,
                "--stage-delay-ms" => cfg.stage_delay = millis(&flag, &value()?)?,
                "--tick-ms" => cfg.tick = millis(&flag, &value()?)?,
                "--sheets-per-tick" => cfg.sheets_per_tick = parse(&flag, &value()?)?,
                "--ping-ms" => cfg.ping_interval = millis(&flag, &value()?)?,
                "--event-log-ttl-secs" => cfg.event_log_ttl = secs(&flag, &value()?)?,
                "--faults" => cfg.initial_faults = Some(value()?),
                "--gateway-body-limit" => cfg.gateway_body_limit = Some(parse(&flag, &value()?)?),
                "--body-limit" => {
                    body_limit_set = true;
                    cfg.body_limit = parse(&flag, &value()?)?;
                }
                "--generation" => {
                    cfg.later_generation = match value()?.as_str() {
                        "later" => true,
                        "snapshot" => false,
                        other => return Err(format!("--generation: {other:?} is neither later nor snapshot")),
                    }
                }
                "--test-mode" => cfg.test_mode = true,
                "--worker-dir" => cfg.worker_dir = Some(PathBuf::from(value()?)),
                "--seed-demo" => cfg.seed_demo = true,
                "--missing-auth-401" => cfg.missing_auth_is_401 = true,
                "--minimal-refresh" => cfg.minimal_refresh = true,
                "--list-without-username" => cfg.list_without_username = true,
                "--fast" => {
                    let fast = Config::for_tests(cfg.data_dir.clone());
                    cfg.stage_delay = fast.stage_delay;
                    cfg.tick = fast.tick;
                    cfg.sheets_per_tick = fast.sheets_per_tick;
                }
                other => return Err(format!("unknown flag {other}\n{USAGE}")),
            }
        }
        let test_only = cfg.initial_faults.is_some() || cfg.gateway_body_limit.is_some() || cfg.worker_dir.is_some();
        if (test_only || body_limit_set) && !cfg.test_mode {
            return Err("--faults, --gateway-body-limit, --body-limit and --worker-dir need --test-mode".into());
        }
        Ok(cfg)
    }
}

/// Printed for `--help` and after a bad flag.
pub const USAGE: &str = "usage: omr-standin [--addr 127.0.0.1:8000] [--data-dir DIR] [--seed-demo] [--test-mode]
  [--access-ttl-secs N] [--refresh-ttl-secs N] [--stage-delay-ms N] [--tick-ms N] [--sheets-per-tick N]
  [--ping-ms N] [--event-log-ttl-secs N] [--fast] [--faults JSON] [--gateway-body-limit BYTES]
  [--body-limit BYTES] [--worker-dir DIR] [--generation later|snapshot]
  [--missing-auth-401] [--minimal-refresh] [--list-without-username]";

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag}: cannot read {value:?}"))
}

fn secs(flag: &str, value: &str) -> Result<Duration, String> {
    parse(flag, value).map(Duration::from_secs)
}

fn millis(flag: &str, value: &str) -> Result<Duration, String> {
    parse(flag, value).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_override_defaults() {
        let cfg = Config::from_args(args(&["--addr", "127.0.0.1:0", "--tick-ms", "5", "--seed-demo"])).unwrap();
        assert_eq!(cfg.addr.port(), 0);
        assert_eq!(cfg.tick, Duration::from_millis(5));
        assert!(cfg.seed_demo);
    }

    #[test]
    fn generation_is_later_unless_asked() {
        assert!(Config::from_args(args(&[])).unwrap().later_generation);
        assert!(!Config::from_args(args(&["--generation", "snapshot"])).unwrap().later_generation);
        assert!(Config::from_args(args(&["--generation", "newer"])).unwrap_err().contains("newer"));
    }

    #[test]
    fn faults_need_test_mode() {
        let err = Config::from_args(args(&["--gateway-body-limit", "10"])).unwrap_err();
        assert!(err.contains("--test-mode"), "{err}");
    }

    #[test]
    fn unknown_flag_is_named() {
        let err = Config::from_args(args(&["--nope"])).unwrap_err();
        assert!(err.contains("--nope"));
    }
}
