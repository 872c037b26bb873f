//! The guard's answer as plain Rust values, before it becomes a JavaScript object: names
//! instead of enums, the customer's sentence for a refusal. Pure, so tested natively.

use chatward_core::{CleanImage, Refusal, Removed, UploadLimits};

/// `maxBytes` from JavaScript is not a whole number of bytes of zero or more. No `Display`:
/// the message is written in `check_upload_js` with JavaScript's own number formatting,
/// because Rust's float formatting would cost this module about 8 KB of brotli.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MaxBytesError(pub f64);

/// Upload limits with `maxBytes` from JavaScript (a number, or absent for the default).
pub fn limits(max_bytes: Option<f64>) -> Result<UploadLimits, MaxBytesError> {
    let mut limits = UploadLimits::default();
    if let Some(value) = max_bytes {
        if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
            return Err(MaxBytesError(value));
        }
        // Saturating: a limit above what memory can hold means "no practical limit".
        limits.max_bytes = value.min(usize::MAX as f64) as usize;
    }
    Ok(limits)
}

/// The upload guard's answer, as JavaScript sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadView {
    /// A genuine image; send `cleaned` instead of the original.
    Allow {
        /// `"jpeg"`, `"png"`, `"gif"` or `"webp"`.
        format: &'static str,
        /// The MIME type to send the cleaned copy with.
        mime_type: &'static str,
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// More than one frame.
        animated: bool,
        /// The cleaned bytes.
        cleaned: Vec<u8>,
        /// What cleaning removed.
        removed: Removed,
    },
    /// Refused: say `message` to the customer.
    Block {
        /// What the bytes looked like (`"pe"`, `"zip"`, `"unknown"`).
        format: &'static str,
        /// A stable code (`"executable"`), which the chat pane reads back with
        /// `RefusalReason::from_code` to explain it in the customer's language.
        reason: &'static str,
        /// The sentence for the customer, with the way forward.
        message: String,
    },
}

/// Converts the upload guard's result.
pub fn upload(result: Result<CleanImage, Refusal>) -> UploadView {
    match result {
        Ok(image) => UploadView::Allow {
            format: image.format.as_str(),
            mime_type: image.format.mime_type(),
            width: image.width,
            height: image.height,
            animated: image.is_animated,
            cleaned: image.bytes,
            removed: image.removed,
        },
        Err(refusal) => UploadView::Block {
            format: refusal.format,
            reason: refusal.reason.as_str(),
            message: refusal.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chatward_core::{RefusalReason, check_upload};

    #[test]
    fn max_bytes_must_be_a_whole_number() {
        assert_eq!(limits(None), Ok(UploadLimits::default()));
        assert_eq!(limits(Some(1024.0)).map(|l| l.max_bytes), Ok(1024));
        assert_eq!(limits(Some(0.0)).map(|l| l.max_bytes), Ok(0));
        assert_eq!(limits(Some(1e300)).map(|l| l.max_bytes), Ok(usize::MAX));
        assert_eq!(
            limits(Some(1.0)).map(|l| l.max_pixels),
            Ok(UploadLimits::default().max_pixels),
            "only the size comes from JavaScript"
        );
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(limits(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_executable_is_blocked_with_a_code_the_pane_reads_back() {
        let mut program = vec![0u8; 512];
        program[..2].copy_from_slice(b"MZ");
        program[0x3c..0x40].copy_from_slice(&64u32.to_le_bytes());
        program[64..68].copy_from_slice(b"PE\0\0");
        match upload(check_upload(&program, &UploadLimits::default())) {
            UploadView::Block {
                reason, message, ..
            } => {
                assert_eq!(reason, "executable");
                assert!(message.contains("program"), "{message}");
                assert_eq!(
                    RefusalReason::from_code(reason),
                    Some(RefusalReason::Executable)
                );
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_genuine_png_is_allowed_with_its_cleaned_bytes() {
        let png = tiny_png();
        let expected = check_upload(&png, &UploadLimits::default()).expect("a genuine png");
        match upload(check_upload(&png, &UploadLimits::default())) {
            UploadView::Allow {
                format,
                mime_type,
                width,
                height,
                cleaned,
                removed,
                ..
            } => {
                assert_eq!((format, mime_type), ("png", "image/png"));
                assert_eq!((width, height), (1, 1));
                assert_eq!(cleaned, expected.bytes);
                assert!(removed.metadata, "the text chunk was removed");
                assert!(cleaned.len() < png.len());
            }
            other => panic!("expected a clean image, got {other:?}"),
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused_as_too_large() {
        let png = tiny_png();
        let limits = limits(Some((png.len() - 1) as f64)).expect("a whole number");
        match upload(check_upload(&png, &limits)) {
            UploadView::Block { reason, .. } => assert_eq!(reason, "too-large"),
            other => panic!("expected a refusal, got {other:?}"),
        }
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
