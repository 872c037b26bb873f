//! `chatward operator`: operator accounts.

use std::io::BufRead as _;
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::store::{OperatorAccount, Store};

/// Shortest password `operator add` accepts.
const MIN_PASSWORD_CHARS: usize = 8;

/// Subcommands of `chatward operator`.
#[derive(Debug, clap::Subcommand)]
pub enum OperatorCommand {
    /// Create an operator (or set a new password for an existing one). The password is read
    /// as one line from stdin, or from the variable named by `--password-env`.
    Add(AddArgs),
}

/// Arguments of `chatward operator add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Login name.
    #[arg(long)]
    username: String,
    /// Name shown in the console [default: the username].
    #[arg(long)]
    display_name: Option<String>,
    /// Read the password from this environment variable instead of stdin.
    #[arg(long, value_name = "VAR")]
    password_env: Option<String>,
    /// Database URL, as for `chatward serve`.
    #[arg(
        long,
        env = "CHATWARD_DATABASE",
        default_value = "sqlite://chatward.db"
    )]
    database: String,
}

/// Runs `chatward operator ...`.
pub fn run(command: OperatorCommand) -> anyhow::Result<ExitCode> {
    match command {
        OperatorCommand::Add(args) => add(args),
    }
}

fn add(args: AddArgs) -> anyhow::Result<ExitCode> {
    let username = args.username.trim().to_owned();
    let is_valid_name = (1..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if !is_valid_name {
        bail!("the username must be 1-64 letters, digits or . _ - @");
    }
    let password = match &args.password_env {
        Some(var) => {
            std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?
        }
        None => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .context("cannot read the password from stdin")?;
            line.trim_end_matches(['\n', '\r']).to_owned()
        }
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let password_hash = crate::hash_password(&password)
        .map_err(|error| anyhow::anyhow!("cannot hash the password: {error}"))?;
    let account = OperatorAccount {
        display_name: args.display_name.unwrap_or_else(|| username.clone()),
        username,
        password_hash,
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = Store::connect(&args.database).await?;
        store
            .put_operator(&account, crate::state::now_millis())
            .await?;
        anyhow::Ok(())
    })?;
    println!("chatward: operator {} saved", account.username);
    Ok(ExitCode::SUCCESS)
}
