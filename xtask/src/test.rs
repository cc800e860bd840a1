//! `cargo xtask test`: everything CI checks, in order, with a summary at the end.

use crate::bootstrap;
use crate::dev::start_standin;
use crate::process;
use crate::root;
use std::process::Command;
use std::time::Instant;

fn cargo(args: &[&str]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(args).current_dir(root());
    cmd
}

/// Runs every check; stops at the first failure.
pub fn run_all() -> Result<Vec<(String, f64)>, String> {
    let mut timings = Vec::new();
    let mut step = |name: &str, cmd: &mut Command| -> Result<(), String> {
        println!("\n==> {name}");
        let started = Instant::now();
        process::run(cmd)?;
        timings.push((name.to_string(), started.elapsed().as_secs_f64()));
        Ok(())
    };
    step("fetch crates", &mut cargo(&["fetch", "--quiet"]))?;
    step("format", &mut cargo(&["fmt", "--all", "--", "--check"]))?;
    step("clippy (host)", &mut cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    step(
        "clippy (wasm32)",
        &mut cargo(&[
            "clippy",
            "-p",
            "omr-web",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    step("native tests (app units, stand-in backend over HTTP, xtask)", &mut cargo(&["test", "--workspace"]))?;

    let data_dir = root().join("target").join("standin-browser-tests");
    // A leftover from an earlier run would only add batches; start clean anyway.
    let _ = std::fs::remove_dir_all(&data_dir);
    let data_dir = data_dir.to_string_lossy().into_owned();
    let (_standin, url) =
        start_standin(&["--data-dir", &data_dir, "--test-mode", "--fast", "--seed-demo"], "127.0.0.1:0")?;
    step(
        "browser tests (headless Chromium against the stand-in)",
        cargo(&["test", "-p", "omr-web", "--target", "wasm32-unknown-unknown", "--test", "browser"])
            .env("OMR_STANDIN_URL", &url)
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_TIMEOUT", "300"),
    )?;
    step(
        "release build (trunk, wasm-opt)",
        Command::new("trunk").args(["build", "--release"]).current_dir(root()).env("PATH", bootstrap::tool_path()),
    )?;
    Ok(timings)
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
