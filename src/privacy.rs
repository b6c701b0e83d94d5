//! Privacy: personal data found and masked inside any text, pseudonymised learner ids, and
//! suppression of small groups. (Columns named as personal data are dropped when files are
//! read: see `data::schema`; values that look like personal data are masked by [`mask_pii`]
//! as every text cell is read, so they reach no feature, keyword, rejects file or export.)

use sha2::{Digest, Sha256};
use std::borrow::Cow;

/// What masked personal data is replaced by.
pub const MASK: &str = "***";

/// Words after which an id is a WeChat or QQ account (lower-case ASCII or Chinese).
const ACCOUNT_MARKERS: &[&str] = &[
    "微信号",
    "微信",
    "wechat",
    "weixin",
    "v信",
    "vx",
    "wx",
    "qq号",
    "qq",
    "加v",
    "薇信",
];

/// Masks every phone number, e-mail address, resident ID number and WeChat/QQ account inside
/// `text` with [`MASK`]: mainland mobiles (`1[3-9]` + 9 digits, with optional `+86`/`86` and
/// spaces or dashes as `138-1234-5678`), 18-character ID numbers, `local@domain.tld`, and an
/// id of 5–20 letters, digits, `_` or `-` written after a marker such as `微信`, `vx:` or
/// `QQ`. Text without a digit, an `@` or a marker is returned as it is, without copying.
pub fn mask_pii(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let has_digit = bytes.iter().any(u8::is_ascii_digit);
    let has_at = bytes.contains(&b'@');
    let may_have_marker = bytes
        .iter()
        .any(|b| matches!(b.to_ascii_lowercase(), b'w' | b'v' | b'q'))
        || text.contains(['微', '薇']);
    if !has_digit && !has_at && !may_have_marker {
        return Cow::Borrowed(text);
    }
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    find_emails(bytes, &mut spans);
    find_digit_ids(bytes, &mut spans);
    find_accounts(text, &lower, &mut spans);
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            at = at.max(end);
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(MASK);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether a whole value is personal data (a phone number, an e-mail address, an ID number
/// or an account), as opposed to text that merely contains some.
pub fn looks_like_pii(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && mask_pii(v) == MASK
}

fn is_email_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_email_domain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

fn find_emails(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    for (at, _) in b.iter().enumerate().filter(|(_, c)| **c == b'@') {
        let start = (0..at).rev().take_while(|&i| is_email_local(b[i])).last();
        let end = (at + 1..b.len())
            .take_while(|&i| is_email_domain(b[i]))
            .last()
            .map(|i| i + 1);
        let (Some(start), Some(mut end)) = (start, end) else {
            continue;
        };
        while end > at + 1 && matches!(b[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let domain = &b[at + 1..end];
        let tld_ok = domain
            .rsplit(|&c| c == b'.')
            .next()
            .is_some_and(|t| t.len() >= 2 && t.iter().all(u8::is_ascii_alphabetic));
        if domain.contains(&b'.') && tld_ok {
            spans.push((start, end));
        }
    }
}

/// Mobile numbers and ID numbers: runs of digits (with single spaces or dashes inside a
/// mobile number) not touching other digits.
fn find_digit_ids(b: &[u8], spans: &mut Vec<(usize, usize)>) {
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // The run of digits, separators allowed between digits.
        let mut digits: Vec<u8> = Vec::new();
        let mut j = i;
        let mut end = i;
        while j < b.len() {
            if b[j].is_ascii_digit() {
                digits.push(b[j]);
                j += 1;
                end = j;
            } else if matches!(b[j], b' ' | b'-') && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
                j += 1;
            } else {
                break;
            }
        }
        let x_tail = digits.len() == 17 && matches!(b.get(end), Some(b'x' | b'X'));
        let body: &[u8] = if digits.starts_with(b"86") && digits.len() == 13 {
            &digits[2..]
        } else {
            &digits
        };
        let mobile = body.len() == 11 && body[0] == b'1' && (b'3'..=b'9').contains(&body[1]);
        let id_card = digits.len() == 18 || x_tail;
        if mobile || id_card {
            let mut start = i;
            if start > 0 && b[start - 1] == b'+' {
                start -= 1;
            }
            spans.push((start, if x_tail { end + 1 } else { end }));
        }
        i = end.max(i + 1);
    }
}

/// Ids written after an account marker (`微信：abc_123`, `vx abc123`, `QQ 123456`).
fn find_accounts(text: &str, lower: &str, spans: &mut Vec<(usize, usize)>) {
    let b = lower.as_bytes();
    for marker in ACCOUNT_MARKERS {
        for (at, _) in lower.match_indices(marker) {
            let mut i = at + marker.len();
            // Separators: spaces, colons (also full-width), 号, ＝/=.
            loop {
                let rest = &lower[i..];
                let skip = [" ", ":", "：", "号", "=", "＝", "是"]
                    .iter()
                    .find(|s| rest.starts_with(**s))
                    .map(|s| s.len());
                match skip {
                    Some(n) => i += n,
                    None => break,
                }
            }
            let len = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                .count();
            if (5..=20).contains(&len) && text.is_char_boundary(i) {
                spans.push((i, i + len));
            }
        }
    }
}

/// Aggregate rows describing fewer learners than this are suppressed in exports.
pub const MIN_GROUP: usize = 10;

/// A stable pseudonym for a learner id: the first 16 hex digits of SHA-256(salt ‖ id). The
/// same salt gives the same pseudonym across exports; without the salt it cannot be reversed
/// by enumerating ids.
pub fn pseudonymise(id: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{salt}\u{1f}{id}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A learner id as an export writes it: its [pseudonym](pseudonymise) with a salt, else the
/// id itself.
pub fn written_id(id: &str, salt: Option<&str>) -> String {
    salt.map_or_else(|| id.to_string(), |s| pseudonymise(id, s))
}

/// Whether an aggregate over `size` learners must be suppressed.
pub fn suppressed(size: usize) -> bool {
    size < MIN_GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_is_masked_inside_text() {
        assert_eq!(mask_pii("13812345678"), MASK);
        assert_eq!(mask_pii("a.b@example.com"), MASK);
        assert_eq!(mask_pii("11010519491231002X"), MASK);
        assert_eq!(
            mask_pii("课程不错，有问题加我微信：abc_1234 或打 138-1234-5678"),
            "课程不错，有问题加我微信：*** 或打 ***"
        );
        assert_eq!(
            mask_pii("联系 +86 13912345678 / me@qq.com"),
            "联系 *** / ***"
        );
        assert_eq!(mask_pii("QQ 123456789 随时联系"), "QQ *** 随时联系");
        assert_eq!(mask_pii("vx:Teacher_Li2024"), "vx:***");
        for safe in [
            "第12345期训练营",
            "2025-03-04 上课",
            "价格199元",
            "订单 202503041234567",
            "Python 3.12",
            "user@localhost",
            "微信支付很方便",
        ] {
            assert_eq!(mask_pii(safe), safe);
        }
        assert!(looks_like_pii(" 13812345678 "));
        assert!(!looks_like_pii("12345"));
        assert!(!looks_like_pii("我的手机13812345678"));
    }

    #[test]
    fn pseudonyms_are_stable_salted_and_short() {
        let a = pseudonymise("u000001", "s1");
        assert_eq!(a, pseudonymise("u000001", "s1"));
        assert_ne!(a, pseudonymise("u000001", "s2"));
        assert_ne!(a, pseudonymise("u000002", "s1"));
        assert_eq!(a.len(), 16);
        // SHA-256("s1\x1fu000001"), first 8 bytes, from Python's hashlib.
        assert_eq!(a, "2d8a8155364f0f73");
    }
}
