//! HTML pieces of the report: escaping, tables and shaded cells.

use std::fmt::Write;

/// `text` with `& < > " '` escaped for HTML text and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table: a header row and rows of cells (already escaped HTML).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut t = String::from("<table><thead><tr>");
    for h in header {
        let _ = write!(t, "<th>{}</th>", escape(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for c in r {
            let _ = write!(t, "<td>{c}</td>");
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

/// A cell shaded by `rgb` with `text` in a colour that reads on it.
pub fn shaded(text: &str, rgb: [u8; 3]) -> String {
    let ink = if crate::look::dark_ink_on(rgb) {
        "#141414"
    } else {
        "#fff"
    };
    format!(
        r#"<span class="cell" style="background:#{:02x}{:02x}{:02x};color:{ink}">{}</span>"#,
        rgb[0],
        rgb[1],
        rgb[2],
        escape(text)
    )
}
