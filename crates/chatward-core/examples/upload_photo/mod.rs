//! The pictures the upload benchmarks time, built in code so nothing large is committed.
//!
//! The photo is a real 4000×3000 JPEG layout (JFIF, EXIF with GPS, 60 KB of XMP, tables,
//! frame and scan headers, restart markers) around 5 MB of pseudo-random entropy-coded bytes
//! with the usual FF00 stuffing. The guard never decodes pixels, so its work is the same as
//! for a camera photo of that size. The PNG is 5 MB of IDAT chunks with correct CRCs.

/// Size the pictures grow to.
const TARGET: usize = 5 * 1024 * 1024;

/// xorshift64: reproducible filler without a dependency.
struct Noise(u64);

impl Noise {
    fn byte(&mut self) -> u8 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 24) as u8
    }
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&(body.len() as u16 + 2).to_be_bytes());
    out.extend_from_slice(body);
}

/// A ~5 MB photo.
pub fn photo() -> Vec<u8> {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let mut out = vec![0xFF, 0xD8];
    segment(&mut out, 0xE0, b"JFIF\0\x01\x01\0\0\x48\0\x48\0\0");
    // EXIF: orientation 6 and a GPS IFD with one entry (big-endian TIFF).
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x02".to_vec();
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    exif.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    segment(&mut out, 0xE1, &exif);
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude='1'>".to_vec();
    xmp.resize(60_000, b' ');
    segment(&mut out, 0xE1, &xmp);
    let mut dqt = vec![0u8];
    dqt.extend((1..=64).map(|q| q as u8));
    segment(&mut out, 0xDB, &dqt);
    segment(
        &mut out,
        0xC0,
        b"\x08\x0B\xB8\x0F\xA0\x03\x01\x22\0\x02\x11\0\x03\x11\0",
    );
    let mut dht = vec![0x00];
    dht.extend_from_slice(&[0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]);
    dht.extend(0..12u8);
    segment(&mut out, 0xC4, &dht);
    segment(&mut out, 0xDD, &4096u16.to_be_bytes());
    segment(&mut out, 0xDA, b"\x03\x01\x00\x02\x00\x03\x00\x00\x3F\x00");
    let mut restart = 0u8;
    while out.len() < TARGET {
        for _ in 0..4096 {
            let b = noise.byte();
            out.push(b);
            if b == 0xFF {
                out.push(0);
            }
        }
        out.extend_from_slice(&[0xFF, 0xD0 + restart]);
        restart = (restart + 1) % 8;
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

/// A ~5 MB PNG.
pub fn png() -> Vec<u8> {
    // IDAT chunks of noise are structurally valid to the guard (it checks CRCs and the
    // zlib header, never inflates), so this times the chunk walk and CRCs of a 5 MB PNG.
    let mut noise = Noise(42);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let chunk = |out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]| {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        let mut crc = !0u32;
        for &b in kind.iter().chain(body) {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xEDB8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(!crc).to_be_bytes());
    };
    chunk(&mut out, b"IHDR", b"\0\0\x07\xD0\0\0\x05\xDC\x08\x02\0\0\0");
    chunk(&mut out, b"tEXt", b"Comment\0made by the benchmark");
    let mut first = true;
    while out.len() < TARGET {
        let mut body: Vec<u8> = (0..65536).map(|_| noise.byte()).collect();
        if first {
            body[..2].copy_from_slice(&[0x78, 0x9C]);
            first = false;
        }
        chunk(&mut out, b"IDAT", &body);
    }
    chunk(&mut out, b"IEND", b"");
    out
}
