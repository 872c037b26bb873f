//! `chatward scan`: finds sensitive data in JSON Lines messages read from stdin and writes
//! one line of findings per message, with offsets in Unicode code points.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chatward_core::{Action, OffsetMap, Policy, ScanOptions, Scanner};

/// Arguments of `chatward scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// A value never reported (the shop's own e-mail or phone); repeatable.
    #[arg(long = "allow", value_name = "VALUE")]
    pub allow: Vec<String>,
    /// A file of values never reported, one a line.
    #[arg(long = "allow-file", value_name = "FILE")]
    pub allow_file: Vec<PathBuf>,
    /// A shop policy as JSON (`{"CREDIT_CARD": "block", ...}`); adds each message's
    /// verdict and each span's action to the output.
    #[arg(long = "policy", value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

/// Runs `chatward scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let mut allow = args.allow;
    for path in &args.allow_file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the allow-list {}", path.display()))?;
        allow.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    let scanner = Scanner::new(&ScanOptions { allow });
    let policy = match &args.policy {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the policy {}", path.display()))?;
            let policy: Policy = serde_json::from_str(&text)
                .with_context(|| format!("the policy {} is not valid", path.display()))?;
            Some(policy)
        }
    };
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut failed = 0usize;
    for (index, line) in stdin.lines().enumerate() {
        let number = index + 1;
        let line = line.with_context(|| format!("cannot read line {number} of stdin"))?;
        if line.trim().is_empty() {
            continue;
        }
        match scan_line(&scanner, policy.as_ref(), &line) {
            Ok(result) => {
                serde_json::to_writer(&mut out, &result)?;
                out.write_all(b"\n")?;
            }
            Err(error) => {
                failed += 1;
                eprintln!("chatward scan: line {number}: {error}");
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("chatward scan: {failed} line(s) could not be read; the others were scanned");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(serde::Deserialize)]
struct Message {
    id: serde_json::Value,
    text: String,
}

#[derive(serde::Serialize)]
struct Output {
    id: serde_json::Value,
    spans: Vec<Span>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'static str>,
}

#[derive(serde::Serialize)]
struct Span {
    start: usize,
    end: usize,
    #[serde(rename = "type")]
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subtype: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
}

fn scan_line(scanner: &Scanner, policy: Option<&Policy>, line: &str) -> Result<Output, String> {
    let message: Message = serde_json::from_str(line)
        .map_err(|e| format!("not a JSON object with \"id\" and \"text\" ({e})"))?;
    let findings = scanner.scan(&message.text);
    let map = OffsetMap::new(&message.text);
    let spans = findings
        .iter()
        .map(|f| {
            let offsets = map.convert(f.range.clone());
            Span {
                start: offsets.chars.start,
                end: offsets.chars.end,
                category: f.category.as_str(),
                subtype: f.subtype,
                action: policy.map(|p| p.action(f.category).as_str()),
            }
        })
        .collect();
    let verdict = policy.map(|p| p.judge(&message.text, &findings).action);
    Ok(Output {
        id: message.id,
        spans,
        verdict: verdict.map(Action::as_str),
    })
}
