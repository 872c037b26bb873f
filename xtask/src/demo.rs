//! `cargo xtask demo`: build everything and run the relay with the demo shop on 127.0.0.1.

use std::process::{Command, ExitCode};

use crate::relay::Relay;
use crate::workspace::Workspace;
use crate::{dist, prereq};

/// The relay's address in the demo.
const RELAY_ADDR: &str = "127.0.0.1:8080";
/// The demo shop page's address: another origin than the relay, as in real life.
const SHOP_ADDR: &str = "127.0.0.1:8081";

/// Runs the demo until Ctrl-C (which the terminal sends to the relay as well as to us).
pub fn run(ws: &Workspace) -> anyhow::Result<ExitCode> {
    prereq::ensure_wasm_target()?;
    let dist = dist::run(ws)?;
    ws.build_relay()?;

    let mut command = Command::new(ws.relay_binary());
    command
        .current_dir(&ws.root)
        // The database is the relay's default, the SQLite file `chatward.db` here.
        .args(["serve", "--listen", RELAY_ADDR, "--demo-shop", SHOP_ADDR])
        .arg("--demo-operator")
        .arg("--static-dir")
        .arg(&dist);
    let mut relay = Relay::start(command, "")?;
    let listeners = &relay.listeners;
    println!(
        "\nChatward demo is running.\n\
         \x20 shop page (customer): {shop}/\n\
         \x20 operator console:     {relay}/console/  (log in as demo / demo)\n\
         Open the shop page, click the chat button, accept the privacy statement and write;\n\
         answer from the console in another window. Press Ctrl-C to stop.\n",
        shop = listeners.shop_url,
        relay = listeners.relay_url,
    );
    let status = relay.wait()?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
