//! `chatward transcript`: check a downloaded JSON transcript's hash chain offline.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chatward_core::{Continuity, Transcript, compare, verify};
use serde_json::error::Category;

/// Subcommands of `chatward transcript`.
#[derive(Debug, clap::Subcommand)]
pub enum TranscriptCommand {
    /// Check that a JSON transcript's entries are unchanged, complete and in order: prints
    /// "valid: N entries, chain intact" (exit 0), names the first broken entry (exit 1), or
    /// says why the file could not be checked (exit 2). With `--earlier`, also checks that
    /// the file still holds everything an earlier download of the same conversation held.
    Verify(VerifyArgs),
}

/// Arguments of `chatward transcript verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The transcript downloaded with `format=json`.
    file: PathBuf,
    /// An earlier download of the same conversation: every consent and entry in it must be
    /// in FILE unchanged (hashes may differ when a consent was added since).
    #[arg(long, value_name = "EARLIER")]
    earlier: Option<PathBuf>,
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
    let Some(transcript) = read(&args.file) else {
        return ExitCode::from(CANNOT_CHECK);
    };
    if !is_valid(&transcript, None) {
        return ExitCode::FAILURE;
    }
    let Some(earlier_path) = &args.earlier else {
        return ExitCode::SUCCESS;
    };
    let Some(earlier) = read(earlier_path) else {
        return ExitCode::from(CANNOT_CHECK);
    };
    if !is_valid(&earlier, Some(earlier_path)) {
        return ExitCode::FAILURE;
    }
    match compare(&earlier, &transcript) {
        continuity @ Continuity::Extends { .. } => {
            println!("continues {}: {continuity}", earlier_path.display());
            ExitCode::SUCCESS
        }
        broken => {
            println!("changed since {}: {broken}", earlier_path.display());
            ExitCode::FAILURE
        }
    }
}

/// Reads and parses a JSON transcript; says why on stderr and returns `None` when it cannot.
fn read(file: &Path) -> Option<Transcript> {
    let path = file.display();
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("chatward: cannot read {path}: {error}");
            return None;
        }
    };
    match serde_json::from_slice(&bytes) {
        Ok(transcript) => Some(transcript),
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
            None
        }
    }
}

/// Verifies the chain and prints the verdict, naming the file when it is the earlier one.
fn is_valid(transcript: &Transcript, earlier: Option<&Path>) -> bool {
    let prefix = earlier.map_or(String::new(), |path| format!("{}: ", path.display()));
    match verify(transcript) {
        Ok(()) => {
            println!(
                "{prefix}valid: {} entries, chain intact (conversation {}, last hash {})",
                transcript.entries.len(),
                transcript.header.conversation,
                transcript.last_hash()
            );
            true
        }
        Err(error) => {
            println!("{prefix}invalid: {error}");
            false
        }
    }
}
