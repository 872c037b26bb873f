//! PNG and APNG: walks every chunk to IEND, checking each CRC, the header, the chunk order
//! and the animation's sequence numbers, and copies only the chunks display needs.
//!
//! Kept: IHDR, PLTE, IDAT, IEND, transparency, colour (gAMA, cHRM, sRGB, iCCP, cICP, mDCv,
//! cLLI, sBIT), bKGD, hIST, pHYs, and APNG's acTL, fcTL, fdAT. Dropped: text (tEXt, zTXt,
//! iTXt), eXIf (its orientation is rewritten alone), tIME, sPLT, private chunks, and
//! everything after IEND. An unknown critical chunk refuses the file: a decoder must not
//! skip it, so we cannot know what the picture is.

use super::bytes::{at, be16, be32, len};
use super::crc::Crc32;
use super::metadata::Ledger;
use super::{RefusalReason, UploadLimits, Walked, check_pixels};

use RefusalReason::{Corrupt, Truncated};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1A\n";

/// Ancillary chunks a viewer may need to show the picture right.
const KEPT_ANCILLARY: &[&[u8; 4]] = &[
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP", b"mDCv", b"cLLI", b"sBIT", b"bKGD",
    b"hIST", b"pHYs",
];

/// Where the walk is in the chunk order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    /// Header and ancillary chunks.
    Header,
    /// Inside the run of IDAT chunks.
    Data,
    /// After the last IDAT.
    Trailer,
}

/// The APNG bookkeeping checked on the way.
#[derive(Default)]
struct Animation {
    declared_frames: Option<u32>,
    frame_controls: u32,
    next_sequence: u32,
}

/// Walks and cleans a PNG that starts with the PNG signature.
pub(super) fn clean(data: &[u8], limits: &UploadLimits) -> Result<Walked, RefusalReason> {
    let crc = Crc32::new();
    let mut ledger = Ledger::default();
    let mut out = Vec::with_capacity(data.len());
    out.extend_from_slice(SIGNATURE);
    let mut pos = SIGNATURE.len();
    let mut header: Option<Header> = None;
    let mut stage = Stage::Header;
    let mut has_palette = false;
    let mut animation = Animation::default();
    let mut idat_bytes = 0u64;
    loop {
        let length = len(be32(data, pos).ok_or(Truncated)?);
        if length > 0x7FFF_FFFF {
            return Err(Corrupt);
        }
        let kind: [u8; 4] = at(data, pos + 4, 4)
            .ok_or(Truncated)?
            .try_into()
            .map_err(|_| Corrupt)?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(Corrupt);
        }
        let body = at(data, pos + 8, length).ok_or(Truncated)?;
        let stored = be32(data, pos + 8 + length).ok_or(Truncated)?;
        if crc.checksum(&[&kind, body]) != stored {
            return Err(Corrupt);
        }
        let chunk = &data[pos..pos + 12 + length];
        pos += 12 + length;

        if header.is_none() && &kind != b"IHDR" {
            return Err(Corrupt);
        }
        if stage == Stage::Data && &kind != b"IDAT" {
            stage = Stage::Trailer;
        }
        match &kind {
            b"IHDR" if header.is_none() => {
                let h = read_header(body)?;
                check_pixels(h.width, h.height, limits)?;
                header = Some(h);
                out.extend_from_slice(chunk);
            }
            b"IEND" => {
                let h = header.as_ref().ok_or(Corrupt)?;
                if stage == Stage::Header || (h.colour == 3 && !has_palette) {
                    return Err(Corrupt);
                }
                if h.min_raw_bytes() > idat_bytes * MAX_DEFLATE_RATIO + 4096 {
                    return Err(Truncated);
                }
                animation.finish()?;
                // The orientation goes after IHDR, where eXIf is allowed.
                if let Some(tiff) = ledger.orientation_tiff() {
                    let mut exif = Vec::with_capacity(12 + tiff.len());
                    exif.extend_from_slice(&(tiff.len() as u32).to_be_bytes());
                    exif.extend_from_slice(b"eXIf");
                    exif.extend_from_slice(&tiff);
                    exif.extend_from_slice(&crc.checksum(&[b"eXIf", &tiff]).to_be_bytes());
                    out.splice(33..33, exif);
                }
                out.extend_from_slice(chunk);
                ledger.drop_trailing(&data[pos..]);
                let h = header.ok_or(Corrupt)?;
                return Ok(Walked {
                    bytes: out,
                    width: h.width,
                    height: h.height,
                    is_animated: animation.frame_controls > 1,
                    removed: ledger.removed,
                });
            }
            b"PLTE" if stage == Stage::Header && !has_palette => {
                if length == 0 || !length.is_multiple_of(3) || length > 3 * 256 {
                    return Err(Corrupt);
                }
                has_palette = true;
                out.extend_from_slice(chunk);
            }
            b"IDAT" if stage <= Stage::Data => {
                if stage == Stage::Header
                    && header.as_ref().is_some_and(|h| h.colour == 3)
                    && !has_palette
                {
                    return Err(Corrupt);
                }
                // The zlib header opens the first IDAT that holds data (empty ones are legal).
                if idat_bytes == 0 && !body.is_empty() {
                    check_zlib_header(body)?;
                }
                stage = Stage::Data;
                idat_bytes += length as u64;
                out.extend_from_slice(chunk);
            }
            b"acTL" if stage == Stage::Header && animation.declared_frames.is_none() => {
                let frames = be32(body, 0).ok_or(Corrupt)?;
                if body.len() != 8 || frames == 0 {
                    return Err(Corrupt);
                }
                animation.declared_frames = Some(frames);
                out.extend_from_slice(chunk);
            }
            b"fcTL" => {
                let h = header.as_ref().ok_or(Corrupt)?;
                animation.frame_control(body, h, limits)?;
                out.extend_from_slice(chunk);
            }
            b"fdAT" if stage != Stage::Header => {
                animation.sequence(be32(body, 0).ok_or(Corrupt)?)?;
                if body.len() < 5 {
                    return Err(Corrupt);
                }
                out.extend_from_slice(chunk);
            }
            b"eXIf" => ledger.drop_exif(body),
            k if KEPT_ANCILLARY.contains(&k) && stage == Stage::Header => {
                out.extend_from_slice(chunk)
            }
            // Lower-case first letter: ancillary, safe to drop (text, time, private).
            k if k[0].is_ascii_lowercase() => ledger.drop_block(body),
            // A repeated or misplaced critical chunk, or one we do not know.
            _ => return Err(Corrupt),
        }
    }
}

/// Deflate cannot shrink data more than about 1032 to 1, so image data much shorter than
/// the picture's raw size divided by that is cut short, whatever the chunk CRCs say.
const MAX_DEFLATE_RATIO: u64 = 1040;

struct Header {
    width: u32,
    height: u32,
    depth: u8,
    colour: u8,
}

impl Header {
    /// A lower bound on the decompressed image data: the pixel rows without filter bytes.
    fn min_raw_bytes(&self) -> u64 {
        let channels = match self.colour {
            2 => 3,
            4 => 2,
            6 => 4,
            _ => 1,
        };
        let row_bits = u64::from(self.width) * u64::from(self.depth) * channels;
        row_bits.div_ceil(8) * u64::from(self.height)
    }
}

fn read_header(body: &[u8]) -> Result<Header, RefusalReason> {
    if body.len() != 13 {
        return Err(Corrupt);
    }
    let width = be32(body, 0).ok_or(Corrupt)?;
    let height = be32(body, 4).ok_or(Corrupt)?;
    let (depth, colour) = (body[8], body[9]);
    let depth_ok = match colour {
        0 => matches!(depth, 1 | 2 | 4 | 8 | 16),
        3 => matches!(depth, 1 | 2 | 4 | 8),
        2 | 4 | 6 => matches!(depth, 8 | 16),
        _ => false,
    };
    if !depth_ok || body[10] != 0 || body[11] != 0 || body[12] > 1 || width > 0x7FFF_FFFF {
        return Err(Corrupt);
    }
    if height > 0x7FFF_FFFF {
        return Err(Corrupt);
    }
    Ok(Header {
        width,
        height,
        depth,
        colour,
    })
}

/// The first IDAT starts a zlib stream: deflate, a window of at most 32 KB, a valid check
/// value, no preset dictionary.
fn check_zlib_header(body: &[u8]) -> Result<(), RefusalReason> {
    let cmf_flg = be16(body, 0).ok_or(Corrupt)?;
    let (cmf, flg) = ((cmf_flg >> 8) as u8, cmf_flg as u8);
    if cmf & 0x0F != 8 || cmf >> 4 > 7 || cmf_flg % 31 != 0 || flg & 0x20 != 0 {
        return Err(Corrupt);
    }
    Ok(())
}

impl Animation {
    fn sequence(&mut self, number: u32) -> Result<(), RefusalReason> {
        if self.declared_frames.is_none() || number != self.next_sequence {
            return Err(Corrupt);
        }
        self.next_sequence = number.checked_add(1).ok_or(Corrupt)?;
        Ok(())
    }

    fn frame_control(
        &mut self,
        body: &[u8],
        header: &Header,
        limits: &UploadLimits,
    ) -> Result<(), RefusalReason> {
        if body.len() != 26 {
            return Err(Corrupt);
        }
        self.sequence(be32(body, 0).ok_or(Corrupt)?)?;
        let field = |at| be32(body, at).ok_or(Corrupt);
        let (w, h, x, y) = (field(4)?, field(8)?, field(12)?, field(16)?);
        check_pixels(w, h, limits)?;
        let fits = |offset: u32, size: u32, canvas: u32| {
            offset.checked_add(size).is_some_and(|end| end <= canvas)
        };
        if !fits(x, w, header.width) || !fits(y, h, header.height) || body[24] > 2 || body[25] > 1 {
            return Err(Corrupt);
        }
        self.frame_controls += 1;
        Ok(())
    }

    fn finish(&self) -> Result<(), RefusalReason> {
        match self.declared_frames {
            Some(n) if n != self.frame_controls => Err(Corrupt),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ihdr(width: u32, height: u32, depth: u8, colour: u8) -> Vec<u8> {
        let mut b = width.to_be_bytes().to_vec();
        b.extend(height.to_be_bytes());
        b.extend([depth, colour, 0, 0, 0]);
        b
    }

    #[test]
    fn header_combinations_follow_the_spec() {
        assert!(read_header(&ihdr(1, 1, 8, 6)).is_ok());
        assert!(read_header(&ihdr(1, 1, 16, 3)).is_err());
        assert!(read_header(&ihdr(1, 1, 4, 2)).is_err());
        assert!(read_header(&ihdr(1, 1, 8, 5)).is_err());
        assert!(read_header(&ihdr(0x8000_0000, 1, 8, 0)).is_err());
        assert!(read_header(&ihdr(1, 1, 8, 0)[..12]).is_err());
    }

    #[test]
    fn raw_size_bound_counts_bits_per_row() {
        let h = read_header(&ihdr(9, 2, 1, 0)).unwrap();
        assert_eq!(h.min_raw_bytes(), 4);
        let h = read_header(&ihdr(10, 10, 16, 6)).unwrap();
        assert_eq!(h.min_raw_bytes(), 800);
    }

    #[test]
    fn zlib_header_is_checked() {
        assert_eq!(check_zlib_header(b"\x78\x9C"), Ok(()));
        assert_eq!(check_zlib_header(b"\x78\x01"), Ok(()));
        assert_eq!(check_zlib_header(b"\x78\x9D"), Err(Corrupt));
        assert_eq!(check_zlib_header(b"\x79\x9C"), Err(Corrupt));
        assert_eq!(check_zlib_header(b"\x78"), Err(Corrupt));
    }
}
