//! Privacy in exports: pseudonymised learner ids and suppression of small groups. (Personal
//! data columns are detected and dropped when files are read: see `data::schema`.)

use sha2::{Digest, Sha256};

/// Aggregate rows describing fewer learners than this are suppressed in exports.
pub const MIN_GROUP: usize = 10;

/// A stable pseudonym for a learner id: the first 16 hex digits of SHA-256(salt ‖ id). The
/// same salt gives the same pseudonym across exports; without the salt it cannot be reversed
/// by enumerating ids.
pub fn pseudonymise(id: &str, salt: &str) -> String {
    let digest = Sha256::digest(format!("{salt}\u{1f}{id}").as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Whether an aggregate over `size` learners must be suppressed.
pub fn suppressed(size: usize) -> bool {
    size < MIN_GROUP
}

#[cfg(test)]
mod tests {
    use super::*;

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
