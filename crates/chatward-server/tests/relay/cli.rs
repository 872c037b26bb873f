//! The `chatward` binary itself: `serve` prints the lines the e2e harness parses and answers
//! on them; `operator add` stores an argon2 hash of the password read from stdin.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use chatward_server::Store;

/// A spawned relay, killed on drop even when the test fails.
struct Spawned(Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_prints_its_listeners_and_answers_on_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("dist/demo")).unwrap();
    std::fs::write(
        dir.path().join("dist/demo/index.html"),
        r#"<script src="{{RELAY}}/chatward.js" data-server="{{RELAY}}"></script>"#,
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_chatward"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--demo-shop",
            "127.0.0.1:0",
            "--demo-operator",
        ])
        .arg("--database")
        .arg(format!("sqlite://{}", dir.path().join("cli.db").display()))
        .arg("--static-dir")
        .arg(dir.path().join("dist"))
        .env("CHATWARD_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut relay = Spawned(child);
    let mut lines = BufReader::new(relay.0.stdout.take().unwrap()).lines();
    let mut next_line = || lines.next().expect("a line before exit").unwrap();
    let relay_url = next_line()
        .strip_prefix("chatward: relay listening on ")
        .unwrap()
        .to_owned();
    let shop_url = next_line()
        .strip_prefix("chatward: demo shop on ")
        .unwrap()
        .to_owned();
    assert_eq!(next_line(), "chatward: demo operator login demo / demo");
    assert_ne!(relay_url, shop_url);

    let client = reqwest::Client::new();
    let page = client
        .get(format!("{shop_url}/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        page,
        format!(r#"<script src="{relay_url}/chatward.js" data-server="{relay_url}"></script>"#)
    );
    let login = client
        .post(format!("{relay_url}/api/operator/login"))
        .json(&serde_json::json!({ "username": "demo", "password": "demo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 204, "--demo-operator created demo / demo");
}

#[tokio::test]
async fn operator_add_reads_the_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("ops.db").display());
    let add = |password: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chatward"))
            .args([
                "operator",
                "add",
                "--username",
                "bob",
                "--display-name",
                "Bob B.",
            ])
            .args(["--database", &database])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add("short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));

    assert!(add("a long enough secret").status.success());
    let store = Store::connect(&database).await.unwrap();
    let bob = store
        .operator("bob")
        .await
        .unwrap()
        .expect("bob was stored");
    assert_eq!(bob.display_name, "Bob B.");
    assert!(bob.password_hash.starts_with("$argon2id$"));
    assert!(!bob.password_hash.contains("a long enough secret"));
}
