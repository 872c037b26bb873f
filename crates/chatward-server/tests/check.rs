//! `chatward check` run as a program: over the upload benchmark's dev files, scored by the
//! benchmark's own `score.py`, which decodes every cleaned copy with Pillow (an independent
//! decoder) and looks for GPS, trailing data and payload markers.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn chatward(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chatward"))
        .arg("check")
        .args(args)
        .output()
        .expect("run chatward")
}

/// `<repo root>/../shared/bench/files`, where CI puts the benchmark beside the clone.
fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/files")
}

#[test]
fn dev_benchmark_has_no_false_allow_refused_image_or_gps_left() {
    let bench = bench_dir();
    if !bench.join("score.py").exists() {
        eprintln!(
            "skipped: the upload benchmark is not at {} (CI clones shared/ beside the repo)",
            bench.display()
        );
        return;
    }
    let pillow = Command::new("python3").args(["-c", "import PIL"]).status();
    assert!(
        pillow.is_ok_and(|s| s.success()),
        "Pillow is needed to verify cleaned copies: pip install -r ../shared/bench/files/requirements.txt"
    );
    let tmp = tempfile::tempdir().expect("temp dir");
    let clean_dir = tmp.path().join("clean");
    let mut files: Vec<PathBuf> = std::fs::read_dir(bench.join("dev"))
        .expect("read the dev folder")
        .map(|e| e.expect("dev entry").path())
        .collect();
    files.sort();
    assert!(files.len() > 50, "the dev set looks incomplete");
    let mut args = vec![
        "--json".as_ref(),
        "--clean-to".as_ref(),
        clean_dir.as_os_str(),
    ];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let out = chatward(&args);
    assert!(
        out.status.success(),
        "chatward check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert_eq!(lines.lines().count(), files.len(), "one line per file");
    let jsonl = tmp.path().join("out.jsonl");
    std::fs::write(&jsonl, &lines).expect("write out.jsonl");

    let score = Command::new("python3")
        .arg(bench.join("score.py"))
        .arg("--jsonl")
        .arg(&jsonl)
        .arg("--manifest")
        .arg(bench.join("manifest.dev.json"))
        .args(["--split", "dev", "--strict", "--json"])
        .output()
        .expect("run score.py");
    let report: serde_json::Value = serde_json::from_slice(&score.stdout).unwrap_or_else(|e| {
        panic!(
            "score.py output is not JSON ({e}): {}",
            String::from_utf8_lossy(&score.stderr)
        )
    });
    let figure = &report["figure"];
    eprintln!("{}", String::from_utf8_lossy(&score.stderr).trim());
    for key in [
        "false_allows",
        "false_blocks",
        "gps_leaks",
        "cleaned_failed",
    ] {
        assert_eq!(figure[key], 0, "{key} in {figure}");
    }
    assert!(score.status.success(), "score.py --strict failed: {figure}");
}

#[test]
fn unreadable_files_fail_the_run_but_the_others_are_judged() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = tmp.path().join("note.jpg");
    std::fs::write(&text, "not a picture at all\n").expect("write");
    let missing = tmp.path().join("missing.png");
    let out = chatward(&["--json".as_ref(), text.as_os_str(), missing.as_os_str()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("missing.png"),
        "{stderr}"
    );
    let line: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("one JSON line for the readable file");
    assert_eq!(line["verdict"], "block");
    assert_eq!(line["reason"], "text");
    assert_eq!(line["cleaned"], serde_json::Value::Null);
}

#[test]
fn readable_output_says_why_and_what_to_do() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let program = tmp.path().join("photo.jpg");
    std::fs::write(&program, b"MZ\x90\x00\x03\x00\x00\x00").expect("write");
    let out = chatward(&[program.as_os_str()]);
    assert!(
        out.status.success(),
        "a refused file is still a judged file"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("block "), "{stdout}");
    assert!(
        stdout.contains("program") && stdout.contains("PNG or JPEG"),
        "{stdout}"
    );
}
