//! `chatward transcript`: check a downloaded JSON transcript's hash chain offline.

use std::path::PathBuf;
use std::process::ExitCode;

use chatward_core::{Transcript, verify};
use serde_json::error::Category;

/// Subcommands of `chatward transcript`.
#[derive(Debug, clap::Subcommand)]
pub enum TranscriptCommand {
    /// Check that a JSON transcript's entries are unchanged, complete and in order: prints
    /// "valid: N entries, chain intact" (exit 0), names the first broken entry (exit 1), or
    /// says why the file could not be checked (exit 2).
    Verify(VerifyArgs),
}

/// Arguments of `chatward transcript verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The transcript downloaded with `format=json`.
    file: PathBuf,
}

/// Exit status when the file could not be checked at all (unreadable, not a transcript),
/// kept apart from 1 ("checked, and it was changed") as `diff` and `cmp` do.
const CANNOT_CHECK: u8 = 2;

/// Runs a `chatward transcript` subcommand.
pub fn run(command: TranscriptCommand) -> anyhow::Result<ExitCode> {
    match command {
        TranscriptCommand::Verify(args) => Ok(verify_file(&args)),
    }
}

fn verify_file(args: &VerifyArgs) -> ExitCode {
    let path = args.file.display();
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("chatward: cannot read {path}: {error}");
            return ExitCode::from(CANNOT_CHECK);
        }
    };
    let transcript: Transcript = match serde_json::from_slice(&bytes) {
        Ok(transcript) => transcript,
        Err(error) => {
            // Serde's own message may quote a value from the file (a message text, say):
            // say only what kind of problem it is and where.
            let kind = match error.classify() {
                Category::Io => "unreadable",
                Category::Syntax => "not valid JSON",
                Category::Data => "JSON, but not in the transcript format",
                Category::Eof => "cut short",
            };
            eprintln!(
                "chatward: {path} is not a Chatward JSON transcript ({kind} at line {}, \
                 column {}); download it again with format=json",
                error.line(),
                error.column()
            );
            return ExitCode::from(CANNOT_CHECK);
        }
    };
    match verify(&transcript) {
        Ok(()) => {
            println!(
                "valid: {} entries, chain intact (conversation {}, last hash {})",
                transcript.entries.len(),
                transcript.header.conversation,
                transcript.last_hash()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            println!("invalid: {error}");
            ExitCode::FAILURE
        }
    }
}
