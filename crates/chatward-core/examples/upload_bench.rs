//! Prints how fast the upload guard checks and cleans a ~5 MB photo (and a ~5 MB PNG), in
//! MB/s, natively. Run: `cargo run --release -p chatward-core --example upload_bench`.
//!
//! The pictures are built in `upload_photo/` (see there why they are representative). With a
//! path argument it times that file instead. `upload_bench_wasm` times the same in V8.

use std::time::{Duration, Instant};

use chatward_core::{UploadLimits, check_upload};

#[path = "upload_photo/mod.rs"]
mod upload_photo;

fn timed(name: &str, bytes: &[u8]) {
    let limits = UploadLimits {
        max_bytes: bytes.len().max(UploadLimits::default().max_bytes),
        ..UploadLimits::default()
    };
    let verdict = check_upload(bytes, &limits);
    let note = match &verdict {
        Ok(image) => format!(
            "accepted, {} bytes after cleaning, removed {:?}",
            image.bytes.len(),
            image.removed
        ),
        Err(refusal) => format!("refused: {}", refusal.reason.as_str()),
    };
    let mut best = Duration::MAX;
    let mut total = Duration::ZERO;
    let runs = 40;
    for _ in 0..runs {
        let start = Instant::now();
        let result = check_upload(std::hint::black_box(bytes), &limits);
        let spent = start.elapsed();
        std::hint::black_box(result).ok();
        best = best.min(spent);
        total += spent;
    }
    let mb = bytes.len() as f64 / 1e6;
    let mean = total / runs;
    // The machine is shared: the best run shows the code, the mean shows the machine too.
    println!(
        "{name}: {mb:.1} MB check+clean best {:.2} ms ({:.0} MB/s), mean {:.2} ms ({:.0} MB/s); {note}",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64(),
        mean.as_secs_f64() * 1e3,
        mb / mean.as_secs_f64(),
    );
}

fn main() {
    if let Some(path) = std::env::args_os().nth(1) {
        let bytes = std::fs::read(&path).expect("read the file");
        timed(&path.to_string_lossy(), &bytes);
        return;
    }
    timed("jpeg photo", &upload_photo::photo());
    timed("png", &upload_photo::png());
}
