//! Debian's real OpenSSH server on 127.0.0.1 for the deploy tests: throwaway keys made at test
//! time, one `sshd` per host alias (`web-1`, `web-2`, …), each on its own port, so one host can
//! be cut while the others stay up, and an ssh configuration naming the aliases.
//!
//! sshd runs as the user running the tests and logs in that same user, with nothing installed
//! system-wide: `StrictModes no` and `UsePAM no` let an unprivileged sshd accept its key. As
//! root (CI) sshd insists on its privilege-separation directory `/run/sshd`, which the package's
//! service would create at boot; it is created here when missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sshd servers of a fleet and the ssh configuration that reaches them.
pub struct SshHosts {
    dir: PathBuf,
    /// The ssh configuration (`ssh -F`) with one `Host` alias per server.
    pub config: PathBuf,
    ports: Vec<u16>,
    servers: Vec<Option<Child>>,
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn keygen(path: &Path) {
    run(Command::new("ssh-keygen").args(["-q", "-t", "ed25519", "-N", "", "-C", "omr-deploy-test", "-f"]).arg(path));
}

impl SshHosts {
    /// Starts `count` servers (aliases `web-1` … `web-<count>`) on the given ports.
    pub fn start(dir: &Path, ports: Vec<u16>) -> SshHosts {
        let user = run(Command::new("id").arg("-un"));
        if run(Command::new("id").arg("-u")) == "0" {
            std::fs::create_dir_all("/run/sshd").expect("/run/sshd for root's sshd");
        }
        keygen(&dir.join("host_key"));
        keygen(&dir.join("client_key"));
        std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
        let d = dir.display();
        // LogLevel FATAL: the readiness probe's bare connections would each log an error.
        std::fs::write(
            dir.join("sshd_config"),
            format!(
                "ListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
                 AllowUsers {user}\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nStrictModes no\nUsePAM no\nPidFile none\nMaxStartups 100\n\
                 LogLevel FATAL\n"
            ),
        )
        .unwrap();
        let aliases: String = ports
            .iter()
            .enumerate()
            .map(|(i, port)| {
                format!(
                    "Host web-{}\n  HostName 127.0.0.1\n  Port {port}\n  User {user}\n  IdentityFile {d}/client_key\n  \
                     IdentitiesOnly yes\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  LogLevel ERROR\n",
                    i + 1
                )
            })
            .collect();
        std::fs::write(dir.join("ssh_config"), aliases).unwrap();
        let mut hosts = SshHosts {
            dir: dir.to_path_buf(),
            config: dir.join("ssh_config"),
            servers: ports.iter().map(|_| None).collect(),
            ports,
        };
        for index in 0..hosts.ports.len() {
            hosts.restart(index);
        }
        hosts
    }

    /// Starts host `index`'s sshd again (on its port) and waits until it accepts connections.
    pub fn restart(&mut self, index: usize) {
        let port = self.ports[index];
        let child = Command::new("/usr/sbin/sshd")
            .args(["-D", "-e", "-f"])
            .arg(self.dir.join("sshd_config"))
            .args(["-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("openssh-server installed (cargo xtask bootstrap)");
        self.servers[index] = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(10), "sshd on {port} did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Cuts host `index` off: kills its sshd and every session it serves (their connections
    /// break as a network failure would), and returns once they are all gone.
    pub fn cut(&mut self, index: usize) {
        let Some(mut server) = self.servers[index].take() else { return };
        let tree = descendants(server.id());
        let _ = Command::new("kill").arg("-KILL").args(tree.iter().map(u32::to_string)).status();
        let _ = server.wait();
        let started = Instant::now();
        while tree.iter().any(|pid| alive(*pid)) {
            assert!(started.elapsed() < Duration::from_secs(10), "the sessions of sshd {tree:?} outlived it");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for SshHosts {
    fn drop(&mut self) {
        for index in 0..self.servers.len() {
            self.cut(index);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The parent of every process, from `/proc/<pid>/stat` (`pid (name) state ppid …`).
fn parents() -> Vec<(u32, u32)> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| {
            let pid: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect()
}

/// `root` and every process below it (sshd's sessions call setsid, so no process group holds them).
fn descendants(root: u32) -> Vec<u32> {
    let parents = parents();
    let mut tree = vec![root];
    let mut at = 0;
    while at < tree.len() {
        let parent = tree[at];
        tree.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(pid, _)| *pid));
        at += 1;
    }
    tree
}

/// Whether `pid` runs (a zombie waiting for its reaper counts as gone).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| rest.trim_start().starts_with('Z')))
        .is_some_and(|zombie| !zombie)
}
