//! Prints how fast the detector scans on one core: messages per second and MB/s over the
//! benchmark's dev messages, and the time for one 2,000-character draft.
//!
//! Run from the repository root (release build, the figures mean nothing in debug):
//!     cargo run --release -p chatward-core --example scan_bench [-- path/to/dev.jsonl]
//! The default path is `../shared/bench/pii/dev.jsonl`. Only sizes and timings are printed,
//! never message text.

use std::time::{Duration, Instant};

use chatward_core::{ScanOptions, Scanner};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/bench/pii/dev.jsonl".to_string());
    let data = match std::fs::read_to_string(&path) {
        Ok(data) => data,
        Err(error) => {
            eprintln!("scan_bench: cannot read {path}: {error}");
            std::process::exit(2);
        }
    };
    let texts: Vec<String> = data
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|v| v.get("text")?.as_str().map(String::from))
        .collect();
    if texts.is_empty() {
        eprintln!("scan_bench: no messages in {path}");
        std::process::exit(2);
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let scanner = Scanner::new(&ScanOptions {
        allow: vec!["support@shopwise.com".into(), "1-800-555-0199".into()],
    });

    // Warm up, then scan the whole set repeatedly for at least two seconds.
    let mut findings = 0usize;
    for text in &texts {
        findings += scanner.scan(text).len();
    }
    let start = Instant::now();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(2) {
        for text in &texts {
            findings += std::hint::black_box(scanner.scan(std::hint::black_box(text))).len();
        }
        rounds += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let messages = texts.len() as f64 * f64::from(rounds);
    println!(
        "{} messages ({} bytes, mean {:.0} bytes), {rounds} rounds",
        texts.len(),
        bytes,
        bytes as f64 / texts.len() as f64
    );
    println!("messages/s: {:.0}", messages / elapsed);
    println!(
        "MB/s: {:.1}",
        bytes as f64 * f64::from(rounds) / elapsed / 1e6
    );

    // A long draft: messages joined until it holds 2,000 characters.
    let mut draft = String::new();
    for text in texts.iter().cycle() {
        if draft.chars().count() >= 2000 {
            break;
        }
        draft.push_str(text);
        draft.push(' ');
    }
    let draft: String = draft.chars().take(2000).collect();
    let start = Instant::now();
    let mut runs = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        findings += std::hint::black_box(scanner.scan(std::hint::black_box(&draft))).len();
        runs += 1;
    }
    let per_draft = start.elapsed().as_secs_f64() / f64::from(runs);
    println!("2,000-character draft: {:.1} µs per scan", per_draft * 1e6);
    // Printed so the work cannot be optimised away.
    println!("(findings counted: {findings})");
}
