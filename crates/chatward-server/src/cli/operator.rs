//! `chatward operator`: operator accounts.

use std::process::ExitCode;

/// Subcommands of `chatward operator`.
#[derive(Debug, clap::Subcommand)]
pub enum OperatorCommand {}

/// Runs `chatward operator ...`.
pub fn run(command: OperatorCommand) -> anyhow::Result<ExitCode> {
    match command {}
}
