//! Compressed sizes of `dist/` files, the precompressed `.gz`/`.br` siblings, and the budgets.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

/// Brotli's best quality and a window larger than any file here, as a static-file
/// precompressor uses.
const BROTLI_QUALITY: i32 = 11;
const BROTLI_WINDOW_BITS: i32 = 22;

/// Encoder settings tried for each file, the smallest result kept: the input block size
/// (0: the encoder's choice) and whether to model the bytes as a font (binary) rather than
/// text. Any brotli decoder reads every one of them; which wins depends on the file (the
/// pane's wasm: 116,937 B with the default, 116,722 B with 16 and the binary model).
const BROTLI_SETTINGS: [(i32, bool); 3] = [(0, false), (16, false), (16, true)];

/// The byte counts of one file: as stored, gzip-compressed and brotli-compressed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sizes {
    /// Bytes of the file itself.
    pub raw: u64,
    /// Bytes of its gzip (best compression) encoding.
    pub gzip: u64,
    /// Bytes of its brotli (quality 11) encoding.
    pub brotli: u64,
}

impl std::ops::Add for Sizes {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            raw: self.raw + other.raw,
            gzip: self.gzip + other.gzip,
            brotli: self.brotli + other.brotli,
        }
    }
}

/// Compresses `bytes` with gzip at the best level.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// Compresses `bytes` with brotli at the best quality, with the settings that give the
/// smallest result.
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    BROTLI_SETTINGS
        .iter()
        .map(|&(block_bits, binary)| {
            use brotli::enc::backward_references::BrotliEncoderMode;
            let params = brotli::enc::BrotliEncoderParams {
                quality: BROTLI_QUALITY,
                lgwin: BROTLI_WINDOW_BITS,
                lgblock: block_bits,
                mode: if binary {
                    BrotliEncoderMode::BROTLI_MODE_FONT
                } else {
                    BrotliEncoderMode::BROTLI_MODE_GENERIC
                },
                ..Default::default()
            };
            let mut out = Vec::new();
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
                .expect("compressing into a Vec cannot fail");
            out
        })
        .min_by_key(Vec::len)
        .expect("there are settings to try")
}

/// Writes `<path>.gz` and `<path>.br` next to `path` and returns the three sizes.
pub fn precompress(path: &Path) -> anyhow::Result<Sizes> {
    let (sizes, gz, br) = compress_file(path)?;
    fs::write(sibling(path, "gz"), &gz)?;
    fs::write(sibling(path, "br"), &br)?;
    Ok(sizes)
}

/// The three sizes of `path`, writing nothing (for templates the relay rewrites).
pub fn measure(path: &Path) -> anyhow::Result<Sizes> {
    Ok(compress_file(path)?.0)
}

fn compress_file(path: &Path) -> anyhow::Result<(Sizes, Vec<u8>, Vec<u8>)> {
    let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let gz = gzip(&bytes);
    let br = brotli(&bytes);
    let sizes = Sizes {
        raw: bytes.len() as u64,
        gzip: gz.len() as u64,
        brotli: br.len() as u64,
    };
    Ok((sizes, gz, br))
}

fn sibling(path: &Path, extension: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    name.into()
}

/// A limit on the brotli size of a group of files.
pub struct Budget {
    /// What the group is, as printed.
    pub name: &'static str,
    /// The files of the group, relative to `dist/`.
    pub files: &'static [&'static str],
    /// The most brotli bytes the group may take, or None for a group only measured.
    pub brotli_limit: Option<u64>,
}

/// The loader runs on every page of the shop, the pane when the chat opens, the upload
/// guard only when the customer attaches a picture (so it is not part of the pane's budget).
pub const BUDGETS: &[Budget] = &[
    Budget {
        name: "loader",
        files: &["chatward.js"],
        brotli_limit: Some(3 * 1024),
    },
    Budget {
        name: "pane (wasm+js+css)",
        // boot.js starts the pane: its JavaScript too, though wasm-bindgen did not write it.
        files: &[
            "pane/chatward_bg.wasm",
            "pane/chatward.js",
            "pane/boot.js",
            "pane/pane.css",
        ],
        brotli_limit: Some(120 * 1024),
    },
    Budget {
        name: "guard (wasm+js)",
        files: &["pane/guard_bg.wasm", "pane/guard.js"],
        brotli_limit: None,
    },
];

/// Formats the size table: one row per file, then one per budget with its verdict.
pub fn table(rows: &[(String, Sizes)]) -> String {
    let mut out = String::new();
    let width = rows
        .iter()
        .map(|(name, _)| name.len())
        .chain(BUDGETS.iter().map(|budget| budget.name.len() + 6))
        .max()
        .unwrap_or(0);
    let line = |out: &mut String, name: &str, sizes: Sizes, note: &str| {
        out.push_str(&format!(
            "{name:<width$}  {:>10}  {:>10}  {:>10}  {note}\n",
            sizes.raw, sizes.gzip, sizes.brotli
        ));
    };
    out.push_str(&format!(
        "{:<width$}  {:>10}  {:>10}  {:>10}\n",
        "file (bytes)", "raw", "gzip", "brotli"
    ));
    for (name, sizes) in rows {
        line(&mut out, name, *sizes, "");
    }
    for budget in BUDGETS {
        let present: Vec<Sizes> = budget
            .files
            .iter()
            .filter_map(|file| rows.iter().find(|(name, _)| name == file).map(|row| row.1))
            .collect();
        let total = present.iter().copied().fold(Sizes::default(), |a, b| a + b);
        let verdict = budget_verdict(
            total.brotli,
            budget.brotli_limit,
            present.len(),
            budget.files.len(),
        );
        line(&mut out, &format!("total {}", budget.name), total, &verdict);
    }
    out
}

fn budget_verdict(brotli: u64, limit: Option<u64>, present: usize, expected: usize) -> String {
    let mut verdict = if let Some(limit) = limit {
        budget_check(brotli, limit)
    } else {
        "loaded on the first picture, not with the pane".to_owned()
    };
    if present < expected {
        verdict.push_str(&format!(
            ", {} of {expected} files missing",
            expected - present
        ));
    }
    verdict
}

fn budget_check(brotli: u64, limit: u64) -> String {
    if brotli <= limit {
        format!("within budget ({limit} B brotli)")
    } else {
        format!(
            "OVER BUDGET by {} B (limit {limit} B brotli)",
            brotli - limit
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).unwrap();
        out
    }

    fn unbrotli(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
        out
    }

    #[test]
    fn compressed_files_decode_to_the_original() {
        let text = "body { color: #222; } ".repeat(200);
        assert_eq!(gunzip(&gzip(text.as_bytes())), text.as_bytes());
        assert_eq!(unbrotli(&brotli(text.as_bytes())), text.as_bytes());
        assert!(brotli(text.as_bytes()).len() < text.len() / 10);
    }

    #[test]
    fn precompress_writes_both_siblings() {
        let dir = std::env::temp_dir().join(format!("xtask-sizes-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pane.css");
        fs::write(&file, "a{}".repeat(100)).unwrap();
        let sizes = precompress(&file).unwrap();
        assert_eq!(sizes.raw, 300);
        assert_eq!(
            fs::read(dir.join("pane.css.gz")).unwrap().len() as u64,
            sizes.gzip
        );
        assert_eq!(
            unbrotli(&fs::read(dir.join("pane.css.br")).unwrap()),
            fs::read(&file).unwrap()
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn table_totals_budgets_and_flags_overruns() {
        let big = Sizes {
            raw: 500_000,
            gzip: 150_000,
            brotli: 125_000,
        };
        let small = Sizes {
            raw: 4_000,
            gzip: 2_000,
            brotli: 1_000,
        };
        let rows = vec![
            ("chatward.js".to_owned(), small),
            ("pane/chatward_bg.wasm".to_owned(), big),
            ("pane/chatward.js".to_owned(), small),
            ("pane/guard.js".to_owned(), small),
            ("pane/guard_bg.wasm".to_owned(), small),
        ];
        let table = table(&rows);
        let loader = table
            .lines()
            .find(|l| l.starts_with("total loader"))
            .unwrap();
        assert!(loader.contains("within budget"), "{loader}");
        let pane = table.lines().find(|l| l.starts_with("total pane")).unwrap();
        assert!(pane.contains("126000"), "{pane}");
        assert!(pane.contains("OVER BUDGET by 3120 B"), "{pane}");
        assert!(pane.contains("2 of 4 files missing"), "{pane}");
        // The guard is measured on a line of its own, not counted in the pane.
        let guard = table
            .lines()
            .find(|l| l.starts_with("total guard"))
            .unwrap();
        assert!(guard.contains("2000"), "{guard}");
        assert!(guard.contains("not with the pane"), "{guard}");
        assert!(!guard.contains("BUDGET"), "{guard}");
    }
}
