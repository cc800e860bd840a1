//! `cargo xtask deploy`: build the bundle once and roll it out to every web host in two phases,
//! so the fleet is never mixed:
//!
//! 1. *Stage* on every host: copy the release to `releases/<name>/` (with the hashed assets of
//!    the release before it, so a page loaded just before the switch still gets its wasm), link
//!    the host's own `shared/config.json`, and check it under `/__preview/<name>/`. A host that
//!    fails aborts the deploy: the staged copies are removed and nothing is switched.
//! 2. *Switch* every host, then check each. If one fails, every host is switched back and the
//!    release is marked failed. Only then is it recorded as good on each host.
//!
//! `--allow-partial` goes on with the hosts that passed and says which release each serves.
//! `rollback [RELEASE]` goes to the newest good release before the current one (or the named
//! one), previews it, switches, checks, and never picks a release marked failed. Old releases
//! are pruned to the newest [`KEEP_RELEASES`] (never `current`).

use crate::deploy_host::{is_plain_name, Target};
use crate::http_get;
use crate::process::output;
use std::path::Path;
use std::process::Command;

pub use crate::deploy_host::parse_target;

/// The web hosts when `--hosts` is not given.
pub const DEFAULT_HOSTS: [&str; 3] = ["gt-omr-web-1", "gt-omr-web-2", "gt-omr-web-3"];
/// Releases kept on each host after a deploy.
pub const KEEP_RELEASES: usize = 5;

/// What to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Deploy,
    /// To the named release, or to the newest good one before the current.
    Rollback(Option<String>),
}

/// Command-line options.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub targets: Vec<Target>,
    pub dry_run: bool,
    pub action: Action,
    /// Go on with the hosts that passed when some fail (the fleet is then mixed, and says so).
    pub allow_partial: bool,
}

/// Parses `[--hosts a,b] [--dry-run] [--allow-partial] [rollback [RELEASE]]`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let usage = "usage: cargo xtask deploy [--hosts LIST] [--dry-run] [--allow-partial] [rollback [RELEASE]]";
    let mut hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|h| h.to_string()).collect();
    let (mut dry_run, mut allow_partial, mut action) = (false, false, Action::Deploy);
    let mut args = args.iter().peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--hosts" => {
                hosts =
                    args.next().ok_or("--hosts needs a comma-separated list")?.split(',').map(str::to_string).collect()
            }
            "--dry-run" => dry_run = true,
            "--allow-partial" => allow_partial = true,
            "rollback" => {
                let named = args.next_if(|next| !next.starts_with("--")).cloned();
                if let Some(name) = named.as_deref().filter(|n| !is_plain_name(n)) {
                    return Err(format!("not a release name: {name:?}"));
                }
                action = Action::Rollback(named);
            }
            other => return Err(format!("unknown argument {other}; {usage}")),
        }
    }
    let targets = hosts.iter().filter(|h| !h.is_empty()).map(|h| parse_target(h)).collect::<Result<Vec<_>, _>>()?;
    Ok(Options { targets, dry_run, action, allow_partial })
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

/// The release to roll back to (pure): the named one if it exists and did not fail, else the
/// newest good release other than `current` that is still on the host and did not fail.
pub fn rollback_choice(
    named: Option<&str>,
    current: Option<&str>,
    good: &[String],
    on_host: &[String],
    failed: &[String],
) -> Result<String, String> {
    let usable = |r: &str| on_host.iter().any(|h| h == r) && !failed.iter().any(|f| f == r);
    match named {
        Some(name) if usable(name) => Ok(name.to_string()),
        Some(name) => Err(format!("release {name} is not on this host or failed")),
        None => good
            .iter()
            .rev()
            .find(|r| Some(r.as_str()) != current && usable(r))
            .cloned()
            .ok_or_else(|| "no good release before the current one".to_string()),
    }
}

/// Releases to delete (pure): all but the newest `keep` by name, never `current`.
pub fn prune_choice(releases: &[String], current: Option<&str>, keep: usize) -> Vec<String> {
    let mut sorted = releases.to_vec();
    sorted.sort();
    let old = sorted.len().saturating_sub(keep);
    sorted.into_iter().take(old).filter(|r| Some(r.as_str()) != current).collect()
}

/// The host answers the shell, the configuration and the wasm at `base_url` with 200 and the
/// right types.
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

/// A host that passed phase 1, with the release it served before.
struct Staged<'a> {
    target: &'a Target,
    previous: Option<String>,
}

/// Phase 1 on one host.
fn stage_host<'a>(target: &'a Target, bundle: &Path, release: &str, wasm: &str) -> Result<Staged<'a>, String> {
    let previous = target.current_release()?;
    target.stage(bundle, release, previous.as_deref())?;
    if let Err(problem) = check(&target.preview_url(release), wasm) {
        let _ = target.remove_release(release);
        return Err(format!("preview check failed: {problem}"));
    }
    Ok(Staged { target, previous })
}

/// Switches every staged host back to what it served (hosts with nothing before stay).
fn switch_back(switched: &[&Staged], release: &str, report: &mut Vec<String>) {
    for host in switched {
        let _ = host.target.mark_failed(release);
        let line = match &host.previous {
            Some(previous) => match host.target.switch(previous) {
                Ok(()) => format!("{}: switched back to {previous}", host.target.name()),
                Err(err) => format!("{}: SWITCH BACK TO {previous} FAILED: {err}", host.target.name()),
            },
            None => format!("{}: had no release before; {release} marked failed", host.target.name()),
        };
        report.push(line);
    }
}

/// Deploys `release` from `bundle` to every target in two phases; one report line per event.
pub fn deploy(options: &Options, bundle: &Path, release: &str) -> Result<Vec<String>, String> {
    let wasm = wasm_file(bundle)?;
    let mut report = Vec::new();
    let mut staged = Vec::new();
    let mut refused = Vec::new();
    for target in &options.targets {
        match stage_host(target, bundle, release, &wasm) {
            Ok(host) => {
                report.push(format!("{}: staged {release}, preview checked", target.name()));
                staged.push(host);
            }
            Err(err) => {
                report.push(format!("{}: FAILED in phase 1: {err}", target.name()));
                refused.push(target.name());
            }
        }
    }
    if !refused.is_empty() && !options.allow_partial {
        for host in &staged {
            let _ = host.target.remove_release(release);
        }
        report.push(format!("nothing switched: {} failed before the switch", refused.join(", ")));
        return Err(report.join("\n"));
    }
    let mut switched: Vec<&Staged> = Vec::new();
    let mut failed_after_switch = Vec::new();
    for host in &staged {
        let result = host.target.switch(release).and_then(|()| check(host.target.check_url(), &wasm));
        switched.push(host);
        if let Err(err) = result {
            report.push(format!("{}: FAILED after the switch: {err}", host.target.name()));
            failed_after_switch.push(host);
            if !options.allow_partial {
                switch_back(&switched, release, &mut report);
                return Err(report.join("\n"));
            }
        }
    }
    if !failed_after_switch.is_empty() {
        switch_back(&failed_after_switch, release, &mut report);
    }
    for host in staged.iter().filter(|h| !failed_after_switch.iter().any(|f| std::ptr::eq(*f, *h))) {
        host.target.record_good(release)?;
        for old in prune_choice(&host.target.releases(), Some(release), KEEP_RELEASES) {
            let _ = host.target.remove_release(&old);
        }
        report.push(format!("{}: now serving {release}", host.target.name()));
    }
    if refused.is_empty() && failed_after_switch.is_empty() {
        Ok(report)
    } else {
        report.push(format!("MIXED FLEET (--allow-partial): {release} is not served everywhere"));
        Err(report.join("\n"))
    }
}

/// Rolls one host back (see [`rollback_choice`]), previewing and checking the release.
pub fn rollback_host(target: &Target, named: Option<&str>, wasm_of: impl Fn(&str) -> String) -> Result<String, String> {
    let current = target.current_release()?;
    let on_host = target.releases();
    let failed: Vec<String> = on_host.iter().filter(|r| target.is_failed(r)).cloned().collect();
    let release = rollback_choice(named, current.as_deref(), &target.good_releases(), &on_host, &failed)?;
    let wasm = wasm_of(&release);
    check(&target.preview_url(&release), &wasm).map_err(|e| format!("{release} does not answer: {e}"))?;
    target.switch(&release)?;
    if let Err(problem) = check(target.check_url(), &wasm) {
        let back = current.map(|c| target.switch(&c).map(|()| format!("; back on {c}")).unwrap_or_default());
        return Err(format!("{problem}{}", back.unwrap_or_default()));
    }
    Ok(release)
}

/// Runs `options` (a dry run only describes), printing one line per host or event.
pub fn execute(options: &Options, bundle: &Path, release: &str) -> Result<Vec<String>, String> {
    let result = if options.dry_run {
        Ok(options
            .targets
            .iter()
            .map(|target| match &options.action {
                Action::Rollback(named) => format!(
                    "{}: would preview {}, switch `current` to it and check {}",
                    target.name(),
                    named.as_deref().unwrap_or("the newest good release before the current one"),
                    target.check_url()
                ),
                Action::Deploy => format!(
                    "{}: would stage {} as releases/{release}, check {}, then switch with the others and check {}",
                    target.name(),
                    bundle.display(),
                    target.preview_url(release),
                    target.check_url()
                ),
            })
            .collect())
    } else {
        match &options.action {
            Action::Deploy => deploy(options, bundle, release),
            Action::Rollback(named) => {
                let lines: Vec<(bool, String)> = options
                    .targets
                    .iter()
                    .map(|target| match rollback_host(target, named.as_deref(), |r| released_wasm(target, r)) {
                        Ok(to) => (true, format!("{}: rolled back to {to}", target.name())),
                        Err(err) => (false, format!("{}: FAILED: {err}", target.name())),
                    })
                    .collect();
                let report = lines.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>();
                if lines.iter().all(|(ok, _)| *ok) {
                    Ok(report)
                } else {
                    Err(report.join("\n"))
                }
            }
        }
    };
    for line in result.as_ref().map(|r| r.join("\n")).unwrap_or_else(|e| e.clone()).lines() {
        println!("{line}");
    }
    result
}

/// The wasm file a release on a host brought itself (not one it carried from the release before).
fn released_wasm(target: &Target, release: &str) -> String {
    target
        .release_files(release)
        .unwrap_or_default()
        .into_iter()
        .find(|name| name.ends_with(".wasm") && !target.is_carried(release, name))
        .unwrap_or_default()
}

/// `cargo xtask deploy ...`: builds once (not for a dry run or a rollback), then runs.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let bundle = crate::dist::dist_dir();
    if !options.dry_run && options.action == Action::Deploy {
        crate::dist::build()?;
    }
    execute(&options, &bundle, &release_name()).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn default_hosts_and_flags() {
        let options = parse_args(&[]).unwrap();
        assert_eq!((options.targets.len(), options.action.clone()), (3, Action::Deploy));
        let args = names(&["--hosts", "a,b", "--dry-run", "--allow-partial", "rollback", "20250101T000000Z-x"]);
        let options = parse_args(&args).unwrap();
        assert_eq!(options.targets.len(), 2);
        assert!(options.dry_run && options.allow_partial);
        assert_eq!(options.action, Action::Rollback(Some("20250101T000000Z-x".into())));
        assert_eq!(parse_args(&names(&["rollback", "--dry-run"])).unwrap().action, Action::Rollback(None));
        assert!(parse_args(&names(&["--force"])).is_err());
        assert!(parse_args(&names(&["rollback", "../etc"])).is_err());
        assert!(parse_args(&names(&["--hosts", "-oProxyCommand=sh"])).is_err());
    }

    #[test]
    fn stamps() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_766_498_400), "20251223T140000Z");
    }

    #[test]
    fn rollback_never_picks_a_failed_or_missing_release() {
        let on_host = names(&["1-a", "2-b", "3-failed", "4-c"]);
        let good = names(&["1-a", "2-b", "4-c"]);
        let failed = names(&["3-failed"]);
        assert_eq!(rollback_choice(None, Some("4-c"), &good, &on_host, &failed).unwrap(), "2-b");
        assert_eq!(rollback_choice(None, Some("3-failed"), &good, &on_host, &failed).unwrap(), "4-c");
        assert!(rollback_choice(Some("3-failed"), Some("4-c"), &good, &on_host, &failed).is_err());
        assert!(rollback_choice(Some("9-gone"), Some("4-c"), &good, &on_host, &failed).is_err());
        assert_eq!(rollback_choice(Some("1-a"), Some("4-c"), &good, &on_host, &failed).unwrap(), "1-a");
        assert!(rollback_choice(None, Some("1-a"), &names(&["1-a"]), &on_host, &failed).is_err());
    }

    #[test]
    fn pruning_keeps_the_newest_and_current() {
        let releases = names(&["3", "1", "2", "5", "4", "7", "6"]);
        assert_eq!(prune_choice(&releases, Some("7"), 5), names(&["1", "2"]));
        assert_eq!(prune_choice(&releases, Some("1"), 5), names(&["2"]), "current stays even when old");
        assert!(prune_choice(&names(&["1", "2"]), None, 5).is_empty());
    }
}
