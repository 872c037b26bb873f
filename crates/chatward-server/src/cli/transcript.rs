//! `chatward transcript`: check a downloaded JSON transcript's hash chain offline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use chatward_core::{Transcript, verify};

/// Subcommands of `chatward transcript`.
#[derive(Debug, clap::Subcommand)]
pub enum TranscriptCommand {
    /// Check that a JSON transcript's entries are unchanged, complete and in order: prints
    /// "valid: N entries, chain intact" (exit 0) or names the first broken entry (exit 1).
    Verify(VerifyArgs),
}

/// Arguments of `chatward transcript verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The transcript downloaded with `format=json`.
    file: PathBuf,
}

/// Runs a `chatward transcript` subcommand.
pub fn run(command: TranscriptCommand) -> anyhow::Result<ExitCode> {
    match command {
        TranscriptCommand::Verify(args) => verify_file(&args),
    }
}

fn verify_file(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    // Serde's message names a position, never the file's contents.
    let transcript: Transcript = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not a Chatward JSON transcript", args.file.display()))?;
    match verify(&transcript) {
        Ok(()) => {
            println!(
                "valid: {} entries, chain intact (last hash {})",
                transcript.entries.len(),
                transcript.last_hash()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            println!("invalid: {error}");
            Ok(ExitCode::FAILURE)
        }
    }
}
