//! `chatward transcript verify` run as a program on files written to a temporary folder:
//! exit 0 for an intact chain, 1 naming the first changed entry, 2 when the file cannot be
//! checked at all, and never a message text in what it prints.

use std::path::Path;
use std::process::Output;

use chatward_core::protocol::{Author, ConsentRecord, Entry};
use chatward_core::{Transcript, TranscriptHeader};

/// Words that must never appear in the command's output: they are "personal data".
const SECRET: &str = "my secret words";

fn sealed() -> Transcript {
    let header = TranscriptHeader {
        conversation: "0123456789abcdef0123456789abcdef".to_owned(),
        shop: "demo".to_owned(),
        started_at: 1_764_000_000_000,
        statement: None,
        consents: vec![ConsentRecord {
            statement_version: "2026-11".to_owned(),
            statement_hash: "ab".repeat(32),
            accepted_at: 1_764_000_000_000,
            widget_version: "0.1.0".to_owned(),
        }],
    };
    let entry = |seq: u64, author, text: &str| Entry {
        seq,
        author,
        text: text.to_owned(),
        at: 1_764_000_000_000 + i64::try_from(seq).unwrap() * 1000,
        client_id: None,
        attachment: None,
        masked: Vec::new(),
    };
    Transcript::seal(
        header,
        &[
            entry(1, Author::Customer, "Where is my parcel?"),
            entry(2, Author::Operator, "It left today and arrives soon."),
            entry(3, Author::Customer, SECRET),
        ],
    )
}

fn verify_file(path: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_chatward"))
        .args(["transcript", "verify"])
        .arg(path)
        .output()
        .expect("run chatward")
}

/// Writes `contents` to a file in `dir` and runs `chatward transcript verify` on it.
fn verify_text(dir: &Path, contents: &str) -> (Option<i32>, String, String) {
    let path = dir.join("transcript.json");
    std::fs::write(&path, contents).unwrap();
    let output = verify_file(&path);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    for printed in [&stdout, &stderr] {
        assert!(!printed.contains(SECRET), "message text printed: {printed}");
    }
    (output.status.code(), stdout, stderr)
}

#[test]
fn an_intact_transcript_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let transcript = sealed();
    let json = serde_json::to_string_pretty(&transcript).unwrap();
    let (code, stdout, stderr) = verify_text(dir.path(), &json);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("valid: 3 entries, chain intact"),
        "{stdout}"
    );
    assert!(stdout.contains(transcript.last_hash()), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn a_changed_word_is_named_with_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::to_string_pretty(&sealed()).unwrap();
    let changed = json.replace("arrives soon", "never arrives");
    assert_ne!(changed, json);
    let (code, stdout, _) = verify_text(dir.path(), &changed);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.starts_with("invalid: entry 2 (seq 2)"), "{stdout}");
}

#[test]
fn a_removed_entry_is_named_by_the_one_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut transcript = sealed();
    transcript.entries.remove(0);
    let (code, stdout, _) = verify_text(
        dir.path(),
        &serde_json::to_string_pretty(&transcript).unwrap(),
    );
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.starts_with("invalid: entry 1 (seq 2)"), "{stdout}");
}

#[test]
fn a_changed_consent_is_named_as_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::to_string_pretty(&sealed()).unwrap();
    let changed = json.replace("2026-11", "2020-01");
    let (code, stdout, _) = verify_text(dir.path(), &changed);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("header"), "{stdout}");
}

#[test]
fn a_missing_file_cannot_be_checked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nowhere.json");
    let output = verify_file(&path);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot read"), "{stderr}");
    assert!(stderr.contains("nowhere.json"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn files_that_are_not_transcripts_get_a_clear_error_without_their_contents() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong_type = serde_json::to_value(sealed()).unwrap();
    // A message text where the format number belongs: serde would quote it.
    wrong_type["format"] = SECRET.into();
    let mut cut = serde_json::to_string(&sealed()).unwrap();
    cut.truncate(cut.len() / 2);
    for (contents, kind) in [
        (format!("{SECRET}, not JSON"), "not valid JSON"),
        (wrong_type.to_string(), "not in the transcript format"),
        (
            format!("{{\"note\": \"{SECRET}\"}}"),
            "not in the transcript format",
        ),
        (cut, "cut short"),
    ] {
        let (code, stdout, stderr) = verify_text(dir.path(), &contents);
        assert_eq!(code, Some(2), "{kind}: {stdout}{stderr}");
        assert!(
            stderr.contains("is not a Chatward JSON transcript"),
            "{stderr}"
        );
        assert!(stderr.contains(kind), "{kind}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
    }
}

#[test]
fn an_earlier_copy_must_be_readable_and_held_by_the_later_one() {
    let dir = tempfile::tempdir().unwrap();
    let later = dir.path().join("later.json");
    std::fs::write(&later, serde_json::to_string(&sealed()).unwrap()).unwrap();
    let against = |earlier: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_chatward"))
            .args(["transcript", "verify"])
            .arg(&later)
            .arg("--earlier")
            .arg(earlier)
            .output()
            .unwrap()
    };
    let missing = against(&dir.path().join("nowhere.json"));
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nowhere.json"));

    // The same copy continues itself; a copy with a word changed and resealed does not.
    let same = against(&later);
    let stdout = String::from_utf8(same.stdout).unwrap();
    assert_eq!(same.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("and 0 more"), "{stdout}");
    let mut changed = sealed();
    changed.entries[0].text = "Where is my refund?".to_owned();
    let entries: Vec<Entry> = changed
        .entries
        .iter()
        .map(|sealed| Entry {
            seq: sealed.seq,
            author: sealed.author,
            text: sealed.text.clone(),
            at: sealed.at,
            client_id: None,
            attachment: None,
            masked: Vec::new(),
        })
        .collect();
    let resealed = Transcript::seal(changed.header, &entries);
    let earlier = dir.path().join("earlier.json");
    std::fs::write(&earlier, serde_json::to_string(&resealed).unwrap()).unwrap();
    let output = against(&earlier);
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("entry seq 1 differs"), "{stdout}");
    assert!(!stdout.contains("refund"), "{stdout}");
}
