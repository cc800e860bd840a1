//! The page (at `/` and at client-side routes) and config.json are kept by the browser and
//! revalidated on every visit: a warm visit is one round trip answered with 304s, and a
//! release switch or an edit of the host's shared config.json is seen on the next visit.
//! Checked on a host laid out as the deploy lays it out, through real nginx.

use super::{bundle, client, rebuilt_bundle, start_nginx, temp_dir, NO_API};
use std::io::Read;
use std::path::Path;
use std::process::Command;
use xtask::local_nginx::BROTLI_MODULE;

/// Puts `bundle` in place as `host/releases/<name>` the way the deploy does (file times kept,
/// config.json a link to the host's shared copy, its precompressed copies removed).
fn stage(host: &Path, name: &str, bundle: &Path) {
    let release = host.join("releases").join(name);
    std::fs::create_dir_all(host.join("releases")).unwrap();
    let copied = Command::new("cp").arg("-a").arg(bundle).arg(&release).status().unwrap();
    assert!(copied.success(), "cp -a {} {}", bundle.display(), release.display());
    for file in ["config.json", "config.json.gz", "config.json.br"] {
        let _ = std::fs::remove_file(release.join(file));
    }
    std::os::unix::fs::symlink("../../shared/config.json", release.join("config.json")).unwrap();
}

/// Points `host/current` at `release` in one rename, as the deploy's switch does.
fn switch(host: &Path, release: &str) {
    let next = host.join(".current.next");
    std::os::unix::fs::symlink(Path::new("releases").join(release), &next).unwrap();
    std::fs::rename(&next, host.join("current")).unwrap();
}

/// Writes `text` as `dir/name` with fresh `.gz` and `.br` copies, as `cargo xtask dist` makes them.
fn write_compressed(dir: &Path, name: &str, text: &str) {
    let fresh = temp_dir("fresh");
    std::fs::write(fresh.join(name), text).unwrap();
    xtask::dist::compress_all(&fresh).unwrap();
    for file in [name.to_string(), format!("{name}.gz"), format!("{name}.br")] {
        std::fs::copy(fresh.join(&file), dir.join(&file)).unwrap();
    }
}

/// The body as text, decoded from the answer's Content-Encoding.
async fn text(answer: reqwest::Response) -> String {
    let encoding = answer.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
    let bytes = answer.bytes().await.unwrap();
    let mut out = Vec::new();
    match encoding.as_deref() {
        None => out = bytes.to_vec(),
        Some("gzip") => drop(flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut out).unwrap()),
        Some("br") => brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap(),
        Some(other) => panic!("unexpected Content-Encoding {other}"),
    }
    String::from_utf8(out).unwrap()
}

/// What the browser keeps of one answer: how it asked, and the validators it got.
struct Kept {
    path: &'static str,
    accept: &'static str,
    etag: String,
    last_modified: String,
}

#[tokio::test]
async fn the_page_and_config_json_are_revalidated_and_a_switch_is_seen_on_the_next_visit() {
    let host = temp_dir("revalidate");
    stage(&host, "r1", &bundle());
    // The next build: other hashed names in its page, built later (another modification time).
    let next = rebuilt_bundle();
    let next_page = std::fs::read_to_string(next.join("index.html")).unwrap();
    write_compressed(&next, "index.html", &next_page);
    stage(&host, "r2", &next);
    std::fs::create_dir_all(host.join("shared")).unwrap();
    std::fs::copy(bundle().join("config.json"), host.join("shared/config.json")).unwrap();
    switch(&host, "r1");
    let nginx = start_nginx(&host.join("current"), NO_API);
    let http = client();
    let page = std::fs::read_to_string(bundle().join("index.html")).unwrap();
    let config = std::fs::read_to_string(bundle().join("config.json")).unwrap();
    let best = if Path::new(BROTLI_MODULE).exists() { "br" } else { "gzip" };

    // A first visit, with each encoding a browser may hold the page and config.json in.
    let mut kept = Vec::new();
    for (path, accept, encoding) in [
        ("/", "br, gzip", Some(best)),
        ("/dashboard/batches?status=failed&page=2", "br, gzip", Some(best)),
        ("/login", "gzip", Some("gzip")),
        ("/", "identity", None),
        ("/config.json", "br, gzip", Some("gzip")),
        ("/config.json", "identity", None),
    ] {
        let answer = http.get(nginx.url(path)).header("accept-encoding", accept).send().await.unwrap();
        let what = format!("{path} ({accept})");
        assert_eq!(answer.status(), 200, "{what}");
        let header = |name: &str| answer.headers().get(name).map(|v| v.to_str().unwrap().to_string());
        assert_eq!(header("cache-control").as_deref(), Some("no-cache"), "{what}: kept, revalidated");
        assert_eq!(header("content-encoding").as_deref(), encoding, "{what}");
        if encoding.is_some() {
            assert_eq!(header("vary").as_deref(), Some("Accept-Encoding"), "{what}");
        }
        assert!(header("content-security-policy").is_some(), "{what}: security headers too");
        let etag = header("etag").unwrap_or_else(|| panic!("{what}: an ETag"));
        let last_modified = header("last-modified").unwrap_or_else(|| panic!("{what}: a Last-Modified"));
        let expected = if path == "/config.json" { &config } else { &page };
        assert_eq!(&text(answer).await, expected, "{what}");
        kept.push(Kept { path, accept, etag, last_modified });
    }

    // A warm visit: each validator on its own and both together get a bodiless 304.
    for entry in &kept {
        let what = format!("{} ({})", entry.path, entry.accept);
        for validators in [
            vec![("if-none-match", &entry.etag)],
            vec![("if-modified-since", &entry.last_modified)],
            vec![("if-none-match", &entry.etag), ("if-modified-since", &entry.last_modified)],
        ] {
            let mut request = http.get(nginx.url(entry.path)).header("accept-encoding", entry.accept);
            for (name, value) in &validators {
                request = request.header(*name, value.as_str());
            }
            let answer = request.send().await.unwrap();
            assert_eq!(answer.status(), 304, "{what} with {validators:?}");
            assert_eq!(answer.headers()["cache-control"], "no-cache", "{what}: still revalidated next time");
            assert!(answer.bytes().await.unwrap().is_empty(), "{what}: no body");
        }
    }

    // A deploy switches `current` and the host's configuration is edited: the same conditional
    // requests now get the new page and the new configuration, with new validators.
    switch(&host, "r2");
    let edited = config.replacen('{', "{\n  \"poll_interval_ms\": 3000,", 1);
    std::fs::write(host.join("shared/config.json"), &edited).unwrap();
    assert_ne!(page, next_page, "the next build's page differs");
    for entry in &kept {
        let what = format!("{} ({}) after the switch", entry.path, entry.accept);
        let answer = http
            .get(nginx.url(entry.path))
            .header("accept-encoding", entry.accept)
            .header("if-none-match", &entry.etag)
            .header("if-modified-since", &entry.last_modified)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{what}");
        assert_ne!(answer.headers()["etag"].to_str().unwrap(), entry.etag, "{what}: a new ETag");
        let expected = if entry.path == "/config.json" { &edited } else { &next_page };
        assert_eq!(&text(answer).await, expected, "{what}");
    }
    let _ = std::fs::remove_dir_all(&host);
    let _ = std::fs::remove_dir_all(&next);
}
