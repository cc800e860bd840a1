//! One web host as the deploy sees it: a local directory (tests) or an ssh name, and the few
//! operations the deploy needs on it. Every name that reaches a remote shell is checked first
//! and quoted; `--` ends the options of every ssh and rsync call.
//!
//! Layout on a host (`base` is `/var/www/omr-web` on the real ones):
//!
//! ```text
//! base/releases/<release>/   one bundle; its config.json links to ../../shared/config.json
//! base/releases/<release>/.carried   hashed assets copied from the release before it
//! base/releases/<release>/.failed    marks a release that failed after its switch
//! base/shared/config.json    this host's configuration, kept across releases
//! base/current -> releases/<release>
//! base/good-releases         releases that passed their check and served, oldest first
//! ```

use crate::process::{output, run as run_command};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the releases live on the real hosts.
pub const REMOTE_BASE: &str = "/var/www/omr-web";

/// Where one host's releases go and how it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Ssh { host: String, base: String, check_url: String },
    Local { dir: PathBuf, check_url: String },
}

/// A host name ssh and rsync may be given: letters, digits, `.`, `_`, `-`, not starting with `-`.
pub fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// A release or file name the deploy writes or reads on a host: the same characters, not
/// starting with `-` or `.` (so never `..`, an option or a hidden file).
pub fn is_plain_name(name: &str) -> bool {
    is_host_name(name) && !name.starts_with('.')
}

/// Quotes `text` for a POSIX shell: `'…'` with every `'` written as `'\''`.
pub fn sh_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Whether `name` is a content-hashed asset (`name-<12–16 hex>[_bg].ext`, or its `.gz`/`.br`):
/// the files a page loaded before a switch may still ask for.
pub fn is_hashed_asset(name: &str) -> bool {
    let name = name.strip_suffix(".gz").or_else(|| name.strip_suffix(".br")).unwrap_or(name);
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    if !matches!(ext, "js" | "wasm" | "css" | "svg") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else { return false };
    (12..=16).contains(&hash.len()) && hash.chars().all(|c| c.is_ascii_hexdigit())
}

/// Reads one host spec: `name`, `name@http://check-url/`, or `dir:/path@http://check-url/`.
pub fn parse_target(spec: &str) -> Result<Target, String> {
    let (place, check_url) = match spec.split_once('@') {
        Some((place, url)) => (place, Some(url.trim_end_matches('/').to_string() + "/")),
        None => (spec, None),
    };
    if let Some(dir) = place.strip_prefix("dir:") {
        let check_url = check_url.ok_or_else(|| format!("{spec}: a local host needs @http://… to check it"))?;
        return Ok(Target::Local { dir: PathBuf::from(dir), check_url });
    }
    if !is_host_name(place) {
        return Err(format!("not a host name: {spec:?} (letters, digits, . _ - and not starting with -)"));
    }
    let check_url = check_url.unwrap_or_else(|| format!("http://{place}/"));
    Ok(Target::Ssh { host: place.to_string(), base: REMOTE_BASE.to_string(), check_url })
}

impl Target {
    /// The name reports use.
    pub fn name(&self) -> String {
        match self {
            Target::Ssh { host, .. } => host.clone(),
            Target::Local { dir, .. } => dir.display().to_string(),
        }
    }

    /// Where the host answers for the release `current` points at.
    pub fn check_url(&self) -> &str {
        match self {
            Target::Ssh { check_url, .. } | Target::Local { check_url, .. } => check_url,
        }
    }

    /// Where the host answers for `release` before it is switched to (`/__preview/<release>/`).
    pub fn preview_url(&self, release: &str) -> String {
        format!("{}__preview/{release}/", self.check_url())
    }

    /// Runs a shell script on an ssh host (the caller quotes every value in it).
    fn remote(&self, script: &str) -> Result<(), String> {
        match self {
            Target::Ssh { host, .. } => run_command(Command::new("ssh").arg("--").arg(host).arg(script)),
            Target::Local { .. } => Err("not an ssh host".into()),
        }
    }

    fn remote_output(&self, script: &str) -> Option<String> {
        match self {
            Target::Ssh { host, .. } => output(Command::new("ssh").arg("--").arg(host).arg(script)),
            Target::Local { .. } => None,
        }
    }

    fn base(&self) -> String {
        match self {
            Target::Ssh { base, .. } => base.clone(),
            Target::Local { dir, .. } => dir.display().to_string(),
        }
    }

    fn local(&self, path: &str) -> Option<PathBuf> {
        match self {
            Target::Local { dir, .. } => Some(dir.join(path)),
            Target::Ssh { .. } => None,
        }
    }

    /// The release `current` points at: `Ok(None)` when there is none yet, an error when the
    /// host cannot tell (then nothing may be switched on it: it could not be put back).
    pub fn current_release(&self) -> Result<Option<String>, String> {
        let link = match self.local("current") {
            Some(path) if !path.exists() && path.symlink_metadata().is_err() => return Ok(None),
            Some(path) => std::fs::read_link(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            None => {
                let base = sh_quote(&self.base());
                let script = format!("if [ -L {base}/current ]; then readlink -- {base}/current; else echo; fi");
                PathBuf::from(self.remote_output(&script).ok_or("cannot read `current` over ssh")?.trim())
            }
        };
        let name = link.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match name.as_str() {
            "" => Ok(None),
            name if is_plain_name(name) => Ok(Some(name.to_string())),
            other => Err(format!("`current` points at an unexpected name: {other:?}")),
        }
    }

    /// Lines of a host file (empty when missing); names only, anything else dropped.
    fn read_names(&self, path: &str) -> Vec<String> {
        let text = match self.local(path) {
            Some(path) => std::fs::read_to_string(path).unwrap_or_default(),
            None => self
                .remote_output(&format!("cat -- {} 2>/dev/null || true", sh_quote(&format!("{}/{path}", self.base()))))
                .unwrap_or_default(),
        };
        text.lines().map(str::trim).filter(|l| is_plain_name(l)).map(str::to_string).collect()
    }

    /// The releases on the host, by name.
    pub fn releases(&self) -> Vec<String> {
        match self.local("releases") {
            Some(dir) => std::fs::read_dir(dir)
                .map(|entries| entries.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect::<Vec<String>>())
                .unwrap_or_default(),
            None => {
                let listing = self
                    .remote_output(&format!("ls -1 -- {}/releases 2>/dev/null || true", sh_quote(&self.base())))
                    .unwrap_or_default();
                listing.lines().map(str::trim).map(str::to_string).collect()
            }
        }
        .into_iter()
        .filter(|name| is_plain_name(name))
        .collect()
    }

    /// Whether `release` is marked as failed.
    pub fn is_failed(&self, release: &str) -> bool {
        match self.local(&format!("releases/{release}/.failed")) {
            Some(marker) => marker.exists(),
            None => self
                .remote_output(&format!(
                    "[ -e {} ] && echo yes || true",
                    sh_quote(&format!("{}/releases/{release}/.failed", self.base()))
                ))
                .is_some_and(|answer| answer.trim() == "yes"),
        }
    }

    /// Releases that passed their check and served, oldest first.
    pub fn good_releases(&self) -> Vec<String> {
        self.read_names("good-releases")
    }

    /// Records `release` as good (last in the list).
    pub fn record_good(&self, release: &str) -> Result<(), String> {
        let mut good: Vec<String> = self.good_releases().into_iter().filter(|r| r != release).collect();
        good.push(release.to_string());
        let text = good.join("\n") + "\n";
        match self.local("good-releases") {
            Some(path) => std::fs::write(path, text).map_err(|e| e.to_string()),
            None => self.remote(&format!("printf %s {} > {}/good-releases", sh_quote(&text), sh_quote(&self.base()))),
        }
    }

    /// Marks `release` as failed so that no rollback ever picks it.
    pub fn mark_failed(&self, release: &str) -> Result<(), String> {
        match self.local(&format!("releases/{release}/.failed")) {
            Some(marker) => std::fs::write(marker, "failed after its switch\n").map_err(|e| e.to_string()),
            None => {
                self.remote(&format!("touch -- {}", sh_quote(&format!("{}/releases/{release}/.failed", self.base()))))
            }
        }
    }

    /// Removes a release directory.
    pub fn remove_release(&self, release: &str) -> Result<(), String> {
        match self.local(&format!("releases/{release}")) {
            Some(dir) => std::fs::remove_dir_all(dir).map_err(|e| e.to_string()),
            None => self.remote(&format!("rm -rf -- {}", sh_quote(&format!("{}/releases/{release}", self.base())))),
        }
    }

    /// Copies the bundle to `releases/<release>/`, carries over the hashed assets the release
    /// `previous` brought itself, and links `config.json` to the host's shared copy (made from
    /// the bundle's on the first deploy).
    pub fn stage(&self, bundle: &Path, release: &str, previous: Option<&str>) -> Result<(), String> {
        let carried = previous.map(|p| self.own_assets(p, bundle)).transpose()?.unwrap_or_default();
        match self {
            Target::Local { dir, .. } => {
                let destination = dir.join("releases").join(release);
                if destination.exists() {
                    return Err(format!("release {release} already exists on this host"));
                }
                copy_dir(bundle, &destination)?;
                if let Some(previous) = previous {
                    for name in &carried {
                        let from = dir.join("releases").join(previous).join(name);
                        std::fs::copy(from, destination.join(name)).map_err(|e| e.to_string())?;
                    }
                }
                std::fs::write(destination.join(".carried"), carried.join("\n")).map_err(|e| e.to_string())?;
                let shared = dir.join("shared");
                std::fs::create_dir_all(&shared).map_err(|e| e.to_string())?;
                if !shared.join("config.json").exists() {
                    std::fs::copy(destination.join("config.json"), shared.join("config.json"))
                        .map_err(|e| e.to_string())?;
                }
                for stale in ["config.json", "config.json.gz", "config.json.br"] {
                    let _ = std::fs::remove_file(destination.join(stale));
                }
                std::os::unix::fs::symlink("../../shared/config.json", destination.join("config.json"))
                    .map_err(|e| e.to_string())
            }
            Target::Ssh { host, base, .. } => {
                let release_dir = format!("{base}/releases/{release}");
                self.remote(&format!("mkdir -p -- {}", sh_quote(&release_dir)))?;
                run_command(
                    Command::new("rsync")
                        .arg("-a")
                        .arg("--")
                        .arg(format!("{}/", bundle.display()))
                        .arg(format!("{host}:{release_dir}/")),
                )?;
                let mut script = Vec::new();
                if let Some(previous) = previous {
                    for name in &carried {
                        script.push(format!(
                            "cp -- {} {}",
                            sh_quote(&format!("{base}/releases/{previous}/{name}")),
                            sh_quote(&format!("{release_dir}/{name}"))
                        ));
                    }
                }
                let (shared, q_release) = (sh_quote(&format!("{base}/shared")), sh_quote(&release_dir));
                script.push(format!("printf %s {} > {q_release}/.carried", sh_quote(&carried.join("\n"))));
                script.push(format!("mkdir -p -- {shared}"));
                script
                    .push(format!("[ -e {shared}/config.json ] || cp -- {q_release}/config.json {shared}/config.json"));
                script.push(format!(
                    "rm -f -- {q_release}/config.json {q_release}/config.json.gz {q_release}/config.json.br"
                ));
                script.push(format!("ln -s -- ../../shared/config.json {q_release}/config.json"));
                self.remote(&script.join(" && "))
            }
        }
    }

    /// The plain file names in `releases/<release>/`.
    pub fn release_files(&self, release: &str) -> Result<Vec<String>, String> {
        let files: Vec<String> = match self.local(&format!("releases/{release}")) {
            Some(dir) => std::fs::read_dir(dir)
                .map_err(|e| e.to_string())?
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect(),
            None => self
                .remote_output(&format!("ls -1 -- {}", sh_quote(&format!("{}/releases/{release}", self.base()))))
                .ok_or_else(|| format!("cannot list release {release}"))?
                .lines()
                .map(str::to_string)
                .collect(),
        };
        Ok(files.into_iter().filter(|name| is_plain_name(name)).collect())
    }

    /// Whether `name` in `release` was carried over from the release before it.
    pub fn is_carried(&self, release: &str, name: &str) -> bool {
        self.read_names(&format!("releases/{release}/.carried")).iter().any(|c| c == name)
    }

    /// The hashed assets `release` brought itself (not those it carried), absent from `bundle`.
    fn own_assets(&self, release: &str, bundle: &Path) -> Result<Vec<String>, String> {
        let carried = self.read_names(&format!("releases/{release}/.carried"));
        Ok(self
            .release_files(release)?
            .into_iter()
            .filter(|name| is_hashed_asset(name) && !carried.contains(name) && !bundle.join(name).exists())
            .collect())
    }

    /// Points `current` at `release` with a rename, so no request ever sees a missing link.
    pub fn switch(&self, release: &str) -> Result<(), String> {
        match self {
            Target::Local { dir, .. } => {
                let temporary = dir.join(format!(".current-{}", std::process::id()));
                // A leftover from an interrupted run would make the symlink call fail.
                let _ = std::fs::remove_file(&temporary);
                std::os::unix::fs::symlink(Path::new("releases").join(release), &temporary)
                    .map_err(|e| e.to_string())?;
                std::fs::rename(&temporary, dir.join("current")).map_err(|e| e.to_string())
            }
            Target::Ssh { base, .. } => {
                let (link, temporary) =
                    (sh_quote(&format!("{base}/current")), sh_quote(&format!("{base}/.current-tmp")));
                self.remote(&format!(
                    "ln -sfn -- {} {temporary} && mv -T -- {temporary} {link}",
                    sh_quote(&format!("releases/{release}"))
                ))
            }
        }
    }
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
        for bad in ["bad host", "-oProxyCommand=x", "a;rm", "a/b", "", "$(id)"] {
            assert!(parse_target(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_and_quoting() {
        assert!(is_plain_name("20251223T140000Z-ab12cd3"));
        for bad in ["..", ".failed", "-rf", "a b", "a/b", "a'b", ""] {
            assert!(!is_plain_name(bad), "{bad:?}");
        }
        assert_eq!(sh_quote("plain"), "'plain'");
        assert_eq!(sh_quote("it's; rm -rf /"), r"'it'\''s; rm -rf /'");
    }

    #[test]
    fn hashed_assets_are_recognised() {
        for name in [
            "omr-web-1bcffc749b7e22ed_bg.wasm",
            "omr-web-1bcffc749b7e22ed.js",
            "style-cbe30e9c80919899.css.br",
            "init-a6196623e5cccf04.js.gz",
            "favicon-d09173f61e66e703.svg",
        ] {
            assert!(is_hashed_asset(name), "{name}");
        }
        for name in ["index.html", "config.json", "config.json.gz", "omr-web.js", "style-xyz.css", "a-1234.js"] {
            assert!(!is_hashed_asset(name), "{name}");
        }
    }
}
