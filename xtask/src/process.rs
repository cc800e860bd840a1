//! Running commands and background services.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Runs a command to completion, echoing it first; an error names the command.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    println!("$ {}", describe(cmd));
    let status = cmd.status().map_err(|e| format!("cannot start {}: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

/// Runs a command and returns its stdout, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `program arg arg ...` for messages.
pub fn describe(cmd: &Command) -> String {
    let mut text = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

/// A background process killed when dropped.
pub struct Service {
    child: Child,
    name: &'static str,
}

impl Drop for Service {
    fn drop(&mut self) {
        println!("stopping {}", self.name);
        // Already gone is fine: we only make sure it does not outlive xtask.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd`, waits until a stdout line contains `ready_marker`, and returns the service and
/// that line. Later output is passed through to our stdout.
pub fn start_service(
    name: &'static str,
    cmd: &mut Command,
    ready_marker: &str,
    timeout: Duration,
) -> Result<(Service, String), String> {
    println!("$ {} &", describe(cmd));
    let mut child = cmd.stdout(Stdio::piped()).spawn().map_err(|e| format!("cannot start {name}: {e}"))?;
    let stdout = child.stdout.take().expect("stdout was piped");
    let service = Service { child, name };
    let (tx, rx) = mpsc::channel();
    let marker = ready_marker.to_string();
    std::thread::spawn(move || {
        let mut announced = false;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("[{name}] {line}");
            if !announced && line.contains(&marker) {
                announced = true;
                // The receiver may have given up already; the output still flows.
                let _ = tx.send(line);
            }
        }
    });
    match rx.recv_timeout(timeout) {
        Ok(line) => Ok((service, line)),
        Err(_) => Err(format!(
            "{name} exited or did not report `{ready_marker}` within {} s (see its output above)",
            timeout.as_secs()
        )),
    }
}
