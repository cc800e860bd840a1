//! The first visit as a user on exam-centre Wi-Fi feels it: the release bundle behind the
//! project's real nginx config (brotli_static, as on the hosts), a release stand-in with demo
//! data behind nginx's API upstream, and Debian's headless Chromium through chromedriver, its
//! link and CPU emulated over the DevTools protocol. Times are taken inside the page from
//! navigation start; each figure is the median of five loads.

use crate::bench::Figure;
use crate::dev::{start_standin, Build};
use crate::local_nginx::{free_port, temp_dir, LocalNginx};
use crate::webdriver::{Driver, Session};
use crate::{dist, root};
use serde_json::json;
use std::time::Duration;

/// Loads per figure.
const LOADS: usize = 5;

/// An emulated link: throughput in bytes per second each way, and latency added per request.
struct Link {
    name: &'static str,
    down: f64,
    up: f64,
    latency_ms: f64,
}

/// Slow 4G as the issue names it: 1.6 Mbit/s down, 750 kbit/s up, 150 ms.
const SLOW_4G: Link = Link { name: "slow 4G", down: 1_600_000.0 / 8.0, up: 750_000.0 / 8.0, latency_ms: 150.0 };
/// A good exam-centre Wi-Fi: 10 Mbit/s each way, 40 ms.
const WIFI_10M: Link =
    Link { name: "10 Mbit/s 40 ms", down: 10_000_000.0 / 8.0, up: 10_000_000.0 / 8.0, latency_ms: 40.0 };

/// One row group of the table: a link, a CPU slowdown and a cache state.
struct Case {
    link: Link,
    cpu_slowdown: f64,
    /// Warm: the HTTP cache holds an earlier visit (storage is emptied all the same, so the
    /// visitor is signed out); cold: cache and storage empty.
    warm: bool,
    /// Targets of issue 28 for this case: (measure, at most ms).
    targets: &'static [(Measure, f64)],
}

/// What a load measures.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    FirstPaint,
    FirstContentfulPaint,
    ShellTakesTyping,
    AppFormLive,
    SignInToFirstRow,
}

impl Measure {
    const ALL: [Measure; 5] = [
        Measure::FirstPaint,
        Measure::FirstContentfulPaint,
        Measure::ShellTakesTyping,
        Measure::AppFormLive,
        Measure::SignInToFirstRow,
    ];

    fn label(self) -> &'static str {
        match self {
            Measure::FirstPaint => "first paint",
            Measure::FirstContentfulPaint => "first contentful paint",
            Measure::ShellTakesTyping => "shell's form takes typing",
            Measure::AppFormLive => "app's form live",
            Measure::SignInToFirstRow => "sign-in to the list's first row",
        }
    }
}

const CASES: [Case; 5] = [
    Case {
        link: SLOW_4G,
        cpu_slowdown: 1.0,
        warm: false,
        targets: &[(Measure::FirstContentfulPaint, 500.0), (Measure::AppFormLive, 1550.0)],
    },
    Case { link: SLOW_4G, cpu_slowdown: 1.0, warm: true, targets: &[(Measure::AppFormLive, 250.0)] },
    Case { link: WIFI_10M, cpu_slowdown: 1.0, warm: false, targets: &[(Measure::AppFormLive, 450.0)] },
    Case { link: WIFI_10M, cpu_slowdown: 1.0, warm: true, targets: &[] },
    Case { link: SLOW_4G, cpu_slowdown: 4.0, warm: false, targets: &[] },
];

impl Case {
    fn name(&self) -> String {
        let cpu = if self.cpu_slowdown > 1.0 { format!(", CPU {}x slower", self.cpu_slowdown) } else { String::new() };
        format!("{}{cpu}, {}", self.link.name, if self.warm { "warm" } else { "cold" })
    }
}

/// Injected before any of the page's own scripts on every document: records, in ms from
/// navigation start, the paint entries and when each element the figures need first appears.
/// The shell's input counts once it is present and not disabled; the list's first row is a
/// table row or, on narrow screens, a card (both carry `data-uuid`). When the app's form is
/// live it also counts what went over the network so far: every response with a
/// `transferSize` (a 304 counts its headers; a cache hit is 0) and their bytes.
const PROBE: &str = r#"(() => {
  const marks = { fp: null, fcp: null, shell: null, form: null, submit: null, row: null, requests: null, bytes: null };
  const network = () => {
    const sent = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .filter((entry) => entry.transferSize > 0);
    marks.requests = sent.length;
    marks.bytes = sent.reduce((sum, entry) => sum + entry.transferSize, 0);
  };
  window.__omrFirstVisit = marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name === 'first-paint') marks.fp = entry.startTime;
      if (entry.name === 'first-contentful-paint') marks.fcp = entry.startTime;
    }
  }).observe({ type: 'paint', buffered: true });
  const look = () => {
    const now = performance.now();
    const shell = document.getElementById('shell-username');
    if (marks.shell === null && shell && !shell.disabled) marks.shell = now;
    if (marks.form === null && document.getElementById('login-username')) { marks.form = now; network(); }
    if (marks.row === null && document.querySelector('table.batch-table tbody tr[data-uuid], [data-uuid]')) marks.row = now;
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
  document.addEventListener('submit', () => { if (marks.submit === null) marks.submit = performance.now(); }, true);
})();"#;

/// How long one step of a load may take before the benchmark gives up (never on timing: a
/// step that does not happen at all, such as a form that never shows, is an error).
const STEP_LIMIT: Duration = Duration::from_secs(60);

/// What one load measured.
struct Load {
    /// Per `Measure::ALL`, in ms; `None` where the page has no such thing (no shell yet).
    times: Vec<Option<f64>>,
    /// Responses that came over the network by the time the app's form was live, and their bytes.
    requests: f64,
    bytes: f64,
}

/// Loads `url` signed out (storage emptied; the HTTP cache too unless `warm`), signs in as the
/// admin and returns each measure's time.
fn load(session: &Session, origin: &str, url: &str, warm: bool) -> Result<Load, String> {
    // Off the site first, so nothing of the last load writes storage again after it is emptied.
    session.go("about:blank")?;
    session.cdp("Storage.clearDataForOrigin", json!({"origin": origin, "storageTypes": "all"}))?;
    if !warm {
        session.cdp("Network.clearBrowserCache", json!({}))?;
    }
    session.go(url)?;
    session.wait_for("the app's sign-in form", "return window.__omrFirstVisit.form !== null;", STEP_LIMIT)?;
    session.type_into("#login-username", "admin")?;
    session.type_into("#login-password", "admin-pass-2025")?;
    session
        .run("document.getElementById('login-username').form.querySelector('[type=submit]').click(); return true;")?;
    session.wait_for("the list's first row", "return window.__omrFirstVisit.row !== null;", STEP_LIMIT)?;
    let marks = session.run("return window.__omrFirstVisit;")?;
    let mark = |name: &str| marks[name].as_f64();
    let shell = mark("shell").map(|seen| seen.max(mark("fp").unwrap_or(seen)));
    let row = mark("row").zip(mark("submit")).map(|(row, submit)| row - submit);
    Ok(Load {
        times: vec![mark("fp"), mark("fcp"), shell, mark("form"), row],
        requests: mark("requests").unwrap_or(0.0),
        bytes: mark("bytes").unwrap_or(0.0),
    })
}

/// The median of `runs`, or `None` when any run lacks the figure.
pub fn median(runs: &[Option<f64>]) -> Option<f64> {
    let mut present: Vec<f64> = runs.iter().copied().collect::<Option<_>>()?;
    present.sort_by(f64::total_cmp);
    present.get(present.len() / 2).copied()
}

/// The figures of one case from its loads.
fn case_figures(case: &Case, loads: &[Load]) -> Vec<Figure> {
    let network = |of: fn(&Load) -> f64| median(&loads.iter().map(|l| Some(of(l))).collect::<Vec<_>>()).unwrap_or(0.0);
    let (requests, bytes) = (network(|l| l.requests), network(|l| l.bytes));
    Measure::ALL
        .iter()
        .enumerate()
        .map(|(i, measure)| {
            let runs: Vec<Option<f64>> = loads.iter().map(|load| load.times[i]).collect();
            let listed: Vec<String> = runs.iter().map(|r| r.map_or("absent".into(), |ms| format!("{ms:.0}"))).collect();
            let mut note = format!("median of {}; runs [{}] ms", runs.len(), listed.join(", "));
            if let Some((_, target)) = case.targets.iter().find(|(m, _)| m == measure) {
                note.push_str(&format!("; target {target:.0} ms"));
            }
            if *measure == Measure::AppFormLive {
                note.push_str(&format!(
                    "; by then {requests:.0} responses over the network, {:.1} KB (medians)",
                    bytes / 1000.0
                ));
            }
            if *measure == Measure::ShellTakesTyping && median(&runs).is_none() {
                note = format!("no #shell-username in the page; {note}");
            }
            Figure {
                section: format!("visit, {}", case.name()),
                measure: measure.label().into(),
                value: median(&runs),
                unit: "ms".into(),
                note,
            }
        })
        .collect()
}

/// Sets the session's link and CPU to `case`'s.
fn emulate(session: &Session, case: &Case) -> Result<(), String> {
    let link = &case.link;
    session.cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": link.latency_ms, "downloadThroughput": link.down, "uploadThroughput": link.up}),
    )?;
    session.cdp("Emulation.setCPUThrottlingRate", json!({"rate": case.cpu_slowdown})).map(drop)
}

/// The release bundle as a web host serves it: a copy of what `dist::build` left in
/// `dist::dist_dir()` (a later build cannot move it), behind the real nginx config, with a
/// fresh release stand-in with demo data behind nginx's API upstream. Shared by the benchmarks
/// that measure in the browser what users feel.
pub struct Site {
    pub nginx: LocalNginx,
    _standin: crate::process::Service,
    host: std::path::PathBuf,
}

impl Site {
    /// Serves the bundle; `tag` names the stand-in's data directory and the host directory.
    pub fn start(tag: &str) -> Result<Site, String> {
        let data_dir = root().join("target").join("bench").join(format!("standin-{tag}"));
        let _ = std::fs::remove_dir_all(&data_dir);
        let data_dir = data_dir.to_string_lossy().into_owned();
        let args = ["--data-dir", &data_dir, "--seed-demo"];
        let (standin, api) = start_standin(Build::Release, &args, "127.0.0.1:0")?;
        let api = api.trim_start_matches("http://").trim_end_matches('/').to_string();
        let host = temp_dir(tag)?;
        let site = host.join("current");
        let copied = std::process::Command::new("cp").arg("-a").arg(dist::dist_dir()).arg(&site).status();
        if !copied.is_ok_and(|s| s.success()) {
            return Err(format!("cannot copy the bundle to {}", site.display()));
        }
        let nginx = LocalNginx::start(&site, &api)?;
        Ok(Site { nginx, _standin: standin, host })
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.host);
    }
}

/// Runs every case against the bundle `dist::build` left in `dist::dist_dir()`.
pub fn figures() -> Result<Vec<Figure>, String> {
    let site = Site::start("first-visit")?;
    let nginx = &site.nginx;
    let driver = Driver::start(free_port()?)?;
    let session = driver.session(1280, 800)?;
    session.cdp("Network.enable", json!({}))?;
    session.cdp("Page.addScriptToEvaluateOnNewDocument", json!({"source": PROBE}))?;
    let (origin, url) = (nginx.url(""), nginx.url("/dashboard/batches"));
    let mut figures = Vec::new();
    for case in &CASES {
        emulate(&session, case)?;
        if case.warm {
            // The earlier visit that filled the cache.
            load(&session, &origin, &url, false)?;
        }
        let loads = (0..LOADS).map(|_| load(&session, &origin, &url, case.warm)).collect::<Result<Vec<_>, _>>()?;
        println!("visit, {}: {LOADS} loads measured", case.name());
        figures.extend(case_figures(case, &loads));
    }
    session.close()?;
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_take_the_middle_run_and_a_missing_run_makes_the_figure_absent() {
        assert_eq!(median(&[Some(5.0), Some(1.0), Some(9.0), Some(3.0), Some(7.0)]), Some(5.0));
        assert_eq!(median(&[Some(5.0), None, Some(9.0)]), None);
    }

    #[test]
    fn a_case_has_a_figure_per_measure_with_its_runs_and_targets() {
        let loads: Vec<Load> = (0..5)
            .map(|_| Load {
                times: vec![Some(100.0), Some(400.0), None, Some(1200.0), Some(300.0)],
                requests: 2.0,
                bytes: 640.0,
            })
            .collect();
        let figures = case_figures(&CASES[0], &loads);
        assert_eq!(figures.len(), 5);
        assert_eq!(figures[0].section, "visit, slow 4G, cold");
        assert_eq!(figures[1].value, Some(400.0));
        assert!(figures[1].note.ends_with("; target 500 ms"), "{}", figures[1].note);
        assert_eq!(figures[2].value, None, "no shell");
        assert!(figures[2].note.starts_with("no #shell-username"), "{}", figures[2].note);
        assert!(
            figures[3].note.ends_with("by then 2 responses over the network, 0.6 KB (medians)"),
            "{}",
            figures[3].note
        );
        assert!(figures[4].note.contains("runs [300, 300, 300, 300, 300] ms"), "{}", figures[4].note);
        assert_eq!(CASES[4].name(), "slow 4G, CPU 4x slower, cold");
    }
}
