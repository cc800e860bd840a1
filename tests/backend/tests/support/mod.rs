//! Helpers shared by the stand-in's HTTP tests: a server on a free port, logins, ZIP building.

#![allow(dead_code)] // Each test file uses its own subset.

use omr_standin::config::Config;
use omr_standin::Running;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// A fresh data directory under the system temp dir.
pub fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("omr-standin-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A running stand-in and an HTTP client for it.
pub struct Server {
    pub running: Running,
    pub base: String,
    pub http: reqwest::Client,
}

impl Server {
    /// Starts with test timings in a new data directory.
    pub async fn start() -> Server {
        Server::with(|_| {}).await
    }

    /// Starts with test timings, adjusted by `tweak`.
    pub async fn with(tweak: impl FnOnce(&mut Config)) -> Server {
        let mut cfg = Config::for_tests(temp_dir());
        tweak(&mut cfg);
        Server::from_config(cfg).await
    }

    /// Starts with exactly this configuration.
    pub async fn from_config(cfg: Config) -> Server {
        let running = omr_standin::start(cfg).await.expect("server starts");
        let base = running.base_url();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        Server { running, base, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in and returns the whole login body.
    pub async fn login_body(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    /// An access token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let password = omr_standin::seed::DEMO_USERS.iter().find(|u| u.username == username).unwrap().password;
        let body: Value = self.login_body(username, password).await.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn post_form(&self, path: &str, token: &str, form: Form) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(token).multipart(form).send().await.unwrap()
    }

    /// Polls `/progress` until the batch is completed or failed.
    pub async fn wait_terminal(&self, token: &str, uuid: &str) -> Value {
        // QR ZIPs of real pictures take a few seconds in a debug build: every image is decoded.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while std::time::Instant::now() < deadline {
            let body: Value = self.get(&format!("/api/batches/{uuid}/progress"), token).await.json().await.unwrap();
            if body["status"] == "completed" || body["status"] == "failed" {
                return body;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("batch {uuid} did not finish");
    }

    /// Uploads a ZIP directly and returns the new batch UUID.
    pub async fn upload_zip(&self, token: &str, name: &str, bytes: Vec<u8>, fields: &[(&str, &str)]) -> String {
        let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_string()));
        for (key, value) in fields {
            form = form.text(key.to_string(), value.to_string());
        }
        let response = self.post_form("/api/batches/upload", token, form).await;
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.unwrap();
        body["batch_id"].as_str().unwrap().to_string()
    }
}

/// A ZIP (deflated) holding the given entries.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        writer.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// A ZIP of `n` sheet images under an 8-digit task folder.
pub fn sheets_zip(task: &str, n: usize) -> Vec<u8> {
    let names: Vec<String> = (0..n).map(|i| format!("{task}/sheet-{i:03}.jpg")).collect();
    let entries: Vec<(&str, &[u8])> =
        names.iter().map(|n| (n.as_str(), b"\xff\xd8\xff fake jpeg".as_slice())).collect();
    zip_of(&entries)
}

/// SHA-256 in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    omr_standin::uploads::hex(&sha2::Sha256::digest(bytes))
}

/// The status is `status`; the JSON body.
pub async fn json_of(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.unwrap()
}

/// Serves the later generation (`true`) or the router snapshot (`false`).
pub async fn serve_later(server: &Server, later: bool) {
    let body = serde_json::json!({"later": later});
    let response = server.http.put(server.url("/__test/generation")).json(&body).send().await;
    assert_eq!(response.unwrap().status(), 204);
}
