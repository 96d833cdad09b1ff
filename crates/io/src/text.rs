//! Text safety shared by readers, messages and exporters: short escaped
//! previews of values for messages, control-character checks, spreadsheet
//! column letters, and neutralising cells a spreadsheet would run as a
//! formula.

use std::borrow::Cow;

/// At most this many characters of a value are echoed in a message.
pub const PREVIEW_CHARS: usize = 40;

/// Characters that are invisible or change how text around them is shown:
/// zero-width spaces and joiners, directional marks and overrides, word
/// joiners, the BOM. Harmless in names, never wanted in codes.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// A value as it may be echoed in a message: at most [`PREVIEW_CHARS`]
/// characters, then «…»; control and invisible characters written out
/// (`\u{0}`, `\n`, `\u{202e}`) so that nothing in the value can break or
/// disguise the message. Applying it twice changes nothing.
pub fn preview(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(PREVIEW_CHARS * 2) + 4);
    let mut shown = 0;
    for c in s.chars() {
        let escaped: Cow<'_, str> = if c.is_control() || is_invisible(c) {
            Cow::Owned(c.escape_default().collect())
        } else {
            let mut b = [0u8; 4];
            Cow::Owned(c.encode_utf8(&mut b).to_string())
        };
        let width = escaped.chars().count();
        if shown + width > PREVIEW_CHARS {
            out.push('…');
            return out;
        }
        out.push_str(&escaped);
        shown += width;
    }
    out
}

/// The first character of `s` that has no place in imported text: a control
/// character other than tab, line feed and carriage return (C0, DEL, C1).
pub fn forbidden_control(s: &str) -> Option<char> {
    let bytes = s.as_bytes();
    // Fast check without branches (vectorised): nearly all text has none
    // of these bytes.
    if !bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == 0x7f) | (b == 0xc2)
    }) {
        return None;
    }
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\t' | b'\n' | b'\r' => {}
            0..=0x1f | 0x7f => return Some(b as char),
            // C1 controls U+0080–U+009F are 0xC2 0x80–0x9F in UTF-8.
            0xc2 => {
                if let Some(&next @ 0x80..=0x9f) = bytes.get(i + 1) {
                    return char::from_u32(next as u32);
                }
            }
            _ => {}
        }
    }
    None
}

/// How a character is named in a message: «\u{0}» (NUL), «\n» (перевод строки).
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\0' => " (NUL)",
        '\t' => " (табуляция)",
        '\n' => " (перевод строки)",
        '\r' => " (возврат каретки)",
        '\u{7f}' => " (DEL)",
        _ if is_invisible(c) => " (невидимый символ)",
        _ => "",
    };
    format!("«{}»{name}", c.escape_default())
}

/// The spreadsheet letter of a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

// Formula neutralisation is shared with the engine's CSV outputs, which
// cannot depend on this crate: it lives in `opora_analytics::text`.
pub use opora_analytics::text::{looks_like_formula, neutralise_formula};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_are_short_escaped_and_stable() {
        assert_eq!(preview("Код ОО"), "Код ОО");
        let long = "я".repeat(100);
        let p = preview(&long);
        assert_eq!(p.chars().count(), PREVIEW_CHARS + 1);
        assert!(p.ends_with('…'));
        assert_eq!(preview("a\0b\nc\u{202e}"), "a\\u{0}b\\nc\\u{202e}");
        let nuls = "\0".repeat(50);
        assert_eq!(preview(&preview(&nuls)), preview(&nuls));
        assert_eq!(preview(&p), p);
    }

    #[test]
    fn control_characters_and_column_letters() {
        assert_eq!(forbidden_control("a\tb\r\nc"), None);
        assert_eq!(forbidden_control("a\0b"), Some('\0'));
        assert_eq!(forbidden_control("a\u{1b}"), Some('\u{1b}'));
        assert_eq!(forbidden_control("a\u{85}"), Some('\u{85}'));
        assert_eq!(forbidden_control("Ёжик «Ъ» №5"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_borrowed() {
        for s in ["=1+1", "+7 900", "-2", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(neutralise_formula(s), format!("'{s}"));
        }
        assert!(matches!(
            neutralise_formula("Школа №1"),
            Cow::Borrowed("Школа №1")
        ));
        assert!(matches!(neutralise_formula(""), Cow::Borrowed("")));
    }
}
