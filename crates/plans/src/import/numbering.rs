//! Numbering: numbers of rows and headings («1.2.», «IV», «Раздел 2»),
//! what reads as a heading or a sentence going on, and the warnings about
//! repeated or skipped numbers.

use crate::deadline::normalize_space;
use crate::model::*;

pub(super) fn roman_value(s: &str) -> Option<u32> {
    let s: String = s
        .trim()
        .trim_end_matches(['.', ')'])
        .chars()
        .map(|c| match c {
            'І' | 'і' | 'l' => 'I',
            'Х' | 'х' => 'X',
            c => c.to_ascii_uppercase(),
        })
        .collect();
    if s.is_empty() || s.len() > 5 || !s.chars().all(|c| matches!(c, 'I' | 'V' | 'X')) {
        return None;
    }
    let val = |c: char| match c {
        'I' => 1,
        'V' => 5,
        _ => 10,
    };
    let chars: Vec<u32> = s.chars().map(val).collect();
    let mut total = 0i64;
    for (k, v) in chars.iter().enumerate() {
        if chars.get(k + 1).is_some_and(|n| n > v) {
            total -= *v as i64;
        } else {
            total += *v as i64;
        }
    }
    (1..=30).contains(&total).then_some(total as u32)
}

/// «1.2.», «3,2», «2)», «IV» → [1, 2], [3, 2], [2], [4].
pub(super) fn number_path(s: &str) -> Option<Vec<u32>> {
    let s = s.trim();
    if let Some(r) = roman_value(s) {
        return Some(vec![r]);
    }
    let s = s.trim_end_matches(['.', ')']);
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let parts: Option<Vec<u32>> = s
        .split(['.', ','])
        .map(|p| p.parse::<u32>().ok().filter(|v| *v < 1000))
        .collect();
    parts.filter(|p| !p.is_empty() && p.len() <= 6)
}

/// Splits a heading into its number and title: «I. Организационно-…»,
/// «1.1. Достижение…», «3,2. Эффективность…», «Раздел 2. …».
pub(super) fn split_heading(s: &str) -> Option<(Option<String>, String)> {
    let s = normalize_space(s);
    let lower = s.to_lowercase();
    for word in ["раздел", "блок", "модуль", "направление", "часть"]
    {
        if lower.starts_with(word) {
            let rest = s[word.len()..].trim_start();
            // «Раздел 2. Название» or «Раздел II: Название» or «Раздел. Название»
            let mut num_end = 0;
            for (i, c) in rest.char_indices() {
                if c.is_ascii_digit() || matches!(c, '.' | ',' | 'I' | 'V' | 'X') {
                    num_end = i + c.len_utf8();
                } else {
                    break;
                }
            }
            let num = rest[..num_end].trim_end_matches(['.', ',']).to_string();
            let title = rest[num_end..]
                .trim_start_matches([':', '.', ' ', '–', '-'])
                .trim()
                .to_string();
            if num.is_empty() {
                return Some((None, s.clone()));
            }
            return Some((Some(num), if title.is_empty() { s.clone() } else { title }));
        }
    }
    // Leading number: digits with dots/commas, or a Roman numeral, then a
    // separator, then a letter.
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_digit()
            || matches!(c, '.' | ',' | ')')
            || matches!(c, 'I' | 'V' | 'X' | 'І' | 'Х')
        {
            end = i + c.len_utf8();
        } else {
            break;
        }
    }
    if end == 0 {
        return None;
    }
    let num = s[..end].to_string();
    let rest = &s[end..];
    let title = rest.trim_start();
    let first = title.chars().next()?;
    // A Roman numeral needs a separator before the title («I. Орг…», «II Раздел»),
    // digits may run into it («3.1.Объективность»).
    let roman = roman_value(&num).is_some() && !num.chars().any(|c| c.is_ascii_digit());
    if !first.is_alphabetic()
        || (roman && !(num.ends_with('.') || num.ends_with(')') || rest.starts_with(' ')))
    {
        return None;
    }
    if roman && first.is_lowercase() {
        return None;
    }
    number_path(&num)?;
    Some((Some(num.trim().replace(',', ".")), title.to_string()))
}

pub(super) fn known_section_title(s: &str) -> bool {
    let l = s.to_lowercase();
    (l.contains("инвариантн")
        || l.contains("вариативн")
        || l.starts_with("мониторинг эффективности")
        || l.starts_with("мониторинг результативности")
        || is_monitoring_block(&l))
        && s.chars().count() <= 120
}

/// A block of a programme («Инвариантная часть», «Вариативный блок»,
/// «Мониторинг»): it holds sections and is held by none.
pub(super) fn is_block_title(title: &str) -> bool {
    let l = title.to_lowercase();
    known_section_title(title)
        || l.contains("часть")
        || l.split(|c: char| !c.is_alphabetic()).any(|w| w == "блок")
}

pub(super) fn starts_lower(s: &str) -> bool {
    match s.trim_start().chars().next() {
        None => true,
        Some(c) if c.is_alphabetic() => c.is_lowercase(),
        Some(c) if c.is_ascii_digit() || matches!(c, '«' | '"' | '„' | '“') => false,
        Some(_) => true,
    }
}

pub(super) fn starts_abbreviation(s: &str) -> bool {
    let w: String = s
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let n = w.chars().count();
    (2..=5).contains(&n) && w.chars().all(|c| c.is_uppercase())
}

pub(super) fn ends_sentence(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some('.' | '!' | '?' | ';' | '»' | '"' | ')')
    )
}

pub(super) fn ends_open(s: &str) -> bool {
    matches!(
        s.trim_end().chars().last(),
        Some(',' | ':' | '-' | '–' | '(' | '/')
    )
}

pub(super) fn numbering_warnings(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut prev: Option<Vec<u32>> = None;
    for l in plan.all_activities() {
        let Some(n) = &l.activity.number else {
            continue;
        };
        let Some(p) = number_path(n) else { continue };
        if !seen.insert(p.clone()) {
            out.push(format!("номер {n} встречается в таблице несколько раз"));
        }
        if let Some(q) = &prev {
            if q.len() == p.len()
                && q[..q.len() - 1] == p[..p.len() - 1]
                && p[p.len() - 1] > q[q.len() - 1] + 1
            {
                let missing: Vec<String> = (q[q.len() - 1] + 1..p[p.len() - 1])
                    .map(|k| {
                        let mut m = p.clone();
                        *m.last_mut().unwrap() = k;
                        m.iter()
                            .map(|x| x.to_string())
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .collect();
                out.push(format!(
                    "в нумерации пропуск: после {} идёт {n} (нет {})",
                    q.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join("."),
                    missing.join(", ")
                ));
            }
        }
        prev = Some(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings() {
        assert_eq!(
            split_heading("I. Организационно-управленческие мероприятия"),
            Some((
                Some("I.".into()),
                "Организационно-управленческие мероприятия".into()
            ))
        );
        assert_eq!(
            split_heading("1.1. Достижение минимального уровня"),
            Some((Some("1.1.".into()), "Достижение минимального уровня".into()))
        );
        assert_eq!(
            split_heading("3,2. Эффективность"),
            Some((Some("3.2.".into()), "Эффективность".into()))
        );
        assert_eq!(
            split_heading("3.1.Объективность оценочных"),
            Some((Some("3.1.".into()), "Объективность оценочных".into()))
        );
        assert_eq!(
            split_heading("Раздел 2. Работа с кадрами"),
            Some((Some("2".into()), "Работа с кадрами".into()))
        );
        assert_eq!(split_heading("Инвариантная часть"), None);
        assert_eq!(split_heading("2020-2021"), None);
        assert_eq!(split_heading("IVанов"), None);
        assert_eq!(number_path("1.2."), Some(vec![1, 2]));
        assert_eq!(number_path("IV"), Some(vec![4]));
        assert_eq!(number_path("3,2."), Some(vec![3, 2]));
        assert_eq!(number_path("2020 - 2021"), None);
    }
}
