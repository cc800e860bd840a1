//! `cargo xtask bench`: the upload benchmark in headless Chromium against a stand-in on
//! loopback; prints its `BENCH` lines (numbers, not pass/fail on timing).

use crate::dev::start_standin;
use crate::{bootstrap, root};
use std::process::Command;

/// Runs the benchmark once and prints its results.
pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask bench".into());
    }
    bootstrap::all()?;
    let data_dir = root().join("target").join("standin-bench");
    // Each run starts from an empty stand-in so earlier uploads do not weigh on it.
    let _ = std::fs::remove_dir_all(&data_dir);
    let data_dir = data_dir.to_string_lossy().into_owned();
    let (_standin, url) = start_standin(&["--data-dir", &data_dir, "--test-mode", "--fast"], "127.0.0.1:0")?;
    let output = Command::new("cargo")
        .args(["test", "-p", "omr-web", "--target", "wasm32-unknown-unknown", "--test", "bench", "--", "--nocapture"])
        .current_dir(root())
        .env("OMR_STANDIN_URL", &url)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "600")
        .output()
        .map_err(|e| format!("cannot run the benchmark: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let results: Vec<&str> = stdout.lines().filter(|l| l.contains("BENCH ")).collect();
    if !output.status.success() || results.is_empty() {
        eprintln!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        return Err("the benchmark failed".into());
    }
    for line in results {
        println!("{}", line.trim());
    }
    Ok(())
}
