//! One place for the look that the window and the HTML report share: the series palette, the
//! colour ramps of heat maps, and how money, counts and standardised differences are written.

/// Series colours, distinguishable in light and dark themes (Tableau 10).
pub const PALETTE: [[u8; 3]; 8] = [
    [0x4E, 0x79, 0xA7],
    [0xF2, 0x8E, 0x2B],
    [0x59, 0xA1, 0x4F],
    [0xE1, 0x57, 0x59],
    [0x76, 0xB7, 0xB2],
    [0xED, 0xC9, 0x48],
    [0xB0, 0x7A, 0xA1],
    [0x9C, 0x75, 0x5F],
];

fn mix(from: [u8; 3], to: [u8; 3], t: f64) -> [u8; 3] {
    let m =
        |k: usize| (f64::from(from[k]) + t * (f64::from(to[k]) - f64::from(from[k]))).round() as u8;
    [m(0), m(1), m(2)]
}

/// A share in [0, 1] on a heat map: from a pale to a deep blue.
pub fn sequential(value: f64) -> [u8; 3] {
    mix(
        [0xE8, 0xF1, 0xFA],
        [0x1F, 0x4E, 0x8C],
        value.clamp(0.0, 1.0),
    )
}

/// A standardised difference: blue below zero, orange above, near-white at zero, full at ±2.
pub fn diverging(z: f64) -> [u8; 3] {
    let t = (z / 2.0).clamp(-1.0, 1.0);
    let end = if t < 0.0 {
        [0x2C, 0x6F, 0xB0]
    } else {
        [0xE0, 0x70, 0x1E]
    };
    mix([0xF7, 0xF7, 0xF7], end, t.abs())
}

/// Whether dark text reads better than white on `fill`.
pub fn dark_ink_on(fill: [u8; 3]) -> bool {
    0.299 * f64::from(fill[0]) + 0.587 * f64::from(fill[1]) + 0.114 * f64::from(fill[2]) > 140.0
}

/// An integer with thousands separators: 884598 → `884,598`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Money in yuan, whole, with thousands separators: `¥884,598`.
pub fn yuan(v: f64) -> String {
    let n = v.round() as i64;
    if n < 0 {
        format!("-¥{}", thousands(-n))
    } else {
        format!("¥{}", thousands(n))
    }
}

/// A standardised difference with its sign and one decimal; what rounds to zero is `+0.0`
/// (never `-0.0`).
pub fn signed(z: f64) -> String {
    let z = if z.abs() < 0.05 { 0.0 } else { z };
    format!("{z:+.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(884_598), "884,598");
        assert_eq!(thousands(-1_000), "-1,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(yuan(23_006.17), "¥23,006");
        assert_eq!(yuan(-5.0), "-¥5");
        assert_eq!(signed(-0.01), "+0.0");
        assert_eq!(signed(-1.26), "-1.3");
        assert_eq!(sequential(0.0), [0xE8, 0xF1, 0xFA]);
        assert_eq!(diverging(5.0), [0xE0, 0x70, 0x1E]);
    }
}
