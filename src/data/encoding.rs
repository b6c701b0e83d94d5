//! Text encodings of input files. A file's encoding is decided once, from its byte-order mark
//! or from a sample of its bytes (UTF-8 when 90% or more of its non-ASCII sequences are valid,
//! otherwise what Firefox's detector `chardetng` guesses: GBK/GB18030 for Excel in China,
//! Big5, …). Rows are then decoded one at a time, so a row whose bytes are invalid in that
//! encoding is rejected on its own (`bad_encoding:<column>`) and never garbles the rest.

use serde::{Serialize, Serializer};
use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 starting with a byte-order mark.
    Utf8Bom,
    /// UTF-16, little-endian, with a byte-order mark (Excel's "Unicode text").
    Utf16Le,
    /// UTF-16, big-endian, with a byte-order mark.
    Utf16Be,
    /// GBK or its superset GB18030 (decoded as GB18030).
    Gb18030,
    /// Another single- or double-byte encoding, as guessed by `chardetng` (Big5, Shift_JIS,
    /// EUC-KR, windows-1252, …).
    Other(&'static encoding_rs::Encoding),
    /// A binary format (Parquet) that carries its own encoding.
    Parquet,
    /// A spreadsheet (xlsx, xls, ods), which carries its own encoding.
    Workbook,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Gb18030 => "GB18030",
            Encoding::Other(e) => e.name(),
            Encoding::Parquet => "parquet",
            Encoding::Workbook => "spreadsheet",
        })
    }
}

impl Serialize for Encoding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl Encoding {
    /// The `encoding_rs` decoder of this encoding (UTF-8 for Parquet).
    pub fn decoder(self) -> &'static encoding_rs::Encoding {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Parquet | Encoding::Workbook => {
                encoding_rs::UTF_8
            }
            Encoding::Utf16Le => encoding_rs::UTF_16LE,
            Encoding::Utf16Be => encoding_rs::UTF_16BE,
            Encoding::Gb18030 => encoding_rs::GB18030,
            Encoding::Other(e) => e,
        }
    }

    /// Whether CSV can be split on its raw bytes (commas, quotes and line ends are never part
    /// of a multi-byte character) and each field decoded afterwards. UTF-16 and
    /// ISO-2022-JP cannot: such files are transcoded whole first.
    pub fn splits_on_bytes(self) -> bool {
        self.decoder().is_ascii_compatible() && self.decoder() != encoding_rs::ISO_2022_JP
    }

    /// Decodes one field. `None` when its bytes are not valid in this encoding.
    pub fn decode_field(self, bytes: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Parquet | Encoding::Workbook => {
                std::str::from_utf8(bytes).ok().map(Into::into)
            }
            other => other
                .decoder()
                .decode_without_bom_handling_and_without_replacement(bytes),
        }
    }
}

/// What detection decided, and how sure it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detected {
    /// The encoding the file is read in.
    pub encoding: Encoding,
    /// How sure, 0..1: 1 for a byte-order mark or pure ASCII; for UTF-8, the share of the
    /// sample's non-ASCII sequences that are valid UTF-8; for GBK, the share of its
    /// double-byte characters in the common GB2312 area (real Chinese text: over 0.95; UTF-8
    /// misread as GBK: about 0.5); 0.5 for another guess of `chardetng`.
    pub confidence: f64,
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Bytes looked at to decide a file's encoding.
const SAMPLE: usize = 4 << 20;

/// Below this share of valid non-ASCII sequences a file is not taken as UTF-8. GBK-encoded
/// Chinese reads as about 25% valid UTF-8 sequences (chance matches), so a UTF-8 file with a
/// few stray bytes stays far above it and a GBK file far below.
const UTF8_MIN_VALID: f64 = 0.9;

/// Decides a file's encoding from its first bytes.
pub fn detect(path: &Path) -> io::Result<Detected> {
    let file = std::fs::File::open(path)?;
    let mut sample = Vec::with_capacity(SAMPLE.min(1 << 20));
    file.take(SAMPLE as u64).read_to_end(&mut sample)?;
    Ok(detect_bytes(&sample))
}

/// Decides the encoding of a sample of a file's bytes (its start).
pub fn detect_bytes(sample: &[u8]) -> Detected {
    let sure = |encoding| Detected {
        encoding,
        confidence: 1.0,
    };
    if sample.starts_with(BOM) {
        return sure(Encoding::Utf8Bom);
    }
    if sample.starts_with(b"\xFF\xFE") {
        return sure(Encoding::Utf16Le);
    }
    if sample.starts_with(b"\xFE\xFF") {
        return sure(Encoding::Utf16Be);
    }
    let (valid, invalid) = utf8_sequences(sample);
    if invalid == 0 {
        return sure(Encoding::Utf8);
    }
    let share = valid as f64 / (valid + invalid) as f64;
    if share >= UTF8_MIN_VALID {
        return Detected {
            encoding: Encoding::Utf8,
            confidence: share,
        };
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, sample.len() < SAMPLE);
    let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
    let share = gb2312_share(sample);
    // A short file gives the detector little to go on; text that is nearly all common
    // GB2312 characters is GBK unless the detector names another CJK encoding.
    let cjk = [
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
    ];
    let gbk_anyway = share >= 0.9 && !cjk.contains(&guess);
    if guess == encoding_rs::GBK || guess == encoding_rs::GB18030 || gbk_anyway {
        return Detected {
            encoding: Encoding::Gb18030,
            confidence: share,
        };
    }
    Detected {
        encoding: Encoding::Other(guess),
        confidence: 0.5,
    }
}

/// Valid multi-byte UTF-8 sequences and invalid ones in `bytes` (a sequence cut off at the
/// end of the sample counts as neither).
fn utf8_sequences(mut bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0usize, 0usize);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                valid += s.chars().filter(|c| !c.is_ascii()).count();
                return (valid, invalid);
            }
            Err(e) => {
                let ok = &bytes[..e.valid_up_to()];
                // Safe: from_utf8 vouched for this prefix.
                valid += std::str::from_utf8(ok)
                    .map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                match e.error_len() {
                    Some(n) => {
                        invalid += 1;
                        bytes = &bytes[e.valid_up_to() + n..];
                    }
                    None => return (valid, invalid),
                }
            }
        }
    }
}

/// The share of GBK double-byte characters in `bytes` that lie in the GB2312 area (lead and
/// trail bytes 0xA1..=0xFE), where nearly all characters of real Chinese text are; 0 with
/// fewer than ten.
fn gb2312_share(bytes: &[u8]) -> f64 {
    let (mut pairs, mut common) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        let Some(&t) = bytes.get(i + 1) else { break };
        if (0x30..=0x39).contains(&t) {
            // A four-byte GB18030 sequence.
            pairs += 1;
            i += 4;
            continue;
        }
        pairs += 1;
        if (0xA1..=0xF7).contains(&b) && (0xA1..=0xFE).contains(&t) {
            common += 1;
        }
        i += 2;
    }
    if pairs < 10 {
        // Too little to tell.
        0.0
    } else {
        common as f64 / pairs as f64
    }
}

/// Decodes a whole buffer in `encoding` to UTF-8 text (for the encodings that do not
/// [split on bytes](Encoding::splits_on_bytes)); undecodable bytes become U+FFFD, which the
/// loader then rejects row by row.
pub fn decode_all(encoding: Encoding, bytes: &[u8]) -> String {
    let (text, _, _) = encoding.decoder().decode(bytes);
    text.into_owned()
}

/// Encodes UTF-8 text as GB18030 bytes (what Excel in China writes).
pub fn encode_gb18030(text: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    bytes.into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_encoding() {
        let chinese = "用户ID,城市,备注\nu1,上海,老师讲得很清楚\nu2,北京,内容很实用\n".repeat(20);
        assert_eq!(detect_bytes(chinese.as_bytes()).encoding, Encoding::Utf8);
        assert_eq!(
            detect_bytes(b"\xEF\xBB\xBFa,b\n").encoding,
            Encoding::Utf8Bom
        );
        assert_eq!(detect_bytes(b"\xFF\xFEa\0").encoding, Encoding::Utf16Le);
        let gbk = detect_bytes(&encode_gb18030(&chinese));
        assert_eq!(gbk.encoding, Encoding::Gb18030);
        assert!(gbk.confidence > 0.95, "{gbk:?}");
        // A short, repetitive GBK file (the detector alone guesses windows-1252).
        let short = detect_bytes(&encode_gb18030(&"u1,广州\n".repeat(30)));
        assert_eq!(short.encoding, Encoding::Gb18030);
        let text = "台北,課程,學習\n".repeat(40);
        let (big5, _, _) = encoding_rs::BIG5.encode(&text);
        assert_eq!(
            detect_bytes(&big5).encoding,
            Encoding::Other(encoding_rs::BIG5)
        );
    }

    #[test]
    fn one_bad_byte_does_not_turn_utf8_into_gbk() {
        let mut bytes = "user_id,city\n".as_bytes().to_vec();
        for i in 0..200 {
            bytes.extend(format!("u{i},上海\n").as_bytes());
        }
        bytes.extend(b"u_bad,\xFF\xFE\n");
        let d = detect_bytes(&bytes);
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.confidence > 0.99 && d.confidence < 1.0, "{d:?}");
        // Even a short file: 30 Chinese cities and one stray byte.
        let mut short = b"user_id,city\n".to_vec();
        for i in 0..15 {
            short.extend(format!("u{i},上海\n").as_bytes());
        }
        short.extend(b"u_bad,\xC0\n");
        assert_eq!(detect_bytes(&short).encoding, Encoding::Utf8);
        assert_eq!(Encoding::Utf8.decode_field(b"\xFF\xFE"), None);
        assert_eq!(
            Encoding::Gb18030
                .decode_field(&encode_gb18030("上海"))
                .as_deref(),
            Some("上海")
        );
        // A lead byte with no valid trail is invalid GB18030, never U+FFFD.
        assert_eq!(Encoding::Gb18030.decode_field(b"\x81\x20"), None);
    }

    #[test]
    fn a_multibyte_character_cut_at_the_end_of_the_sample_is_still_utf8() {
        let mut text = "a".repeat(100);
        text.push_str("中文");
        let bytes = text.as_bytes();
        assert_eq!(
            detect_bytes(&bytes[..bytes.len() - 1]).encoding,
            Encoding::Utf8
        );
    }
}
