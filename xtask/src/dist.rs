//! `cargo xtask dist`: the release bundle — trunk release build with wasm-opt and hashed names,
//! trunk's inline loader moved into a file (the CSP allows no inline script), `.gz` and `.br`
//! copies of every text and wasm asset, and a size table.

use crate::bootstrap;
use crate::process;
use crate::root;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the bundle is written.
pub fn dist_dir() -> PathBuf {
    root().join("target").join("dist").join("site")
}

/// Files worth compressing (everything the bundle holds but images other than SVG).
pub fn is_compressible(name: &str) -> bool {
    [".html", ".js", ".css", ".wasm", ".svg", ".json"].iter().any(|ext| name.ends_with(ext))
}

/// FNV-1a, 64 bits, as 16 hex digits: a content hash for the loader's file name.
pub fn fnv_hex(bytes: &[u8]) -> String {
    let hash =
        bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// Splits trunk's inline `<script type="module">…</script>` out of the page: returns the page
/// pointing at `/<file_name>` and the script text, or `None` when there is no inline module.
pub fn extract_inline_module(html: &str) -> Option<(String, String)> {
    let open = "<script type=\"module\">";
    let start = html.find(open)?;
    let body_start = start + open.len();
    let end = body_start + html[body_start..].find("</script>")?;
    let script = html[body_start..end].trim().to_string();
    let file = format!("init-{}.js", fnv_hex(script.as_bytes()));
    let page = format!(
        "{}<script type=\"module\" src=\"/{file}\"></script>{}",
        &html[..start],
        &html[end + "</script>".len()..]
    );
    Some((page, script))
}

/// True when the page still holds a `<script>` without `src` (which the CSP would block).
pub fn has_inline_script(html: &str) -> bool {
    html.match_indices("<script").any(|(i, _)| {
        let tag_end = html[i..].find('>').map_or(html.len(), |e| i + e);
        !html[i..tag_end].contains("src=")
    })
}

/// Sizes of one file as a first visit downloads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    /// Whether a first visit loads it ([`first_visit_files`]); the QR cover check's worker is
    /// fetched only when a QR ZIP is picked.
    pub first_visit: bool,
}

/// The files a first visit loads: `index.html`, and every file whose name appears in the text of
/// one it loads (the page names its scripts, styles, icon, wasm preload and config.json; the
/// loader names the app's script, which names its wasm). `files` are names with the text of
/// those that are text (html, js, css). The worker's files are named only inside the app's
/// wasm, which is not text: they are fetched on demand, not on the first visit.
pub fn first_visit_files(files: &[(String, Option<String>)]) -> std::collections::BTreeSet<String> {
    let mut loaded = std::collections::BTreeSet::from(["index.html".to_string()]);
    let mut to_read = vec!["index.html".to_string()];
    while let Some(name) = to_read.pop() {
        let Some((_, Some(text))) = files.iter().find(|(n, _)| *n == name) else { continue };
        for (other, _) in files {
            if !loaded.contains(other) && text.contains(other.as_str()) {
                loaded.insert(other.clone());
                to_read.push(other.clone());
            }
        }
    }
    loaded
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// Writes `name.gz` and `name.br` next to every compressible file; returns their sizes.
pub fn compress_all(dir: &Path) -> Result<Vec<AssetSize>, String> {
    let mut sizes = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| is_compressible(n))
        .collect();
    names.sort();
    let mut texts = Vec::new();
    for name in names {
        let bytes = std::fs::read(dir.join(&name)).map_err(|e| e.to_string())?;
        let (gz, br) = (gzip(&bytes), brotli(&bytes));
        std::fs::write(dir.join(format!("{name}.gz")), &gz).map_err(|e| e.to_string())?;
        std::fs::write(dir.join(format!("{name}.br")), &br).map_err(|e| e.to_string())?;
        let text = [".html", ".js", ".css"]
            .iter()
            .any(|ext| name.ends_with(ext))
            .then(|| String::from_utf8_lossy(&bytes).into_owned());
        texts.push((name.clone(), text));
        let (raw, gzip, brotli) = (bytes.len() as u64, gz.len() as u64, br.len() as u64);
        sizes.push(AssetSize { name, raw, gzip, brotli, first_visit: false });
    }
    let loaded = first_visit_files(&texts);
    for size in &mut sizes {
        size.first_visit = loaded.contains(&size.name);
    }
    Ok(sizes)
}

/// The table printed after a build, with the total a first visit downloads (brotli).
pub fn size_table(sizes: &[AssetSize]) -> String {
    let mut table = format!("{:<44} {:>10} {:>10} {:>10}\n", "file", "raw", "gzip", "brotli");
    for size in sizes {
        let name = if size.first_visit { size.name.clone() } else { format!("{} (on demand)", size.name) };
        table.push_str(&format!("{:<44} {:>10} {:>10} {:>10}\n", name, size.raw, size.gzip, size.brotli));
    }
    let sum = |f: fn(&AssetSize) -> u64| sizes.iter().filter(|s| s.first_visit).map(f).sum::<u64>();
    table.push_str(&format!(
        "{:<44} {:>10} {:>10} {:>10}\n",
        "first visit (all but on demand)",
        sum(|s| s.raw),
        sum(|s| s.gzip),
        sum(|s| s.brotli)
    ));
    table
}

/// What a first visit may weigh, brotli-compressed as nginx serves it, before `cargo xtask
/// test` fails: a ratchet at today's size plus a small margin, so every change is weighed.
/// Issue 28's target is 235,000 bytes (issue 13's 150 KB is withdrawn); lower this as levers
/// land, never raise it without a reason in the commit. Raised once, on 2026-12-06, from
/// 257,000 to 303,000 for the features of issues 24, 25, 27 and 28 (297,263 B measured);
/// lowered to 299,000 with issue 29 (296,391 B measured: the QR cover check added about 10 KB,
/// and integer-only number text in the progress bar, the lease and the CSV export, with a
/// directory walk that keeps sheet entries only in the worker's build, took off about 12 KB).
pub const FIRST_LOAD_BROTLI_BUDGET: u64 = 299_000;

/// Fails when the first visit weighs more than `budget` bytes brotli-compressed.
pub fn check_budget(sizes: &[AssetSize], budget: u64) -> Result<u64, String> {
    let total: u64 = sizes.iter().filter(|s| s.first_visit).map(|s| s.brotli).sum();
    if total > budget {
        return Err(format!(
            "the first visit is {total} bytes brotli, over the budget of {budget} (xtask/src/dist.rs): \
             make it lighter, or raise the budget with a reason"
        ));
    }
    Ok(total)
}

/// Builds the bundle into `target/dist/site` and returns its sizes.
pub fn build() -> Result<Vec<AssetSize>, String> {
    bootstrap::build_tools()?;
    let out = dist_dir();
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| e.to_string())?;
    }
    process::run(
        Command::new("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&out)
            .current_dir(root())
            .env("PATH", bootstrap::tool_path()),
    )?;
    let index = out.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| e.to_string())?;
    if let Some((page, script)) = extract_inline_module(&html) {
        let file =
            page.split("src=\"/").nth(1).and_then(|s| s.split('"').next()).ok_or("loader file name")?.to_string();
        std::fs::write(out.join(file), script).map_err(|e| e.to_string())?;
        std::fs::write(&index, &page).map_err(|e| e.to_string())?;
        if has_inline_script(&page) {
            return Err("index.html still has an inline script; the CSP would block it".into());
        }
    }
    compress_all(&out)
}

/// `cargo xtask dist`.
pub fn run(args: &[String]) -> Result<(), String> {
    if !args.is_empty() {
        return Err("usage: cargo xtask dist".into());
    }
    let sizes = build()?;
    println!("\nbundle: {}\n\n{}", dist_dir().display(), size_table(&sizes));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_counts_every_file_of_the_first_visit_compressed() {
        let size = |name: &str, brotli| AssetSize {
            name: name.into(),
            raw: brotli * 4,
            gzip: brotli + 10,
            brotli,
            first_visit: !name.starts_with("qr_worker"),
        };
        let sizes = [
            size("index.html", 600),
            size("app_bg.wasm", 140_000),
            size("app.js", 9_000),
            size("qr_worker_bg.wasm", 1),
        ];
        assert_eq!(check_budget(&sizes, 150_000), Ok(149_600));
        let over = check_budget(&sizes, 149_599).unwrap_err();
        assert!(over.contains("149600") && over.contains("149599"), "{over}");
    }

    #[test]
    fn a_first_visit_loads_what_the_page_names_and_what_those_name_not_the_worker() {
        let text = |name: &str, body: &str| (name.to_string(), Some(body.to_string()));
        let files = [
            text(
                "index.html",
                "<script src=\"/init-1.js\"></script><link href=\"/config.json\"><link href=\"/s-2.css\">",
            ),
            text("init-1.js", "import init from '/app-3.js'"),
            text("app-3.js", "new URL('app-3_bg.wasm', import.meta.url)"),
            ("app-3_bg.wasm".to_string(), None),
            text("config.json", "{}"),
            text("s-2.css", "body{}"),
            text("qr_worker.js", "wasm_bindgen"),
            ("qr_worker_bg.wasm".to_string(), None),
            text("qr_worker_loader.js", "importScripts('./qr_worker.js');wasm_bindgen('./qr_worker_bg.wasm')"),
        ];
        let loaded: Vec<String> = first_visit_files(&files).into_iter().collect();
        assert_eq!(loaded, ["app-3.js", "app-3_bg.wasm", "config.json", "index.html", "init-1.js", "s-2.css"]);
    }

    const TRUNK_PAGE: &str = "<head>\n<script type=\"module\">\nimport init from '/omr-web-1.js';\nawait init();\n</script>\n<link rel=\"stylesheet\" href=\"/s.css\"/></head>";

    #[test]
    fn the_inline_loader_moves_into_a_file() {
        let (page, script) = extract_inline_module(TRUNK_PAGE).unwrap();
        assert_eq!(script, "import init from '/omr-web-1.js';\nawait init();");
        let file = format!("init-{}.js", fnv_hex(script.as_bytes()));
        assert!(page.contains(&format!("<script type=\"module\" src=\"/{file}\"></script>")), "{page}");
        assert!(!has_inline_script(&page));
        assert!(has_inline_script(TRUNK_PAGE));
        assert!(extract_inline_module("<p>no script</p>").is_none());
    }

    #[test]
    fn compressible_files_and_hash() {
        assert!(is_compressible("omr-web-0123_bg.wasm"));
        assert!(is_compressible("config.json"));
        assert!(!is_compressible("logo.png"));
        assert_eq!(fnv_hex(b""), "cbf29ce484222325");
        assert_eq!(fnv_hex(b"a").len(), 16);
    }

    #[test]
    fn compression_round_trips_and_the_table_sums() {
        let dir = std::env::temp_dir().join(format!("xtask-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text = "hello hello hello hello hello hello".repeat(100);
        std::fs::write(dir.join("a.js"), &text).unwrap();
        std::fs::write(dir.join("b.png"), [1u8, 2, 3]).unwrap();
        let sizes = compress_all(&dir).unwrap();
        assert_eq!(sizes.len(), 1, "only compressible files");
        assert!(sizes[0].gzip < sizes[0].raw && sizes[0].brotli < sizes[0].raw);
        let mut unzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&std::fs::read(dir.join("a.js.gz")).unwrap()[..]),
            &mut unzipped,
        )
        .unwrap();
        assert_eq!(unzipped, text);
        let mut unbrotli = Vec::new();
        brotli::BrotliDecompress(&mut &std::fs::read(dir.join("a.js.br")).unwrap()[..], &mut unbrotli).unwrap();
        assert_eq!(unbrotli, text.as_bytes());
        let table = size_table(&sizes);
        assert!(table.contains("first visit"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
