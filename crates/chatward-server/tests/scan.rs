//! `chatward scan` as a user runs it: the built binary, JSON Lines on stdin, findings on
//! stdout, errors on stderr; and the benchmark targets on the dev set.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn chatward() -> Command {
    Command::new(env!("CARGO_BIN_EXE_chatward"))
}

/// Runs `chatward scan ARGS` with `input` on stdin.
fn scan(args: &[&str], input: &str) -> Output {
    let mut child = chatward()
        .arg("scan")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chatward starts");
    // Write from another thread: a large input would otherwise fill the pipes both ways.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("chatward finishes");
    match writer.join().expect("writer thread finishes") {
        Ok(()) => {}
        // A run that refuses its arguments (a bad policy) exits without reading stdin; whether
        // it is gone before the input is written is a race. The tests that expect every line
        // read check the output, which would then be short.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => panic!("stdin takes the input: {e}"),
    }
    output
}

fn lines(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each output line is JSON"))
        .collect()
}

#[test]
fn spans_are_in_code_points() {
    let input = r#"{"id": "m1", "text": "😀 é card 4111 1111 1111 1111", "locale": "en_US"}"#;
    let output = scan(&[], &format!("{input}\n"));
    assert!(output.status.success(), "{output:?}");
    let out = lines(&output);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["id"], "m1");
    let span = &out[0]["spans"][0];
    // "😀 é card " is 9 code points (but 13 bytes and 10 UTF-16 units).
    assert_eq!(span["start"], 9);
    assert_eq!(span["end"], 28);
    assert_eq!(span["type"], "CREDIT_CARD");
    assert_eq!(span["subtype"], "VISA");
    assert!(out[0].get("verdict").is_none());
}

#[test]
fn allowed_values_are_not_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let allow_file = dir.path().join("allow.txt");
    std::fs::write(&allow_file, "help@shop.example\n\n").expect("allow file written");
    let input = concat!(
        r#"{"id": 1, "text": "I wrote to help@shop.example and called +44 20 7946 0958"}"#,
        "\n",
        r#"{"id": 2, "text": "mail me at jo@example.org"}"#,
        "\n"
    );
    let output = scan(
        &[
            "--allow",
            "+44 (0)20 7946 0958",
            "--allow-file",
            allow_file.to_str().expect("utf-8 path"),
        ],
        input,
    );
    assert!(output.status.success(), "{output:?}");
    let out = lines(&output);
    assert_eq!(out[0]["id"], 1);
    assert_eq!(out[0]["spans"], serde_json::json!([]));
    assert_eq!(out[1]["spans"][0]["type"], "EMAIL");
}

#[test]
fn a_malformed_line_is_named_and_the_rest_still_scanned() {
    let input = concat!(
        r#"{"id": "a", "text": "ssn 123-45-6789"}"#,
        "\n",
        "this is not json\n",
        r#"{"id": "c"}"#,
        "\n",
        r#"{"id": "d", "text": "nothing here"}"#,
        "\n"
    );
    let output = scan(&[], input);
    assert!(!output.status.success(), "bad lines must fail the run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("line 3"), "{stderr}");
    assert!(
        !stderr.contains("123-45-6789"),
        "stderr must not echo message text"
    );
    let out = lines(&output);
    let ids: Vec<_> = out.iter().map(|o| o["id"].clone()).collect();
    assert_eq!(ids, vec![serde_json::json!("a"), serde_json::json!("d")]);
    assert_eq!(out[0]["spans"][0]["type"], "US_SSN");
}

#[test]
fn a_policy_adds_verdicts_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"EMAIL": "warn"}"#).expect("policy written");
    let input = concat!(
        r#"{"id": 1, "text": "card 4111 1111 1111 1111, mail jo@example.org"}"#,
        "\n",
        r#"{"id": 2, "text": "mail jo@example.org"}"#,
        "\n",
        r#"{"id": 3, "text": "where is my parcel?"}"#,
        "\n"
    );
    let output = scan(&["--policy", policy.to_str().expect("utf-8 path")], input);
    assert!(output.status.success(), "{output:?}");
    let out = lines(&output);
    assert_eq!(out[0]["verdict"], "block");
    assert_eq!(out[0]["spans"][0]["action"], "block");
    assert_eq!(out[0]["spans"][1]["action"], "warn");
    assert_eq!(out[1]["verdict"], "warn");
    assert_eq!(out[2]["verdict"], "allow");

    std::fs::write(&policy, r#"{"CREDIT_CARDS": "block"}"#).expect("policy written");
    let output = scan(&["--policy", policy.to_str().expect("utf-8 path")], input);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("CREDIT_CARDS"), "{stderr}");
}

/// `<repo root>/../shared/bench/pii`, or `/work/shared/bench/pii`.
fn bench_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    [
        root.join("../shared/bench/pii"),
        PathBuf::from("/work/shared/bench/pii"),
    ]
    .into_iter()
    .find(|d| d.join("dev.jsonl").is_file() && d.join("score.py").is_file())
}

#[test]
fn dev_set_meets_the_targets() {
    let Some(dir) = bench_dir() else {
        println!("skipped: the benchmark (../shared/bench/pii) is not beside the repository");
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    // The shop contacts become the allow-list, as a shop would configure them.
    let contacts: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("shop_contacts.json")).expect("shop contacts"),
    )
    .expect("shop contacts are JSON");
    let mut allow = String::new();
    for shop in contacts.as_object().expect("contacts by locale").values() {
        for key in ["email", "phone"] {
            for value in shop[key].as_array().into_iter().flatten() {
                allow.push_str(value.as_str().expect("contact is a string"));
                allow.push('\n');
            }
        }
    }
    let allow_file = tmp.path().join("allow.txt");
    std::fs::write(&allow_file, allow).expect("allow file written");
    let input = std::fs::read_to_string(dir.join("dev.jsonl")).expect("dev set");
    let output = scan(
        &["--allow-file", allow_file.to_str().expect("utf-8 path")],
        &input,
    );
    assert!(output.status.success(), "{:?}", output.status);
    let predictions = tmp.path().join("pred.jsonl");
    std::fs::write(&predictions, &output.stdout).expect("predictions written");
    let scored = Command::new("python3")
        .arg(dir.join("score.py"))
        .arg(dir.join("dev.jsonl"))
        .arg(&predictions)
        .arg("--json")
        .output()
        .expect("python3 runs the scorer");
    assert!(scored.status.success(), "{scored:?}");
    let score: serde_json::Value = serde_json::from_slice(&scored.stdout).expect("score JSON");
    let micro = score["micro"]["f1"].as_f64().expect("micro f1");
    let false_alarms = score["message_level"]["false_alarm_rate"]
        .as_f64()
        .expect("false alarm rate");
    let missed = score["message_level"]["missed_message_rate"]
        .as_f64()
        .expect("missed rate");
    println!("dev: micro F1 {micro:.4}, false alarms {false_alarms:.4}, missed {missed:.4}");
    assert!(micro >= 0.95, "micro F1 {micro}");
    assert!(false_alarms <= 0.01, "false alarms {false_alarms}");
    assert!(missed <= 0.02, "missed {missed}");
    for (category, figures) in score["per_type"].as_object().expect("per type") {
        let f1 = figures["f1"].as_f64().expect("type f1");
        println!("dev: {category} F1 {f1:.4}");
        assert!(f1 >= 0.85, "{category} F1 {f1}");
    }
}
