//! Running child processes with the command line shown, and failing with a clear message.

use std::process::Command;

use anyhow::{Context as _, bail};

/// Runs `command` to completion, its output going to ours; fails unless it exits with 0.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let shown = describe(command);
    println!("$ {shown}");
    let status = command
        .status()
        .with_context(|| format!("could not start `{shown}`"))?;
    if !status.success() {
        bail!("`{shown}` failed ({status})");
    }
    Ok(())
}

/// Whether `command` runs and exits with 0, its output discarded (for probing).
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The command line as a person would type it (program and arguments, no environment).
pub fn describe(command: &Command) -> String {
    let program = command.get_program().to_string_lossy();
    // Show `cargo` rather than the full path cargo gave us in `$CARGO`.
    let program = std::path::Path::new(program.as_ref())
        .file_name()
        .map_or(program.to_string(), |name| {
            name.to_string_lossy().into_owned()
        });
    std::iter::once(program)
        .chain(
            command
                .get_args()
                .map(|arg| arg.to_string_lossy().into_owned()),
        )
        .collect::<Vec<_>>()
        .join(" ")
}
