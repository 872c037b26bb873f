//! The upload guard: only complete, genuine JPEG, PNG, GIF and WebP images pass, and they
//! leave without location or identifying metadata.
//!
//! The guard judges a file by its bytes alone (never its name or claimed MIME type):
//!
//! 1. [`sniff`] names what the bytes are from one ordered table of signatures plus a few
//!    text heuristics. Anything that is not one of the four accepted formats is refused
//!    with a reason that names it.
//! 2. The format's walker follows the whole structure to its end (JPEG segments and the
//!    entropy-coded data to EOI, PNG chunks and their CRCs to IEND, GIF blocks to the
//!    trailer, WebP RIFF chunks) and copies only what the picture needs into a new buffer.
//!    Anything unknown, inconsistent or cut short refuses the file. Without decoding pixels
//!    the walk still checks what decoders check first: CRCs, table definitions, JPEG restart
//!    markers against the scan's MCU count, each GIF frame's LZW codes against its size,
//!    PNG data length against the most deflate can compress, bitstream headers against the
//!    WebP canvas. Dimensions over [`UploadLimits::max_pixels`] are a decompression bomb.
//! 3. The copy is searched for payload markers (ZIP, PDF, PHP, HTML, executables) and for
//!    GPS location. A hit there means it sits in a part we keep (pixels, colour profile), so
//!    the file is refused.
//!
//! Also refused, though valid: JPEG flavours browsers do not show (arithmetic-coded,
//! lossless, hierarchical, 12-bit) and PNG chunks a decoder must understand but we do not.
//!
//! **Removed rather than refused**: data after the end of the image and everything in
//! metadata (EXIF, XMP, IPTC, comments, text chunks, unknown ancillary chunks). Phones append
//! genuine data after the end (multi-picture and motion-photo trailers) and put free text in
//! metadata, so refusing those would refuse real photos; the cleaned copy never contains any
//! of it, which is the same protection. What the picture needs to display right stays: the
//! colour profile, and the EXIF orientation, rewritten as a minimal EXIF block that holds
//! nothing else. Pixels are never decoded or re-encoded.
//!
//! ```
//! use chatward_core::{check_upload, RefusalReason, UploadLimits};
//!
//! let refused = check_upload(b"MZ\x90\x00 not a picture", &UploadLimits::default()).unwrap_err();
//! assert_eq!(refused.reason, RefusalReason::Executable);
//! assert_eq!(refused.format, "pe");
//! ```

mod bytes;
mod crc;
mod gif;
mod jpeg;
mod metadata;
mod payload;
mod png;
mod sniff;
mod webp;

use std::fmt;

use sniff::Sniffed;

/// The largest file accepted when the shop sets nothing else: 10 MB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// The largest picture accepted, in pixels (50 megapixels); more is a decompression bomb.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

/// Limits a shop puts on uploads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Largest file size in bytes.
    pub max_bytes: usize,
    /// Largest width × height of the canvas or any frame.
    pub max_pixels: u64,
}

impl Default for UploadLimits {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
            max_pixels: DEFAULT_MAX_PIXELS,
        }
    }
}

/// The image formats the guard accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageFormat {
    /// JPEG (JFIF, EXIF, Adobe; baseline, progressive, arithmetic).
    Jpeg,
    /// PNG, animated (APNG) too.
    Png,
    /// GIF87a and GIF89a, animated too.
    Gif,
    /// WebP: lossy, lossless, extended and animated.
    Webp,
}

impl ImageFormat {
    /// Short lowercase name, as used in JSON output (`"jpeg"`, `"png"`, `"gif"`, `"webp"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Jpeg => "jpeg",
            Self::Png => "png",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    /// The MIME type to send the cleaned copy with.
    pub fn mime_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
        }
    }
}

impl fmt::Display for ImageFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What cleaning took out of an accepted image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    /// The original carried GPS location (EXIF GPS, XMP GPS tags or raw EXIF in text).
    pub gps: bool,
    /// Some metadata was removed: EXIF, XMP, IPTC, comments, text or private chunks.
    pub metadata: bool,
    /// Data after the end of the image was cut off.
    pub trailing_data: bool,
    /// What was removed held payload markers (an archive, document, script or program).
    pub hidden_payload: bool,
}

impl Removed {
    /// True when cleaning changed nothing but the container's bookkeeping.
    pub fn is_nothing(&self) -> bool {
        *self == Self::default()
    }
}

/// An accepted image: its cleaned bytes and what it is. Only [`check_upload`] makes one, so
/// holding one proves the bytes passed the guard.
#[derive(Clone, PartialEq, Eq)]
pub struct CleanImage {
    /// The format (unchanged by cleaning).
    pub format: ImageFormat,
    /// The cleaned file: the same pixels without metadata or trailing data.
    pub bytes: Vec<u8>,
    /// Width in pixels (the canvas for animations).
    pub width: u32,
    /// Height in pixels (the canvas for animations).
    pub height: u32,
    /// More than one frame (APNG, animated GIF or WebP).
    pub is_animated: bool,
    /// What cleaning removed.
    pub removed: Removed,
}

impl fmt::Debug for CleanImage {
    // The bytes are the customer's picture: print their length, never their content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CleanImage")
            .field("format", &self.format)
            .field("bytes", &self.bytes.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("is_animated", &self.is_animated)
            .field("removed", &self.removed)
            .finish()
    }
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// The file has no bytes.
    Empty,
    /// Larger than the shop's size limit.
    TooLarge,
    /// A program: PE, ELF, Mach-O, Java class, Android dex, WebAssembly.
    Executable,
    /// A script: shell, batch, PHP, or a picture whose header is also JavaScript.
    Script,
    /// A web page.
    Html,
    /// An SVG drawing (it can carry script, and it is not a photo or screenshot).
    Svg,
    /// A document: PDF, Office, RTF, XML, PostScript, database.
    Document,
    /// An archive or package: ZIP, RAR, 7z, gzip, tar, ...
    Archive,
    /// A font.
    Font,
    /// Sound or video.
    Media,
    /// Plain text.
    Text,
    /// An image in a format we do not accept (HEIC, AVIF, BMP, TIFF, ...).
    UnsupportedImage,
    /// An accepted format, cut off before its end.
    Truncated,
    /// An accepted format's signature, but the structure inside is broken or fake.
    Corrupt,
    /// Declares more pixels than allowed: a decompression bomb.
    TooManyPixels,
    /// A program, document or script sits inside the parts of the picture we must keep.
    HiddenPayload,
    /// Bytes we cannot identify.
    Unrecognised,
}

impl RefusalReason {
    /// Every reason, in declaration order.
    pub const ALL: [Self; 17] = [
        Self::Empty,
        Self::TooLarge,
        Self::Executable,
        Self::Script,
        Self::Html,
        Self::Svg,
        Self::Document,
        Self::Archive,
        Self::Font,
        Self::Media,
        Self::Text,
        Self::UnsupportedImage,
        Self::Truncated,
        Self::Corrupt,
        Self::TooManyPixels,
        Self::HiddenPayload,
        Self::Unrecognised,
    ];

    /// The reason whose [`as_str`](Self::as_str) code is `code`, if any: how the chat pane
    /// reads the answer of its separately loaded guard module.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == code)
    }

    /// Stable code for JSON output and logs (`"executable"`, `"too-many-pixels"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::TooLarge => "too-large",
            Self::Executable => "executable",
            Self::Script => "script",
            Self::Html => "html",
            Self::Svg => "svg",
            Self::Document => "document",
            Self::Archive => "archive",
            Self::Font => "font",
            Self::Media => "media",
            Self::Text => "text",
            Self::UnsupportedImage => "unsupported-image",
            Self::Truncated => "truncated",
            Self::Corrupt => "corrupt",
            Self::TooManyPixels => "too-many-pixels",
            Self::HiddenPayload => "hidden-payload",
            Self::Unrecognised => "unrecognised",
        }
    }
}

const WAY_FORWARD: &str = "Send a screenshot or photo as PNG or JPEG.";

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::Empty => "This file is empty.",
            Self::TooLarge => "This file is larger than this shop accepts.",
            Self::Executable => "This file is a program, not a picture.",
            Self::Script => "This file is a script, not a picture.",
            Self::Html => "This file is a web page, not a picture.",
            Self::Svg => "This file is an SVG drawing, which we cannot show safely.",
            Self::Document => "This file is a document, not a picture.",
            Self::Archive => "This file is an archive, not a picture.",
            Self::Font => "This file is a font, not a picture.",
            Self::Media => "This file is sound or video, not a picture.",
            Self::Text => "This file is text, not a picture. You can paste the text into the chat.",
            Self::UnsupportedImage => "This picture's format is not one we can show.",
            Self::Truncated => "This picture is incomplete; it may not have finished downloading.",
            Self::Corrupt => "This picture is damaged or only looks like a picture.",
            Self::TooManyPixels => "This picture has too many pixels to show safely.",
            Self::HiddenPayload => "This picture carries hidden content we cannot remove.",
            Self::Unrecognised => "We cannot tell what this file is.",
        };
        write!(f, "{what} {WAY_FORWARD}")
    }
}

/// A refused upload: why, and what the bytes looked like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Why the file was refused.
    pub reason: RefusalReason,
    /// Short lowercase name of what the bytes are (`"pe"`, `"zip"`, `"heic"`, `"png"`, ...),
    /// or `"unknown"`.
    pub format: &'static str,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.reason.fmt(f)
    }
}

impl std::error::Error for Refusal {}

/// Judges `bytes` as an upload and, when it is a genuine image, returns the cleaned copy.
///
/// Never panics, whatever the bytes; linear in their length.
pub fn check_upload(bytes: &[u8], limits: &UploadLimits) -> Result<CleanImage, Refusal> {
    let sniffed = sniff::sniff(bytes);
    let refuse = |reason| Refusal {
        reason,
        format: sniffed.name(),
    };
    let format = match sniffed {
        Sniffed::Image(format) => format,
        Sniffed::Foreign { reason, .. } => return Err(refuse(reason)),
    };
    if bytes.len() > limits.max_bytes {
        return Err(refuse(RefusalReason::TooLarge));
    }
    let walked = match format {
        ImageFormat::Jpeg => jpeg::clean(bytes, limits),
        ImageFormat::Png => png::clean(bytes, limits),
        ImageFormat::Gif => gif::clean(bytes, limits),
        ImageFormat::Webp => webp::clean(bytes, limits),
    }
    .map_err(refuse)?;
    // The walkers only keep parts the picture needs; a marker (or GPS location) in those means
    // it is woven into pixels or the colour profile, which we cannot take out without
    // re-encoding.
    if payload::find(&walked.bytes, payload::Look::PayloadOrLocation).is_some() {
        return Err(refuse(RefusalReason::HiddenPayload));
    }
    Ok(CleanImage {
        format,
        bytes: walked.bytes,
        width: walked.width,
        height: walked.height,
        is_animated: walked.is_animated,
        removed: walked.removed,
    })
}

/// What a format walker hands back: the cleaned bytes and the facts it read on the way.
struct Walked {
    bytes: Vec<u8>,
    width: u32,
    height: u32,
    is_animated: bool,
    removed: Removed,
}

/// Refuses pictures whose canvas or frame exceeds the pixel limit, and empty ones.
fn check_pixels(width: u32, height: u32, limits: &UploadLimits) -> Result<(), RefusalReason> {
    if width == 0 || height == 0 {
        return Err(RefusalReason::Corrupt);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(RefusalReason::TooManyPixels);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_a_way_forward_and_a_distinct_code() {
        let mut codes = std::collections::HashSet::new();
        for reason in RefusalReason::ALL {
            assert!(reason.to_string().ends_with(WAY_FORWARD), "{reason:?}");
            assert!(codes.insert(reason.as_str()), "{reason:?}");
        }
    }

    #[test]
    fn all_lists_every_reason_once_and_codes_read_back() {
        // An exhaustive match: a new reason does not compile until it has a place here,
        // and then `ALL` must hold it at that place.
        let place = |reason: RefusalReason| match reason {
            RefusalReason::Empty => 0,
            RefusalReason::TooLarge => 1,
            RefusalReason::Executable => 2,
            RefusalReason::Script => 3,
            RefusalReason::Html => 4,
            RefusalReason::Svg => 5,
            RefusalReason::Document => 6,
            RefusalReason::Archive => 7,
            RefusalReason::Font => 8,
            RefusalReason::Media => 9,
            RefusalReason::Text => 10,
            RefusalReason::UnsupportedImage => 11,
            RefusalReason::Truncated => 12,
            RefusalReason::Corrupt => 13,
            RefusalReason::TooManyPixels => 14,
            RefusalReason::HiddenPayload => 15,
            RefusalReason::Unrecognised => 16,
        };
        assert_eq!(
            RefusalReason::ALL.len(),
            place(RefusalReason::Unrecognised) + 1
        );
        for (at, reason) in RefusalReason::ALL.into_iter().enumerate() {
            assert_eq!(place(reason), at, "{reason:?}");
            assert_eq!(RefusalReason::from_code(reason.as_str()), Some(reason));
        }
        for odd in ["", "Executable", "too_large", "executable ", "unknown"] {
            assert_eq!(RefusalReason::from_code(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn pixel_limit_is_inclusive_and_zero_is_corrupt() {
        let limits = UploadLimits {
            max_pixels: 100,
            ..UploadLimits::default()
        };
        assert_eq!(check_pixels(10, 10, &limits), Ok(()));
        assert_eq!(
            check_pixels(10, 11, &limits),
            Err(RefusalReason::TooManyPixels)
        );
        assert_eq!(check_pixels(0, 11, &limits), Err(RefusalReason::Corrupt));
    }

    #[test]
    fn too_large_is_refused_before_walking() {
        let limits = UploadLimits {
            max_bytes: 4,
            ..UploadLimits::default()
        };
        let refusal = check_upload(b"\x89PNG\r\n\x1a\n", &limits).unwrap_err();
        assert_eq!(refusal.reason, RefusalReason::TooLarge);
        assert_eq!(refusal.format, "png");
    }
}
