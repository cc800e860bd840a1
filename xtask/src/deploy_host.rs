//! One web host as the deploy sees it: an ssh name, the directory its releases live in, and
//! the few operations the deploy needs on it. Every operation is one ssh call whose failure is
//! an error, never an empty answer: a host that cannot be read is not switched. Every name
//! that reaches a remote shell is checked first and quoted; `--` ends the options of every ssh
//! call.
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
//! base/history               every completed switch: `<UTC time> deploy|rollback <release>`
//! base/.deploy.lock          held (flock) by the deploy or rollback running on this host
//! base/.deploy.lock.holder   who took that lock last
//! ```

use crate::process::describe;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Where the releases live on the real hosts.
pub const REMOTE_BASE: &str = "/var/www/omr-web";

/// Options of every ssh call: never ask for a password or a host key (BatchMode), give up on
/// a host that does not answer within 10 s, and notice within 15 s a connection that died
/// (three unanswered probes 5 s apart). Without them an unreachable host hangs the deploy.
const SSH_OPTIONS: [&str; 8] =
    ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"];

/// Where one host's releases go and how it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The name given to ssh (a host name or an alias of the ssh configuration).
    pub host: String,
    /// The directory holding `releases/`, `current` and the rest on that host.
    pub base: String,
    /// Where the host answers over HTTP for the release `current` points at.
    pub check_url: String,
    /// An ssh configuration file to use instead of the user's (`ssh -F`).
    pub ssh_config: Option<PathBuf>,
}

/// A host name ssh may be given: letters, digits, `.`, `_`, `-`, not starting with `-`.
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

/// Reads one host spec: `name`, `name:/base/dir`, either followed by `@http://check-url/`.
pub fn parse_target(spec: &str) -> Result<Target, String> {
    let (place, check_url) = match spec.split_once('@') {
        Some((place, url)) => (place, Some(url.trim_end_matches('/').to_string() + "/")),
        None => (spec, None),
    };
    let (host, base) = match place.split_once(':') {
        Some((host, base)) if base.starts_with('/') && base.len() > 1 => (host, base.trim_end_matches('/')),
        Some(_) => return Err(format!("{spec:?}: the directory after `:` must be an absolute path")),
        None => (place, REMOTE_BASE),
    };
    if !is_host_name(host) {
        return Err(format!("not a host name: {spec:?} (letters, digits, . _ - and not starting with -)"));
    }
    let check_url = check_url.unwrap_or_else(|| format!("http://{host}/"));
    Ok(Target { host: host.to_string(), base: base.to_string(), check_url, ssh_config: None })
}

/// One completed switch in a host's `history`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Switch {
    /// `YYYYMMDDTHHMMSSZ`.
    pub at: String,
    /// `deploy` or `rollback`.
    pub kind: String,
    /// The release switched to.
    pub release: String,
}

impl Switch {
    /// Reads a `history` line; `None` for anything else.
    pub fn parse(line: &str) -> Option<Switch> {
        let mut fields = line.split_whitespace();
        let (at, kind, release) = (fields.next()?, fields.next()?, fields.next()?);
        let known = matches!(kind, "deploy" | "rollback") && is_plain_name(at) && is_plain_name(release);
        (known && fields.next().is_none()).then(|| Switch { at: at.into(), kind: kind.into(), release: release.into() })
    }

    /// The `history` line.
    pub fn line(&self) -> String {
        format!("{} {} {}", self.at, self.kind, self.release)
    }
}

/// Everything the deploy reads from a host, in one ssh call.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostState {
    /// The release `current` points at; `None` before the first deploy.
    pub current: Option<String>,
    /// The releases on the host, by name.
    pub releases: Vec<String>,
    /// Those marked failed.
    pub failed: Vec<String>,
    /// `good-releases`, oldest first.
    pub good: Vec<String>,
    /// `history`, oldest first.
    pub history: Vec<Switch>,
    /// `(release, file)` for every plain file name in every release.
    pub files: Vec<(String, String)>,
    /// `(release, file)` for every asset a release carried from the one before it.
    pub carried: Vec<(String, String)>,
}

/// Prints, one tagged line each, what [`HostState::parse`] reads; `end` last, so an answer
/// cut short is seen as such. `$b` is the base directory.
const SURVEY: &str = r#"
tag() { while IFS= read -r l || [ -n "$l" ]; do printf '%s %s\n' "$1" "$l"; done < "$2"; }
if [ -L "$b/current" ]; then printf 'current %s\n' "$(readlink -- "$b/current")"; fi
for d in "$b"/releases/*/; do
  [ -d "$d" ] || continue
  n=$(basename -- "$d")
  printf 'release %s\n' "$n"
  if [ -e "$d.failed" ]; then printf 'failed %s\n' "$n"; fi
  for f in "$d"*; do if [ -e "$f" ]; then printf 'file %s %s\n' "$n" "$(basename -- "$f")"; fi; done
  if [ -f "$d.carried" ]; then tag "carried $n" "$d.carried"; fi
done
if [ -f "$b/good-releases" ]; then tag good "$b/good-releases"; fi
if [ -f "$b/history" ]; then tag history "$b/history"; fi
echo end
"#;

impl HostState {
    /// Reads the survey's answer. Names that are not plain are dropped (never used in a command);
    /// an answer without its final `end` is an error.
    pub fn parse(text: &str) -> Result<HostState, String> {
        let mut state = HostState::default();
        let mut ended = false;
        for line in text.lines() {
            let (tag, rest) = line.split_once(' ').unwrap_or((line, ""));
            let pair = || {
                let (release, file) = rest.split_once(' ')?;
                (is_plain_name(release) && is_plain_name(file)).then(|| (release.to_string(), file.to_string()))
            };
            let name = || is_plain_name(rest).then(|| rest.to_string());
            match tag {
                "current" => {
                    let target = rest.rsplit('/').next().unwrap_or_default();
                    if !is_plain_name(target) {
                        return Err(format!("`current` points at an unexpected name: {rest:?}"));
                    }
                    state.current = Some(target.to_string());
                }
                "release" => state.releases.extend(name()),
                "failed" => state.failed.extend(name()),
                "good" => state.good.extend(name()),
                "history" => state.history.extend(Switch::parse(rest)),
                "file" => state.files.extend(pair()),
                "carried" => state.carried.extend(pair()),
                "end" => ended = true,
                _ => {}
            }
        }
        if ended {
            Ok(state)
        } else {
            Err("the host's answer was cut short".into())
        }
    }

    /// The files `release` brought itself (not those it carried from the release before).
    pub fn own_files(&self, release: &str) -> Vec<String> {
        let carried = |name: &str| self.carried.iter().any(|(r, f)| r == release && f == name);
        self.files.iter().filter(|(r, f)| r == release && !carried(f)).map(|(_, f)| f.clone()).collect()
    }

    /// Whether `release` is on the host and not marked failed.
    pub fn usable(&self, release: &str) -> bool {
        self.releases.iter().any(|r| r == release) && !self.failed.iter().any(|f| f == release)
    }
}

/// A host's deploy lock, held as long as this value lives: the lock is an `flock` taken by a
/// remote shell that echoes its standard input, so it ends with the ssh connection (closed by
/// drop, or lost) and never outlives a deploy that died.
pub struct HostLock {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl HostLock {
    /// Whether the remote shell holding the lock still answers: a line sent comes back. A
    /// broken connection answers at once (end of output); a silent one within ssh's alive
    /// checks (15 s).
    pub fn held(&mut self) -> bool {
        let Some(stdin) = self.stdin.as_mut() else { return false };
        let mut echo = String::new();
        stdin.write_all(b"held?\n").and_then(|()| stdin.flush()).is_ok()
            && self.stdout.read_line(&mut echo).is_ok()
            && echo == "held?\n"
    }
}

impl Drop for HostLock {
    fn drop(&mut self) {
        // End of input ends the remote `cat`, its shell and with it the flock.
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

impl Target {
    /// The name reports use.
    pub fn name(&self) -> &str {
        &self.host
    }

    /// Where the host answers for `release` before it is switched to (`/__preview/<release>/`).
    pub fn preview_url(&self, release: &str) -> String {
        format!("{}__preview/{release}/", self.check_url)
    }

    /// `ssh [-F config] <options> -- host script`.
    fn ssh(&self, script: &str) -> Command {
        let mut command = Command::new("ssh");
        if let Some(config) = &self.ssh_config {
            command.arg("-F").arg(config);
        }
        command.args(SSH_OPTIONS).arg("--").arg(&self.host).arg(format!("b={}\n{script}", sh_quote(&self.base)));
        command
    }

    /// Runs `script` on the host with `$b` set to the base directory and `set -e`, and returns
    /// its standard output. Any exit status but 0 is an error; 255 is ssh's own failure (the
    /// host is unreachable, refused the key or the connection broke) and says so.
    fn remote_with(&self, script: &str, stdin: Stdio) -> Result<String, String> {
        let mut command = self.ssh(&format!("set -e\n{script}"));
        let answer = command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run ssh: {e}"))?;
        let stderr = String::from_utf8_lossy(&answer.stderr).trim().to_string();
        match answer.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&answer.stdout).into_owned()),
            Some(255) => Err(format!("ssh failed (exit 255): {stderr}")),
            _ => Err(format!("remote command failed ({}): {stderr}", answer.status)),
        }
    }

    fn remote(&self, script: &str) -> Result<String, String> {
        self.remote_with(script, Stdio::null())
    }

    /// Reads the host's state (no lock).
    pub fn survey(&self) -> Result<HostState, String> {
        HostState::parse(&self.remote(SURVEY)?)
    }

    /// Takes the host's deploy lock and reads its state under it. Fails at once, naming the
    /// holder, when another deploy or rollback holds it. `holder` says who we are.
    pub fn lock(&self, holder: &str) -> Result<(HostLock, HostState), String> {
        let script = format!(
            "mkdir -p -- \"$b\"\nexec 9>>\"$b/.deploy.lock\"\n\
             if ! flock -n 9; then printf 'busy %s\\n' \"$(cat -- \"$b/.deploy.lock.holder\" 2>/dev/null || echo someone)\"; exit 0; fi\n\
             printf '%s\\n' {} > \"$b/.deploy.lock.holder.$$\"\nmv -f -- \"$b/.deploy.lock.holder.$$\" \"$b/.deploy.lock.holder\"\n\
             {SURVEY}\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done\n",
            sh_quote(holder)
        );
        let mut command = self.ssh(&format!("set -e\n{script}"));
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", describe(&command)))?;
        let stdin = child.stdin.take();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout was piped"));
        let mut answer = String::new();
        let mut line = String::new();
        while stdout.read_line(&mut line).map_err(|e| e.to_string())? > 0 {
            answer.push_str(&line);
            if line == "end\n" || line.starts_with("busy ") {
                break;
            }
            line.clear();
        }
        if let Some(holder) = line.strip_prefix("busy ") {
            let _ = child.wait();
            return Err(format!("locked by another deploy: {}", holder.trim()));
        }
        let lock = HostLock { child, stdin, stdout };
        if line != "end\n" {
            // The shell ended early: say why, from ssh's own words.
            let mut lock = lock;
            drop(lock.stdin.take());
            let status = lock.child.wait().map_err(|e| e.to_string())?;
            let mut stderr = String::new();
            if let Some(mut pipe) = lock.child.stderr.take() {
                let _ = pipe.read_to_string(&mut stderr);
            }
            let why = if status.code() == Some(255) { "ssh failed (exit 255)" } else { "the lock's shell ended" };
            return Err(format!("{why}: {}", stderr.trim()));
        }
        Ok((lock, HostState::parse(&answer)?))
    }

    /// Copies the bundle to `releases/<release>/` (unpacked under a unique temporary name, then
    /// renamed, so a release is complete or absent), carries over the hashed assets the
    /// current release brought itself, and links `config.json` to the host's shared copy (made
    /// from the bundle's on the first deploy).
    pub fn stage(&self, bundle: &Path, release: &str, state: &HostState) -> Result<(), String> {
        let mut script = vec![
            format!("r=\"$b/releases/\"{}", sh_quote(release)),
            format!("if [ -e \"$r\" ]; then echo 'release {release} is already on this host' >&2; exit 3; fi"),
            "t=\"$b/releases/.staging.$$\"".to_string(),
            "rm -rf -- \"$t\"; mkdir -p -- \"$t\"".to_string(),
            "tar -x -f - -C \"$t\"".to_string(),
        ];
        let mut carried = Vec::new();
        if let Some(previous) = &state.current {
            for name in state.own_files(previous) {
                if is_hashed_asset(&name) && !bundle.join(&name).exists() {
                    script.push(format!(
                        "cp -- \"$b/releases/\"{}/{} \"$t/\"{}",
                        sh_quote(previous),
                        sh_quote(&name),
                        sh_quote(&name)
                    ));
                    carried.push(name);
                }
            }
        }
        let carried_text: String = carried.iter().map(|name| format!("{name}\n")).collect();
        script.extend([
            format!("printf %s {} > \"$t/.carried\"", sh_quote(&carried_text)),
            "mkdir -p -- \"$b/shared\"".to_string(),
            "if [ ! -e \"$b/shared/config.json\" ]; then cp -- \"$t/config.json\" \"$b/shared/.config.json.$$\"; \
             mv -f -- \"$b/shared/.config.json.$$\" \"$b/shared/config.json\"; fi"
                .to_string(),
            "rm -f -- \"$t/config.json\" \"$t/config.json.gz\" \"$t/config.json.br\"".to_string(),
            "ln -s -- ../../shared/config.json \"$t/config.json\"".to_string(),
            "mv -T -- \"$t\" \"$r\"".to_string(),
        ]);
        let mut tar = Command::new("tar");
        tar.arg("-c").arg("-f").arg("-").arg("-C").arg(bundle).arg(".").stdout(Stdio::piped());
        let mut packing = tar.spawn().map_err(|e| format!("cannot run tar: {e}"))?;
        let stream = packing.stdout.take().expect("stdout was piped");
        let copied = self.remote_with(&script.join("\n"), Stdio::from(stream));
        let packed = packing.wait().map_err(|e| e.to_string())?;
        copied?;
        if packed.success() {
            Ok(())
        } else {
            Err(format!("`{}` failed ({packed})", describe(&tar)))
        }
    }

    /// Points `current` at `release` with a rename of a uniquely named temporary link, so no
    /// request ever sees a missing link and two shells never share a temporary name.
    pub fn switch(&self, release: &str) -> Result<(), String> {
        let release = sh_quote(release);
        self.remote(&format!(
            "if [ ! -d \"$b/releases/\"{release} ]; then echo 'release '{release}' is not on this host' >&2; exit 3; fi\n\
             t=\"$b/.current.$$\"\nln -sfn -- \"releases/\"{release} \"$t\"\nmv -T -- \"$t\" \"$b/current\""
        ))
        .map(drop)
    }

    /// Marks `release` as failed so that no rollback ever picks it.
    pub fn mark_failed(&self, release: &str) -> Result<(), String> {
        self.remote(&format!("touch -- \"$b/releases/\"{}/.failed", sh_quote(release))).map(drop)
    }

    /// Removes release directories.
    pub fn remove_releases(&self, releases: &[String]) -> Result<(), String> {
        let paths: Vec<String> = releases.iter().map(|r| format!("\"$b/releases/\"{}", sh_quote(r))).collect();
        self.remote(&format!("rm -rf -- {}", paths.join(" "))).map(drop)
    }

    /// Writes `good-releases` and `history` (each to a unique temporary name, then renamed, so
    /// a cut connection leaves the old file whole), removes the releases in `prune` and any
    /// staging directory an interrupted deploy left. Runs under the lock.
    pub fn record(&self, good: &[String], history: &[Switch], prune: &[String]) -> Result<(), String> {
        let text = |lines: Vec<String>| sh_quote(&lines.iter().map(|l| format!("{l}\n")).collect::<String>());
        let mut script = vec![
            format!("printf %s {} > \"$b/.good-releases.$$\"", text(good.to_vec())),
            "mv -f -- \"$b/.good-releases.$$\" \"$b/good-releases\"".to_string(),
            format!("printf %s {} > \"$b/.history.$$\"", text(history.iter().map(Switch::line).collect())),
            "mv -f -- \"$b/.history.$$\" \"$b/history\"".to_string(),
            "rm -rf -- \"$b\"/releases/.staging.*".to_string(),
        ];
        script.extend(prune.iter().map(|r| format!("rm -rf -- \"$b/releases/\"{}", sh_quote(r))));
        self.remote(&script.join("\n")).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_specs() {
        assert_eq!(
            parse_target("gt-omr-web-2").unwrap(),
            Target {
                host: "gt-omr-web-2".into(),
                base: REMOTE_BASE.into(),
                check_url: "http://gt-omr-web-2/".into(),
                ssh_config: None
            }
        );
        let local = parse_target("web-1:/tmp/web1/@http://127.0.0.1:8081").unwrap();
        assert_eq!((local.host.as_str(), local.base.as_str()), ("web-1", "/tmp/web1"));
        assert_eq!(local.check_url, "http://127.0.0.1:8081/");
        for bad in ["bad host", "-oProxyCommand=x", "a;rm", "a/b", "", "$(id)", "web:relative", "web:/"] {
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

    #[test]
    fn a_survey_is_read_whole_or_refused() {
        let answer = "current releases/2-b\nrelease 1-a\nrelease 2-b\nfailed 1-a\nfile 2-b app-0123456789abcdef.js\n\
                      file 2-b old-0123456789abcdef.js\ncarried 2-b old-0123456789abcdef.js\nrelease ../x\n\
                      good 2-b\ngood bad name\nhistory 20250101T000000Z deploy 2-b\nhistory junk\nend\n";
        let state = HostState::parse(answer).unwrap();
        assert_eq!(state.current.as_deref(), Some("2-b"));
        assert_eq!(state.releases, ["1-a", "2-b"]);
        assert_eq!(state.good, ["2-b"]);
        assert_eq!(state.history.len(), 1);
        assert_eq!(state.own_files("2-b"), ["app-0123456789abcdef.js"]);
        assert!(state.usable("2-b") && !state.usable("1-a") && !state.usable("9-gone"));
        let cut = answer.strip_suffix("end\n").unwrap();
        assert!(HostState::parse(cut).is_err(), "an answer cut short is not an empty one");
        assert!(HostState::parse("current releases/a b\nend\n").is_err());
        assert_eq!(HostState::parse("end\n").unwrap(), HostState::default());
    }
}
