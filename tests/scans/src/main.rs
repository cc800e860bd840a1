//! `omr-scans --layout "C:14900113,S*16" --seed 7 [--deflate] --out file.zip`: writes a
//! scanner-like ZIP for benchmarks and manual tests (see the library for the layout syntax).

use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: omr-scans --layout LAYOUT [--seed N] [--deflate] --out FILE.zip\n\
    LAYOUT: comma-separated C:<payload> (QR cover), D (damaged cover), S (answer sheet), each optionally *N";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("omr-scans: {message}\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<(), String> {
    let (mut layout, mut seed, mut deflate, mut out) = (None, 0u64, false, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--layout" => layout = Some(value()?),
            "--seed" => seed = value()?.parse().map_err(|_| "--seed takes a whole number".to_string())?,
            "--deflate" => deflate = true,
            "--out" => out = Some(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    let layout = layout.ok_or("--layout is required")?;
    let out = out.ok_or("--out is required")?;
    let pages = omr_scans::parse_layout(&layout)?.len();
    let started = Instant::now();
    let file = std::fs::File::create(&out).map_err(|e| format!("cannot create {out}: {e}"))?;
    let buffered = omr_scans::write_zip(&layout, seed, deflate, BufWriter::new(file))?;
    // Flushed here, not on drop, so that a full disk is reported.
    buffered.into_inner().map_err(|e| format!("cannot write {out}: {e}"))?;
    let size = std::fs::metadata(&out).map_err(|e| e.to_string())?.len();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{out}: {pages} pages, {size} bytes in {seconds:.1} s ({:.0} ms a page)",
        seconds * 1000.0 / pages as f64
    );
    Ok(())
}
