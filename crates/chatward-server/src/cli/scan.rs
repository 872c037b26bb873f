//! `chatward scan`.

use std::process::ExitCode;

/// Arguments of `chatward scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {}

/// Runs `chatward scan`.
pub fn run(_args: ScanArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`chatward scan` is not built yet")
}
