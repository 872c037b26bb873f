//! Installing what the commands need, only through package clients (rustup, apt, npm, pip).
//!
//! When something is missing and cannot be installed here, we stop with a message that names
//! exactly what to install.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context as _, bail};

use crate::process;
use crate::workspace::{WASM_TARGET, Workspace};

/// Debian's Chromium, driven by Playwright in the end-to-end tests.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver, used by wasm-bindgen's test runner.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Python requirements of colleagues' tests (Pillow), beside the repository.
const PYTHON_REQUIREMENTS: &str = "../shared/bench/files/requirements.txt";

/// Adds the wasm target with rustup when it is missing.
pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(output) if output.status.success() => {
            if String::from_utf8_lossy(&output.stdout)
                .lines()
                .any(|line| line.trim() == WASM_TARGET)
            {
                return Ok(());
            }
            process::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
        }
        _ => bail!(
            "rustup was not found: install the Rust target yourself \
             (`rustup target add {WASM_TARGET}` or your distribution's rust-std for it)"
        ),
    }
}

/// Installs Chromium and chromedriver from Debian when missing (as root), else says how to.
pub fn ensure_chromium() -> anyhow::Result<()> {
    let has_node = process::succeeds(Command::new("node").arg("--version"));
    let packages = missing_packages(|path| Path::new(path).is_file(), has_node);
    if packages.is_empty() {
        return Ok(());
    }
    let list = packages.join(" ");
    if !is_root() || !process::succeeds(Command::new("apt-get").arg("--version")) {
        bail!(
            "missing {list}: install the Debian packages with `sudo apt-get install {list}` \
             (or your system's equivalents, with Chromium at {CHROMIUM} and chromedriver at \
             {CHROMEDRIVER}), then run this again"
        );
    }
    process::run(
        Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y"])
            .args(&packages)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// The Debian packages to install, given which files exist and whether `node` runs.
fn missing_packages(is_file: impl Fn(&str) -> bool, has_node: bool) -> Vec<&'static str> {
    let mut packages = Vec::new();
    if !is_file(CHROMIUM) {
        packages.push("chromium");
    }
    if !is_file(CHROMEDRIVER) {
        packages.push("chromium-driver");
    }
    if !has_node {
        packages.extend(["nodejs", "npm"]);
    }
    packages
}

/// The Debian package with `initdb`, `pg_ctl` and `pg_isready`.
const POSTGRES_PACKAGE: &str = "postgresql";

/// The folder with PostgreSQL's server binaries, installing Debian's `postgresql` when it is
/// missing and we are root; otherwise fails with a message naming the package.
pub fn ensure_postgres() -> anyhow::Result<std::path::PathBuf> {
    if let Some(bin_dir) = crate::postgres::find_bin_dir() {
        return Ok(bin_dir);
    }
    if !is_root() || !process::succeeds(Command::new("apt-get").arg("--version")) {
        bail!(
            "PostgreSQL (initdb) is missing: install the Debian package with \
             `sudo apt-get install {POSTGRES_PACKAGE}` (or your system's PostgreSQL server with \
             initdb, pg_ctl and pg_isready on PATH), then run this again"
        );
    }
    process::run(
        Command::new("apt-get")
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", POSTGRES_PACKAGE])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    crate::postgres::find_bin_dir().with_context(|| {
        format!(
            "installed `{POSTGRES_PACKAGE}` but found no initdb under {}",
            crate::postgres::DEBIAN_DIR
        )
    })
}

/// Runs `npm ci` in `e2e/` when its `node_modules` is missing or older than the lockfile.
pub fn ensure_node_modules(ws: &Workspace) -> anyhow::Result<()> {
    let e2e = ws.path("e2e");
    let lockfile = e2e.join("package-lock.json");
    // npm ci writes this copy of the lockfile last, so it dates the installed tree.
    let installed = e2e.join("node_modules").join(".package-lock.json");
    let modified = |path: &Path| path.metadata().and_then(|meta| meta.modified()).ok();
    if is_fresh(modified(&installed), modified(&lockfile)) {
        return Ok(());
    }
    process::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e),
    )
    .context("installing the end-to-end test packages (needs the npm registry)")
}

/// Whether an installed tree dated `installed` is at least as new as the lockfile.
fn is_fresh(installed: Option<SystemTime>, locked: Option<SystemTime>) -> bool {
    match (installed, locked) {
        (Some(installed), Some(locked)) => installed >= locked,
        _ => false,
    }
}

/// Installs the Python requirements of colleagues' tests when Pillow is missing.
pub fn ensure_python_packages(ws: &Workspace) -> anyhow::Result<()> {
    let requirements = ws.root.join(PYTHON_REQUIREMENTS);
    if !requirements.is_file() {
        return Ok(());
    }
    if process::succeeds(Command::new("python3").args(["-c", "import PIL"])) {
        return Ok(());
    }
    process::run(
        Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "-r"])
            .arg(&requirements),
    )
    .context("installing Python requirements (Pillow): run `python3 -m pip install -r ../shared/bench/files/requirements.txt`")
}

/// Whether we run as root (then apt-get may install, and PostgreSQL runs as `postgres`).
pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn nothing_to_install_when_everything_is_there() {
        assert!(missing_packages(|_| true, true).is_empty());
    }

    #[test]
    fn names_exactly_the_missing_debian_packages() {
        assert_eq!(
            missing_packages(|path| path == CHROMIUM, true),
            ["chromium-driver"]
        );
        assert_eq!(
            missing_packages(|_| false, false),
            ["chromium", "chromium-driver", "nodejs", "npm"]
        );
    }

    #[test]
    fn node_modules_older_than_the_lockfile_or_missing_is_stale() {
        let locked = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let later = locked + Duration::from_secs(1);
        let earlier = locked - Duration::from_secs(1);
        assert!(is_fresh(Some(later), Some(locked)));
        assert!(!is_fresh(Some(earlier), Some(locked)));
        assert!(!is_fresh(None, Some(locked)));
        assert!(!is_fresh(Some(later), None));
    }
}
