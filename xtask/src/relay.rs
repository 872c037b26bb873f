//! A running relay (`chatward serve`) that is always stopped: dropping [`Relay`] kills it.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, bail};

use crate::process;

/// How long the relay may take to print its listener lines (it opens and migrates SQLite).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

const RELAY_LINE: &str = "chatward: relay listening on ";
const SHOP_LINE: &str = "chatward: demo shop on ";

/// The origins the relay printed on start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listeners {
    /// The relay's origin, e.g. `http://127.0.0.1:8080`.
    pub relay_url: String,
    /// The demo shop page's origin.
    pub shop_url: String,
}

/// What the relay's stdout told us, line by line.
#[derive(Debug, PartialEq, Eq)]
enum Announcement {
    Relay(String),
    Shop(String),
}

fn announcement(line: &str) -> Option<Announcement> {
    if let Some(url) = line.strip_prefix(RELAY_LINE) {
        Some(Announcement::Relay(url.trim().to_owned()))
    } else {
        line.strip_prefix(SHOP_LINE)
            .map(|url| Announcement::Shop(url.trim().to_owned()))
    }
}

/// The relay child process. Dropping it kills the process, so it never outlives a failure.
pub struct Relay {
    child: Child,
    /// Where it listens.
    pub listeners: Listeners,
}

impl Relay {
    /// Starts `command` (a `chatward serve` with `--demo-shop`) and waits until it has printed
    /// both listener lines. Its stdout lines are echoed with `prefix`; stderr goes to ours.
    pub fn start(mut command: Command, prefix: &'static str) -> anyhow::Result<Self> {
        let shown = process::describe(&command);
        println!("$ {shown}");
        let mut child = command
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("could not start `{shown}`"))?;
        let stdout = child.stdout.take().context("relay stdout is piped")?;
        let (sender, receiver) = mpsc::channel();
        // The reader keeps draining stdout for the relay's whole life, so it never blocks on
        // a full pipe; it stops at end of file, when the relay exits.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                println!("{prefix}{line}");
                if let Some(found) = announcement(&line) {
                    // The receiver is gone once startup is over; later lines are only echoed.
                    let _ = sender.send(found);
                }
            }
        });
        // From here on `relay` owns the child: any early return kills it.
        let mut relay = Relay {
            child,
            listeners: Listeners {
                relay_url: String::new(),
                shop_url: String::new(),
            },
        };
        while relay.listeners.relay_url.is_empty() || relay.listeners.shop_url.is_empty() {
            match receiver.recv_timeout(STARTUP_TIMEOUT) {
                Ok(Announcement::Relay(url)) => relay.listeners.relay_url = url,
                Ok(Announcement::Shop(url)) => relay.listeners.shop_url = url,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = relay.child.wait()?;
                    bail!("the relay exited ({status}) before printing its listener lines");
                }
                Err(mpsc::RecvTimeoutError::Timeout) => bail!(
                    "the relay printed no `{RELAY_LINE}URL` and `{SHOP_LINE}URL` lines within {} s",
                    STARTUP_TIMEOUT.as_secs()
                ),
            }
        }
        Ok(relay)
    }

    /// Waits until the relay exits by itself (or is interrupted with Ctrl-C).
    pub fn wait(&mut self) -> anyhow::Result<ExitStatus> {
        Ok(self.child.wait()?)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        // Killing a process that already exited fails harmlessly; wait reaps it either way.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listener_lines_are_recognised() {
        assert_eq!(
            announcement("chatward: relay listening on http://127.0.0.1:41234"),
            Some(Announcement::Relay("http://127.0.0.1:41234".into()))
        );
        assert_eq!(
            announcement("chatward: demo shop on http://127.0.0.1:5000\r"),
            Some(Announcement::Shop("http://127.0.0.1:5000".into()))
        );
        assert_eq!(
            announcement("chatward: demo operator login demo / demo"),
            None
        );
        assert_eq!(announcement("relay listening on http://127.0.0.1:1"), None);
    }

    // Linux only: the check below reads /proc.
    #[cfg(target_os = "linux")]
    #[test]
    fn start_reads_both_urls_and_drop_kills_the_process() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "echo 'chatward: relay listening on http://127.0.0.1:1'; \
             echo 'chatward: demo shop on http://127.0.0.1:2'; exec sleep 600",
        ]);
        let relay = Relay::start(command, "test relay | ").unwrap();
        assert_eq!(
            relay.listeners,
            Listeners {
                relay_url: "http://127.0.0.1:1".into(),
                shop_url: "http://127.0.0.1:2".into(),
            }
        );
        let pid = relay.child.id();
        drop(relay);
        // The child was reaped by Drop, so its /proc entry is gone.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_relay_that_exits_early_is_an_error() {
        let mut command = Command::new("sh");
        command.args([
            "-c",
            "echo 'chatward: relay listening on http://127.0.0.1:1'; exit 3",
        ]);
        let err = Relay::start(command, "test relay | ").err().unwrap();
        assert!(err.to_string().contains("exited"), "{err}");
    }
}
