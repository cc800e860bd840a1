//! The QR cover check as an officer feels it: the release bundle behind the real nginx config
//! ([`first_visit::Site`]), Debian's headless Chromium through chromedriver, a signed-in admin
//! picking a generated scanner ZIP (tests/scans, release build) in the upload form. Measured
//! inside the page from the file input's `change`: the first task row on screen, the whole
//! check, the longest wait a click would have had on the main thread (a task posted every
//! 50 ms, and the Long Tasks API), and memory at the end: the page's JS heap, the app's wasm
//! memory, and the renderer processes' resident memory (page and workers), sampled from /proc
//! during the check. Each figure is the median of [`RUNS`] checks.

use crate::bench::Figure;
use crate::first_visit::{median, Site};
use crate::local_nginx::free_port;
use crate::webdriver::{Driver, Session};
use crate::{bootstrap, root};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// Checks per ZIP.
const RUNS: usize = 3;

/// A ZIP the benchmark checks: its layout (see tests/scans) and the issue's targets.
struct Zip {
    name: &'static str,
    layout: &'static str,
    images: usize,
    tasks: usize,
    /// Whole check, at most ms.
    target_ms: f64,
}

const ZIPS: [Zip; 2] = [
    Zip {
        name: "51 sheets",
        layout: "C:14900113,S*16,C:14900114,S*16,C:14900115,S*16",
        images: 51,
        tasks: 3,
        target_ms: 2_500.0,
    },
    Zip {
        name: "291 sheets",
        layout: "C:14900121,S*48,C:14900122,S*47,C:14900123,S*47,C:14900124,S*47,C:14900125,S*48,C:14900126,S*48",
        images: 291,
        tasks: 6,
        target_ms: 12_000.0,
    },
];

/// Installed in every page before its scripts: marks and samplers the benchmark reads back.
const PROBE: &str = r#"(() => {
  const marks = { picked: null, firstRow: null, done: null, state: null, lags: [], longTasks: [], wasm: null };
  window.__omrCoverCheck = marks;
  addEventListener('TrunkApplicationStarted', (e) => { marks.wasm = e.detail.wasm; });
  document.addEventListener('change', (e) => {
    if (e.target && e.target.id === 'upload-files') {
      marks.picked = performance.now(); marks.firstRow = null; marks.done = null; marks.state = null; marks.lags = []; marks.longTasks = [];
    }
  }, true);
  new MutationObserver(() => {
    if (marks.picked === null) return;
    const now = performance.now();
    if (marks.firstRow === null && document.querySelector('.cover-table tbody tr')) marks.firstRow = now;
    const check = document.querySelector('[data-testid=cover-check]');
    if (marks.done === null && check && check.dataset.state !== 'reading') { marks.done = now; marks.state = check.dataset.state; }
  }).observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
  // What a click would wait: a task posted every 50 ms, timed until it runs.
  const channel = new MessageChannel();
  let posted = null;
  channel.port1.onmessage = () => { if (posted !== null && marks.picked !== null && marks.done === null) marks.lags.push(performance.now() - posted); posted = null; };
  setInterval(() => { if (posted === null) { posted = performance.now(); channel.port2.postMessage(0); } }, 50);
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (marks.picked !== null && marks.done === null) marks.longTasks.push(entry.duration);
    }).observe({ type: 'longtask' });
  } catch (_) {}
})();"#;

/// The generated ZIP of `zip`, made afresh on every run (seeded: the same bytes as long as the
/// generator does not change; a few seconds).
fn generated(zip: &Zip) -> Result<PathBuf, String> {
    let dir = root().join("target").join("bench").join("scans");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(format!("{}.zip", zip.name.replace(' ', "-")));
    crate::process::run(
        Command::new("cargo")
            .args(["run", "--quiet", "--release", "-p", "omr-scans", "--", "--layout", zip.layout, "--seed", "29"])
            .arg("--out")
            .arg(&path)
            .current_dir(root()),
    )?;
    Ok(path)
}

/// Resident memory of Chromium's renderer processes (the page and its workers), in bytes.
fn renderer_rss() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0 };
    entries
        .filter_map(|entry| {
            let dir = entry.ok()?.path();
            let cmdline = std::fs::read(dir.join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline);
            if !cmdline.contains("--type=renderer") {
                return None;
            }
            let status = std::fs::read_to_string(dir.join("status")).ok()?;
            let kb =
                status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse::<u64>().ok()?;
            Some(kb * 1024)
        })
        .sum()
}

/// One check's figures.
struct Run {
    first_row_ms: f64,
    done_ms: f64,
    worst_lag_ms: f64,
    longest_task_ms: f64,
    js_heap: f64,
    wasm_memory: f64,
    peak_rss: u64,
}

/// Picks `path` in the form, waits for the check to end, and reads the marks back.
fn check_once(session: &Session, path: &str, images: usize, tasks: usize) -> Result<Run, String> {
    session
        .run("const b = [...document.querySelectorAll('.drop-zone button')].pop(); if (b) b.click(); return true;")?;
    session.type_into("#upload-files", path)?;
    let started = Instant::now();
    let mut peak_rss = 0;
    let done = "return window.__omrCoverCheck.done !== null;";
    while session.run(done)? != Value::Bool(true) {
        peak_rss = peak_rss.max(renderer_rss());
        if started.elapsed() > Duration::from_secs(300) {
            return Err(format!("the check of {images} images did not end within 5 minutes"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let marks = session.run(
        "const m = window.__omrCoverCheck; return { picked: m.picked, firstRow: m.firstRow, done: m.done, \
         worstLag: Math.max(0, ...m.lags), longest: Math.max(0, ...m.longTasks), \
         heap: performance.memory ? performance.memory.usedJSHeapSize : 0, \
         wasm: m.wasm ? m.wasm.memory.buffer.byteLength : 0, state: m.state, \
         rows: document.querySelectorAll('.cover-table tbody tr').length, \
         line: document.querySelector('[data-testid=cover-check] [role=status]').textContent };",
    )?;
    let number = |key: &str| marks[key].as_f64().ok_or_else(|| format!("no {key} in {marks}"));
    let line = marks["line"].as_str().unwrap_or_default();
    if marks["state"] != "done" || !line.contains(&images.to_string()) || number("rows")? != tasks as f64 {
        return Err(format!("the check ended {}: {line:?}, {} task rows", marks["state"], marks["rows"]));
    }
    Ok(Run {
        first_row_ms: number("firstRow")? - number("picked")?,
        done_ms: number("done")? - number("picked")?,
        worst_lag_ms: number("worstLag")?,
        longest_task_ms: number("longest")?,
        js_heap: number("heap")?,
        wasm_memory: number("wasm")?,
        peak_rss,
    })
}

/// The figures of one ZIP from its runs.
fn zip_figures(zip: &Zip, bytes: u64, runs: &[Run]) -> Vec<Figure> {
    let figure = |measure: &str, of: fn(&Run) -> f64, unit: &str, note: String| {
        let values: Vec<f64> = runs.iter().map(of).collect();
        let listed: Vec<String> = values.iter().map(|v| format!("{v:.0}")).collect();
        Figure {
            section: format!("QR covers, {} ({:.0} MB)", zip.name, bytes as f64 / 1e6),
            measure: measure.into(),
            value: median(&values.iter().copied().map(Some).collect::<Vec<_>>()),
            unit: unit.into(),
            note: format!("median of {}; runs [{}]{note}", runs.len(), listed.join(", ")),
        }
    };
    vec![
        figure("first task row on screen", |r| r.first_row_ms, "ms", "; target 500 ms (291 sheets)".into()),
        figure("whole check", |r| r.done_ms, "ms", format!("; target {:.0} ms", zip.target_ms)),
        figure("longest wait for a click (main thread)", |r| r.worst_lag_ms, "ms", "; target 100 ms".into()),
        figure("longest main-thread task", |r| r.longest_task_ms, "ms", "; Long Tasks API, 0: none over 50 ms".into()),
        figure("page JS heap after", |r| r.js_heap / 1e6, "MB", String::new()),
        figure("app wasm memory after", |r| r.wasm_memory / 1e6, "MB", String::new()),
        figure(
            "renderers' peak resident memory",
            |r| r.peak_rss as f64 / 1e6,
            "MB",
            "; page and workers, /proc".into(),
        ),
    ]
}

/// Runs the benchmark against the bundle `dist::build` left in `dist::dist_dir()`.
pub fn figures() -> Result<Vec<Figure>, String> {
    bootstrap::build_tools()?;
    let zips: Vec<(PathBuf, u64)> = ZIPS
        .iter()
        .map(|zip| {
            let path = generated(zip)?;
            let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
            Ok((path, bytes))
        })
        .collect::<Result<_, String>>()?;
    let site = Site::start("qr-covers")?;
    let driver = Driver::start(free_port()?)?;
    let session = driver.session(1366, 900)?;
    session.cdp("Page.addScriptToEvaluateOnNewDocument", serde_json::json!({"source": PROBE}))?;
    session.go(&site.nginx.url("/dashboard/batches"))?;
    session.wait_for(
        "the sign-in form",
        "return !!document.getElementById('login-username');",
        Duration::from_secs(60),
    )?;
    session.type_into("#login-username", "admin")?;
    session.type_into("#login-password", "admin-pass-2025")?;
    session
        .run("document.getElementById('login-username').form.querySelector('[type=submit]').click(); return true;")?;
    session.wait_for(
        "the upload form",
        "return !!document.getElementById('upload-files');",
        Duration::from_secs(60),
    )?;
    let mut figures = Vec::new();
    for (zip, (path, bytes)) in ZIPS.iter().zip(&zips) {
        let path = path.to_string_lossy();
        let runs =
            (0..RUNS).map(|_| check_once(&session, &path, zip.images, zip.tasks)).collect::<Result<Vec<_>, _>>()?;
        println!("QR covers, {}: {RUNS} checks measured", zip.name);
        figures.extend(zip_figures(zip, *bytes, &runs));
    }
    session.close()?;
    Ok(figures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_zip_has_its_figures_with_medians_and_targets() {
        let run = |ms: f64| Run {
            first_row_ms: ms / 10.0,
            done_ms: ms,
            worst_lag_ms: 12.0,
            longest_task_ms: 0.0,
            js_heap: 5e6,
            wasm_memory: 3e6,
            peak_rss: 400_000_000,
        };
        let figures = zip_figures(&ZIPS[0], 36_000_000, &[run(2000.0), run(1800.0), run(2600.0)]);
        assert_eq!(figures.len(), 7);
        assert_eq!(figures[1].value, Some(2000.0));
        assert!(figures[1].note.contains("target 2500 ms") && figures[1].note.contains("[2000, 1800, 2600]"));
        assert_eq!(figures[0].section, "QR covers, 51 sheets (36 MB)");
        assert_eq!(figures[6].value, Some(400.0));
        assert_eq!(ZIPS.map(|z| omr_layout_pages(z.layout)), [51, 291]);
    }

    /// Pages a layout holds (`S*16` counts 16), to keep the table's names honest.
    fn omr_layout_pages(layout: &str) -> usize {
        layout.split(',').map(|t| t.rsplit_once('*').map_or(1, |(_, n)| n.parse().unwrap())).sum()
    }
}
