//! A small W3C WebDriver client over chromedriver, for the layout checks of the nginx tests and
//! the first-visit benchmark: real headless Chromium, plus the DevTools protocol through
//! chromedriver (`goog/cdp/execute`). Only the commands those use; blocking, over
//! `http_get::request`, so `cargo xtask` needs no HTTP client library.

use crate::http_get;
use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long one WebDriver command may take (a navigation on an emulated slow link included).
const COMMAND_LIMIT: Duration = Duration::from_secs(120);

/// chromedriver on a free port in a process group of its own, stopped on drop together with
/// every browser it started (also those of a session a failed step left open).
pub struct Driver {
    child: Child,
    base: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser a session left running. `--` keeps
        // the negative process-group id from being read as a signal name.
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

/// One browser session; `close` ends it, and the driver's drop ends one left open.
pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

impl Driver {
    /// Starts `$CHROMEDRIVER` (else `chromedriver` on `PATH`) on `port` and waits until it answers.
    pub fn start(port: u16) -> Result<Driver, String> {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {binary} (cargo xtask bootstrap installs it): {e}"))?;
        let driver = Driver { child, base: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(20) {
                return Err("chromedriver did not start within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers: &[(&str, &str)] =
            if body.is_empty() { &[] } else { &[("Content-Type", "application/json; charset=utf-8")] };
        let answer =
            http_get::request(method, &format!("{}{path}", self.base), headers, body.as_bytes(), COMMAND_LIMIT)
                .map_err(|e| format!("WebDriver {path}: {e}"))?;
        let answer: Value =
            serde_json::from_slice(&answer.body).map_err(|e| format!("WebDriver {path}: not JSON: {e}"))?;
        match answer["value"].get("error") {
            Some(error) => Err(format!("WebDriver {path}: {error} {}", answer["value"]["message"])),
            None => Ok(answer["value"].clone()),
        }
    }

    /// A headless Chromium whose viewport is `width` × `height` CSS pixels (device metrics
    /// are emulated: a headless window is never narrower than 500 px).
    pub fn session(&self, width: u32, height: u32) -> Result<Session<'_>, String> {
        let chrome = json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", format!("--window-size={width},{height}")],
            "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}},
        });
        let mut capabilities = json!({"browserName": "chrome", "goog:chromeOptions": chrome});
        if std::path::Path::new("/usr/bin/chromium").exists() {
            capabilities["goog:chromeOptions"]["binary"] = "/usr/bin/chromium".into();
        }
        let value = self.call("POST", "/session", Some(json!({"capabilities": {"alwaysMatch": capabilities}})))?;
        let id = value["sessionId"].as_str().ok_or("WebDriver gave no session id")?.to_string();
        Ok(Session { driver: self, id })
    }
}

impl Session<'_> {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        self.driver.call(method, &format!("/session/{}{path}", self.id), body)
    }

    /// Navigates to `url` and waits for its load event.
    pub fn go(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({"url": url}))).map(drop)
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub fn run(&self, script: &str) -> Result<Value, String> {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    /// Sends the DevTools protocol command `cmd` to the page's target and returns its result.
    pub fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.call("POST", "/goog/cdp/execute", Some(json!({"cmd": cmd, "params": params})))
    }

    /// Waits until `script` returns true, failing with `what` after `limit`.
    pub fn wait_for(&self, what: &str, script: &str, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        while self.run(script)? != Value::Bool(true) {
            if started.elapsed() > limit {
                return Err(format!("timed out after {} s waiting for {what}", limit.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// Types `text` into the element matching `selector`.
    pub fn type_into(&self, selector: &str, text: &str) -> Result<(), String> {
        let element = self.call("POST", "/element", Some(json!({"using": "css selector", "value": selector})))?;
        let id = element
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .ok_or_else(|| format!("no element id for {selector}"))?;
        self.call("POST", &format!("/element/{id}/value"), Some(json!({"text": text}))).map(drop)
    }

    /// The page as a PNG, base64-encoded as WebDriver sends it.
    pub fn screenshot_base64(&self) -> Result<String, String> {
        let encoded = self.call("GET", "/screenshot", None)?;
        encoded.as_str().map(str::to_string).ok_or_else(|| "the screenshot is not a string".into())
    }

    /// Ends the session (and its browser).
    pub fn close(self) -> Result<(), String> {
        self.call("DELETE", "", None).map(drop)
    }
}
