//! Installs the tools the project needs, only when missing, so a second run installs nothing.

use crate::process::{output, run};
use crate::root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The trunk release that builds with this machine's rustc (0.22 needs a newer one).
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen release whose wasm-opt reads current rustc output (Debian's 108 cannot).
const BINARYEN_VERSION: &str = "132";
/// The accessibility checker the browser suite runs on every page (tests/browser/accessibility.rs).
const AXE_CORE_VERSION: &str = "4.14.1";

/// Every tool: for the test command.
pub fn all() -> Result<(), String> {
    build_tools()?;
    axe_core()?;
    test_packages()
}

/// What building and serving the app needs.
pub fn build_tools() -> Result<(), String> {
    wasm_target()?;
    trunk()?;
    wasm_bindgen()?;
    wasm_opt()
}

fn wasm_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == "wasm32-unknown-unknown") {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn trunk() -> Result<(), String> {
    let version = output(Command::new("trunk").arg("--version")).unwrap_or_default();
    if version.contains(TRUNK_VERSION) {
        return Ok(());
    }
    println!(
        "trunk {TRUNK_VERSION} is missing (found: {:?}); installing it takes 7–15 minutes on 2 cores",
        version.trim()
    );
    run(Command::new("cargo").args(["install", "--locked", &format!("trunk@{TRUNK_VERSION}")]))
}

/// The wasm-bindgen version Cargo.lock resolved (the CLI must match it exactly).
pub fn locked_wasm_bindgen_version() -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    locked_version(&lock, "wasm-bindgen").ok_or_else(|| "Cargo.lock has no wasm-bindgen entry".to_string())
}

/// The version of `package` in a Cargo.lock text.
pub fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{package}\"") {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_string());
        }
    }
    None
}

fn wasm_bindgen() -> Result<(), String> {
    let wanted = locked_wasm_bindgen_version()?;
    let found = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if found.contains(&wanted) && runner.contains(&wanted) {
        return Ok(());
    }
    // Without --locked: the CLI's own lock file names a crate version the registry lacks.
    run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted]))
}

/// Where the npm-installed binaryen lives.
fn binaryen_dir() -> PathBuf {
    root().join(".tools").join("binaryen")
}

/// `PATH` with the project's own tools first (wasm-opt from npm).
pub fn tool_path() -> String {
    let bin = binaryen_dir().join("node_modules").join(".bin");
    match std::env::var("PATH") {
        Ok(path) => format!("{}:{path}", bin.display()),
        Err(_) => bin.display().to_string(),
    }
}

fn wasm_opt() -> Result<(), String> {
    let bin = binaryen_dir().join("node_modules").join(".bin").join("wasm-opt");
    let version = output(Command::new(&bin).arg("--version")).unwrap_or_default();
    if version.contains(&format!("version_{BINARYEN_VERSION}")) {
        return Ok(());
    }
    npm_install(&binaryen_dir(), "binaryen", BINARYEN_VERSION)
}

/// axe-core in `.tools/axe` (`.cargo/config.toml` points the browser tests at its script).
fn axe_core() -> Result<(), String> {
    let package = root().join(".tools").join("axe").join("node_modules").join("axe-core").join("package.json");
    let installed = std::fs::read_to_string(&package).unwrap_or_default();
    if installed.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")) {
        return Ok(());
    }
    npm_install(&root().join(".tools").join("axe"), "axe-core", AXE_CORE_VERSION)
}

/// `npm install package@version` into its own folder `prefix` (kept out of the repo's tree).
fn npm_install(prefix: &Path, package: &str, version: &str) -> Result<(), String> {
    if output(Command::new("npm").arg("--version")).is_none() {
        return Err(format!("npm is needed to install {package} {version}: install Node.js and npm"));
    }
    std::fs::create_dir_all(prefix).map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--prefix"])
        .arg(prefix)
        .arg(format!("{package}@{version}")))
}

/// Chromium and its driver for browser tests, a Thai font so the layout checks measure Thai
/// text as users see it (not as missing-glyph boxes), nginx and its brotli module and the
/// OpenSSH server for the deploy tests, all from Debian's packages.
fn test_packages() -> Result<(), String> {
    debian_packages(&[
        ("/usr/bin/chromium", "chromium"),
        ("/usr/bin/chromedriver", "chromium-driver"),
        ("/usr/share/fonts/opentype/tlwg/Loma.otf", "fonts-tlwg-loma-otf"),
        ("/usr/sbin/nginx", "nginx"),
        ("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so", "libnginx-mod-http-brotli-static"),
        ("/usr/sbin/sshd", "openssh-server"),
    ])
}

/// Installs the Debian packages whose marker files are missing (needs root on Debian).
pub fn debian_packages(wanted: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> =
        wanted.iter().filter(|(file, _)| !Path::new(file).exists()).map(|(_, package)| *package).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !is_root || !Path::new("/etc/debian_version").exists() {
        return Err(format!(
            "please install these packages (as root on Debian: apt-get install {}), then run again",
            missing.join(" ")
        ));
    }
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get").args(["install", "-y", "-q"]).args(&missing).env("DEBIAN_FRONTEND", "noninteractive"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_locked_version() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\n[[package]]\nname = \"wasm-bindgen-futures\"\nversion = \"0.4.1\"\n";
        assert_eq!(locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(locked_version(lock, "wasm-bindgen-futures").as_deref(), Some("0.4.1"));
        assert_eq!(locked_version(lock, "yew"), None);
    }
}
