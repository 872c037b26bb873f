//! `cargo xtask`: build automation for Chatward (`dist`, `demo`, `test`, `e2e`).
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
  test   install what is missing, then run native, browser (wasm) and end-to-end tests
  e2e [FILE...]
         only the end-to-end tests (all, or the given e2e/*.test.mjs files) against a relay
         serving the current dist/ (run `cargo xtask dist` first)";

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
        "e2e" => {
            let files: Vec<String> = std::env::args().skip(2).collect();
            test::end_to_end_tests(&ws, &files).map(|()| ExitCode::SUCCESS)
        }
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
