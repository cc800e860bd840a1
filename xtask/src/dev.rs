//! `cargo xtask dev`: the app on http://127.0.0.1:8080 with `/api` proxied to a backend.

use crate::bootstrap;
use crate::process::{self, start_service, Service};
use crate::root;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Where `trunk serve` listens (Trunk.toml `[serve]`).
const APP_URL: &str = "http://127.0.0.1:8080";
/// Where the stand-in listens in dev (Trunk.toml's `[[proxy]]` points here).
const STANDIN_ADDR: &str = "127.0.0.1:8000";

/// How the stand-in is compiled: tests and dev use the quick debug build, benchmarks the
/// optimised one, so its own speed weighs as little as possible.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Build {
    Debug,
    Release,
}

/// Builds and starts the stand-in with `extra_args`; returns it and its base URL.
pub fn start_standin(build: Build, extra_args: &[&str], addr: &str) -> Result<(Service, String), String> {
    let mut cargo = Command::new("cargo");
    cargo.args(["build", "--quiet", "-p", "omr-standin"]).current_dir(root());
    if build == Build::Release {
        cargo.arg("--release");
    }
    process::run(&mut cargo)?;
    let profile = if build == Build::Release { "release" } else { "debug" };
    let binary = root().join("target").join(profile).join("omr-standin");
    let mut cmd = Command::new(binary);
    cmd.args(["--addr", addr]).args(extra_args);
    let (service, line) = start_service("backend", &mut cmd, "listening on", Duration::from_secs(60))?;
    let url = line.rsplit(' ').next().unwrap_or_default().to_string();
    Ok((service, url))
}

/// A copy of Trunk.toml whose `/api` proxy points at `backend` (trunk cannot override it by flag).
fn trunk_config_for(backend: &str) -> Result<PathBuf, String> {
    let original = std::fs::read_to_string(root().join("Trunk.toml")).map_err(|e| e.to_string())?;
    let backend = format!("{}/api/", backend.trim_end_matches('/'));
    let replaced = original.replace("http://127.0.0.1:8000/api/", &backend);
    if replaced == original {
        return Err("Trunk.toml no longer has the stand-in proxy line this command replaces".into());
    }
    let path = root().join(".Trunk.backend.toml");
    std::fs::write(&path, replaced).map_err(|e| e.to_string())?;
    Ok(path)
}

/// Runs until interrupted (Ctrl-C stops trunk and the stand-in together).
pub fn run(args: &[String]) -> Result<(), String> {
    let backend = match args {
        [] => None,
        [flag, url] if flag == "--backend" => Some(url.clone()),
        _ => return Err("usage: cargo xtask dev [--backend http://gt-omr-api-1.gt:8000]".into()),
    };
    bootstrap::build_tools()?;
    process::run(Command::new("cargo").args(["fetch", "--quiet"]).current_dir(root()))?;
    let mut trunk = Command::new("trunk");
    trunk.arg("serve").current_dir(root()).env("PATH", bootstrap::tool_path());
    let _standin = match &backend {
        None => {
            let data_dir = root().join(".omr-dev");
            let data_dir = data_dir.to_string_lossy();
            let (service, _) = start_standin(Build::Debug, &["--data-dir", &data_dir, "--seed-demo"], STANDIN_ADDR)?;
            Some(service)
        }
        Some(url) => {
            trunk.arg("--config").arg(trunk_config_for(url)?);
            None
        }
    };
    println!("\n  OMR Batches: {APP_URL}  (first build takes a minute)");
    match &backend {
        None => {
            println!("  backend: the stand-in on http://{STANDIN_ADDR}, data in .omr-dev/ (delete it to start over)");
            println!("  sign in with a demo login printed by the backend above");
        }
        Some(url) => println!("  backend: {url} (proxied under /api)"),
    }
    println!();
    process::run(&mut trunk)
}
