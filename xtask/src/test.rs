//! `cargo xtask test`: everything CI checks, in order, with a summary at the end.

use crate::dev::{start_standin, Build};
use crate::{bootstrap, dist, process, root};
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root());
    cmd
}

/// Names and durations of the steps run so far.
type Timings = Vec<(String, f64)>;

/// Runs one step, timing it.
fn step(timings: &mut Timings, name: &str, work: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    println!("\n==> {name}");
    let started = Instant::now();
    work()?;
    timings.push((name.to_string(), started.elapsed().as_secs_f64()));
    Ok(())
}

/// Runs every check; stops at the first failure.
pub fn run_all() -> Result<Timings, String> {
    let mut timings = Timings::new();
    step(&mut timings, "fetch crates", || process::run(&mut cargo(&["fetch", "--quiet"])))?;
    step(&mut timings, "format", || process::run(&mut cargo(&["fmt", "--all", "--", "--check"])))?;
    step(&mut timings, "clippy (host)", || {
        process::run(&mut cargo(&["clippy", "--workspace", "--all-targets", "--all-features", "--", "-D", "warnings"]))
    })?;
    step(&mut timings, "clippy (wasm32)", || {
        process::run(&mut cargo(&[
            "clippy",
            "-p",
            "omr-web",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(&mut timings, "native tests (app units, stand-in backend over HTTP, xtask)", || {
        process::run(&mut cargo(&["test", "--workspace"]))
    })?;
    step(&mut timings, "browser tests (headless Chromium against the stand-in)", || browser_tests(None))?;
    step(&mut timings, "release bundle (trunk, wasm-opt, .gz/.br)", || {
        let sizes = dist::build()?;
        println!("\n{}", dist::size_table(&sizes));
        let total = dist::check_budget(&sizes, dist::FIRST_LOAD_BROTLI_BUDGET)?;
        println!("first visit {total} bytes brotli, budget {}", dist::FIRST_LOAD_BROTLI_BUDGET);
        Ok(())
    })?;
    step(&mut timings, "nginx and deploy tests (real nginx and sshd on 127.0.0.1)", || {
        process::run(
            cargo(&["test", "-p", "xtask", "--features", "deploy-tests", "--test", "nginx"])
                .env("OMR_DIST_DIR", dist::dist_dir())
                .env("CHROMEDRIVER", "/usr/bin/chromedriver"),
        )
    })?;
    Ok(timings)
}

/// The QR cover check's worker as the browser tests load it: the `qr_worker` binary in its
/// release profile (`qr-worker`, see Cargo.toml: a debug worker reads a page in seconds) through
/// wasm-bindgen's `no-modules` output, as trunk makes it for a release, without wasm-opt; the
/// stand-in serves the folder (`--worker-dir`).
fn build_test_worker() -> Result<String, String> {
    let target = root().join("target");
    let args = ["build", "-p", "omr-web", "--bin", "qr_worker", "--target", "wasm32-unknown-unknown"];
    process::run(cargo(&args).args(["--profile", "qr-worker"]))?;
    let out = target.join("qr-worker-test");
    process::run(
        Command::new("wasm-bindgen")
            .args(["--target", "no-modules", "--no-typescript", "--out-dir"])
            .arg(&out)
            .arg(target.join("wasm32-unknown-unknown").join("qr-worker").join("qr_worker.wasm"))
            .env("PATH", bootstrap::tool_path()),
    )?;
    Ok(out.to_string_lossy().into_owned())
}

/// The browser suite against a fresh stand-in; `filter` (a part of test names) narrows it.
pub fn browser_tests(filter: Option<&str>) -> Result<(), String> {
    let worker_dir = build_test_worker()?;
    let data_dir = root().join("target").join("standin-browser-tests");
    // A leftover from an earlier run would only add batches; start clean anyway.
    let _ = std::fs::remove_dir_all(&data_dir);
    let data_dir = data_dir.to_string_lossy().into_owned();
    let args = ["--data-dir", &data_dir, "--test-mode", "--fast", "--seed-demo", "--worker-dir", &worker_dir];
    let (_standin, url) = start_standin(Build::Debug, &args, "127.0.0.1:0")?;
    let mut command = cargo(&["test", "-p", "omr-web", "--target", "wasm32-unknown-unknown", "--test", "browser"]);
    if let Some(filter) = filter {
        command.args(["--", filter]);
    }
    process::run(
        command
            .env("OMR_STANDIN_URL", &url)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
    )
}

/// `cargo xtask browser [NAME]`: only the browser suite (tools bootstrapped first).
pub fn run_browser(args: &[String]) -> Result<(), String> {
    let filter = match args {
        [] => None,
        [name] => Some(name.as_str()),
        _ => return Err("usage: cargo xtask browser [NAME]  (one part of a test name)".into()),
    };
    bootstrap::all()?;
    browser_tests(filter)
}

/// Bootstraps the tools, runs every check and prints how long each took.
pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask test".into());
    }
    let started = Instant::now();
    bootstrap::all()?;
    let timings = run_all()?;
    println!("\n==> summary");
    for (name, seconds) in &timings {
        println!("  {seconds:7.1} s  {name}");
    }
    println!("  {:7.1} s  total (tool bootstrap included)", started.elapsed().as_secs_f64());
    println!("{} passed, 0 failed", timings.len());
    Ok(())
}
