//! The deploy kit against Debian's real nginx on 127.0.0.1: headers, caching (revalidation of
//! the page and config.json across a release switch in `nginx/caching.rs`), compression,
//! types, deep-link fallback, both API lanes (a chunked upload and an event stream) to the
//! stand-in backend, the standard lane's rate limit, deploy + rollback on three local hosts, and
//! the pages in real headless Chromium at a phone's and a laptop's size (layout checks and
//! screenshots under `target/screenshots/`). Run by `cargo xtask test` after it built the
//! bundle (`OMR_DIST_DIR`).

#[path = "nginx/caching.rs"]
mod caching;
#[path = "support/sshd.rs"]
mod sshd;

use futures_util::StreamExt;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use xtask::deploy::{execute, parse_target, Action, Options};
use xtask::deploy_host::Target;
use xtask::local_nginx::{self, LocalNginx, BROTLI_MODULE};
use xtask::webdriver;

fn bundle() -> PathBuf {
    PathBuf::from(std::env::var("OMR_DIST_DIR").expect("run through `cargo xtask test`, which builds the bundle first"))
}

fn free_port() -> u16 {
    local_nginx::free_port().unwrap()
}

fn temp_dir(tag: &str) -> PathBuf {
    local_nginx::temp_dir(tag).unwrap()
}

/// The project's site config in real nginx serving `root` (see `LocalNginx::start`).
fn start_nginx(root: &Path, api: &str) -> LocalNginx {
    LocalNginx::start(root, api).unwrap()
}

/// The same with the releases, API hosts and HSTS value given (see `LocalNginx::serving`).
fn start_nginx_serving(root: &Path, releases: &Path, apis: [&str; 2], hsts: Option<&str>) -> LocalNginx {
    LocalNginx::serving(root, releases, apis, hsts).unwrap()
}

async fn standin() -> omr_standin::Running {
    let mut cfg = omr_standin::config::Config::for_tests(temp_dir("standin"));
    cfg.stage_delay = Duration::from_millis(150);
    omr_standin::start(cfg).await.unwrap()
}

/// The stand-in with the demo users and their ~120 batches.
async fn seeded_standin() -> omr_standin::Running {
    let mut cfg = omr_standin::config::Config::for_tests(temp_dir("standin-seeded"));
    cfg.seed_demo = true;
    omr_standin::start(cfg).await.unwrap()
}

fn client() -> reqwest::Client {
    // No automatic decompression: the tests look at Content-Encoding themselves.
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn asset(suffix: &str) -> String {
    std::fs::read_dir(bundle())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with(suffix) && n.contains('-'))
        .unwrap_or_else(|| panic!("no *{suffix} in the bundle"))
}

#[tokio::test]
async fn shell_and_assets_have_the_right_headers() {
    let api = standin().await;
    let nginx = start_nginx(&bundle(), &api.addr.to_string());
    let http = client();
    let index = http.get(nginx.url("/")).send().await.unwrap();
    assert_eq!(index.status(), 200);
    assert!(index.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(index.headers()["cache-control"], "no-cache", "revalidated on every visit (see caching.rs)");
    let csp = index.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
    assert_eq!(index.headers()["x-content-type-options"], "nosniff");
    assert_eq!(index.headers()["referrer-policy"], "strict-origin-when-cross-origin");
    let html = index.text().await.unwrap();
    assert!(!html.contains("<script>") && !html.contains("<script type=\"module\">"), "no inline script: {html}");

    let config = http.get(nginx.url("/config.json")).send().await.unwrap();
    assert_eq!(config.headers()["content-type"], "application/json");
    assert_eq!(config.headers()["cache-control"], "no-cache");

    let wasm = asset("_bg.wasm");
    let answer = http.get(nginx.url(&format!("/{wasm}"))).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "application/wasm");
    assert_eq!(answer.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(answer.headers().contains_key("content-security-policy"), "security headers on assets too");

    let js = asset(".js");
    for (accept, encoding) in
        [("gzip", "gzip"), ("br, gzip", if Path::new(BROTLI_MODULE).exists() { "br" } else { "gzip" })]
    {
        for file in [&js, &wasm] {
            let answer =
                http.get(nginx.url(&format!("/{file}"))).header("accept-encoding", accept).send().await.unwrap();
            assert_eq!(answer.headers()["content-encoding"], encoding, "{file} with {accept}");
            let on_disk =
                std::fs::metadata(bundle().join(format!("{file}.{}", if encoding == "br" { "br" } else { "gz" })))
                    .unwrap()
                    .len();
            assert_eq!(answer.bytes().await.unwrap().len() as u64, on_disk, "the precompressed copy is served");
        }
    }
}

#[tokio::test]
async fn deep_links_get_the_shell_and_missing_assets_a_404() {
    let api = standin().await;
    let nginx = start_nginx(&bundle(), &api.addr.to_string());
    let http = client();
    let shell = std::fs::read_to_string(bundle().join("index.html")).unwrap();
    for path in [
        "/dashboard/batches/9a3d57c2-0e6b-4f1a-8c24-d1b7e9a40f65",
        "/login?redirect=%2Fdashboard%2Fbatches",
        "/dashboard/batches?status=failed&page=2",
    ] {
        let answer = http.get(nginx.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        assert_eq!(answer.headers()["cache-control"], "no-cache");
        assert_eq!(answer.text().await.unwrap(), shell, "{path}");
    }
    let missing = http.get(nginx.url("/omr-web-0123456789abcdef_bg.wasm")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn api_lanes_carry_a_chunked_upload_and_a_live_stream() {
    let api = standin().await;
    let nginx = start_nginx(&bundle(), &api.addr.to_string());
    let http = client();
    let login: Value = http
        .post(nginx.url("/api/auth/login"))
        .json(&serde_json::json!({"username": "center07", "password": "center07-pass"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_string();
    let list = http.get(nginx.url("/api/batches/")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(list.status(), 200, "standard lane");

    // A real ZIP cut in three chunks through the long lane.
    let zip = {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for i in 0..30 {
            writer.start_file(format!("10300112/sheet-{i:03}.jpg"), zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut writer, &vec![i as u8; 100_000]).unwrap();
        }
        writer.finish().unwrap().into_inner()
    };
    let size = zip.len().div_ceil(3);
    let mut upload_id = None;
    let mut batch = None;
    for (index, chunk) in zip.chunks(size).enumerate() {
        let mut form = Form::new()
            .part("chunk", Part::bytes(chunk.to_vec()).file_name("c"))
            .text("chunk_index", index.to_string())
            .text("total_chunks", "3")
            .text("filename", "via-nginx.zip")
            .text("upload_type", "zip_with_qr")
            .text("is_final_chunk", (index == 2).to_string());
        if let Some(id) = &upload_id {
            form = form.text("upload_id", String::clone(id));
        }
        let answer = http
            .post(nginx.url("/api/realtime/batches/upload-chunk"))
            .bearer_auth(&token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202);
        let body: Value = answer.json().await.unwrap();
        upload_id = body["upload_id"].as_str().map(str::to_string);
        batch = body["batch_id"].as_str().map(str::to_string);
    }
    let batch = batch.expect("completed through nginx");
    let files: Value =
        http.get(format!("http://{}/__test/files/{batch}", api.addr)).send().await.unwrap().json().await.unwrap();
    assert_eq!(files["files"][0]["sha256"], format!("{:x}", sha2::Sha256::digest(&zip)));

    // The stream arrives unbuffered: the first bytes long before the end.
    let started = Instant::now();
    let stream =
        http.get(nginx.url(&format!("/api/realtime/batches/{batch}/stream"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(stream.status(), 200);
    assert!(stream.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut body = stream.bytes_stream();
    let mut text = String::new();
    let mut first_at = None;
    while let Some(Ok(bytes)) = body.next().await {
        first_at.get_or_insert(started.elapsed());
        text.push_str(&String::from_utf8_lossy(&bytes));
    }
    let total = started.elapsed();
    assert!(text.contains("event: complete\r\ndata: "), "{text}");
    assert!(first_at.unwrap() + Duration::from_millis(300) < total, "first bytes at {first_at:?}, end at {total:?}");
}

#[tokio::test]
async fn the_standard_lane_limits_bursts() {
    let api = standin().await;
    let nginx = start_nginx(&bundle(), &api.addr.to_string());
    let http = client();
    let answers = futures_util::future::join_all((0..80).map(|_| http.get(nginx.url("/api/auth/me")).send())).await;
    let statuses: Vec<u16> = answers.into_iter().map(|a| a.unwrap().status().as_u16()).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(statuses.contains(&403), "requests within the burst reach the API (403: no token)");
}

#[tokio::test]
async fn real_addresses_get_their_own_rate_limit_buckets_and_429s_say_when_to_retry() {
    let api = standin().await;
    let nginx = start_nginx(&bundle(), &api.addr.to_string());
    let http = client();
    let burst = |address: &'static str, count: usize| {
        let (http, url) = (http.clone(), nginx.url("/api/auth/me"));
        futures_util::future::join_all(
            (0..count).map(move |_| http.get(&url).header("x-forwarded-for", address).send()),
        )
    };
    let first: Vec<reqwest::Response> = burst("203.0.113.7", 80).await.into_iter().map(Result::unwrap).collect();
    let refused: Vec<&reqwest::Response> = first.iter().filter(|a| a.status() == 429).collect();
    assert!(!refused.is_empty(), "the first client is over its limit");
    assert!(
        refused.iter().all(|a| a.headers().get("retry-after").is_some_and(|v| v == "1")),
        "429 carries Retry-After"
    );
    // A second user behind the same proxies has a bucket of their own.
    let second: Vec<u16> = burst("203.0.113.8", 20).await.into_iter().map(|a| a.unwrap().status().as_u16()).collect();
    assert!(second.iter().all(|s| *s == 403), "none of the other client's requests is limited: {second:?}");
    let answer = http.get(nginx.url("/api/auth/me")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff", "security headers on API answers");
    assert!(answer.headers().contains_key("content-security-policy"));
    assert!(!answer.headers().contains_key("strict-transport-security"), "no HSTS over plain HTTP");
}

/// A client whose requests leave from `address` (any of 127.0.0.0/8 reaches the test's nginx).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder().local_address(std::net::IpAddr::from(address)).build().unwrap()
}

#[tokio::test]
async fn hsts_follows_the_trusted_edge_and_previews_are_for_the_deploying_machines_only() {
    let host = temp_dir("edge");
    let staged = host.join("releases/20250101T000000Z-staged");
    std::fs::create_dir_all(&staged).unwrap();
    std::fs::write(staged.join("index.html"), "<!doctype html>staged").unwrap();
    std::fs::write(staged.join("omr-web-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    let hsts = "max-age=31536000; includeSubDomains";
    let nginx = start_nginx_serving(&bundle(), &host.join("releases"), [NO_API, NO_API], Some(hsts));
    // The test client (127.0.0.1) is the trusted edge (real-ip.conf), 127.0.0.2 is anybody else.
    let (edge, outsider) = (client(), client_from([127, 0, 0, 2]));
    let hsts_of = |answer: &reqwest::Response| {
        answer.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_string())
    };
    let forwarded = |client: &reqwest::Client, path: &str, proto: &str| {
        client.get(nginx.url(path)).header("x-forwarded-for", "203.0.113.7").header("x-forwarded-proto", proto).send()
    };
    for path in ["/", "/config.json", "/api/auth/me"] {
        let answer = forwarded(&edge, path, "https").await.unwrap();
        assert_eq!(hsts_of(&answer).as_deref(), Some(hsts), "{path}: the edge says HTTPS");
        assert_eq!(hsts_of(&forwarded(&edge, path, "http").await.unwrap()), None, "{path}: the edge says HTTP");
        let faked = forwarded(&outsider, path, "https").await.unwrap();
        assert_eq!(hsts_of(&faked), None, "{path}: an untrusted client's X-Forwarded-Proto is not believed");
    }

    let preview = "/__preview/20250101T000000Z-staged/";
    for path in [preview.to_string(), format!("{preview}omr-web-0123456789abcdef_bg.wasm")] {
        let answer = edge.get(nginx.url(&path)).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{path} for the deploying machine");
        let through_edge = edge.get(nginx.url(&path)).header("x-forwarded-for", "203.0.113.7").send().await.unwrap();
        assert_eq!(through_edge.status(), 404, "{path} for a visitor behind the edge");
        assert_eq!(outsider.get(nginx.url(&path)).send().await.unwrap().status(), 404, "{path} from outside");
    }
}

/// An API host stand-in that answers 200 to everything and records each request's upload key.
struct Recorder {
    addr: String,
    keys: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Recorder {
    async fn start() -> Recorder {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let keys = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = keys.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let log = log.clone();
                // nginx keeps upstream connections alive: serve requests until it closes.
                tokio::spawn(async move {
                    let mut socket = tokio::io::BufReader::new(socket);
                    loop {
                        let (mut key, mut length, mut line) = ("-".to_string(), 0usize, String::new());
                        loop {
                            line.clear();
                            if socket.read_line(&mut line).await.unwrap_or(0) == 0 {
                                return;
                            }
                            let Some((name, value)) = line.trim_end().split_once(':') else {
                                if line.trim_end().is_empty() {
                                    break;
                                }
                                continue;
                            };
                            match name.to_ascii_lowercase().as_str() {
                                "x-upload-key" => key = value.trim().to_string(),
                                "content-length" => length = value.trim().parse().unwrap(),
                                _ => {}
                            }
                        }
                        let mut body = vec![0; length];
                        socket.read_exact(&mut body).await.unwrap();
                        log.lock().unwrap().push(key);
                        let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
                        socket.get_mut().write_all(answer.as_bytes()).await.unwrap();
                    }
                });
            }
        });
        Recorder { addr, keys }
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.keys.lock().unwrap())
    }
}

#[tokio::test]
async fn every_request_of_one_upload_reaches_one_api_host() {
    let (one, two) = (Recorder::start().await, Recorder::start().await);
    let host = temp_dir("affinity");
    let nginx = start_nginx_serving(&bundle(), &host.join("releases"), [&one.addr, &two.addr], None);
    let http = client();
    let chunk = |key: &str, client_address: &str| {
        http.post(nginx.url("/api/realtime/batches/upload-chunk"))
            .header("x-upload-key", key)
            .header("x-forwarded-for", client_address)
            .body(vec![7u8; 1000])
            .send()
    };
    // One upload whose client address changes on every chunk (mobile data, NAT pools).
    for i in 0..20 {
        assert_eq!(chunk("u-7f3a9c21-0001", &format!("203.0.113.{i}")).await.unwrap().status(), 200);
    }
    let (a, b) = (one.take(), two.take());
    let all = if a.is_empty() { &b } else { &a };
    assert!(a.is_empty() != b.is_empty(), "one API host got every chunk: {} and {}", a.len(), b.len());
    assert_eq!(all.len(), 20);
    assert!(all.iter().all(|k| k == "u-7f3a9c21-0001"), "the key reaches the API: {all:?}");
    // Twenty uploads from one address spread over both hosts.
    for i in 0..20 {
        chunk(&format!("u-7f3a9c21-{i:04}"), "203.0.113.50").await.unwrap();
    }
    let (a, b) = (one.take(), two.take());
    assert!(!a.is_empty() && !b.is_empty(), "keys spread: {} and {}", a.len(), b.len());
    // Without a key (other calls), the client's address decides.
    let call =
        |client_address: String| http.get(nginx.url("/api/batches/")).header("x-forwarded-for", client_address).send();
    for _ in 0..10 {
        call("198.51.100.7".into()).await.unwrap();
    }
    let (a, b) = (one.take(), two.take());
    assert!(a.is_empty() != b.is_empty(), "one address, one host: {} and {}", a.len(), b.len());
    for i in 0..20 {
        call(format!("198.51.100.{}", 100 + i)).await.unwrap();
    }
    assert!(!one.take().is_empty() && !two.take().is_empty(), "addresses spread");
}

fn options(targets: Vec<Target>, action: Action) -> Options {
    Options { targets, dry_run: false, action, allow_partial: false }
}

/// Runs `options`, printing each line as the deploy says it.
fn run(options: &Options, bundle: &Path, release: &str) -> Result<Vec<String>, String> {
    execute(options, bundle, release, &mut |line| println!("{line}"))
}

fn current(host: &Path) -> PathBuf {
    std::fs::read_link(host.join("current")).unwrap()
}

/// The lines of a host's file (`good-releases`, `history`).
fn lines(host: &Path, file: &str) -> Vec<String> {
    std::fs::read_to_string(host.join(file)).unwrap().lines().map(str::to_string).collect()
}

/// An API address with nothing behind it, for the deploy tests that never call the API.
const NO_API: &str = "127.0.0.1:9";

/// A copy of the bundle whose hashed files all have other hashes (as the next build has).
fn rebuilt_bundle() -> PathBuf {
    let copy = temp_dir("bundle-b");
    let renamed = |name: &str| {
        if !xtask::deploy_host::is_hashed_asset(name) {
            return name.to_string();
        }
        // Flip the first digit of the hash: same shape, another name.
        let at = name.rfind('-').unwrap() + 1;
        let digit = if &name[at..at + 1] == "0" { "1" } else { "0" };
        format!("{}{digit}{}", &name[..at], &name[at + 1..])
    };
    let names: Vec<String> =
        std::fs::read_dir(bundle()).unwrap().filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
    for name in &names {
        let mut bytes = std::fs::read(bundle().join(name)).unwrap();
        if name.ends_with(".html") || name.ends_with(".js") {
            let mut text = String::from_utf8(bytes).unwrap();
            for other in names.iter().filter(|n| xtask::deploy_host::is_hashed_asset(n)) {
                text = text.replace(other.as_str(), &renamed(other));
            }
            bytes = text.into_bytes();
        }
        std::fs::write(copy.join(renamed(name)), bytes).unwrap();
    }
    copy
}

/// Hosts `web-1` … `web-<count>`: each a directory served by real nginx and reached over ssh
/// through its own real sshd, with the specs that deploy to them.
struct Fleet {
    hosts: Vec<PathBuf>,
    servers: Vec<LocalNginx>,
    ssh: sshd::SshHosts,
    targets: Vec<Target>,
}

fn fleet(api: &str, count: usize) -> Fleet {
    let hosts: Vec<PathBuf> = (1..=count).map(|i| temp_dir(&format!("web{i}"))).collect();
    let servers: Vec<LocalNginx> = hosts.iter().map(|h| start_nginx(&h.join("current"), api)).collect();
    let ssh = sshd::SshHosts::start(&temp_dir("ssh"), (0..count).map(|_| free_port()).collect());
    let targets = hosts
        .iter()
        .zip(&servers)
        .enumerate()
        .map(|(i, (host, server))| Target {
            ssh_config: Some(ssh.config.clone()),
            ..parse_target(&format!("web-{}:{}@{}", i + 1, host.display(), server.url("/"))).unwrap()
        })
        .collect();
    Fleet { hosts, servers, ssh, targets }
}

impl Fleet {
    /// Asserts that every host's `current` points at `release`.
    fn all_serve(&self, release: &str) {
        for host in &self.hosts {
            assert_eq!(current(host), Path::new("releases").join(release), "{}", host.display());
        }
    }
}

#[tokio::test]
async fn two_phase_deploy_keeps_old_assets_and_rolls_back_to_the_last_good_release() {
    let api = standin().await;
    let mut fleet = fleet(&api.addr.to_string(), 4);
    // The fourth host serves an empty directory at `/`: any release passes its preview there
    // and fails once switched.
    let empty = temp_dir("empty");
    fleet.servers[3] = start_nginx_serving(&empty, &fleet.hosts[3].join("releases"), [NO_API, NO_API], None);
    fleet.targets[3].check_url = fleet.servers[3].url("/");
    let (good_hosts, good_targets) = (&fleet.hosts[..3], fleet.targets[..3].to_vec());
    let deploy = options(good_targets.clone(), Action::Deploy);

    let dry = Options { dry_run: true, ..deploy.clone() };
    run(&dry, &bundle(), "20250101T000000Z-dry").unwrap();
    assert!(!fleet.hosts[0].join("releases").exists(), "a dry run changes nothing");

    run(&deploy, &bundle(), "20250101T000000Z-first").unwrap();
    // A browser loads the page just before the next deploy…
    let page = reqwest::get(fleet.servers[1].url("/")).await.unwrap().text().await.unwrap();
    let old_wasm = asset("_bg.wasm");
    assert!(page.contains("init-") || page.contains(&old_wasm), "{page}");
    let next = rebuilt_bundle();
    run(&deploy, &next, "20250102T000000Z-second").unwrap();
    for (host, server) in good_hosts.iter().zip(&fleet.servers) {
        assert_eq!(current(host), Path::new("releases/20250102T000000Z-second"));
        // …and still gets its wasm after the switch, on every host.
        let wasm = reqwest::get(server.url(&format!("/{old_wasm}"))).await.unwrap();
        assert_eq!(wasm.status(), 200, "{old_wasm} after the switch");
        assert_eq!(wasm.headers()["content-type"], "application/wasm");
        let new_wasm = xtask::deploy::wasm_file(&next).unwrap();
        assert_eq!(reqwest::get(server.url(&format!("/{new_wasm}"))).await.unwrap().status(), 200);
        // The host's own config.json is kept outside the releases and linked in.
        assert!(host.join("shared/config.json").exists());
        assert_eq!(
            std::fs::read_link(host.join("releases/20250102T000000Z-second/config.json")).unwrap(),
            Path::new("../../shared/config.json")
        );
    }
    // An edit to one host's config survives the next deploy.
    std::fs::write(fleet.hosts[0].join("shared/config.json"), r#"{"api_base": "/api", "poll_interval_ms": 3000}"#)
        .unwrap();

    // A release that passes its preview but fails once switched: every host goes back to the
    // second release and the third is marked failed.
    let error = run(&options(fleet.targets.clone(), Action::Deploy), &bundle(), "20250103T000000Z-third").unwrap_err();
    assert!(error.contains("web-4: FAILED after the switch") && error.contains("switched back"), "{error}");
    for host in good_hosts {
        assert_eq!(current(host), Path::new("releases/20250102T000000Z-second"));
        assert!(host.join("releases/20250103T000000Z-third/.failed").exists(), "marked failed");
    }
    let config = reqwest::get(fleet.servers[0].url("/config.json")).await.unwrap().text().await.unwrap();
    assert!(config.contains("3000"), "the host's own config survived: {config}");

    // Rollback skips the failed release and goes to the good one before the current.
    let named_failed = options(good_targets.clone(), Action::Rollback(Some("20250103T000000Z-third".into())));
    assert!(run(&named_failed, &bundle(), "unused").is_err(), "a failed release is never rolled back to");
    run(&options(good_targets, Action::Rollback(None)), &bundle(), "unused").unwrap();
    for (host, server) in good_hosts.iter().zip(&fleet.servers) {
        assert_eq!(current(host), Path::new("releases/20250101T000000Z-first"));
        assert_eq!(reqwest::get(server.url(&format!("/{old_wasm}"))).await.unwrap().status(), 200);
    }
}

#[tokio::test]
async fn a_host_that_fails_before_the_switch_leaves_every_host_on_the_old_release() {
    let mut fleet = fleet(NO_API, 3);
    run(&options(fleet.targets.clone(), Action::Deploy), &bundle(), "20250101T000000Z-first").unwrap();
    // The third host's web server is down: its preview check cannot pass.
    drop(fleet.servers.pop());
    let error =
        run(&options(fleet.targets.clone(), Action::Deploy), &rebuilt_bundle(), "20250102T000000Z-second").unwrap_err();
    assert!(error.contains("web-3: FAILED in phase 1") && error.contains("nothing switched"), "{error}");
    fleet.all_serve("20250101T000000Z-first");
    for host in &fleet.hosts {
        assert!(!host.join("releases/20250102T000000Z-second").exists(), "the staged copies are removed");
    }
    // With --allow-partial the two healthy hosts go ahead, and the report says the fleet is mixed.
    let partial = Options { allow_partial: true, ..options(fleet.targets.clone(), Action::Deploy) };
    let error = run(&partial, &rebuilt_bundle(), "20250103T000000Z-third").unwrap_err();
    assert!(error.contains("MIXED FLEET"), "{error}");
    assert_eq!(current(&fleet.hosts[0]), Path::new("releases/20250103T000000Z-third"));
    assert_eq!(current(&fleet.hosts[2]), Path::new("releases/20250101T000000Z-first"));
    let status = run(&options(fleet.targets.clone(), Action::Status), &bundle(), "unused").unwrap_err();
    assert!(status.contains("MIXED FLEET: web-1 20250103T000000Z-third"), "{status}");

    // A host whose configuration sends the API to another origin (which the CSP would block)
    // refuses the deploy before anything switches, and says why.
    std::fs::write(fleet.hosts[1].join("shared/config.json"), r#"{"api_base": "https://api.example.com"}"#).unwrap();
    let error = run(&partial, &bundle(), "20250104T000000Z-fourth").unwrap_err();
    assert!(error.contains("web-2: FAILED in phase 1") && error.contains("another origin"), "{error}");
    assert_eq!(current(&fleet.hosts[1]), Path::new("releases/20250103T000000Z-third"));
}

#[test]
fn rollback_goes_back_twice_r3_r2_r1_and_never_forward() {
    let fleet = fleet(NO_API, 3);
    let started = Instant::now();
    let deploy = options(fleet.targets.clone(), Action::Deploy);
    for release in ["20250101T000000Z-r1", "20250102T000000Z-r2", "20250103T000000Z-r3"] {
        run(&deploy, &bundle(), release).unwrap();
    }
    fleet.all_serve("20250103T000000Z-r3");
    let back = options(fleet.targets.clone(), Action::Rollback(None));
    let report = run(&back, &bundle(), "unused").unwrap();
    assert!(report.iter().any(|l| l == "web-2: rolled back to 20250102T000000Z-r2"), "{report:?}");
    fleet.all_serve("20250102T000000Z-r2");
    run(&back, &bundle(), "unused").unwrap();
    fleet.all_serve("20250101T000000Z-r1");
    // Nothing before r1: never forward again to a release rolled back from.
    let error = run(&back, &bundle(), "unused").unwrap_err();
    assert!(error.contains("no release before 20250101T000000Z-r1") && error.contains("nothing switched"), "{error}");
    fleet.all_serve("20250101T000000Z-r1");
    for host in &fleet.hosts {
        let kinds: Vec<String> =
            lines(host, "history").iter().map(|l| l.split(' ').skip(1).collect::<Vec<_>>().join(" ")).collect();
        assert_eq!(
            kinds,
            [
                "deploy 20250101T000000Z-r1",
                "deploy 20250102T000000Z-r2",
                "deploy 20250103T000000Z-r3",
                "rollback 20250102T000000Z-r2",
                "rollback 20250101T000000Z-r1"
            ]
        );
    }
    let status = run(&options(fleet.targets.clone(), Action::Status), &bundle(), "unused").unwrap().join("\n");
    assert!(status.contains("fleet: every host serves 20250101T000000Z-r1"), "{status}");
    assert!(status.contains("rollback 20250101T000000Z-r1") && status.contains("good releases"), "{status}");
    // A named rollback still goes where it is told.
    run(&options(fleet.targets.clone(), Action::Rollback(Some("20250103T000000Z-r3".into()))), &bundle(), "unused")
        .unwrap();
    fleet.all_serve("20250103T000000Z-r3");
    println!("three deploys, four rollbacks and a status over ssh: {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn an_unreachable_host_stops_the_deploy_before_anything_switches() {
    let mut fleet = fleet(NO_API, 3);
    let deploy = options(fleet.targets.clone(), Action::Deploy);
    run(&deploy, &bundle(), "20250101T000000Z-r1").unwrap();
    fleet.ssh.cut(2);
    let error = run(&deploy, &bundle(), "20250102T000000Z-r2").unwrap_err();
    assert!(error.contains("web-3: FAILED in phase 1: ssh failed (exit 255)"), "{error}");
    assert!(error.contains("nothing switched: web-3 failed before the switch"), "{error}");
    fleet.all_serve("20250101T000000Z-r1");
    for host in &fleet.hosts {
        assert!(!host.join("releases/20250102T000000Z-r2").exists(), "nothing staged");
    }
    let status = run(&options(fleet.targets.clone(), Action::Status), &bundle(), "unused").unwrap_err();
    assert!(status.contains("web-3: CANNOT BE READ: ssh failed (exit 255)"), "{status}");
    assert!(status.contains("web-3 UNKNOWN"), "{status}");
}

#[test]
fn a_connection_cut_between_the_phases_leaves_no_mixed_fleet() {
    let mut fleet = fleet(NO_API, 3);
    let deploy = options(fleet.targets.clone(), Action::Deploy);
    run(&deploy, &bundle(), "20250101T000000Z-r1").unwrap();
    // web-3 is the last host of phase 1: once it reports, the switch comes next.
    let error = execute(&deploy, &bundle(), "20250102T000000Z-r2", &mut |line| {
        println!("{line}");
        if line.starts_with("web-3: locked") {
            fleet.ssh.cut(2);
        }
    })
    .unwrap_err();
    assert!(error.contains("web-3: FAILED after the switch: ssh failed (exit 255)"), "{error}");
    assert!(error.contains("web-1: switched back") && error.contains("web-3: the switch never reached it"), "{error}");
    assert!(!error.contains("MIXED"), "{error}");
    fleet.all_serve("20250101T000000Z-r1");
    fleet.ssh.restart(2);
    let status = run(&options(fleet.targets.clone(), Action::Status), &bundle(), "unused").unwrap().join("\n");
    assert!(status.contains("fleet: every host serves 20250101T000000Z-r1"), "{status}");
    for host in &fleet.hosts {
        assert_eq!(lines(host, "good-releases"), ["20250101T000000Z-r1"]);
    }
}

#[test]
fn good_releases_survive_a_connection_cut_while_recording() {
    let mut fleet = fleet(NO_API, 3);
    let deploy = options(fleet.targets.clone(), Action::Deploy);
    run(&deploy, &bundle(), "20250101T000000Z-r1").unwrap();
    // Every host is switched and checked; web-3's connection breaks before its release is recorded.
    let error = execute(&deploy, &bundle(), "20250102T000000Z-r2", &mut |line| {
        println!("{line}");
        if line.starts_with("web-3: switched to") {
            fleet.ssh.cut(2);
        }
    })
    .unwrap_err();
    assert!(error.contains("web-3: serving 20250102T000000Z-r2, but RECORDING IT FAILED"), "{error}");
    fleet.all_serve("20250102T000000Z-r2");
    let web3 = &fleet.hosts[2];
    assert_eq!(lines(web3, "good-releases"), ["20250101T000000Z-r1"], "kept whole, not emptied");
    assert_eq!(lines(web3, "history").len(), 1);
    assert_eq!(lines(&fleet.hosts[0], "good-releases"), ["20250101T000000Z-r1", "20250102T000000Z-r2"]);
    // Back up, every host's own history leads back to r1.
    fleet.ssh.restart(2);
    run(&options(fleet.targets.clone(), Action::Rollback(None)), &bundle(), "unused").unwrap();
    fleet.all_serve("20250101T000000Z-r1");
}

#[test]
fn a_second_deploy_is_refused_while_the_first_holds_the_locks() {
    let fleet = fleet(NO_API, 3);
    let deploy = options(fleet.targets.clone(), Action::Deploy);
    let mut second = None;
    // The second deploy runs while the first holds every host's lock (its phase 1 is done).
    execute(&deploy, &bundle(), "20250101T000000Z-r1", &mut |line| {
        println!("{line}");
        if second.is_none() && line.starts_with("web-1: locked") {
            let started = Instant::now();
            second = Some(execute(&deploy, &bundle(), "20250102T000000Z-r2", &mut |l| println!("(second) {l}")));
            println!("the second deploy was refused after {:.2} s", started.elapsed().as_secs_f64());
        }
    })
    .unwrap();
    let error = second.expect("the second deploy ran").unwrap_err();
    assert!(error.contains("web-1: FAILED in phase 1: locked by another deploy:"), "{error}");
    assert!(error.contains("deploy 20250101T000000Z-r1") && error.contains("nothing switched"), "{error}");
    fleet.all_serve("20250101T000000Z-r1");
    for host in &fleet.hosts {
        assert!(!host.join("releases/20250102T000000Z-r2").exists());
    }
    // The locks ended with the first deploy.
    run(&deploy, &bundle(), "20250102T000000Z-r2").unwrap();
    fleet.all_serve("20250102T000000Z-r2");
}

/// `scrollWidth` and `clientWidth` of the element `selector` names, then those of the page.
fn widths(session: &webdriver::Session<'_>, selector: &str) -> (u64, u64, u64, u64) {
    let script = format!(
        "const box = document.querySelector({selector:?}); \
         return [box.scrollWidth, box.clientWidth, document.documentElement.scrollWidth, window.innerWidth];"
    );
    let value = session.run(&script).unwrap();
    let n = |i: usize| value[i].as_u64().unwrap_or(u64::MAX);
    (n(0), n(1), n(2), n(3))
}

/// The page as PNG bytes.
fn screenshot(session: &webdriver::Session<'_>) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(session.screenshot_base64().unwrap()).expect("base64")
}

fn keep_screenshot(name: &str, png: &[u8]) {
    let dir = xtask::root().join("target").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(dir.join(name), png).unwrap();
}

/// The login page, the admin's batch list and a batch's details, in the deployment's default
/// language (Thai), at 1280 × 800, 1366 × 900 and 390 × 844: nothing is wider than the screen,
/// the admin's list needs no sideways scrolling from 1280 px, and on the phone it is cards.
#[tokio::test(flavor = "multi_thread")]
async fn the_pages_fit_a_phone_and_a_laptop() {
    let backend = seeded_standin().await;
    let nginx = start_nginx(&bundle(), &backend.addr.to_string());
    // The WebDriver client blocks: it runs beside the runtime's workers serving the stand-in.
    tokio::task::spawn_blocking(move || check_that_the_pages_fit(&nginx)).await.unwrap();
}

/// The QR cover check as a host serves it: a scanner ZIP generated by tests/scans, picked in the
/// upload form of the release bundle behind the real nginx config, is read by the worker files
/// trunk built (same origin, the site's CSP, unhashed and revalidated), and its tasks are listed.
#[tokio::test(flavor = "multi_thread")]
async fn the_qr_cover_check_runs_its_worker_from_the_site() {
    let backend = seeded_standin().await;
    let nginx = start_nginx(&bundle(), &backend.addr.to_string());
    let zip = temp_dir("scans").join("room7.zip");
    std::fs::write(&zip, omr_scans::build_zip("C:14900171,S*3,C:14900172,S*2", 11, true).unwrap()).unwrap();
    let client = client();
    for (file, kind) in
        [("qr_worker_loader.js", "javascript"), ("qr_worker.js", "javascript"), ("qr_worker_bg.wasm", "wasm")]
    {
        let answer = client.get(nginx.url(&format!("/{file}"))).send().await.unwrap();
        let header =
            |name: &str| answer.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(header("content-type").contains(kind), "{file}: {}", header("content-type"));
        // Unhashed: revalidated on every start, so a deploy is seen.
        assert_eq!(header("cache-control"), "no-cache", "{file}");
        assert!(
            header("content-security-policy").contains("'wasm-unsafe-eval'"),
            "{file}: the worker may compile wasm"
        );
    }
    tokio::task::spawn_blocking(move || {
        let driver = webdriver::Driver::start(free_port()).unwrap();
        let session = driver.session(1366, 900).unwrap();
        session.go(&nginx.url("/dashboard/batches")).unwrap();
        session.wait_for("the sign-in form", "return !!document.querySelector('#login-username');", SHOWN_WITHIN).unwrap();
        session.type_into("#login-username", "admin").unwrap();
        session.type_into("#login-password", "admin-pass-2025").unwrap();
        session.run("document.querySelector('.login-card button[type=submit]').click(); return true;").unwrap();
        session.wait_for("the upload form", "return !!document.querySelector('#upload-files');", SHOWN_WITHIN).unwrap();
        session.type_into("#upload-files", &zip.to_string_lossy()).unwrap();
        let done = "const c = document.querySelector('[data-testid=cover-check]'); return !!c && c.dataset.state !== 'reading';";
        session.wait_for("the cover check's end", done, Duration::from_secs(60)).unwrap();
        let state = session.run("return document.querySelector('[data-testid=cover-check]').dataset.state;").unwrap();
        assert_eq!(state, "done", "the worker ran from the site");
        let rows = session
            .run("return [...document.querySelectorAll('.cover-table tbody tr')].map(r => r.innerText.replace(/\\s+/g, ' '));")
            .unwrap();
        assert_eq!(
            rows,
            serde_json::json!(["14900171 3 scans/0001.jpg", "14900172 2 scans/0005.jpg"]),
            "the tasks of the deflated ZIP"
        );
        session.close().unwrap();
    })
    .await
    .unwrap();
}

/// How long a page may take to show what a layout check looks at.
const SHOWN_WITHIN: Duration = Duration::from_secs(20);

/// axe-core as the bootstrap installed it (the browser suite injects the same file).
fn axe_core() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (`cargo xtask bootstrap` installs axe-core)", path.display()))
}

/// Runs axe over the page `session` shows and fails on any violation, naming rule, impact and
/// place. Run through WebDriver, so the page's CSP (no inline script) does not apply to it.
fn assert_accessible(session: &webdriver::Session<'_>, axe: &str, page: &str) {
    session
        .run(&format!(
            "if (!window.axe) {{ {axe}\n }}
             window.__axeFound = undefined;
             window.axe.run(document, {{ resultTypes: ['violations'] }}).then(r => {{
                 window.__axeFound = r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '));
             }});
             return true;"
        ))
        .unwrap();
    session.wait_for("axe's verdict", "return window.__axeFound !== undefined;", SHOWN_WITHIN).unwrap();
    let found = session.run("return window.__axeFound;").unwrap();
    assert_eq!(found, Value::Array(Vec::new()), "{page}: axe found violations");
}

/// The phone and the laptop widths are checked with axe in both languages; 1280 px only for fit.
fn checks_accessibility(width: u32) -> bool {
    width == 390 || width == 1366
}

fn check_that_the_pages_fit(nginx: &LocalNginx) {
    let driver = webdriver::Driver::start(free_port()).unwrap();
    let axe = axe_core();
    for (width, height) in [(1280, 800), (1366, 900), (390, 844)] {
        let size = format!("{width}x{height}");
        let session = driver.session(width, height).unwrap();
        if checks_accessibility(width) {
            // index.html's static shell, as a first visit paints it before the app arrives.
            session.cdp("Network.enable", serde_json::json!({})).unwrap();
            session.cdp("Network.setBlockedURLs", serde_json::json!({"urls": ["*.wasm"]})).unwrap();
            session.go(&nginx.url("/login")).unwrap();
            session.wait_for("the shell", "return !!document.querySelector('#shell-username');", SHOWN_WITHIN).unwrap();
            assert_accessible(&session, &axe, &format!("the static shell at {size}"));
            session.cdp("Network.setBlockedURLs", serde_json::json!({"urls": []})).unwrap();
        }
        session.go(&nginx.url("/login")).unwrap();
        session
            .wait_for("the login form", "return !!document.querySelector('#login-username');", SHOWN_WITHIN)
            .unwrap();
        assert_eq!(session.run("return window.innerWidth;").unwrap(), width, "the viewport is {size}");
        assert_eq!(session.run("return document.documentElement.lang;").unwrap(), "th", "Thai by default");
        // config.json came once, through index.html's preload (beside the wasm), and the app
        // read that response: a second, fetch-initiated entry would mean it asked again.
        let config_loads = session
            .run("return performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/config.json').map(e => e.initiatorType);")
            .unwrap();
        assert_eq!(config_loads, serde_json::json!(["link"]), "{size}: config.json preloaded and used once");
        // The QR cover check's worker is fetched only when a QR ZIP is picked, never on a visit.
        let worker_loads = session
            .run("return performance.getEntriesByType('resource').filter(e => e.name.includes('qr_worker')).length;")
            .unwrap();
        assert_eq!(worker_loads, 0, "{size}: the first visit loads no part of the QR worker");
        keep_screenshot(&format!("login-{size}.png"), &screenshot(&session));
        if checks_accessibility(width) {
            assert_accessible(&session, &axe, &format!("the sign-in page (th) at {size}"));
        }
        session.type_into("#login-username", "admin").unwrap();
        session.type_into("#login-password", "admin-pass-2025").unwrap();
        session.run("document.querySelector('.login-card button[type=submit]').click(); return true;").unwrap();
        session
            .wait_for(
                "the admin's list",
                "return document.querySelectorAll('tr[data-uuid] .button-danger-quiet').length > 0;",
                SHOWN_WITHIN,
            )
            .unwrap();

        let (table, shown, page, screen) = widths(&session, ".batch-list-section .table-scroll");
        println!("{size}: list {table} px in {shown} px, page {page} px on {screen} px");
        assert!(page <= screen, "{size}: the page is {page} px wide on a {screen} px screen");
        if width >= 1280 {
            assert!(table <= shown, "{size}: the admin's list scrolls sideways ({table} px in {shown} px)");
        } else {
            let display =
                session.run("return getComputedStyle(document.querySelector('tr[data-uuid]')).display;").unwrap();
            assert_eq!(display, "block", "{size}: the list is cards");
            let inside = session
                .run("return [...document.querySelectorAll('tr[data-uuid] .status-badge, tr[data-uuid] .button')].every(e => e.getBoundingClientRect().right <= window.innerWidth);")
                .unwrap();
            assert_eq!(inside, true, "{size}: every status and button is on screen");
        }
        session.run("document.querySelector('.batch-list-section').scrollIntoView(); return true;").unwrap();
        keep_screenshot(&format!("batches-{size}.png"), &screenshot(&session));
        if checks_accessibility(width) {
            assert_accessible(&session, &axe, &format!("the admin's list (th) at {size}"));
        }

        let details = session.run("return document.querySelector('a.row-link').href;").unwrap();
        session.go(details.as_str().unwrap()).unwrap();
        session.wait_for("the details", "return !!document.querySelector('.details-card');", SHOWN_WITHIN).unwrap();
        let (_, _, page, screen) = widths(&session, "body");
        assert!(page <= screen, "{size}: the details page is {page} px wide on a {screen} px screen");
        keep_screenshot(&format!("details-{size}.png"), &screenshot(&session));
        if checks_accessibility(width) {
            assert_accessible(&session, &axe, &format!("a batch's details (th) at {size}"));
            // The same pages in English: the language is remembered across reloads.
            session.run("localStorage.setItem('omr.language', 'en'); return true;").unwrap();
            session.go(details.as_str().unwrap()).unwrap();
            session
                .wait_for(
                    "the details in English",
                    "return document.documentElement.lang === 'en' && !!document.querySelector('.details-card');",
                    SHOWN_WITHIN,
                )
                .unwrap();
            assert_accessible(&session, &axe, &format!("a batch's details (en) at {size}"));
            session.go(&nginx.url("/dashboard/batches")).unwrap();
            session
                .wait_for(
                    "the list in English",
                    "return document.querySelectorAll('tr[data-uuid]').length > 0;",
                    SHOWN_WITHIN,
                )
                .unwrap();
            assert_accessible(&session, &axe, &format!("the admin's list (en) at {size}"));
            session.go(&nginx.url("/no/such/page")).unwrap();
            session.wait_for("not found", "return !!document.querySelector('main a');", SHOWN_WITHIN).unwrap();
            assert_accessible(&session, &axe, &format!("not found (en) at {size}"));
            session.run("localStorage.removeItem('omr.session'); return true;").unwrap();
            session.go(&nginx.url("/login")).unwrap();
            session
                .wait_for(
                    "the sign-in page in English",
                    "return !!document.querySelector('#login-username');",
                    SHOWN_WITHIN,
                )
                .unwrap();
            assert_accessible(&session, &axe, &format!("the sign-in page (en) at {size}"));
        }
        session.close().unwrap();
    }
}
