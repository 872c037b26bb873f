//! Where things are: the repository root, cargo's target directory and the built tools.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

/// The package of the chat pane (the root package).
pub const PANE_PACKAGE: &str = "chatward";
/// The folder of the operator console crate; it is built only when it exists.
pub const CONSOLE_DIR: &str = "crates/chatward-console";
/// The package of the operator console.
pub const CONSOLE_PACKAGE: &str = "chatward-console";
/// The crate whose binaries wrap wasm-bindgen's bindings generator and test runner.
pub const TOOLS_PACKAGE: &str = "wasm-tools";
/// The cargo profile the tools are built with (cheap: `opt-level = 1`, no debug info).
pub const TOOLS_PROFILE: &str = "tools";
/// The wasm target.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The repository and the cargo that runs us.
pub struct Workspace {
    /// The repository root (the folder of the workspace `Cargo.toml`).
    pub root: PathBuf,
    /// Cargo's target directory, honouring `CARGO_TARGET_DIR` and `.cargo/config.toml`.
    pub target_dir: PathBuf,
    cargo: OsString,
}

impl Workspace {
    /// Finds the repository root (the parent of this crate) and asks cargo for its target dir.
    pub fn locate() -> anyhow::Result<Self> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives in a folder of the repository")?
            .to_path_buf();
        // `cargo xtask` runs us through cargo, which says which cargo it is.
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let output = Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .current_dir(&root)
            .output()
            .context("running `cargo metadata`")?;
        if !output.status.success() {
            bail!(
                "`cargo metadata` failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).context("reading `cargo metadata` output")?;
        let target_dir = metadata["target_directory"]
            .as_str()
            .context("`cargo metadata` names no target_directory")?
            .into();
        Ok(Self {
            root,
            target_dir,
            cargo,
        })
    }

    /// A `cargo` command run in the repository root.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        command.current_dir(&self.root);
        command
    }

    /// A path inside the repository.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// The `dist/` folder the relay serves; `CHATWARD_DIST_DIR` puts it elsewhere (so that
    /// several builds of one checkout do not overwrite each other's).
    pub fn dist_dir(&self) -> PathBuf {
        std::env::var_os("CHATWARD_DIST_DIR")
            .filter(|dir| !dir.is_empty())
            .map_or_else(|| self.root.join("dist"), PathBuf::from)
    }

    /// Whether the operator console crate exists yet.
    pub fn has_console(&self) -> bool {
        self.path(CONSOLE_DIR).join("Cargo.toml").is_file()
    }

    /// A binary of `crates/wasm-tools`, built with the `tools` profile.
    pub fn tool(&self, name: &str) -> PathBuf {
        self.target_dir
            .join(TOOLS_PROFILE)
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }

    /// The relay binary, built with the dev profile.
    pub fn relay_binary(&self) -> PathBuf {
        self.target_dir
            .join("debug")
            .join(format!("chatward{}", std::env::consts::EXE_SUFFIX))
    }

    /// Builds the wasm tools (bindings generator and test runner) if they are out of date.
    pub fn build_tools(&self) -> anyhow::Result<()> {
        crate::process::run(self.cargo().args([
            "build",
            "--package",
            TOOLS_PACKAGE,
            "--profile",
            TOOLS_PROFILE,
        ]))
    }

    /// Builds the relay binary `chatward` if it is out of date.
    pub fn build_relay(&self) -> anyhow::Result<()> {
        crate::process::run(self.cargo().args([
            "build",
            "--package",
            "chatward-server",
            "--bin",
            "chatward",
        ]))
    }
}
