//! Text encodings of input files: UTF-8 (with or without BOM) and GBK/GB18030 as written by
//! Excel in China.

use serde::Serialize;
use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    #[serde(rename = "UTF-8")]
    Utf8,
    /// UTF-8 starting with a byte-order mark.
    #[serde(rename = "UTF-8 BOM")]
    Utf8Bom,
    /// GBK or its superset GB18030.
    #[serde(rename = "GB18030")]
    Gb18030,
    /// A binary format (Parquet) that carries its own encoding.
    #[serde(rename = "parquet")]
    Parquet,
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 BOM",
            Encoding::Gb18030 => "GB18030",
            Encoding::Parquet => "parquet",
        })
    }
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Detects a file's encoding by streaming through it once: a BOM means UTF-8, valid UTF-8
/// throughout means UTF-8, anything else is taken as GB18030 (which decodes every byte
/// sequence GBK produces).
pub fn detect(path: &Path) -> io::Result<Encoding> {
    let mut file = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut carry = 0usize;
    let mut first = true;
    loop {
        let n = file.read(&mut buf[carry..])?;
        if first {
            first = false;
            if buf[..n].starts_with(BOM) {
                return Ok(Encoding::Utf8Bom);
            }
        }
        let len = carry + n;
        if n == 0 {
            return Ok(if carry == 0 {
                Encoding::Utf8
            } else {
                Encoding::Gb18030
            });
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return Ok(Encoding::Gb18030),
        }
    }
}

/// Decodes GB18030 bytes to UTF-8 text; undecodable bytes become U+FFFD.
pub fn decode_gb18030(bytes: &[u8]) -> String {
    let (text, _, _) = encoding_rs::GB18030.decode(bytes);
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
    use std::io::Write;

    fn detect_bytes(bytes: &[u8]) -> Encoding {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        detect(f.path()).unwrap()
    }

    #[test]
    fn detects_each_encoding() {
        assert_eq!(detect_bytes("用户ID,课程\n".as_bytes()), Encoding::Utf8);
        assert_eq!(detect_bytes(b"\xEF\xBB\xBFa,b\n"), Encoding::Utf8Bom);
        assert_eq!(
            detect_bytes(&encode_gb18030("用户ID,课程\n")),
            Encoding::Gb18030
        );
    }

    #[test]
    fn multibyte_character_across_chunk_boundary_is_still_utf8() {
        let mut text = "a".repeat((1 << 16) - 1);
        text.push_str("中文");
        assert_eq!(detect_bytes(text.as_bytes()), Encoding::Utf8);
    }
}
