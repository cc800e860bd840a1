//! `cargo xtask bench`: every benchmark side by side in one run, printed as one table and
//! written as JSON to `target/bench/latest.json`. Numbers, not pass/fail on timing.
//!
//! The release bundle's first-load size comes from `dist::build`; the first visit's times from
//! `first_visit` (that bundle behind the real nginx config, in Chromium on emulated links); the
//! rest from `tests/bench/main.rs`, built in release and run in headless Chromium against a
//! release stand-in (developer timings, demo data, test mode, no request-body limit).
//! The QR cover check's figures from `cover_bench` (generated scanner ZIPs picked in that
//! bundle's form, through the same nginx). `cargo xtask bench first-visit` runs only the first
//! two, `cargo xtask bench qr-covers` the size and the cover check.

use crate::dev::{start_standin, Build};
use crate::{bootstrap, cover_bench, dist, first_visit, root};
use serde_json::{json, Value};
use std::process::Command;

/// One measured figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub section: String,
    pub measure: String,
    /// `None` when the page has no such thing to measure (printed as "absent").
    pub value: Option<f64>,
    pub unit: String,
    pub note: String,
}

/// Reads a `BENCH {json}` line the benchmark printed (the runner may prefix console output).
pub fn parse_line(line: &str) -> Option<Figure> {
    let json: Value = serde_json::from_str(line.split_once("BENCH ")?.1.trim()).ok()?;
    let text = |key: &str| json[key].as_str().map(str::to_string);
    Some(Figure {
        section: text("section")?,
        measure: text("measure")?,
        value: Some(json["value"].as_f64()?),
        unit: text("unit")?,
        note: text("note").unwrap_or_default(),
    })
}

/// The first visit's weight as a figure, against issue 28's target.
pub fn first_load_figure(sizes: &[dist::AssetSize]) -> Figure {
    let first: Vec<&dist::AssetSize> = sizes.iter().filter(|s| s.first_visit).collect();
    let brotli: u64 = first.iter().map(|s| s.brotli).sum();
    let raw: u64 = first.iter().map(|s| s.raw).sum();
    Figure {
        section: "bundle".into(),
        measure: "first load, brotli".into(),
        value: Some(brotli as f64 / 1000.0),
        unit: "KB".into(),
        note: format!("{:.0} KB raw; target 235 KB", raw as f64 / 1000.0),
    }
}

/// Figures as a Markdown table (the README's Performance section shows it as printed).
pub fn table(figures: &[Figure]) -> String {
    let mut out = String::from("| section | measure | value | note |\n|---|---|---:|---|\n");
    for f in figures {
        let value = match f.value {
            None => "absent".to_string(),
            Some(v) if v >= 100.0 => format!("{v:.0} {}", f.unit),
            Some(v) => format!("{v:.2} {}", f.unit),
        };
        out.push_str(&format!("| {} | {} | {value} | {} |\n", f.section, f.measure, f.note));
    }
    out
}

/// What the figures were measured on, for the JSON and the README.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find(|l| l.starts_with("model name"))?.split(':').nth(1).map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let chromium = Command::new("chromium")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores, {cpu}; {chromium}")
}

/// Runs the browser benchmarks and returns their figures.
fn browser_figures() -> Result<Vec<Figure>, String> {
    let bench_dir = root().join("target").join("bench");
    let data_dir = bench_dir.join("standin");
    // Each run starts from an empty stand-in so earlier uploads do not weigh on it.
    let _ = std::fs::remove_dir_all(&data_dir);
    std::fs::create_dir_all(&bench_dir).map_err(|e| e.to_string())?;
    // Exact JS heap figures: without this flag Chromium rounds `performance.memory`.
    let capabilities = bench_dir.join("webdriver.json");
    let chrome = json!({"goog:chromeOptions": {"args": ["--enable-precise-memory-info"]}});
    std::fs::write(&capabilities, chrome.to_string()).map_err(|e| e.to_string())?;
    let data_dir = data_dir.to_string_lossy().into_owned();
    let args = ["--data-dir", &data_dir, "--test-mode", "--seed-demo", "--body-limit", "8589934592"];
    let (_standin, url) = start_standin(Build::Release, &args, "127.0.0.1:0")?;
    let output = Command::new("cargo")
        .args(["test", "--release", "-p", "omr-web", "--target", "wasm32-unknown-unknown", "--test", "bench"])
        .args(["--", "--nocapture"])
        .current_dir(root())
        .env("OMR_STANDIN_URL", &url)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "1800")
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &capabilities)
        .env("PATH", bootstrap::tool_path())
        .output()
        .map_err(|e| format!("cannot run the benchmarks: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<Figure> = stdout.lines().filter_map(parse_line).collect();
    if !output.status.success() || figures.is_empty() {
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        return Err("the benchmarks failed".into());
    }
    Ok(figures)
}

/// Which benchmarks a run takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Only {
    Everything,
    FirstVisit,
    QrCovers,
}

/// `cargo xtask bench [first-visit | qr-covers]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let only = match args {
        [] => Only::Everything,
        [only] if only == "first-visit" => Only::FirstVisit,
        [only] if only == "qr-covers" => Only::QrCovers,
        _ => return Err("usage: cargo xtask bench [first-visit | qr-covers]".into()),
    };
    bootstrap::all()?;
    let mut figures = vec![first_load_figure(&dist::build()?)];
    if only != Only::QrCovers {
        figures.extend(first_visit::figures()?);
    }
    if only != Only::FirstVisit {
        figures.extend(cover_bench::figures()?);
    }
    if only == Only::Everything {
        figures.extend(browser_figures()?);
    }
    let machine = machine();
    let rendered = table(&figures);
    println!("\nmeasured on {machine}\n\n{rendered}");
    let rows: Vec<Value> = figures
        .iter()
        .map(|f| json!({"section": f.section, "measure": f.measure, "value": f.value, "unit": f.unit, "note": f.note}))
        .collect();
    let report = json!({"machine": machine, "figures": rows});
    let path = root().join("target").join("bench").join("latest.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    println!("written to {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines_are_read_after_any_prefix_and_others_are_skipped() {
        let line = r#"console.log: BENCH {"section":"polling","measure":"hidden","value":0.0,"unit":"requests/min","note":"target 0"}"#;
        let figure = parse_line(line).unwrap();
        assert_eq!((figure.section.as_str(), figure.value, figure.note.as_str()), ("polling", Some(0.0), "target 0"));
        assert_eq!(parse_line("test list_rendering ... ok"), None);
        assert_eq!(parse_line(r#"BENCH {"section":"x"}"#), None, "a line without a value");
    }

    #[test]
    fn the_table_has_a_row_per_figure_and_the_first_load_counts_brotli() {
        let size =
            |brotli| dist::AssetSize { name: "a".into(), raw: brotli * 3, gzip: brotli, brotli, first_visit: true };
        let worker = dist::AssetSize { first_visit: false, ..size(120_000) };
        let first = first_load_figure(&[size(140_000), size(9_600), worker]);
        assert_eq!(first.value, Some(149.6));
        let polling = Figure {
            section: "polling".into(),
            measure: "visible".into(),
            value: Some(30.0),
            unit: "requests/min".into(),
            note: String::new(),
        };
        let shell = Figure { measure: "shell".into(), value: None, unit: "ms".into(), ..polling.clone() };
        let rendered = table(&[first, polling, shell]);
        assert_eq!(rendered.lines().count(), 5);
        assert!(
            rendered.contains("| bundle | first load, brotli | 150 KB | 449 KB raw; target 235 KB |"),
            "{rendered}"
        );
        assert!(rendered.contains("| polling | visible | 30.00 requests/min |  |"), "{rendered}");
        assert!(rendered.contains("| polling | shell | absent |  |"), "{rendered}");
    }
}
