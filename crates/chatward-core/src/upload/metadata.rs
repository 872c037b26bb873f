//! What removed metadata held: GPS location, the orientation worth keeping, payload markers.
//!
//! Walkers hand every block they drop to a [`Ledger`], which records facts for
//! [`super::Removed`] and remembers the first EXIF orientation so the cleaned copy can carry
//! it in a minimal EXIF block of its own.

use super::Removed;
use super::bytes::{be16, be32};
use super::payload::{self, Look};

const TAG_ORIENTATION: u16 = 0x0112;
const TAG_GPS_IFD: u16 = 0x8825;
const TYPE_SHORT: u16 = 3;

/// Facts about what a walker removed.
#[derive(Debug, Default)]
pub(super) struct Ledger {
    pub(super) removed: Removed,
    orientation: Option<u16>,
}

impl Ledger {
    /// A metadata block is being dropped (comment, XMP, text chunk, unknown chunk, ...).
    pub(super) fn drop_block(&mut self, block: &[u8]) {
        self.removed.metadata = true;
        self.removed.gps |= block_has_gps(block);
        self.removed.hidden_payload |= payload::find(block, Look::Payload).is_some();
    }

    /// An EXIF block (`Exif\0\0` prefix optional) is being dropped; its orientation is kept.
    pub(super) fn drop_exif(&mut self, exif: &[u8]) {
        let tiff = strip_exif_prefix(exif);
        if self.orientation.is_none() {
            self.orientation = exif_facts(tiff).orientation;
        }
        // Our own minimal orientation block is rewritten unchanged, so cleaning a cleaned
        // copy reports nothing removed.
        if self.orientation_tiff().is_some_and(|own| own == tiff) {
            return;
        }
        self.drop_block(exif);
    }

    /// Bytes after the end of the image are being cut off.
    pub(super) fn drop_trailing(&mut self, rest: &[u8]) {
        if rest.is_empty() {
            return;
        }
        self.removed.trailing_data = true;
        // Trailers can be megabytes (a motion photo's video), so only the fast scans: GPS in
        // an appended picture's EXIF or XMP, and payload markers.
        let (has_payload, has_location) = payload::find_kinds(rest);
        self.removed.gps |= has_location;
        self.removed.hidden_payload |= has_payload;
    }

    /// A minimal TIFF block that holds only the orientation, when the original turned the
    /// picture (orientation 2 to 8); `None` when it was upright or unknown.
    pub(super) fn orientation_tiff(&self) -> Option<[u8; 26]> {
        let o = self.orientation.filter(|o| (2..=8).contains(o))?;
        let mut t = [0u8; 26];
        t[..8].copy_from_slice(b"MM\0*\0\0\0\x08");
        t[8..10].copy_from_slice(&1u16.to_be_bytes());
        t[10..12].copy_from_slice(&TAG_ORIENTATION.to_be_bytes());
        t[12..14].copy_from_slice(&TYPE_SHORT.to_be_bytes());
        t[14..18].copy_from_slice(&1u32.to_be_bytes());
        t[18..20].copy_from_slice(&o.to_be_bytes());
        // Bytes 20..22 pad the value field; 22..26 say there is no next IFD.
        Some(t)
    }
}

fn strip_exif_prefix(exif: &[u8]) -> &[u8] {
    exif.strip_prefix(b"Exif\0\0").unwrap_or(exif)
}

#[derive(Debug, Default, PartialEq, Eq)]
struct ExifFacts {
    gps: bool,
    orientation: Option<u16>,
}

/// Reads IFD0 of a TIFF block: its orientation and whether a non-empty GPS IFD hangs off it.
/// Malformed blocks give what could be read.
fn exif_facts(tiff: &[u8]) -> ExifFacts {
    let mut facts = ExifFacts::default();
    let big = match tiff.get(..4) {
        Some(b"MM\0*") => true,
        Some(b"II*\0") => false,
        _ => return facts,
    };
    let u16_at = |at: usize| be16(tiff, at).map(|v| if big { v } else { v.swap_bytes() });
    let u32_at = |at: usize| be32(tiff, at).map(|v| if big { v } else { v.swap_bytes() });
    let Some(ifd) = u32_at(4).map(super::bytes::len) else {
        return facts;
    };
    let count = usize::from(u16_at(ifd).unwrap_or(0));
    for i in 0..count {
        let entry = ifd + 2 + 12 * i;
        let (Some(tag), Some(kind)) = (u16_at(entry), u16_at(entry + 2)) else {
            break;
        };
        if tag == TAG_ORIENTATION && kind == TYPE_SHORT {
            facts.orientation = u16_at(entry + 8);
        } else if tag == TAG_GPS_IFD {
            let gps_ifd = u32_at(entry + 8).map(super::bytes::len);
            facts.gps |= gps_ifd.and_then(u16_at).is_some_and(|n| n > 0);
        }
    }
    facts
}

/// Whether a block holds GPS location in any form we know: a TIFF/EXIF GPS IFD (also
/// embedded further in), an XMP GPS tag, or ImageMagick's hex "Raw profile type" text.
fn block_has_gps(block: &[u8]) -> bool {
    if exif_facts(strip_exif_prefix(block)).gps || has_xmp_gps(block) {
        return true;
    }
    let embedded = find_all(block, b"Exif\0\0").any(|i| is_exif_gps_at(&block[i..]));
    embedded || raw_profile(block).is_some_and(|raw| block_has_gps(&raw))
}

/// Matches `GPS[A-Za-z]*(Latitude|Longitude|Altitude)`, the XMP GPS property names.
fn has_xmp_gps(block: &[u8]) -> bool {
    find_all(block, b"GPS").any(|i| is_xmp_gps_at(&block[i..]))
}

/// Whether `rest` starts with an XMP GPS property name (`GPSLatitude`, `GPSDestLongitude`, ...).
pub(super) fn is_xmp_gps_at(rest: &[u8]) -> bool {
    let Some(after) = rest.strip_prefix(b"GPS") else {
        return false;
    };
    let word_end = after
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(after.len());
    let word = &after[..word_end];
    [&b"Latitude"[..], b"Longitude", b"Altitude"]
        .iter()
        .any(|name| word.windows(name.len()).any(|w| w == *name))
}

/// Whether `rest` starts with an `Exif\0\0` block whose TIFF holds a non-empty GPS IFD.
pub(super) fn is_exif_gps_at(rest: &[u8]) -> bool {
    rest.strip_prefix(b"Exif\0\0")
        .is_some_and(|tiff| exif_facts(tiff).gps)
}

fn find_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// Decodes the hex body of an ImageMagick "Raw profile type" text
/// (`\nexif\n   1234\n4578696600...`); `None` if the block is not one.
fn raw_profile(block: &[u8]) -> Option<Vec<u8>> {
    let key = b"raw profile type";
    let start = block
        .windows(key.len())
        .position(|w| w.eq_ignore_ascii_case(key))?;
    let after_key = start + key.len();
    let text = &block[block[after_key..].iter().position(|&b| b == 0)? + after_key..];
    // Text: white space, a name, white space, a decimal length, then hex digits.
    let mut words = text
        .split(|b| b.is_ascii_whitespace() || *b == 0)
        .filter(|w| !w.is_empty());
    words.next()?;
    words.next().filter(|w| w.iter().all(u8::is_ascii_digit))?;
    let mut out = Vec::new();
    let mut high = None;
    for word in words {
        for &b in word {
            let nibble = (b as char).to_digit(16)? as u8;
            match high.take() {
                None => high = Some(nibble),
                Some(h) => out.push(h << 4 | nibble),
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian TIFF with orientation `o` and a GPS IFD of `gps_entries` entries.
    pub(crate) fn tiff_le(o: u16, gps_entries: u16) -> Vec<u8> {
        let mut t = b"II*\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&o.to_le_bytes());
        t.extend_from_slice(&[0, 0]);
        let gps_at = 8 + 2 + 24 + 4;
        t.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&(gps_at as u32).to_le_bytes());
        t.extend_from_slice(&[0; 4]);
        t.extend_from_slice(&gps_entries.to_le_bytes());
        for _ in 0..gps_entries {
            t.extend_from_slice(&[0, 0, 1, 0, 4, 0, 0, 0, 2, 2, 0, 0]);
        }
        t
    }

    #[test]
    fn reads_orientation_and_gps_in_both_byte_orders() {
        let facts = exif_facts(&tiff_le(6, 2));
        assert_eq!(
            facts,
            ExifFacts {
                gps: true,
                orientation: Some(6)
            }
        );
        assert!(!exif_facts(&tiff_le(1, 0)).gps);
        let mut ledger = Ledger::default();
        ledger.drop_exif(&[b"Exif\0\0".as_slice(), &tiff_le(8, 1)].concat());
        let minimal = ledger.orientation_tiff().unwrap();
        assert_eq!(
            exif_facts(&minimal),
            ExifFacts {
                gps: false,
                orientation: Some(8)
            }
        );
        assert!(ledger.removed.gps && ledger.removed.metadata);
    }

    #[test]
    fn upright_pictures_get_no_new_exif() {
        let mut ledger = Ledger::default();
        ledger.drop_exif(&tiff_le(1, 0));
        assert_eq!(ledger.orientation_tiff(), None);
        assert!(!ledger.removed.gps);
    }

    #[test]
    fn finds_gps_outside_exif() {
        assert!(block_has_gps(b"<rdf exif:GPSLatitude='48,51.4N'/>"));
        assert!(block_has_gps(b"<x GPSDestLongitudeRef='E'/>"));
        assert!(!block_has_gps(b"<x GPSVersionID='2.2'/>"));
        let hex: String = [b"Exif\0\0".as_slice(), &tiff_le(1, 1)]
            .concat()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let text = format!(
            "Raw profile type exif\0\nexif\n     {}\n{hex}\n",
            hex.len() / 2
        );
        assert!(block_has_gps(text.as_bytes()));
        let mut embedded = b"junk".to_vec();
        embedded.extend_from_slice(b"Exif\0\0");
        embedded.extend_from_slice(&tiff_le(1, 3));
        assert!(block_has_gps(&embedded));
    }

    #[test]
    fn malformed_exif_is_read_as_far_as_it_goes() {
        for cut in 0..tiff_le(3, 1).len() {
            let _ = exif_facts(&tiff_le(3, 1)[..cut]);
        }
        assert_eq!(exif_facts(b"II*\0\xFF\xFF\xFF\xFF"), ExifFacts::default());
    }
}
