//! A small W3C WebDriver client over chromedriver, for the layout checks: real headless
//! Chromium, real CSS, the real bundle behind real nginx. Only the commands those checks use.

use serde_json::{json, Value};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// chromedriver on a free port in a process group of its own, stopped on drop together with
/// every browser it started (also those of a session a failed assertion left open).
pub struct Driver {
    child: Child,
    base: String,
    http: reqwest::Client,
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
    pub fn start(port: u16) -> Driver {
        let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver installed (cargo xtask bootstrap)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, base: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new() }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request.send().await.expect("chromedriver answers").json().await.expect("JSON");
        if let Some(error) = answer["value"].get("error") {
            panic!("WebDriver {path}: {error} {}", answer["value"]["message"]);
        }
        answer["value"].clone()
    }

    /// A headless Chromium whose viewport is `width` × `height` CSS pixels (device metrics
    /// are emulated: a headless window is never narrower than 500 px).
    pub async fn session(&self, width: u32, height: u32) -> Session<'_> {
        let chrome = json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", format!("--window-size={width},{height}")],
            "mobileEmulation": {"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}},
        });
        let mut capabilities = json!({"browserName": "chrome", "goog:chromeOptions": chrome});
        if std::path::Path::new("/usr/bin/chromium").exists() {
            capabilities["goog:chromeOptions"]["binary"] = "/usr/bin/chromium".into();
        }
        let value = self
            .call(reqwest::Method::POST, "/session", Some(json!({"capabilities": {"alwaysMatch": capabilities}})))
            .await;
        Session { driver: self, id: value["sessionId"].as_str().expect("a session id").to_string() }
    }
}

impl Session<'_> {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        self.driver.call(method, &format!("/session/{}{path}", self.id), body).await
    }

    pub async fn go(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", Some(json!({"url": url}))).await;
    }

    /// Runs `script` (a function body) in the page and returns its value.
    pub async fn run(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(json!({"script": script, "args": []}))).await
    }

    /// Waits until `script` returns true, failing with `what` after 20 s.
    pub async fn wait_for(&self, what: &str, script: &str) {
        let started = Instant::now();
        while self.run(script).await != Value::Bool(true) {
            assert!(started.elapsed() < Duration::from_secs(20), "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types `text` into the element matching `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let element = self
            .call(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": selector})))
            .await;
        let id = element.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id");
        self.call(reqwest::Method::POST, &format!("/element/{id}/value"), Some(json!({"text": text}))).await;
    }

    /// The page as a PNG.
    pub async fn screenshot(&self) -> Vec<u8> {
        let encoded = self.call(reqwest::Method::GET, "/screenshot", None).await;
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(encoded.as_str().expect("base64 PNG")).expect("base64")
    }

    pub async fn close(self) {
        self.call(reqwest::Method::DELETE, "", None).await;
    }
}
