//! Small text helpers: folding for comparisons, Russian numbers, quoting,
//! and the «did you mean» suggestion.

/// The form texts are compared in: lower case, «ё» as «е», runs of spaces
/// as one, no spaces at the ends.
pub(crate) fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// A number as the formula writes it: the shortest form that reads back to
/// the same value, with a decimal comma («0,1», «20», «-3,75»).
pub(crate) fn literal(x: f64) -> String {
    format!("{x}").replace('.', ",")
}

/// A computed number for a reason: at most four decimals, trailing zeros
/// dropped, a decimal comma and a typographic minus («0,05», «−0,2», «3,8667»).
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s == "-0" { "0" } else { s };
    s.replace('-', "−").replace('.', ",")
}

/// A text in quotes: «…» for people. In formulas use [`quote_formula`].
pub(crate) fn guillemets(s: &str) -> String {
    format!("«{s}»")
}

/// A text literal for the formula's canonical text: "…" unless the text
/// holds a straight quote, then «…» (such a text came from «…» and so has
/// balanced guillemets).
pub(crate) fn quote_formula(s: &str) -> String {
    if s.contains('"') {
        format!("«{s}»")
    } else {
        format!("\"{s}\"")
    }
}

/// The closest of `candidates` to `word` when it is close enough to be a
/// typo: at most a third of the word's letters differ (and at most three).
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let w = fold(word);
    let limit = (w.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (distance(&w, &fold(c)), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_russian_way() {
        assert_eq!(literal(0.1), "0,1");
        assert_eq!(literal(20.0), "20");
        assert_eq!(num(0.05), "0,05");
        assert_eq!(num(4.1 - 4.0), "0,1");
        assert_eq!(num(-0.2), "−0,2");
        assert_eq!(num(-0.00001), "0");
        assert_eq!(num(2.0 / 3.0), "0,6667");
        assert_eq!(num(100.0), "100");
    }

    #[test]
    fn folding_ignores_case_yo_and_spaces() {
        assert_eq!(fold("  Учёт  ВЕДЁТСЯ "), "учет ведется");
    }

    #[test]
    fn typos_are_suggested_only_when_close() {
        let c = ["сайт.программа", "категория"];
        assert_eq!(
            suggest("сайт.програма", c).as_deref(),
            Some("сайт.программа")
        );
        assert_eq!(suggest("КАТЕГОРИЯ", c).as_deref(), Some("категория"));
        assert_eq!(suggest("огэ", c), None);
    }
}
