//! The `chatward` command: the relay (`serve`) and the tools shop staff use beside it.

use std::process::ExitCode;

use chatward_server::cli;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "chatward",
    version,
    about = "Privacy-first live chat relay and tools"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the relay: customer and operator WebSockets, uploads, the widget's files.
    Serve(cli::serve::ServeArgs),
    /// Find sensitive data in JSON Lines messages read from stdin.
    Scan(cli::scan::ScanArgs),
    /// Judge files as uploads: only genuine, clean images pass.
    Check(cli::check::CheckArgs),
    /// Manage operator accounts.
    #[command(subcommand)]
    Operator(cli::operator::OperatorCommand),
    /// Work with downloaded transcripts.
    #[command(subcommand)]
    Transcript(cli::transcript::TranscriptCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => cli::serve::run(args),
        Command::Scan(args) => cli::scan::run(args),
        Command::Check(args) => cli::check::run(args),
        Command::Operator(command) => cli::operator::run(command),
        Command::Transcript(command) => cli::transcript::run(command),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("chatward: {error:#}");
            ExitCode::FAILURE
        }
    }
}
