//! `cargo xtask deploy`: build the bundle once, copy it into a new release directory on each
//! web host, switch the host's `current` symlink atomically, check the host answers, and roll
//! that host back if not. Also `rollback` (to the previous release) and `--dry-run`.
//!
//! A host is an ssh name (`gt-omr-web-1`: rsync to `/var/www/omr-web`, checked at
//! `http://gt-omr-web-1/`), optionally `name@http://check-url/`, or a local directory
//! `dir:/path@http://check-url/`, which is how the tests deploy.

use crate::http_get;
use crate::process::{output, run as run_command};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The web hosts when `--hosts` is not given.
pub const DEFAULT_HOSTS: [&str; 3] = ["gt-omr-web-1", "gt-omr-web-2", "gt-omr-web-3"];
/// Where releases live on the hosts.
pub const REMOTE_BASE: &str = "/var/www/omr-web";

/// Where one host's releases go and how it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Ssh { host: String, base: String, check_url: String },
    Local { dir: PathBuf, check_url: String },
}

impl Target {
    fn name(&self) -> String {
        match self {
            Target::Ssh { host, .. } => host.clone(),
            Target::Local { dir, .. } => dir.display().to_string(),
        }
    }

    fn check_url(&self) -> &str {
        match self {
            Target::Ssh { check_url, .. } | Target::Local { check_url, .. } => check_url,
        }
    }
}

/// Reads one host spec.
pub fn parse_target(spec: &str) -> Result<Target, String> {
    let (place, check_url) = match spec.split_once('@') {
        Some((place, url)) => (place, Some(url.trim_end_matches('/').to_string() + "/")),
        None => (spec, None),
    };
    if let Some(dir) = place.strip_prefix("dir:") {
        let check_url = check_url.ok_or_else(|| format!("{spec}: a local host needs @http://… to check it"))?;
        return Ok(Target::Local { dir: PathBuf::from(dir), check_url });
    }
    if place.is_empty() || place.contains(['/', ' ']) {
        return Err(format!("not a host name: {spec}"));
    }
    let check_url = check_url.unwrap_or_else(|| format!("http://{place}/"));
    Ok(Target::Ssh { host: place.to_string(), base: REMOTE_BASE.to_string(), check_url })
}

/// Command-line options.
#[derive(Debug, PartialEq)]
pub struct Options {
    pub targets: Vec<Target>,
    pub dry_run: bool,
    pub rollback: bool,
}

/// Parses `[--hosts a,b] [--dry-run] [rollback]`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|h| h.to_string()).collect();
    let (mut dry_run, mut rollback) = (false, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--hosts" => {
                hosts =
                    args.next().ok_or("--hosts needs a comma-separated list")?.split(',').map(str::to_string).collect()
            }
            "--dry-run" => dry_run = true,
            "rollback" => rollback = true,
            other => {
                return Err(format!(
                    "unknown argument {other}; usage: cargo xtask deploy [--hosts LIST] [--dry-run] [rollback]"
                ))
            }
        }
    }
    let targets = hosts.iter().filter(|h| !h.is_empty()).map(|h| parse_target(h)).collect::<Result<Vec<_>, _>>()?;
    Ok(Options { targets, dry_run, rollback })
}

/// `YYYYMMDDTHHMMSSZ` for seconds since the epoch (UTC).
pub fn utc_stamp(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// A new release's directory name: time, then the commit.
pub fn release_name() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let commit = output(Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(crate::root()))
        .unwrap_or_default();
    match commit.trim() {
        "" => utc_stamp(secs),
        commit => format!("{}-{commit}", utc_stamp(secs)),
    }
}

/// The release before `current` in name order (names sort by time).
pub fn previous_release(releases: &[String], current: &str) -> Option<String> {
    let mut sorted = releases.to_vec();
    sorted.sort();
    let position = sorted.iter().position(|r| r == current)?;
    position.checked_sub(1).map(|i| sorted[i].clone())
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The release `current` points at.
fn current_release(target: &Target) -> Option<String> {
    let link = match target {
        Target::Local { dir, .. } => std::fs::read_link(dir.join("current")).ok()?.to_string_lossy().into_owned(),
        Target::Ssh { host, base, .. } => {
            output(Command::new("ssh").arg(host).arg(format!("readlink {base}/current")))?
        }
    };
    link.trim().rsplit('/').next().map(str::to_string).filter(|s| !s.is_empty())
}

fn releases(target: &Target) -> Vec<String> {
    let listing = match target {
        Target::Local { dir, .. } => std::fs::read_dir(dir.join("releases"))
            .map(|entries| {
                entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect::<Vec<_>>().join("\n")
            })
            .unwrap_or_default(),
        Target::Ssh { host, base, .. } => {
            output(Command::new("ssh").arg(host).arg(format!("ls -1 {base}/releases"))).unwrap_or_default()
        }
    };
    listing.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// Points `current` at `release` with a rename, so no request ever sees a missing link.
fn switch(target: &Target, release: &str) -> Result<(), String> {
    match target {
        Target::Local { dir, .. } => {
            let temporary = dir.join(format!(".current-{}", std::process::id()));
            // A leftover from an interrupted run would make the symlink call fail.
            let _ = std::fs::remove_file(&temporary);
            std::os::unix::fs::symlink(Path::new("releases").join(release), &temporary).map_err(|e| e.to_string())?;
            std::fs::rename(&temporary, dir.join("current")).map_err(|e| e.to_string())
        }
        Target::Ssh { host, base, .. } => run_command(Command::new("ssh").arg(host).arg(format!(
            "ln -sfn releases/{release} {base}/.current-tmp && mv -T {base}/.current-tmp {base}/current"
        ))),
    }
}

fn upload(target: &Target, bundle: &Path, release: &str) -> Result<(), String> {
    match target {
        Target::Local { dir, .. } => {
            let destination = dir.join("releases").join(release);
            if destination.exists() {
                return Err(format!("release {release} already exists on this host"));
            }
            copy_dir(bundle, &destination)
        }
        Target::Ssh { host, base, .. } => {
            run_command(Command::new("ssh").arg(host).arg(format!("mkdir -p {base}/releases/{release}")))?;
            run_command(
                Command::new("rsync")
                    .arg("-a")
                    .arg(format!("{}/", bundle.display()))
                    .arg(format!("{host}:{base}/releases/{release}/")),
            )
        }
    }
}

/// The host answers the shell, the configuration and the wasm with 200 and the right types.
pub fn check(base_url: &str, wasm_file: &str) -> Result<(), String> {
    for (path, wanted) in [("", "text/html"), ("config.json", "application/json"), (wasm_file, "application/wasm")] {
        let url = format!("{base_url}{path}");
        let answer = http_get::get(&url, &[])?;
        let content_type = answer.header("content-type").unwrap_or_default();
        if answer.status != 200 || !content_type.starts_with(wanted) {
            return Err(format!("{url}: {} {content_type} (wanted 200 {wanted})", answer.status));
        }
    }
    Ok(())
}

/// The bundle's wasm file name.
pub fn wasm_file(bundle: &Path) -> Result<String, String> {
    std::fs::read_dir(bundle)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .find(|n| n.ends_with(".wasm"))
        .ok_or_else(|| format!("no .wasm in {}", bundle.display()))
}

/// Deploys `bundle` as `release` to one host; on a failed check switches it back.
pub fn deploy_host(target: &Target, bundle: &Path, release: &str) -> Result<(), String> {
    let previous = current_release(target);
    upload(target, bundle, release)?;
    switch(target, release)?;
    if let Err(problem) = check(target.check_url(), &wasm_file(bundle)?) {
        return Err(match previous {
            Some(previous) => match switch(target, &previous) {
                Ok(()) => format!("{problem}; rolled back to {previous}"),
                Err(err) => format!("{problem}; rollback to {previous} failed too: {err}"),
            },
            None => format!("{problem}; no earlier release to roll back to"),
        });
    }
    Ok(())
}

/// Points one host back at the release before its current one.
pub fn rollback_host(target: &Target) -> Result<String, String> {
    let current = current_release(target).ok_or("no current release")?;
    let previous =
        previous_release(&releases(target), &current).ok_or_else(|| format!("no release before {current}"))?;
    switch(target, &previous)?;
    Ok(previous)
}

/// Deploys `release` (or rolls back) on every target; one line per host, failing if any failed.
pub fn execute(options: &Options, bundle: &Path, release: &str) -> Result<Vec<String>, String> {
    let mut report = Vec::new();
    let mut failed = false;
    for target in &options.targets {
        let line = if options.dry_run {
            match options.rollback {
                true => format!(
                    "{}: would point `current` at the release before the current one, then check {}",
                    target.name(),
                    target.check_url()
                ),
                false => format!(
                    "{}: would copy {} to releases/{release}, switch `current`, check {}",
                    target.name(),
                    bundle.display(),
                    target.check_url()
                ),
            }
        } else if options.rollback {
            match rollback_host(target) {
                Ok(previous) => format!("{}: rolled back to {previous}", target.name()),
                Err(err) => {
                    failed = true;
                    format!("{}: FAILED: {err}", target.name())
                }
            }
        } else {
            match deploy_host(target, bundle, release) {
                Ok(()) => format!("{}: now serving {release}", target.name()),
                Err(err) => {
                    failed = true;
                    format!("{}: FAILED: {err}", target.name())
                }
            }
        };
        println!("{line}");
        report.push(line);
    }
    if failed {
        Err(format!("deploy failed on some hosts:\n{}", report.join("\n")))
    } else {
        Ok(report)
    }
}

/// `cargo xtask deploy ...`: builds once (not for a dry run or a rollback), then runs.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let bundle = crate::dist::dist_dir();
    if !options.dry_run && !options.rollback {
        crate::dist::build()?;
    }
    execute(&options, &bundle, &release_name()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_specs() {
        assert_eq!(
            parse_target("gt-omr-web-2").unwrap(),
            Target::Ssh {
                host: "gt-omr-web-2".into(),
                base: REMOTE_BASE.into(),
                check_url: "http://gt-omr-web-2/".into()
            }
        );
        assert_eq!(
            parse_target("dir:/tmp/web1@http://127.0.0.1:8081").unwrap(),
            Target::Local { dir: "/tmp/web1".into(), check_url: "http://127.0.0.1:8081/".into() }
        );
        assert!(parse_target("dir:/tmp/web1").is_err(), "a local host needs a check URL");
        assert!(parse_target("bad host").is_err());
    }

    #[test]
    fn default_hosts_and_flags() {
        let options = parse_args(&[]).unwrap();
        assert_eq!(options.targets.len(), 3);
        let options = parse_args(&["--hosts".into(), "a,b".into(), "--dry-run".into(), "rollback".into()]).unwrap();
        assert_eq!(options.targets.len(), 2);
        assert!(options.dry_run && options.rollback);
        assert!(parse_args(&["--force".into()]).is_err());
    }

    #[test]
    fn stamps_and_previous_release() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_766_498_400), "20251223T140000Z");
        let releases =
            vec!["20251223T140000Z-b".to_string(), "20251222T100000Z-a".to_string(), "20251224T090000Z-c".to_string()];
        assert_eq!(previous_release(&releases, "20251223T140000Z-b").as_deref(), Some("20251222T100000Z-a"));
        assert_eq!(previous_release(&releases, "20251222T100000Z-a"), None);
        assert_eq!(previous_release(&releases, "unknown"), None);
    }
}
