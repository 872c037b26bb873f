//! `cargo xtask`: build automation for Chatward (`dist`, `demo`, `test`).

fn main() -> anyhow::Result<()> {
    anyhow::bail!("usage: cargo xtask dist | demo | test")
}
