//! `chatward check`.

use std::process::ExitCode;

/// Arguments of `chatward check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {}

/// Runs `chatward check`.
pub fn run(_args: CheckArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`chatward check` is not built yet")
}
