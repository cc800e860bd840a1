//! Debian's real nginx on 127.0.0.1 serving the project's site config (`deploy/nginx/`,
//! rendered by `nginx_conf`) from temporary paths: what the nginx tests and the first-visit
//! benchmark run against. Brotli copies are served when Debian's brotli_static module is
//! installed, as on the hosts.

use crate::nginx_conf::{render_site, site_template, SiteValues};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's `libnginx-mod-http-brotli-static`.
pub const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// A port free at the time of asking.
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// A new directory under the system's temporary one, named after `tag` and unique to this
/// process and call.
pub fn temp_dir(tag: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("omr-nginx-{tag}-{}-{}", std::process::id(), free_port()?));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// One nginx process serving the site; stopped, and its directory removed, on drop.
pub struct LocalNginx {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Drop for LocalNginx {
    fn drop(&mut self) {
        // TERM lets the master stop its workers; KILL would leave them listening.
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

impl LocalNginx {
    /// Serves `root` (a bundle, or a host's `current`) with its host's `releases` beside it and
    /// both API hosts at `api`.
    pub fn start(root: &Path, api: &str) -> Result<LocalNginx, String> {
        let releases = root.parent().ok_or("the root has no parent")?.join("releases");
        LocalNginx::serving(root, &releases, [api, api], None)
    }

    /// Serves `root`, with `/__preview/` from `releases`, the shipped upstream file naming the
    /// two `apis` in place of the API hosts, and `hsts` as the site's HSTS value. The caller
    /// (127.0.0.1) is the trusted proxy of `real-ip.conf`: its `X-Forwarded-For` names the client.
    pub fn serving(root: &Path, releases: &Path, apis: [&str; 2], hsts: Option<&str>) -> Result<LocalNginx, String> {
        let dir = temp_dir("conf")?;
        let port = free_port()?;
        let conf_dir = dir.join("conf");
        let kit = crate::root().join("deploy").join("nginx");
        let io = |e: std::io::Error| e.to_string();
        std::fs::create_dir_all(&conf_dir).map_err(io)?;
        for temp in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            std::fs::create_dir_all(dir.join("tmp").join(temp)).map_err(io)?;
        }
        for snippet in ["security-headers.conf", "api-security-headers.conf", "preview-allow.conf"] {
            std::fs::copy(kit.join(snippet), conf_dir.join(snippet)).map_err(io)?;
        }
        write(&conf_dir.join("real-ip.conf"), "set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;\n")?;
        let upstream = std::fs::read_to_string(kit.join("omr-api-upstream.conf")).map_err(io)?;
        let upstream = upstream.replace("gt-omr-api-1:8000", apis[0]).replace("gt-omr-api-2:8000", apis[1]);
        write(&conf_dir.join("omr-api-upstream.conf"), &upstream)?;
        let brotli = Path::new(BROTLI_MODULE).exists();
        let site = render_site(
            &site_template()?,
            &SiteValues {
                listen: &format!("127.0.0.1:{port}"),
                root: &root.display().to_string(),
                releases: &releases.display().to_string(),
                conf_dir: &conf_dir.display().to_string(),
                brotli,
                hsts,
            },
        )?;
        write(&conf_dir.join("site.conf"), &site)?;
        // Workers run as the user who runs nginx (`user` is ignored unless that is root, where
        // nginx would otherwise drop to nobody): a checkout in a private directory, such as one
        // made by `mktemp -d`, must still be readable by them.
        let load = if brotli { format!("load_module {BROTLI_MODULE};\n") } else { String::new() };
        let d = dir.display();
        let main = format!(
            "{load}user root;\nworker_processes 1;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\nevents {{ worker_connections 256; }}\n\
             http {{\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n access_log off;\n\
             client_body_temp_path {d}/tmp/body;\n proxy_temp_path {d}/tmp/proxy;\n fastcgi_temp_path {d}/tmp/fastcgi;\n\
             uwsgi_temp_path {d}/tmp/uwsgi;\n scgi_temp_path {d}/tmp/scgi;\n include {d}/conf/site.conf;\n}}\n"
        );
        write(&dir.join("nginx.conf"), &main)?;
        let nginx = || {
            let mut command = Command::new("nginx");
            command.arg("-c").arg(dir.join("nginx.conf")).arg("-p").arg(&dir);
            command
        };
        let test = nginx()
            .arg("-t")
            .output()
            .map_err(|e| format!("cannot run nginx (cargo xtask bootstrap installs it): {e}"))?;
        if !test.status.success() {
            return Err(format!("nginx -t: {}", String::from_utf8_lossy(&test.stderr)));
        }
        let child = nginx().stdout(Stdio::null()).spawn().map_err(io)?;
        let server = LocalNginx { child, port, dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(10) {
                return Err("nginx did not start within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}
