//! A throwaway PostgreSQL server for the relay's tests, always stopped: dropping [`Postgres`]
//! runs `pg_ctl stop -m fast`.
//!
//! The server runs as a plain process (no systemd): a fresh data directory in a scratch folder
//! under the system's temporary folder, trust authentication, listening on 127.0.0.1 only with
//! a free port and its unix socket in the scratch folder. As root, `initdb`/`pg_ctl` run as the
//! `postgres` user (PostgreSQL refuses to run as root). The scratch folder is not in the
//! checkout: a clone in a private folder (`mktemp -d` makes it 0700) is out of that user's
//! reach, and a deep path would not fit a unix socket's address.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use crate::process;

/// Where Debian installs PostgreSQL: one `<version>/bin` folder per installed version.
pub const DEBIAN_DIR: &str = "/usr/lib/postgresql";
/// The system user PostgreSQL runs as when we are root.
const SYSTEM_USER: &str = "postgres";
/// How long the server may take to accept connections after `pg_ctl start`.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// The pause between two `pg_isready` probes.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// A running PostgreSQL server. Dropping it stops the server.
pub struct Postgres {
    bin_dir: PathBuf,
    scratch: PathBuf,
    data_dir: PathBuf,
    as_system_user: bool,
    /// The admin URL, e.g. `postgres://postgres@127.0.0.1:5433/postgres`.
    pub url: String,
}

impl Postgres {
    /// Creates a fresh cluster in a scratch folder with the binaries in `bin_dir`, starts it
    /// and waits until it accepts connections.
    pub fn start(bin_dir: &Path) -> anyhow::Result<Self> {
        let as_system_user = crate::prereq::is_root();
        let scratch =
            &std::env::temp_dir().join(format!("chatward-postgres-{}", std::process::id()));
        if scratch.exists() {
            fs::remove_dir_all(scratch).context("removing the previous PostgreSQL folder")?;
        }
        let data_dir = scratch.join("data");
        let socket_dir = scratch.join("socket");
        fs::create_dir_all(&socket_dir)?;
        if as_system_user {
            process::run(
                Command::new("chown")
                    .args(["-R", &format!("{SYSTEM_USER}:")])
                    .arg(scratch),
            )?;
        }
        let tool = |name: &str| command_as(as_system_user, &bin_dir.join(name));
        process::run(
            tool("initdb")
                .arg("--pgdata")
                .arg(&data_dir)
                .args(INITDB_ARGS),
        )
        .with_context(|| {
            format!(
                "creating the PostgreSQL data directory in {}",
                scratch.display()
            )
        })?;

        let port = free_port()?;
        let mut start = tool("pg_ctl");
        start
            .arg("start")
            .arg("--pgdata")
            .arg(&data_dir)
            .arg("--log")
            .arg(scratch.join("server.log"))
            .args(["--no-wait", "--options"])
            .arg(server_options(port, &socket_dir));
        process::run(&mut start)?;
        // From here on the guard owns the server: any early return stops it.
        let postgres = Postgres {
            bin_dir: bin_dir.to_owned(),
            scratch: scratch.clone(),
            data_dir,
            as_system_user,
            url: admin_url(port),
        };
        postgres.wait_until_ready(port)?;
        Ok(postgres)
    }

    /// Polls `pg_isready` until the server accepts connections on `port`.
    fn wait_until_ready(&self, port: u16) -> anyhow::Result<()> {
        let started = Instant::now();
        loop {
            let ready = process::succeeds(
                Command::new(self.bin_dir.join("pg_isready"))
                    .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .args(["--username", SYSTEM_USER, "--timeout", "1"]),
            );
            if ready {
                println!(
                    "postgres: accepting connections on 127.0.0.1:{port} after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
                return Ok(());
            }
            if started.elapsed() > STARTUP_TIMEOUT {
                // The scratch folder goes with the server: the log is quoted here.
                let log = fs::read_to_string(self.scratch.join("server.log")).unwrap_or_default();
                bail!(
                    "PostgreSQL did not accept connections within {} s; its log:\n{log}",
                    STARTUP_TIMEOUT.as_secs(),
                );
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Stopping a server that never came up fails harmlessly.
        let _ = process::run(
            command_as(self.as_system_user, &self.bin_dir.join("pg_ctl"))
                .args(["stop", "--mode", "fast", "--pgdata"])
                .arg(&self.data_dir),
        );
        let _ = fs::remove_dir_all(&self.scratch);
    }
}

/// `initdb` arguments: trust auth (the server only listens on 127.0.0.1 and a private socket
/// folder), the `postgres` superuser, no fsync (a throwaway cluster).
const INITDB_ARGS: &[&str] = &[
    "--auth=trust",
    "--username",
    SYSTEM_USER,
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
    "--no-instructions",
];

/// Runs `program` directly, or as the `postgres` user through `runuser` when we are root.
fn command_as(as_system_user: bool, program: &Path) -> Command {
    if as_system_user {
        let mut command = Command::new("runuser");
        command.args(["-u", SYSTEM_USER, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// The server's `-o` options: 127.0.0.1 only, `port`, the socket in `socket_dir`, no fsync.
fn server_options(port: u16, socket_dir: &Path) -> String {
    format!(
        "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off",
        socket_dir.display()
    )
}

/// The URL of the `postgres` database as the `postgres` superuser (trust auth, no password).
fn admin_url(port: u16) -> String {
    format!("postgres://{SYSTEM_USER}@127.0.0.1:{port}/postgres")
}

/// A port nobody listens on now: the one the system picks when we bind port 0.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("picking a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The newest version among Debian's version folder names (`15`, `16`, ...), ignoring others.
pub fn newest_version<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .filter_map(|name| name.parse::<u32>().ok().map(|version| (version, name)))
        .max()
        .map(|(_, name)| name)
}

/// The folder holding `initdb`, `pg_ctl` and `pg_isready`: Debian's newest version, else the
/// folder of an `initdb` on `PATH`.
pub fn find_bin_dir() -> Option<PathBuf> {
    let names: Vec<String> = fs::read_dir(DEBIAN_DIR)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().join("bin").join("initdb").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    if let Some(version) = newest_version(names.iter().map(String::as_str)) {
        return Some(Path::new(DEBIAN_DIR).join(version).join("bin"));
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_isready").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_numeric_version_folder_wins() {
        assert_eq!(newest_version(["9", "15", "13"]), Some("15"));
        assert_eq!(newest_version(["16", "README", "15"]), Some("16"));
        assert_eq!(newest_version(["README"]), None);
        assert_eq!(newest_version([]), None);
    }

    #[test]
    fn the_admin_url_names_a_database_the_tests_can_replace() {
        let url = admin_url(5433);
        assert_eq!(url, "postgres://postgres@127.0.0.1:5433/postgres");
        // The relay tests swap the last path segment for their own database.
        assert_eq!(url.rsplit_once('/').unwrap().1, "postgres");
    }

    #[test]
    fn the_server_listens_on_localhost_and_a_private_socket() {
        let options = server_options(5433, Path::new("/scratch/socket"));
        assert!(options.contains("listen_addresses=127.0.0.1 "), "{options}");
        assert!(options.contains("-p 5433"), "{options}");
        assert!(options.contains("-k /scratch/socket"), "{options}");
    }

    #[test]
    fn as_root_the_tools_run_as_the_postgres_user() {
        let program = Path::new("/usr/lib/postgresql/15/bin/initdb");
        assert_eq!(
            process::describe(&command_as(true, program)),
            "runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb"
        );
        assert_eq!(process::describe(&command_as(false, program)), "initdb");
    }

    #[test]
    fn a_free_port_is_not_zero() {
        assert_ne!(free_port().unwrap(), 0);
    }
}
