//! Whether work fits in the memory the machine has free. Heavy steps estimate what they will
//! hold before they allocate it, so a dataset or a model too big for the machine stops with a
//! message saying how much it needs and what to change, instead of being killed by the system
//! half-way (which takes the window, and everything computed in it, with it).

/// Hands the memory the calling thread has freed back to the system. The allocator
/// (mimalloc, set by the program) keeps freed pages for the thread that freed them to reuse,
/// and a worker thread that ends keeps them for good: after the campaign models train at 1M
/// learners that is 1 GB the window would hold while showing them. Each job's threads call
/// this before they end.
pub fn return_freed() {
    // SAFETY: mi_collect takes no pointers; it only walks the calling thread's own heap and
    // is safe to call at any time, also when mimalloc is not the global allocator.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// Variable that sets the memory available to Persona Lab, in bytes or with a `K`, `M` or `G`
/// suffix (powers of 1024): to keep it below what the machine has free, or to rehearse a
/// smaller machine.
pub const LIMIT_VAR: &str = "PERSONA_LAB_MEMORY";

/// Bytes available to new work: [`LIMIT_VAR`] when set, else `MemAvailable` of
/// `/proc/meminfo` (Linux). `None` when neither is known: nothing is refused then.
pub fn available() -> Option<u64> {
    if let Ok(v) = std::env::var(LIMIT_VAR) {
        return parse_size(&v);
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    info.lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))
        .and_then(|v| parse_size(v.trim().trim_end_matches("kB").trim()))
        .map(|kib| kib * 1024)
}

/// `123`, `64K`, `512M`, `8G` (powers of 1024), case-insensitive.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().last()? {
        (at, c) if c.is_ascii_alphabetic() => (&t[..at], c.to_ascii_uppercase()),
        _ => (t, ' '),
    };
    let shift = match unit {
        ' ' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return None,
    };
    number.trim().parse::<u64>().ok()?.checked_mul(1 << shift)
}

/// Memory a step needs beyond what is free: `Some((need, available))` when `need` bytes do not
/// fit, `None` when they do or when what is free is unknown.
pub fn shortfall(need: u64) -> Option<(u64, u64)> {
    available()
        .filter(|&free| need > free)
        .map(|free| (need, free))
}

/// `bytes` for people: `3.4 GB` (powers of 1000, one decimal), `850 MB`.
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size(" 512M "), Some(512 << 20));
        assert_eq!(parse_size("8G"), Some(8 << 30));
        assert_eq!(parse_size("8T"), None);
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse_size(""), None);
    }

    #[test]
    fn sizes_read_for_people() {
        assert_eq!(human(3_400_000_000), "3.4 GB");
        assert_eq!(human(850_000_000), "850 MB");
        assert_eq!(human(10), "1 MB");
    }
}
