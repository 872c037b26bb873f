//! The guard's answer as plain Rust values, before it becomes a JavaScript object: what the
//! pane needs to send the cleaned copy or to explain a refusal, and nothing else. Pure, so
//! tested natively.

use chatward_core::{CleanImage, Refusal, Removed, UploadLimits};

/// What the pane is told about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A genuine picture: send `bytes` (the cleaned copy) as `mime_type`.
    Clean {
        /// The cleaned file.
        bytes: Vec<u8>,
        /// `"image/jpeg"`, `"image/png"`, `"image/gif"` or `"image/webp"`.
        mime_type: &'static str,
        /// What cleaning removed, for the note beside the thumbnail.
        removed: Removed,
    },
    /// Refused: the reason's stable code (`"executable"`), which the pane turns back into a
    /// `RefusalReason` with `RefusalReason::from_code` and explains in the customer's language.
    Refused {
        /// `RefusalReason::as_str`.
        reason: &'static str,
    },
}

impl From<Result<CleanImage, Refusal>> for Answer {
    fn from(result: Result<CleanImage, Refusal>) -> Self {
        match result {
            Ok(image) => Self::Clean {
                mime_type: image.format.mime_type(),
                bytes: image.bytes,
                removed: image.removed,
            },
            Err(refusal) => Self::Refused {
                reason: refusal.reason.as_str(),
            },
        }
    }
}

/// The shop's limits with `max_bytes` from JavaScript. The pane passes a whole number of
/// bytes; anything else (NaN, negative, fractional, infinite) gives a limit of 0, which
/// refuses every file as too large: a broken caller must not lift the limit.
pub fn limits(max_bytes: f64) -> UploadLimits {
    let max_bytes = if max_bytes.is_finite() && max_bytes >= 0.0 && max_bytes.fract() == 0.0 {
        // Saturating: a limit above what memory can hold means "no practical limit".
        max_bytes.min(usize::MAX as f64) as usize
    } else {
        0
    };
    UploadLimits {
        max_bytes,
        ..UploadLimits::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatward_core::{RefusalReason, check_upload};

    #[test]
    fn a_whole_number_is_the_limit_and_anything_else_refuses_every_file() {
        assert_eq!(limits(5.0 * 1024.0 * 1024.0).max_bytes, 5 * 1024 * 1024);
        assert_eq!(limits(0.0).max_bytes, 0);
        assert_eq!(limits(1e300).max_bytes, usize::MAX);
        assert_eq!(
            limits(1.0).max_pixels,
            UploadLimits::default().max_pixels,
            "only the size comes from the pane"
        );
        for odd in [f64::NAN, -1.0, 1.5, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(limits(odd).max_bytes, 0, "{odd}");
            assert_eq!(
                Answer::from(check_upload(&tiny_png(), &limits(odd))),
                Answer::Refused {
                    reason: "too-large"
                },
                "{odd}"
            );
        }
    }

    #[test]
    fn a_program_named_like_a_photo_is_refused_with_a_code_the_pane_reads_back() {
        let mut program = vec![0u8; 512];
        program[..2].copy_from_slice(b"MZ");
        program[0x3c..0x40].copy_from_slice(&64u32.to_le_bytes());
        program[64..68].copy_from_slice(b"PE\0\0");
        let answer = Answer::from(check_upload(&program, &limits(1e7)));
        assert_eq!(
            answer,
            Answer::Refused {
                reason: "executable"
            }
        );
        let Answer::Refused { reason } = answer else {
            unreachable!()
        };
        assert_eq!(
            RefusalReason::from_code(reason),
            Some(RefusalReason::Executable)
        );
    }

    #[test]
    fn a_genuine_png_is_sent_as_its_cleaned_copy() {
        let png = tiny_png();
        let expected = check_upload(&png, &UploadLimits::default()).expect("a genuine png");
        match Answer::from(check_upload(&png, &limits(1e7))) {
            Answer::Clean {
                bytes,
                mime_type,
                removed,
            } => {
                assert_eq!(mime_type, "image/png");
                assert_eq!(bytes, expected.bytes);
                assert_eq!(removed, expected.removed);
                assert!(removed.metadata, "the text chunk was removed");
                assert!(bytes.len() < png.len());
            }
            other => panic!("expected a clean picture, got {other:?}"),
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_as_too_large() {
        let png = tiny_png();
        assert_eq!(
            Answer::from(check_upload(&png, &limits((png.len() - 1) as f64))),
            Answer::Refused {
                reason: "too-large"
            }
        );
    }

    /// A 1×1 grey PNG (signature, IHDR, IDAT, IEND with real CRCs) with a text chunk after
    /// its header: metadata for the guard to remove.
    fn tiny_png() -> Vec<u8> {
        let plain = [
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00,
            0x00, 0x3a, 0x7e, 0x9b, 0x55, 0x00, 0x00, 0x00, 0x0a, 0x49, 0x44, 0x41, 0x54, 0x78,
            0x9c, 0x63, 0x68, 0x00, 0x00, 0x00, 0x82, 0x00, 0x81, 0x77, 0xcd, 0x72, 0xb6, 0x00,
            0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
        ];
        // The signature (8 bytes) and IHDR (25 bytes), then the text chunk, then the rest.
        let mut png = plain[..33].to_vec();
        chunk(&mut png, b"tEXt", b"Author\0Someone");
        png.extend_from_slice(&plain[33..]);
        png
    }

    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let mut crc = 0xffff_ffffu32;
        for &byte in kind.iter().chain(data) {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        png.extend_from_slice(&(crc ^ 0xffff_ffff).to_be_bytes());
    }
}
