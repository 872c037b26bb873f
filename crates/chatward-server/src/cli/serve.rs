//! `chatward serve`.

use std::process::ExitCode;

/// Arguments of `chatward serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {}

/// Runs `chatward serve`.
pub fn run(_args: ServeArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`chatward serve` is not built yet")
}
