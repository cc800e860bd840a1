//! Project commands, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! - `dev [--backend URL]`: tools, the stand-in backend with demo data, `trunk serve`.
//! - `test`: tools, formatting, lints (host and wasm32), every test suite, a release build.
//! - `browser [NAME]`: tools, then only the browser tests (those whose names contain NAME).
//! - `bench [first-visit]`: the first visit on emulated links, upload throughput and memory,
//!   side by side in one run (or the first visit alone).
//! - `dist`: the release bundle with compressed copies and a size table.
//! - `deploy`: two-phase roll-out to the web hosts (stage and check all, then switch all), rollback.
//! - `bootstrap`: install missing tools only.

use std::process::ExitCode;
use xtask::{bench, bootstrap, deploy, dev, dist, test};

const USAGE: &str = "usage: cargo xtask <command>
  dev [--backend URL]   run the app at http://127.0.0.1:8080 against the stand-in backend
                        (or, with --backend, a real API host such as http://gt-omr-api-1.gt:8000)
  test                  bootstrap, fmt --check, clippy (host + wasm32), all tests, release bundle,
                        nginx and deploy tests
  browser [NAME]        only the browser tests against a fresh stand-in (those whose names contain NAME)
  bench [first-visit]   the first visit in Chromium through nginx on emulated links, upload
                        throughput, polling, memory, list rendering (first-visit: the first visit only)
  dist                  the release bundle in target/dist/site with .gz/.br copies and a size table
  deploy [--hosts LIST] [--ssh-config FILE] [--dry-run] [--allow-partial] [rollback [RELEASE] | status]
                        lock and stage the bundle on gt-omr-web-1,2,3 (or LIST) and check each, then
                        switch them all and check (any failure puts every host back); roll back one
                        step in each host's history (or to RELEASE); or print what each host serves
  bootstrap             install the missing tools (wasm32 target, trunk, wasm-bindgen, wasm-opt, chromium)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("browser") => test::run_browser(&args[1..]),
        Some("bootstrap") => bootstrap::all(),
        Some("dist") => dist::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("deploy") => deploy::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
