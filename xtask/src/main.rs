//! `cargo xtask`: build automation for Chatward (`dist`, `demo`, `test`).
//!
//! Everything here runs with plain `cargo`, `rustup`, `apt-get`, `npm` and `pip`: the wasm
//! bindings generator and test runner are compiled from crates.io (`crates/wasm-tools`), so
//! nothing is downloaded outside the package registries.

mod demo;
mod dist;
mod postgres;
mod prereq;
mod process;
mod relay;
mod sizes;
mod test;
mod workspace;

use std::process::ExitCode;

use workspace::Workspace;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist   build the release wasm, bindings, loader and CSS into dist/ and print their sizes
  demo   build everything and run the relay with the demo shop on 127.0.0.1 (Ctrl-C stops it)
  test   install what is missing, then run native, browser (wasm) and end-to-end tests";

fn main() -> ExitCode {
    let command = std::env::args().nth(1);
    let Some(command) = command else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = Workspace::locate().and_then(|ws| match command.as_str() {
        "dist" => dist::run(&ws).map(|_| ExitCode::SUCCESS),
        "demo" => demo::run(&ws),
        "test" => test::run(&ws),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            Ok(ExitCode::from(2))
        }
    });
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
