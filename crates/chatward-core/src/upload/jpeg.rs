//! JPEG: walks every segment and the entropy-coded data (stuffed `FF00` bytes, restart
//! markers, fill bytes) to EOI, and copies only what decoding and display need.
//!
//! Kept: quantisation and Huffman tables, frame and scan headers, restart intervals, the
//! scans themselves, the ICC profile (APP2), a canonical JFIF header without thumbnail
//! (APP0) and a canonical Adobe header (APP14, it says how to read the colours). Dropped: EXIF (its orientation is rewritten alone), XMP, IPTC,
//! comments, every other APPn segment, and everything after EOI.

use super::bytes::{at, be16};
use super::metadata::Ledger;
use super::{RefusalReason, UploadLimits, Walked, check_pixels};

use RefusalReason::{Corrupt, Truncated};

const SOI: [u8; 2] = [0xFF, 0xD8];
const EOI: [u8; 2] = [0xFF, 0xD9];
/// Progressive files use about ten scans; thousands of tiny scans only make a decoder work.
const MAX_SCANS: usize = 500;

/// One colour component of the frame.
#[derive(Debug, Clone, Copy)]
struct Component {
    id: u8,
    /// Horizontal and vertical sampling factors.
    h: u8,
    v: u8,
    /// Quantisation table.
    table: u8,
}

/// The frame header's facts a scan header is checked against.
struct Frame {
    width: u32,
    height: u32,
    components: Vec<Component>,
    /// Progressive (SOF2): its scans have their own rules.
    is_progressive: bool,
}

/// Walks and cleans a JPEG that starts with `FF D8 FF`.
pub(super) fn clean(data: &[u8], limits: &UploadLimits) -> Result<Walked, RefusalReason> {
    let mut ledger = Ledger::default();
    let mut out = Vec::with_capacity(data.len());
    // Header segments before the first scan are gathered here, so JFIF and the orientation
    // can be written first whatever order the original used.
    let mut header = Vec::new();
    let mut jfif: Option<[u8; 18]> = None;
    let mut adobe = false;
    let mut frame: Option<Frame> = None;
    // Which quantisation tables a DQT defined: decoders stop at a component without one.
    let mut tables = [false; 4];
    // MCUs between restart markers (DRI); zero when there are none.
    let mut restart_interval = 0u16;
    let mut scans = 0usize;
    let mut pos = SOI.len();
    loop {
        if pos >= data.len() {
            return Err(Truncated);
        }
        if data[pos] != 0xFF {
            return Err(Corrupt);
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *data.get(pos).ok_or(Truncated)?;
        pos += 1;
        if marker == EOI[1] {
            if scans == 0 {
                return Err(Corrupt);
            }
            out.extend_from_slice(&EOI);
            ledger.drop_trailing(&data[pos..]);
            break;
        }
        if !is_segment(marker) {
            return Err(Corrupt);
        }
        let len = usize::from(be16(data, pos).ok_or(Truncated)?);
        if len < 2 {
            return Err(Corrupt);
        }
        let body = at(data, pos + 2, len - 2).ok_or(Truncated)?;
        let segment = &data[pos - 2..pos + len];
        pos += len;
        // Before the first scan, kept segments go to `header`; after it, straight out.
        let sink = if scans == 0 { &mut header } else { &mut out };
        match marker {
            0xE0 if body.starts_with(b"JFIF\0") && body.len() >= 14 && jfif.is_none() => {
                let mut canonical = [0u8; 18];
                canonical[..4].copy_from_slice(&[0xFF, 0xE0, 0, 16]);
                canonical[4..16].copy_from_slice(&body[..12]);
                // Bytes 16 and 17 say "no thumbnail".
                jfif = Some(canonical);
                if body.len() > 14 {
                    ledger.drop_block(&body[14..]);
                }
            }
            0xE1 if body.starts_with(b"Exif\0\0") => ledger.drop_exif(body),
            0xE2 if body.starts_with(b"ICC_PROFILE\0") && scans == 0 => {
                sink.extend_from_slice(segment)
            }
            0xEE if body.starts_with(b"Adobe") && body.len() >= 12 && !adobe => {
                adobe = true;
                sink.extend_from_slice(&[0xFF, 0xEE, 0, 14]);
                sink.extend_from_slice(&body[..12]);
                if body.len() > 12 {
                    ledger.drop_block(&body[12..]);
                }
            }
            0xE0..=0xEF | 0xFE => ledger.drop_block(body),
            0xDB => {
                check_quantisation_tables(body, &mut tables)?;
                sink.extend_from_slice(segment);
            }
            0xC4 => {
                check_huffman_tables(body)?;
                sink.extend_from_slice(segment);
            }
            0xDD if body.len() == 2 => {
                restart_interval = be16(body, 0).ok_or(Corrupt)?;
                sink.extend_from_slice(segment);
            }
            // Browsers decode Huffman-coded baseline, extended and progressive JPEG only;
            // lossless, hierarchical and arithmetic-coded ones would not display.
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCF => return Err(RefusalReason::UnsupportedImage),
            0xC0..=0xC2 if frame.is_none() => {
                let f = read_frame(marker, body)?;
                check_pixels(f.width, f.height, limits)?;
                frame = Some(f);
                sink.extend_from_slice(segment);
            }
            0xDA => {
                let mcus = check_scan(body, frame.as_ref().ok_or(Corrupt)?, &tables)?;
                if scans == 0 {
                    out.extend_from_slice(&SOI);
                    if let Some(jfif) = &jfif {
                        out.extend_from_slice(jfif);
                    }
                    if let Some(tiff) = ledger.orientation_tiff() {
                        out.extend_from_slice(&[0xFF, 0xE1, 0, 34]);
                        out.extend_from_slice(b"Exif\0\0");
                        out.extend_from_slice(&tiff);
                    }
                    out.append(&mut header);
                }
                scans += 1;
                if scans > MAX_SCANS {
                    return Err(Corrupt);
                }
                let (end, restarts) = entropy_end(data, pos, restart_interval)?;
                // With restart markers every N MCUs, a scan cut short (even with an EOI
                // added after the cut) has too few of them.
                if restart_interval > 0 && restarts < mcus.div_ceil(u64::from(restart_interval)) - 1
                {
                    return Err(Truncated);
                }
                out.extend_from_slice(segment);
                out.extend_from_slice(&data[pos..end]);
                pos = end;
            }
            // A second frame header, DNL, hierarchical and JPEG-LS markers, reserved codes.
            _ => return Err(Corrupt),
        }
    }
    let frame = frame.ok_or(Corrupt)?;
    Ok(Walked {
        bytes: out,
        width: frame.width,
        height: frame.height,
        is_animated: false,
        removed: ledger.removed,
    })
}

/// Markers of segments we read (each followed by a length). Anything else here — SOI, TEM,
/// restart markers outside a scan, DNL, hierarchical and JPEG-LS markers, reserved codes — is
/// refused before its length is trusted.
fn is_segment(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xC7 | 0xC9..=0xCF | 0xDA | 0xDB | 0xDD | 0xE0..=0xEF | 0xFE)
}

/// The offset of the marker that ends the entropy-coded data starting at `pos`, and how many
/// restart markers it held. Restart markers count RST0 to RST7 and round again, and only
/// appear when a restart interval is set.
fn entropy_end(
    data: &[u8],
    mut pos: usize,
    restart_interval: u16,
) -> Result<(usize, u64), RefusalReason> {
    let mut restarts = 0u64;
    loop {
        let ff = pos
            + data
                .get(pos..)
                .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
                .ok_or(Truncated)?;
        match data.get(ff + 1) {
            None => return Err(Truncated),
            // Stuffed zero and restart markers belong to the data; FF FF is fill before a
            // marker, looked at again from the second FF.
            Some(0x00) => pos = ff + 2,
            Some(&rst @ 0xD0..=0xD7) => {
                if restart_interval == 0 || u64::from(rst - 0xD0) != restarts % 8 {
                    return Err(Corrupt);
                }
                restarts += 1;
                pos = ff + 2;
            }
            Some(0xFF) => pos = ff + 1,
            Some(_) => return Ok((ff, restarts)),
        }
    }
}

fn read_frame(marker: u8, body: &[u8]) -> Result<Frame, RefusalReason> {
    let precision = *body.first().ok_or(Corrupt)?;
    let height = u32::from(be16(body, 1).ok_or(Corrupt)?);
    let width = u32::from(be16(body, 3).ok_or(Corrupt)?);
    let count = usize::from(*body.get(5).ok_or(Corrupt)?);
    // 12-bit samples are valid JPEG, but browsers show 8-bit only.
    if precision == 12 {
        return Err(RefusalReason::UnsupportedImage);
    }
    if precision != 8 || !(1..=4).contains(&count) || body.len() != 6 + 3 * count {
        return Err(Corrupt);
    }
    let mut components = Vec::with_capacity(count);
    for c in body[6..].chunks_exact(3) {
        let (h, v) = (c[1] >> 4, c[1] & 0x0F);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || c[2] > 3 {
            return Err(Corrupt);
        }
        if components.iter().any(|k: &Component| k.id == c[0]) {
            return Err(Corrupt);
        }
        components.push(Component {
            id: c[0],
            h,
            v,
            table: c[2],
        });
    }
    // A zero height would be given later by a DNL marker, which browsers do not support.
    Ok(Frame {
        width,
        height,
        components,
        is_progressive: marker == 0xC2,
    })
}

/// A scan header: its components exist in the frame and have quantisation tables; a
/// progressive scan's spectral range and bit positions are ones a decoder accepts. Returns
/// how many MCUs the scan codes.
fn check_scan(body: &[u8], frame: &Frame, tables: &[bool; 4]) -> Result<u64, RefusalReason> {
    let count = usize::from(*body.first().ok_or(Corrupt)?);
    if !(1..=4).contains(&count) || body.len() != 1 + 2 * count + 3 {
        return Err(Corrupt);
    }
    let mut first = None;
    for c in body[1..1 + 2 * count].chunks_exact(2) {
        let component = frame
            .components
            .iter()
            .find(|k| k.id == c[0])
            .ok_or(Corrupt)?;
        if !tables[usize::from(component.table)] {
            return Err(Corrupt);
        }
        first.get_or_insert(*component);
    }
    let tail = &body[1 + 2 * count..];
    let (start, end, high, low) = (tail[0], tail[1], tail[2] >> 4, tail[2] & 0x0F);
    if frame.is_progressive {
        let is_dc = start == 0;
        if end > 63 || start > end || (is_dc && end != 0) || (!is_dc && count != 1) {
            return Err(Corrupt);
        }
        if high > 13 || low > 13 {
            return Err(Corrupt);
        }
    }
    // MCU counts as in ITU T.81 A.2: an interleaved scan's MCU covers the largest sampling
    // factors' 8×8 blocks; a single-component scan's MCU is one block of that component.
    let h_max = frame.components.iter().map(|k| k.h).max().unwrap_or(1);
    let v_max = frame.components.iter().map(|k| k.v).max().unwrap_or(1);
    let (w, h) = (u64::from(frame.width), u64::from(frame.height));
    let mcus = match (count, first) {
        (1, Some(k)) => {
            let cols = (w * u64::from(k.h)).div_ceil(u64::from(h_max)).div_ceil(8);
            let rows = (h * u64::from(k.v)).div_ceil(u64::from(v_max)).div_ceil(8);
            cols * rows
        }
        _ => w.div_ceil(8 * u64::from(h_max)) * h.div_ceil(8 * u64::from(v_max)),
    };
    Ok(mcus)
}

fn check_quantisation_tables(mut body: &[u8], tables: &mut [bool; 4]) -> Result<(), RefusalReason> {
    while let Some((&pq_tq, rest)) = body.split_first() {
        let (precision, id) = (pq_tq >> 4, pq_tq & 0x0F);
        if precision > 1 || id > 3 {
            return Err(Corrupt);
        }
        tables[usize::from(id)] = true;
        body = rest
            .get(64 * (usize::from(precision) + 1)..)
            .ok_or(Corrupt)?;
    }
    Ok(())
}

/// Whether codes of these lengths fit: as libjpeg builds them, the next free code after
/// each length must stay below 2^length (the all-ones code is reserved).
fn is_prefix_code(counts: &[u8]) -> bool {
    let mut code = 0u32;
    let last = counts.iter().rposition(|&n| n > 0).unwrap_or(0);
    for (i, &n) in counts.iter().enumerate().take(last + 1) {
        code += u32::from(n);
        if code >= 1 << (i + 1) {
            return false;
        }
        code <<= 1;
    }
    true
}

fn check_huffman_tables(mut body: &[u8]) -> Result<(), RefusalReason> {
    while let Some((&tc_th, rest)) = body.split_first() {
        if tc_th >> 4 > 1 || tc_th & 0x0F > 3 {
            return Err(Corrupt);
        }
        let counts = rest.get(..16).ok_or(Corrupt)?;
        let total: usize = counts.iter().map(|&n| usize::from(n)).sum();
        if total > 256 || !is_prefix_code(counts) {
            return Err(Corrupt);
        }
        let values = rest.get(16..16 + total).ok_or(Corrupt)?;
        // DC tables code bit counts of differences, at most 15 (11 for 8-bit samples).
        if tc_th >> 4 == 0 && values.iter().any(|&v| v > 15) {
            return Err(Corrupt);
        }
        body = &rest[16 + total..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_data_ends_at_the_first_real_marker() {
        // Stuffed zero, a restart marker and a fill byte belong to the data.
        let data = b"\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xD1\xFF\xFF\xD9";
        assert_eq!(entropy_end(data, 0, 1), Ok((10, 2)));
        assert_eq!(entropy_end(b"\x12\x34", 0, 0), Err(Truncated));
        assert_eq!(entropy_end(b"\x12\xFF", 0, 0), Err(Truncated));
        // Restart markers out of order, or without a restart interval.
        assert_eq!(entropy_end(b"\xFF\xD3\xFF\xD9", 0, 1), Err(Corrupt));
        assert_eq!(entropy_end(b"\xFF\xD0\xFF\xD9", 0, 0), Err(Corrupt));
    }

    #[test]
    fn only_known_segments_are_read() {
        for marker in [0xC0, 0xC2, 0xC4, 0xDA, 0xDB, 0xDD, 0xE1, 0xFE] {
            assert!(is_segment(marker), "{marker:02X}");
        }
        for marker in [0x00, 0x01, 0xC8, 0xD0, 0xD8, 0xDC, 0xDE, 0xF7] {
            assert!(!is_segment(marker), "{marker:02X}");
        }
    }

    #[test]
    fn tables_must_fill_their_segment_exactly() {
        let mut tables = [false; 4];
        let mut dqt = vec![0x01];
        dqt.extend([1u8; 64]);
        assert_eq!(check_quantisation_tables(&dqt, &mut tables), Ok(()));
        assert_eq!(tables, [false, true, false, false]);
        assert_eq!(
            check_quantisation_tables(&dqt[..60], &mut tables),
            Err(Corrupt)
        );
        let mut dht = vec![0x10, 0, 2];
        dht.extend([0u8; 14]);
        dht.extend([7, 8]);
        assert_eq!(check_huffman_tables(&dht), Ok(()));
        assert_eq!(check_huffman_tables(&dht[..18]), Err(Corrupt));
        // Four codes of length 2 leave no room (11 is reserved); DC values stop at 15.
        let mut full = vec![0x10, 0, 4];
        full.extend([0u8; 14]);
        full.extend([1, 2, 3, 4]);
        assert_eq!(check_huffman_tables(&full), Err(Corrupt));
        let mut dc = vec![0x00, 1];
        dc.extend([0u8; 15]);
        dc.push(16);
        assert_eq!(check_huffman_tables(&dc), Err(Corrupt));
    }

    #[test]
    fn a_scan_needs_known_components_with_tables() {
        let frame = read_frame(0xC0, b"\x08\0\x10\0\x10\x01\x01\x11\x00").unwrap();
        assert_eq!((frame.width, frame.height), (16, 16));
        let scan = b"\x01\x01\x00\x00\x3F\x00";
        assert_eq!(check_scan(scan, &frame, &[true; 4]), Ok(4));
        assert_eq!(check_scan(scan, &frame, &[false; 4]), Err(Corrupt));
        assert_eq!(
            check_scan(b"\x01\x02\x00\x00\x3F\x00", &frame, &[true; 4]),
            Err(Corrupt)
        );
        let progressive = read_frame(0xC2, b"\x08\0\x10\0\x10\x01\x01\x11\x00").unwrap();
        assert_eq!(
            check_scan(b"\x01\x01\x00\x00\x05\x00", &progressive, &[true; 4]),
            Err(Corrupt)
        );
    }
}
