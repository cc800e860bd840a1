//! `cargo xtask deploy`: build the bundle once and roll it out to every web host in two phases,
//! so the fleet is never mixed:
//!
//! 1. *Lock and stage* on every host: take the host's deploy lock (a second deploy is refused
//!    at once and told who holds it), read its state, copy the release to `releases/<name>/`
//!    (with the hashed assets of the release before it, so a page loaded just before the switch
//!    still gets its wasm), link the host's own `shared/config.json`, and check it under
//!    `/__preview/<name>/`. A host that fails aborts the deploy: the staged copies are removed
//!    and nothing is switched.
//! 2. *Switch* every host, then check each. If one fails, every host is switched back and the
//!    release is marked failed. Only then is it recorded on each host: `good-releases` and
//!    `history`, both written atomically.
//!
//! `rollback [RELEASE]` runs in the same two phases. Without a name each host goes back in its
//! own `history` ([`rollback_choice`]): to the release it served before the current one, then
//! the one before that, never to one it rolled back from, never to one marked failed; the hosts
//! must agree. `status` prints what each host serves, its history and good releases, and
//! whether the fleet is mixed. Every ssh failure is an error that stops the step.

use crate::deploy_host::{is_plain_name, HostLock, HostState, Switch, Target};
use crate::http_get;
use crate::process::output;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use crate::deploy_host::parse_target;

/// The web hosts when `--hosts` is not given.
pub const DEFAULT_HOSTS: [&str; 3] = ["gt-omr-web-1", "gt-omr-web-2", "gt-omr-web-3"];
/// Releases kept on each host after a deploy.
pub const KEEP_RELEASES: usize = 5;
/// Switches of a host's history that `status` prints.
const HISTORY_SHOWN: usize = 10;

/// What to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Build, stage, switch.
    Deploy,
    /// To the named release, or one step back in each host's history.
    Rollback(Option<String>),
    /// Print what each host serves, its history and its good releases.
    Status,
}

/// Command-line options.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// The hosts, each with its ssh configuration.
    pub targets: Vec<Target>,
    /// Only describe what would happen.
    pub dry_run: bool,
    /// What to do.
    pub action: Action,
    /// Go on with the hosts that passed when some fail (the fleet is then mixed, and says so).
    pub allow_partial: bool,
}

const USAGE: &str = "usage: cargo xtask deploy [--hosts LIST] [--ssh-config FILE] [--dry-run] [--allow-partial] \
                     [rollback [RELEASE] | status]";

/// Parses `[--hosts a,b] [--ssh-config FILE] [--dry-run] [--allow-partial] [rollback [RELEASE] | status]`.
pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|h| h.to_string()).collect();
    let (mut dry_run, mut allow_partial, mut action, mut ssh_config) = (false, false, Action::Deploy, None);
    let mut args = args.iter().peekable();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--hosts" => {
                hosts =
                    args.next().ok_or("--hosts needs a comma-separated list")?.split(',').map(str::to_string).collect()
            }
            "--ssh-config" => ssh_config = Some(PathBuf::from(args.next().ok_or("--ssh-config needs a file")?)),
            "--dry-run" => dry_run = true,
            "--allow-partial" => allow_partial = true,
            "status" => action = Action::Status,
            "rollback" => {
                let named = args.next_if(|next| !next.starts_with("--")).cloned();
                if let Some(name) = named.as_deref().filter(|n| !is_plain_name(n)) {
                    return Err(format!("not a release name: {name:?}"));
                }
                action = Action::Rollback(named);
            }
            other => return Err(format!("unknown argument {other}; {USAGE}")),
        }
    }
    let mut targets = hosts.iter().filter(|h| !h.is_empty()).map(|h| parse_target(h)).collect::<Result<Vec<_>, _>>()?;
    for target in &mut targets {
        target.ssh_config.clone_from(&ssh_config);
    }
    Ok(Options { targets, dry_run, action, allow_partial })
}

/// Seconds since the epoch.
fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
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
    let commit = output(Command::new("git").args(["rev-parse", "--short", "HEAD"]).current_dir(crate::root()))
        .unwrap_or_default();
    match commit.trim() {
        "" => utc_stamp(now()),
        commit => format!("{}-{commit}", utc_stamp(now())),
    }
}

/// Who takes the hosts' locks, as a second deploy is told: user, machine, process, what, since when.
fn lock_holder(what: &str) -> String {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "someone".into());
    let machine = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{user}@{} (pid {}, {what}, since {})", machine.trim(), std::process::id(), utc_stamp(now()))
}

/// The releases a host served, oldest first, as its history tells (pure): a deploy puts its
/// release on top; a rollback to a release in the list drops everything above it (the releases
/// rolled back from), to another one puts it on top. A host without history (deployed before
/// it was kept) counts its good releases up to the current one.
pub fn served(history: &[Switch], good: &[String], current: Option<&str>) -> Vec<String> {
    if history.is_empty() {
        let upto = good.iter().position(|r| Some(r.as_str()) == current).map_or(good.len(), |at| at + 1);
        return good[..upto].to_vec();
    }
    let mut stack: Vec<String> = Vec::new();
    for switch in history {
        let below = stack.iter().rposition(|r| *r == switch.release);
        match below {
            Some(at) if switch.kind == "rollback" => stack.truncate(at + 1),
            _ => {
                stack.retain(|r| *r != switch.release);
                stack.push(switch.release.clone());
            }
        }
    }
    stack
}

/// The release to roll back to (pure): the named one if it is on the host and did not fail;
/// else the newest release the host served before the current one ([`served`]) that is still
/// there and did not fail.
pub fn rollback_choice(named: Option<&str>, state: &HostState) -> Result<String, String> {
    match named {
        Some(name) if state.usable(name) => Ok(name.to_string()),
        Some(name) => Err(format!("release {name} is not on this host or failed")),
        None => {
            let current = state.current.as_deref();
            served(&state.history, &state.good, current)
                .into_iter()
                .rev()
                .find(|r| Some(r.as_str()) != current && state.usable(r))
                .ok_or_else(|| {
                    format!(
                        "no release before {} in this host's history (releases rolled back from are never gone back to)",
                        current.unwrap_or("nothing")
                    )
                })
        }
    }
}

/// Releases to delete (pure): all but the newest `keep` by name, never `current`.
pub fn prune_choice(releases: &[String], current: Option<&str>, keep: usize) -> Vec<String> {
    let mut sorted = releases.to_vec();
    sorted.sort();
    let old = sorted.len().saturating_sub(keep);
    sorted.into_iter().take(old).filter(|r| Some(r.as_str()) != current).collect()
}

/// Refuses a configuration whose API lanes (`api_base`, `realtime_base`) are on another origin:
/// the site's Content-Security-Policy allows `connect-src 'self'` only, so every call would be
/// blocked. Paths on the site (the hosts proxy `/api`) are what the kit supports.
pub fn check_same_origin(config: &[u8]) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_slice(config).map_err(|e| format!("config.json is not JSON: {e}"))?;
    for key in ["api_base", "realtime_base"] {
        if let Some(base) = value.get(key).and_then(|v| v.as_str()) {
            if !base.starts_with('/') || base.starts_with("//") {
                return Err(format!(
                    "config.json sets {key} to {base:?}, another origin: the site's Content-Security-Policy \
                     (connect-src 'self') would block every call to it. Use a path on this site such as /api \
                     (the web hosts proxy it), or add that origin to connect-src in security-headers.conf first"
                ));
            }
        }
    }
    Ok(())
}

/// The host answers the shell, the configuration and the wasm at `base_url` with 200 and the
/// right types, and the configuration keeps the API on this origin ([`check_same_origin`]).
pub fn check(base_url: &str, wasm_file: &str) -> Result<(), String> {
    for (path, wanted) in [("", "text/html"), ("config.json", "application/json"), (wasm_file, "application/wasm")] {
        let url = format!("{base_url}{path}");
        let answer = http_get::get(&url, &[])?;
        let content_type = answer.header("content-type").unwrap_or_default();
        if answer.status != 200 || !content_type.starts_with(wanted) {
            return Err(format!("{url}: {} {content_type} (wanted 200 {wanted})", answer.status));
        }
        if path == "config.json" {
            check_same_origin(&answer.body)?;
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

/// The lines of a run: each is handed to `say` as it happens (an operator sees a slow host
/// while it is slow) and kept for the result.
struct Report<'a> {
    lines: Vec<String>,
    say: &'a mut dyn FnMut(&str),
}

impl Report<'_> {
    fn line(&mut self, text: String) {
        (self.say)(&text);
        self.lines.push(text);
    }

    fn result(self, ok: bool) -> Result<Vec<String>, String> {
        if ok {
            Ok(self.lines)
        } else {
            Err(self.lines.join("\n"))
        }
    }
}

/// `work` on every item at once (one thread each: the hosts answer in parallel), results in order.
fn each<T: Send, R: Send>(items: Vec<T>, work: impl Fn(T) -> R + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let running: Vec<_> = items.into_iter().map(|item| scope.spawn(move || work(item))).collect();
        running.into_iter().map(|r| r.join().expect("a host's worker panicked")).collect()
    })
}

/// A host whose deploy lock we hold, and its state read under it.
struct Locked<'a> {
    target: &'a Target,
    lock: HostLock,
    state: HostState,
}

/// Takes every host's lock, one host after the other in the given order, so two deploys started
/// together cannot each win some of the hosts: the later one is refused at the first host.
/// Stops at the first refusal unless `allow_partial` (then that host is left out).
fn lock_all<'a>(
    targets: &'a [Target],
    holder: &str,
    allow_partial: bool,
    report: &mut Report,
) -> (Vec<Locked<'a>>, Vec<String>) {
    let (mut locked, mut refused) = (Vec::new(), Vec::new());
    for target in targets {
        match target.lock(holder) {
            Ok((lock, state)) => locked.push(Locked { target, lock, state }),
            Err(err) => {
                report.line(format!("{}: FAILED in phase 1: {err}", target.name()));
                refused.push(target.name().to_string());
                if !allow_partial {
                    break;
                }
            }
        }
    }
    (locked, refused)
}

/// A host that passed phase 1: locked, read, its release previewed.
struct Prepared<'a> {
    target: &'a Target,
    lock: HostLock,
    state: HostState,
    /// The release it is about to serve.
    release: String,
    /// That release's wasm file.
    wasm: String,
}

/// Phase 1 of a deploy on one locked host: stage, then preview.
fn prepare_deploy<'a>(host: Locked<'a>, bundle: &Path, release: &str, wasm: &str) -> Result<Prepared<'a>, String> {
    let Locked { target, lock, state } = host;
    target.stage(bundle, release, &state)?;
    if let Err(problem) = check(&target.preview_url(release), wasm) {
        let _ = target.remove_releases(&[release.to_string()]);
        return Err(format!("preview check failed: {problem}"));
    }
    Ok(Prepared { target, lock, state, release: release.to_string(), wasm: wasm.to_string() })
}

/// Phase 1 of a rollback on one locked host: the release it goes to, previewed.
fn prepare_rollback<'a>(host: Locked<'a>, named: Option<&str>) -> Result<Prepared<'a>, String> {
    let Locked { target, lock, state } = host;
    let release = rollback_choice(named, &state)?;
    let wasm = state
        .own_files(&release)
        .into_iter()
        .find(|name| name.ends_with(".wasm"))
        .ok_or_else(|| format!("{release} has no wasm of its own"))?;
    check(&target.preview_url(&release), &wasm).map_err(|e| format!("{release} does not answer: {e}"))?;
    Ok(Prepared { target, lock, state, release, wasm })
}

/// Sorts phase 1's results (host name, outcome) into the hosts that passed and the names of
/// those that did not, a line each; a host whose lock connection has died since is refused too
/// (it could neither be switched nor put back).
fn sort_phase1<'a>(
    results: Vec<(&str, Result<Prepared<'a>, String>)>,
    done: &str,
    report: &mut Report,
) -> (Vec<Prepared<'a>>, Vec<String>) {
    let (mut passed, mut refused) = (Vec::new(), Vec::new());
    for (name, result) in results {
        match result {
            Ok(mut host) => {
                if host.lock.held() {
                    report.line(format!("{name}: locked, {} {done}", host.release));
                    passed.push(host);
                } else {
                    report.line(format!("{name}: FAILED in phase 1: its connection was lost"));
                    refused.push(name.to_string());
                }
            }
            Err(err) => {
                report.line(format!("{name}: FAILED in phase 1: {err}"));
                refused.push(name.to_string());
            }
        }
    }
    (passed, refused)
}

/// Whether an ssh error says the connection was never made (so the command did not run):
/// ssh's own words when it cannot resolve or connect.
fn never_connected(error: &str) -> bool {
    ["ssh: connect to host ", "ssh: Could not resolve hostname "].iter().any(|words| error.contains(words))
}

/// Puts one host back on what it served (marking `release` failed there for a deploy); true
/// when it is known to serve that again.
fn put_back(host: &Prepared, release: &str, mark_failed: bool, switch_error: Option<&str>) -> (bool, String) {
    let name = host.target.name();
    if let (Some(previous), Some(true)) = (host.state.current.as_deref(), switch_error.map(never_connected)) {
        return (true, format!("{name}: the switch never reached it, still on {previous}"));
    }
    let marked = match mark_failed.then(|| host.target.mark_failed(release)) {
        Some(Err(err)) => format!(" (could not mark {release} failed: {err})"),
        _ => String::new(),
    };
    match host.state.current.as_deref() {
        Some(previous) => match host.target.switch(previous) {
            Ok(()) => (true, format!("{name}: switched back to {previous}{marked}")),
            Err(err) => (false, format!("{name}: SWITCH BACK TO {previous} FAILED: {err}{marked}")),
        },
        None => (false, format!("{name}: had no release before; {release} stays{marked}")),
    }
}

/// Phase 2: switches every host to `release` at once, then checks each at `/`. When one fails,
/// every host (with `allow_partial`, only the failed ones) is put back on what it served. Says
/// what the fleet serves at the end and returns which hosts serve `release`.
fn switch_all(
    hosts: &[Prepared],
    release: &str,
    allow_partial: bool,
    mark_failed: bool,
    report: &mut Report,
) -> Vec<bool> {
    let results =
        each(hosts.iter().collect(), |h| h.target.switch(release).and_then(|()| check(&h.target.check_url, &h.wasm)));
    for (host, result) in hosts.iter().zip(&results) {
        match result {
            Ok(()) => report.line(format!("{}: switched to {release}, checked", host.target.name())),
            Err(err) => report.line(format!("{}: FAILED after the switch: {err}", host.target.name())),
        }
    }
    let any_failed = results.iter().any(Result::is_err);
    // A host whose switch failed may have switched all the same (the answer is what was lost):
    // it is put back too.
    let going_back: Vec<(&Prepared, Option<&str>)> = hosts
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.is_err() || (any_failed && !allow_partial))
        .map(|(h, r)| (h, r.as_ref().err().map(String::as_str)))
        .collect();
    let back = each(going_back.clone(), |(h, error)| put_back(h, release, mark_failed, error));
    let mut serves: Vec<(String, Option<String>)> = Vec::new();
    for (host, result) in hosts.iter().zip(&results) {
        let now = match going_back.iter().position(|(h, _)| std::ptr::eq(*h, host)) {
            None if result.is_ok() => Some(release.to_string()),
            None => None,
            Some(at) => {
                report.line(back[at].1.clone());
                back[at].0.then(|| host.state.current.clone()).flatten()
            }
        };
        serves.push((host.target.name().to_string(), now));
    }
    let first = serves.first().map(|(_, s)| s.clone());
    if serves.iter().any(|(_, s)| s.is_none() || Some(s.clone()) != first) {
        let each_host: Vec<String> =
            serves.iter().map(|(n, s)| format!("{n} {}", s.as_deref().unwrap_or("UNKNOWN"))).collect();
        report.line(format!("MIXED FLEET: {}; see `cargo xtask deploy status`", each_host.join(", ")));
    }
    serves.iter().map(|(_, s)| s.as_deref() == Some(release)).collect()
}

/// Deploys `release` from `bundle` to every target in two phases; every line goes to `say`.
pub fn deploy(
    options: &Options,
    bundle: &Path,
    release: &str,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<String>, String> {
    let mut report = Report { lines: Vec::new(), say };
    let wasm = wasm_file(bundle)?;
    let holder = lock_holder(&format!("deploy {release}"));
    let (locked, mut refused) = lock_all(&options.targets, &holder, options.allow_partial, &mut report);
    let results = each(locked, |host| (host.target.name(), prepare_deploy(host, bundle, release, &wasm)));
    let (staged, failed) = sort_phase1(results, "staged, preview checked", &mut report);
    refused.extend(failed);
    if !refused.is_empty() && !options.allow_partial {
        let removed = each(staged.iter().collect(), |h| h.target.remove_releases(&[release.to_string()]));
        for (host, result) in staged.iter().zip(removed) {
            if let Err(err) = result {
                report.line(format!("{}: could not remove the staged {release}: {err}", host.target.name()));
            }
        }
        report.line(format!("nothing switched: {} failed before the switch", refused.join(", ")));
        return report.result(false);
    }
    let serving = switch_all(&staged, release, options.allow_partial, true, &mut report);
    let mut recorded = true;
    for host in staged.iter().zip(&serving).filter(|(_, serves)| **serves).map(|(h, _)| h) {
        let state = &host.state;
        let mut good: Vec<String> = state.good.iter().filter(|r| *r != release).cloned().collect();
        good.push(release.to_string());
        let mut history = state.history.clone();
        history.push(Switch { at: utc_stamp(now()), kind: "deploy".into(), release: release.into() });
        let mut releases = state.releases.clone();
        releases.push(release.to_string());
        let prune = prune_choice(&releases, Some(release), KEEP_RELEASES);
        match host.target.record(&good, &history, &prune) {
            Ok(()) => report.line(format!("{}: now serving {release}", host.target.name())),
            Err(err) => {
                recorded = false;
                report.line(format!(
                    "{}: serving {release}, but RECORDING IT FAILED (good-releases and history are as before): {err}",
                    host.target.name()
                ));
            }
        }
    }
    let everywhere = refused.is_empty() && serving.iter().all(|s| *s);
    if !everywhere && options.allow_partial {
        report.line(format!("MIXED FLEET (--allow-partial): {release} is not served everywhere"));
    }
    report.result(everywhere && recorded)
}

/// Rolls every host back in two phases (see [`rollback_choice`]); every line goes to `say`.
pub fn rollback(options: &Options, named: Option<&str>, say: &mut dyn FnMut(&str)) -> Result<Vec<String>, String> {
    let mut report = Report { lines: Vec::new(), say };
    let holder = lock_holder(&format!("rollback {}", named.unwrap_or("one step")));
    let (locked, mut refused) = lock_all(&options.targets, &holder, options.allow_partial, &mut report);
    let results = each(locked, |host| (host.target.name(), prepare_rollback(host, named)));
    let (hosts, failed) = sort_phase1(results, "previewed", &mut report);
    refused.extend(failed);
    let mut choices: Vec<String> = hosts.iter().map(|host| host.release.clone()).collect();
    choices.sort();
    choices.dedup();
    if !refused.is_empty() && !options.allow_partial {
        report.line(format!("nothing switched: {} failed before the switch", refused.join(", ")));
        return report.result(false);
    }
    let release = match choices.as_slice() {
        [one] => one.clone(),
        [] => {
            report.line("nothing switched: no host can roll back".into());
            return report.result(false);
        }
        _ => {
            report.line(format!(
                "nothing switched: the hosts would go back to different releases ({}); name one: \
                 cargo xtask deploy rollback RELEASE",
                choices.join(", ")
            ));
            return report.result(false);
        }
    };
    let serving = switch_all(&hosts, &release, options.allow_partial, false, &mut report);
    let mut recorded = true;
    for host in hosts.iter().zip(&serving).filter(|(_, serves)| **serves).map(|(h, _)| h) {
        let mut history = host.state.history.clone();
        history.push(Switch { at: utc_stamp(now()), kind: "rollback".into(), release: release.clone() });
        match host.target.record(&host.state.good, &history, &[]) {
            Ok(()) => report.line(format!("{}: rolled back to {release}", host.target.name())),
            Err(err) => {
                recorded = false;
                report.line(format!("{}: serving {release}, but RECORDING IT FAILED: {err}", host.target.name()));
            }
        }
    }
    report.result(refused.is_empty() && serving.iter().all(|s| *s) && recorded)
}

/// What each host serves, its recent history and good releases, and whether the fleet is
/// mixed; fails when it is or when a host cannot be read.
pub fn status(targets: &[Target], say: &mut dyn FnMut(&str)) -> Result<Vec<String>, String> {
    let mut report = Report { lines: Vec::new(), say };
    let states = each(targets.iter().collect(), Target::survey);
    let mut serves = Vec::new();
    for (target, state) in targets.iter().zip(&states) {
        let name = target.name();
        match state {
            Ok(state) => {
                let current = state.current.clone().unwrap_or_else(|| "nothing".into());
                report.line(format!("{name}: serves {current}"));
                let shown = state.history.len().saturating_sub(HISTORY_SHOWN);
                let history: Vec<String> = state.history[shown..].iter().map(Switch::line).collect();
                report.line(format!(
                    "  history (oldest first): {}",
                    if history.is_empty() { "none".into() } else { history.join("; ") }
                ));
                report.line(format!("  good releases (oldest first): {}", state.good.join(" ")));
                if !state.failed.is_empty() {
                    report.line(format!("  marked failed: {}", state.failed.join(" ")));
                }
                serves.push(format!("{name} {current}"));
            }
            Err(err) => {
                report.line(format!("{name}: CANNOT BE READ: {err}"));
                serves.push(format!("{name} UNKNOWN"));
            }
        }
    }
    let currents: Vec<Option<&String>> =
        states.iter().map(|s| s.as_ref().ok().and_then(|s| s.current.as_ref())).collect();
    let one = currents.first().copied().flatten();
    let uniform = one.is_some() && currents.iter().all(|c| *c == one);
    if uniform {
        report.line(format!("fleet: every host serves {}", one.map_or("", |s| s.as_str())));
    } else {
        report.line(format!("MIXED FLEET: {}", serves.join(", ")));
    }
    report.result(uniform)
}

/// What a dry run would do, one line per host.
fn describe(options: &Options, bundle: &Path, release: &str) -> Vec<String> {
    options
        .targets
        .iter()
        .map(|target| match &options.action {
            Action::Rollback(named) => format!(
                "{}: would lock, preview {}, then switch `current` with the others and check {}",
                target.name(),
                named.as_deref().unwrap_or("the release it served before the current one"),
                target.check_url
            ),
            Action::Deploy => format!(
                "{}: would lock, stage {} as {}:{}/releases/{release}, check {}, then switch with the others and check {}",
                target.name(),
                bundle.display(),
                target.host,
                target.base,
                target.preview_url(release),
                target.check_url
            ),
            Action::Status => format!("{}: would read {}:{}", target.name(), target.host, target.base),
        })
        .collect()
}

/// Runs `options` (a dry run only describes); every line goes to `say` as it happens.
pub fn execute(
    options: &Options,
    bundle: &Path,
    release: &str,
    say: &mut dyn FnMut(&str),
) -> Result<Vec<String>, String> {
    if options.dry_run {
        let lines = describe(options, bundle, release);
        lines.iter().for_each(|line| say(line));
        return Ok(lines);
    }
    match &options.action {
        Action::Deploy => deploy(options, bundle, release, say),
        Action::Rollback(named) => rollback(options, named.as_deref(), say),
        Action::Status => status(&options.targets, say),
    }
}

/// `cargo xtask deploy ...`: builds once (only for a real deploy), then runs.
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_args(args)?;
    let bundle = crate::dist::dist_dir();
    if !options.dry_run && options.action == Action::Deploy {
        crate::dist::build()?;
    }
    execute(&options, &bundle, &release_name(), &mut |line| println!("{line}"))
        .map(drop)
        .map_err(|_| "the deploy stopped; its report is above".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn switches(list: &[(&str, &str)]) -> Vec<Switch> {
        list.iter()
            .enumerate()
            .map(|(i, (kind, release))| Switch {
                at: format!("2025010{i}T000000Z"),
                kind: kind.to_string(),
                release: release.to_string(),
            })
            .collect()
    }

    #[test]
    fn default_hosts_and_flags() {
        let options = parse_args(&[]).unwrap();
        assert_eq!((options.targets.len(), options.action.clone()), (3, Action::Deploy));
        let args = names(&[
            "--hosts",
            "a,b:/srv/omr",
            "--ssh-config",
            "/tmp/ssh_config",
            "--dry-run",
            "--allow-partial",
            "rollback",
            "20250101T000000Z-x",
        ]);
        let options = parse_args(&args).unwrap();
        assert_eq!(options.targets.len(), 2);
        assert_eq!(options.targets[1].base, "/srv/omr");
        assert!(options.targets.iter().all(|t| t.ssh_config.as_deref() == Some(Path::new("/tmp/ssh_config"))));
        assert!(options.dry_run && options.allow_partial);
        assert_eq!(options.action, Action::Rollback(Some("20250101T000000Z-x".into())));
        assert_eq!(parse_args(&names(&["rollback", "--dry-run"])).unwrap().action, Action::Rollback(None));
        assert_eq!(parse_args(&names(&["status"])).unwrap().action, Action::Status);
        assert!(parse_args(&names(&["--force"])).is_err());
        assert!(parse_args(&names(&["rollback", "../etc"])).is_err());
        assert!(parse_args(&names(&["--hosts", "-oProxyCommand=sh"])).is_err());
    }

    #[test]
    fn stamps() {
        assert_eq!(utc_stamp(0), "19700101T000000Z");
        assert_eq!(utc_stamp(1_766_498_400), "20251223T140000Z");
    }

    fn host(current: &str, history: &[(&str, &str)], failed: &[&str]) -> HostState {
        HostState {
            current: Some(current.into()),
            releases: names(&["r1", "r2", "r3", "r4"]),
            failed: names(failed),
            good: names(&["r1", "r2", "r3"]),
            history: switches(history),
            ..HostState::default()
        }
    }

    #[test]
    fn rollback_goes_back_and_never_forward() {
        let deployed = [("deploy", "r1"), ("deploy", "r2"), ("deploy", "r3")];
        assert_eq!(rollback_choice(None, &host("r3", &deployed, &[])).unwrap(), "r2");
        let once = [deployed.as_slice(), &[("rollback", "r2")]].concat();
        assert_eq!(rollback_choice(None, &host("r2", &once, &[])).unwrap(), "r1", "then the one before that");
        let twice = [once.as_slice(), &[("rollback", "r1")]].concat();
        assert!(rollback_choice(None, &host("r1", &twice, &[])).is_err(), "never forward to r2 or r3");
        // A deploy after a rollback: back goes to where the rollback had landed.
        let redeployed = [once.as_slice(), &[("deploy", "r4")]].concat();
        assert_eq!(rollback_choice(None, &host("r4", &redeployed, &[])).unwrap(), "r2");
        assert_eq!(served(&switches(&redeployed), &[], None), names(&["r1", "r2", "r4"]));
    }

    #[test]
    fn rollback_never_picks_a_failed_or_missing_release() {
        let deployed = [("deploy", "r1"), ("deploy", "gone"), ("deploy", "r2"), ("deploy", "r3")];
        assert_eq!(rollback_choice(None, &host("r3", &deployed, &["r2"])).unwrap(), "r1");
        assert!(rollback_choice(Some("r2"), &host("r3", &deployed, &["r2"])).is_err());
        assert!(rollback_choice(Some("gone"), &host("r3", &deployed, &[])).is_err());
        assert_eq!(rollback_choice(Some("r1"), &host("r3", &deployed, &[])).unwrap(), "r1");
        // The current release failed after its switch and was never recorded: back to the last served.
        assert_eq!(rollback_choice(None, &host("r4", &deployed, &["r4"])).unwrap(), "r3");
    }

    #[test]
    fn hosts_without_history_go_back_through_their_good_releases() {
        assert_eq!(rollback_choice(None, &host("r2", &[], &[])).unwrap(), "r1", "never forward to r3");
        assert!(rollback_choice(None, &host("r1", &[], &[])).is_err());
    }

    #[test]
    fn pruning_keeps_the_newest_and_current() {
        let releases = names(&["3", "1", "2", "5", "4", "7", "6"]);
        assert_eq!(prune_choice(&releases, Some("7"), 5), names(&["1", "2"]));
        assert_eq!(prune_choice(&releases, Some("1"), 5), names(&["2"]), "current stays even when old");
        assert!(prune_choice(&names(&["1", "2"]), None, 5).is_empty());
    }

    #[test]
    fn the_api_must_stay_on_this_origin() {
        assert!(check_same_origin(br#"{"api_base": "/api", "realtime_base": "/api/realtime"}"#).is_ok());
        assert!(check_same_origin(b"{}").is_ok(), "defaults are paths");
        for bad in [r#"{"api_base": "https://api.example.com"}"#, r#"{"realtime_base": "//api.example.com/rt"}"#] {
            let error = check_same_origin(bad.as_bytes()).unwrap_err();
            assert!(error.contains("another origin") && error.contains("connect-src"), "{error}");
        }
        assert!(check_same_origin(b"not json").is_err());
    }
}
