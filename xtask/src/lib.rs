//! The project's commands as a library, so their pure parts are unit-tested and the deploy
//! tests can drive them against real nginx.

pub mod bench;
pub mod bootstrap;
pub mod cover_bench;
pub mod deploy;
pub mod deploy_host;
pub mod dev;
pub mod dist;
pub mod first_visit;
pub mod http_get;
pub mod local_nginx;
pub mod nginx_conf;
pub mod process;
pub mod test;
pub mod webdriver;

use std::path::PathBuf;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits inside the workspace").to_path_buf()
}
