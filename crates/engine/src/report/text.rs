//! Model text made safe to typeset. A PDF viewer runs no bidi algorithm and no markup: what
//! is drawn is what the content stream says. So direction controls are dropped (they would
//! show as boxes, and an override must not be able to reverse the text around it), control
//! characters are dropped, very long text is cut, and right-to-left runs are put in visual
//! order here, line by line, with the Unicode bidi algorithm.

use unicode_bidi::{BidiClass, BidiInfo, Level};

use crate::render::svg::inert_text;

/// Explicit direction marks, embeddings, overrides and isolates, and the byte-order mark.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// One line of plain text: no controls, no direction marks, at most `max` characters.
pub fn inert(text: &str, max: usize) -> String {
    let line: String = text.chars().filter(|c| !is_direction_control(*c)).collect();
    inert_text(&line, max)
}

/// Text that may hold paragraphs: each line made inert, blank lines kept as breaks, the
/// whole at most `max` characters.
pub fn inert_paragraphs(text: &str, max: usize) -> Vec<String> {
    let mut left = max;
    let mut out = Vec::new();
    for line in text.lines() {
        if left == 0 {
            break;
        }
        let clean = inert(line, left);
        left = left.saturating_sub(clean.chars().count().max(1));
        if !clean.is_empty() {
            out.push(clean);
        }
    }
    out
}

/// A typeset line in visual (left-to-right drawing) order. Text with no right-to-left
/// character is returned as it is.
pub fn visual(line: &str) -> String {
    let rtl = line.chars().any(|c| matches!(unicode_bidi::bidi_class(c), BidiClass::R | BidiClass::AL));
    if !rtl {
        return line.to_string();
    }
    let info = BidiInfo::new(line, Some(Level::ltr()));
    match info.paragraphs.first() {
        Some(para) => info.reorder_line(para, para.range.clone()).into_owned(),
        None => line.to_string(),
    }
}

/// Today's date, ISO 8601, in UTC (from the system clock; no time-zone database).
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_overrides_are_dropped_and_hebrew_is_drawn_right_to_left() {
        assert_eq!(inert("a\u{202e}bc\u{202c}d\u{0007}", 100), "abcd");
        assert_eq!(visual("abc"), "abc");
        assert_eq!(visual("שלום"), "םולש");
    }

    #[test]
    fn long_text_is_cut_and_paragraphs_kept() {
        assert_eq!(inert(&"x".repeat(100_000), 10).chars().count(), 10);
        assert_eq!(inert_paragraphs("one\n\ntwo", 100), vec!["one", "two"]);
        assert_eq!(today().len(), 10);
    }
}
