//! `chatward check`: judges files as uploads with the same guard the chat pane and the relay
//! use, so shop staff can check a file a customer sent another way, and writes cleaned copies.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chatward_core::{CleanImage, DEFAULT_MAX_BYTES, Refusal, UploadLimits, check_upload};

/// Arguments of `chatward check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Print one JSON object per file instead of a readable line.
    #[arg(long)]
    pub json: bool,
    /// Write the cleaned copy of every accepted file into this folder.
    #[arg(long, value_name = "DIR")]
    pub clean_to: Option<PathBuf>,
    /// Largest accepted file in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// The files to judge.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// One file's result as printed.
#[derive(Debug, serde::Serialize)]
struct Report<'a> {
    path: &'a str,
    verdict: &'static str,
    format: &'static str,
    reason: &'static str,
    has_gps: bool,
    cleaned: Option<String>,
}

/// Runs `chatward check`: exit 0 when every file was judged (accepted or refused), 1 when
/// some file could not be read or its cleaned copy not written.
pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let limits = UploadLimits {
        max_bytes: args.max_bytes,
        ..UploadLimits::default()
    };
    if let Some(dir) = &args.clean_to {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let mut used_names = HashSet::new();
    let mut failures = 0usize;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for path in &args.files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("chatward: cannot read {}: {error}", path.display());
                failures += 1;
                continue;
            }
        };
        let shown = path.to_string_lossy();
        let verdict = check_upload(&bytes, &limits);
        let cleaned = match (&verdict, &args.clean_to) {
            (Ok(image), Some(dir)) => {
                let target = dir.join(cleaned_name(path, image, &mut used_names));
                match std::fs::write(&target, &image.bytes) {
                    Ok(()) => Some(target.to_string_lossy().into_owned()),
                    Err(error) => {
                        eprintln!("chatward: cannot write {}: {error}", target.display());
                        failures += 1;
                        None
                    }
                }
            }
            _ => None,
        };
        let report = report(&shown, &verdict, cleaned);
        if args.json {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", readable(&report, &verdict))?;
        }
    }
    out.flush()?;
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn report<'a>(
    path: &'a str,
    verdict: &Result<CleanImage, Refusal>,
    cleaned: Option<String>,
) -> Report<'a> {
    match verdict {
        Ok(image) => Report {
            path,
            verdict: "allow",
            format: image.format.as_str(),
            reason: "ok",
            has_gps: image.removed.gps,
            cleaned,
        },
        Err(refusal) => Report {
            path,
            verdict: "block",
            format: refusal.format,
            reason: refusal.reason.as_str(),
            has_gps: false,
            cleaned: None,
        },
    }
}

fn readable(report: &Report<'_>, verdict: &Result<CleanImage, Refusal>) -> String {
    match verdict {
        Ok(image) => {
            let r = &image.removed;
            let mut notes = Vec::new();
            for (flag, what) in [
                (r.gps, "location removed"),
                (r.metadata, "metadata removed"),
                (r.trailing_data, "data after the image removed"),
                (r.hidden_payload, "hidden content removed"),
            ] {
                if flag {
                    notes.push(what);
                }
            }
            let mut line = format!(
                "allow {} {} ({}x{})",
                report.path, report.format, image.width, image.height
            );
            if !notes.is_empty() {
                line += &format!(": {}", notes.join(", "));
            }
            if let Some(cleaned) = &report.cleaned {
                line += &format!(" -> {cleaned}");
            }
            line
        }
        Err(refusal) => format!("block {} {}: {refusal}", report.path, refusal.format),
    }
}

/// `NAME.EXT` of the cleaned copy: the original name plus the real format's extension (a
/// photo named `.pdf` becomes `x.pdf.jpg`), made unique within this run.
fn cleaned_name(path: &Path, image: &CleanImage, used: &mut HashSet<String>) -> String {
    let base = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "upload".to_owned());
    let ext = match image.format {
        chatward_core::ImageFormat::Jpeg => "jpg",
        other => other.as_str(),
    };
    let mut name = format!("{base}.{ext}");
    let mut n = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}-{n}.{ext}");
        n += 1;
    }
    name
}
