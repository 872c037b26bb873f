//! `cargo xtask test`: every test there is, in order, with a summary at the end.
//!
//! 1. native unit and integration tests (`cargo test --workspace`);
//! 2. the relay's tests again against a real PostgreSQL (started here, stopped afterwards);
//! 3. wasm tests in headless Chromium (wasm-bindgen's runner from `crates/wasm-tools`), and
//!    the tests of those tools;
//! 4. `dist`;
//! 5. end-to-end tests (`node --test e2e/`, playwright-core) against a running relay.
//!
//! A failing step does not stop the later ones, except that the end-to-end tests need `dist`.

use std::fs;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::postgres::Postgres;
use crate::relay::Relay;
use crate::workspace::{
    CONSOLE_DIR, CONSOLE_PACKAGE, PANE_PACKAGE, TOOLS_PACKAGE, TOOLS_PROFILE, WASM_TARGET,
    Workspace,
};
use crate::{dist, prereq, process};

/// How a step ended.
enum Outcome {
    Passed,
    Failed(anyhow::Error),
    Skipped(&'static str),
}

struct Step {
    name: &'static str,
    outcome: Outcome,
    took: Duration,
}

/// Runs all steps and prints the summary; fails if any step failed.
pub fn run(ws: &Workspace) -> anyhow::Result<ExitCode> {
    let mut steps = Vec::new();
    if run_step(&mut steps, "prerequisites", || prerequisites(ws)) {
        run_step(&mut steps, "native tests", || native_tests(ws));
        run_step(&mut steps, "relay tests on PostgreSQL", || {
            relay_tests_on_postgres(ws)
        });
        run_step(&mut steps, "wasm tests (headless Chromium)", || {
            wasm_tests(ws)
        });
        if run_step(&mut steps, "dist", || dist::run(ws).map(drop)) {
            run_step(&mut steps, "end-to-end tests", || end_to_end_tests(ws, &[]));
        } else {
            steps.push(Step {
                name: "end-to-end tests",
                outcome: Outcome::Skipped("dist failed"),
                took: Duration::ZERO,
            });
        }
    }

    println!("\nxtask test summary:");
    for step in &steps {
        let verdict = match &step.outcome {
            Outcome::Passed => "ok".to_owned(),
            Outcome::Failed(err) => format!("FAILED: {err:#}"),
            Outcome::Skipped(why) => format!("skipped: {why}"),
        };
        println!(
            "  {:<32} {:>6.1} s  {verdict}",
            step.name,
            step.took.as_secs_f64()
        );
    }
    let is_green = steps
        .iter()
        .all(|step| matches!(step.outcome, Outcome::Passed));
    println!(
        "xtask test: {}",
        if is_green { "all green" } else { "FAILED" }
    );
    Ok(if is_green {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Runs one step, records how it ended and returns whether it passed.
fn run_step(
    steps: &mut Vec<Step>,
    name: &'static str,
    work: impl FnOnce() -> anyhow::Result<()>,
) -> bool {
    println!("\n==> {name}");
    let started = Instant::now();
    let outcome = match work() {
        Ok(()) => Outcome::Passed,
        Err(err) => {
            eprintln!("xtask: {name} failed: {err:#}");
            Outcome::Failed(err)
        }
    };
    let is_passed = matches!(outcome, Outcome::Passed);
    steps.push(Step {
        name,
        outcome,
        took: started.elapsed(),
    });
    is_passed
}

fn prerequisites(ws: &Workspace) -> anyhow::Result<()> {
    prereq::ensure_wasm_target()?;
    prereq::ensure_chromium()?;
    prereq::ensure_node_modules(ws)?;
    prereq::ensure_python_packages(ws)
}

/// The native test run. wasm-tools is left out: compiling wasm-bindgen a second time with the
/// dev profile would be slow; its tests run with the `tools` profile in the wasm step.
/// `--no-fail-fast`: one failing test binary must not hide the others' results.
const NATIVE_TEST_ARGS: &[&str] = &[
    "test",
    "--no-fail-fast",
    "--workspace",
    "--exclude",
    TOOLS_PACKAGE,
];

fn native_tests(ws: &Workspace) -> anyhow::Result<()> {
    process::run(ws.cargo().args(NATIVE_TEST_ARGS))
}

/// The relay's integration tests once more, each in its own database on a fresh PostgreSQL
/// server (`CHATWARD_TEST_POSTGRES`). Fails, never skips, without PostgreSQL: CI tests both
/// backends.
fn relay_tests_on_postgres(ws: &Workspace) -> anyhow::Result<()> {
    let bin_dir = prereq::ensure_postgres()?;
    let server = Postgres::start(&bin_dir)?;
    let result = process::run(
        ws.cargo()
            .args(NATIVE_TEST_ARGS)
            .args(["--test", "relay"])
            .env("CHATWARD_TEST_POSTGRES", &server.url),
    );
    // Stops the server whether or not the tests passed.
    drop(server);
    result
}

fn wasm_tests(ws: &Workspace) -> anyhow::Result<()> {
    ws.build_tools()?;
    // The tools' own tests, on the `tools` build just made.
    process::run(ws.cargo().args([
        "test",
        "--package",
        TOOLS_PACKAGE,
        "--profile",
        TOOLS_PROFILE,
        "--bin",
        "chatward-dedupe",
        "--bin",
        "chatward-short-imports",
        "--bin",
        "chatward-minify",
    ]))?;
    let mut command = ws.cargo();
    command
        .args([
            "test",
            "--no-fail-fast",
            "--target",
            WASM_TARGET,
            "--tests",
            "--package",
            PANE_PACKAGE,
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            ws.tool("chatward-test-runner"),
        )
        .env("CHROMEDRIVER", prereq::CHROMEDRIVER);
    if console_has_wasm_tests(ws) {
        command.args(["--package", CONSOLE_PACKAGE]);
    }
    process::run(&mut command)
}

/// Whether any source of the console crate mentions `wasm_bindgen_test`.
fn console_has_wasm_tests(ws: &Workspace) -> bool {
    if !ws.has_console() {
        return false;
    }
    let mut pending = vec![
        ws.path(CONSOLE_DIR).join("src"),
        ws.path(CONSOLE_DIR).join("tests"),
    ];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            if let Ok(entries) = fs::read_dir(&path) {
                pending.extend(entries.flatten().map(|entry| entry.path()));
            }
        } else if path.extension().is_some_and(|extension| extension == "rs")
            && fs::read_to_string(&path).is_ok_and(|text| text.contains("wasm_bindgen_test"))
        {
            return true;
        }
    }
    false
}

/// Runs the end-to-end tests (all of `e2e/`, or only `files`) against a relay serving `dist/`.
pub fn end_to_end_tests(ws: &Workspace, files: &[String]) -> anyhow::Result<()> {
    // The relay binary exactly as the native tests built it: `cargo build -p chatward-server`
    // resolves features without the dev-dependencies and would rebuild much of the tree.
    process::run(ws.cargo().args(NATIVE_TEST_ARGS).arg("--no-run"))?;
    // A fresh database per run, inside the target dir so it never lands in git.
    let scratch = ws.target_dir.join("e2e");
    if scratch.exists() {
        fs::remove_dir_all(&scratch).context("removing the previous e2e database")?;
    }
    fs::create_dir_all(&scratch)?;
    let database = format!("sqlite://{}", scratch.join("e2e.db").display());

    let mut command = Command::new(ws.relay_binary());
    command
        .current_dir(&ws.root)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo-shop",
            "127.0.0.1:0",
        ])
        .args(["--demo-operator", "--database", &database])
        .arg("--upload-dir")
        .arg(scratch.join("uploads"))
        .arg("--static-dir")
        .arg(ws.dist_dir());
    let relay = Relay::start(command, "relay | ")?;
    let result = process::run(
        Command::new("node")
            .arg("--test")
            .args(if files.is_empty() {
                vec!["e2e/".to_owned()]
            } else {
                files.to_vec()
            })
            .current_dir(&ws.root)
            .env("CHATWARD_RELAY_URL", &relay.listeners.relay_url)
            .env("CHATWARD_SHOP_URL", &relay.listeners.shop_url)
            .env("CHATWARD_DIST_DIR", ws.dist_dir())
            .env("CHATWARD_OPERATOR_USER", "demo")
            .env("CHATWARD_OPERATOR_PASSWORD", "demo"),
    );
    // Stops the relay whether or not the tests passed.
    drop(relay);
    result
}
