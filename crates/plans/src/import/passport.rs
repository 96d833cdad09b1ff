//! The passport: title, period, goal, tasks, approving document, owner and
//! level read from the text around the plan table, and the period inferred
//! from deadlines when the text does not give it.

use super::numbering::starts_lower;
use crate::deadline::{normalize_space, parse_deadline, Period};
use crate::model::*;
use crate::Date;

/// A line of text around the table: spaces normalised, a tab kept (it
/// separates a position from a signature).
pub(super) fn clean_line(s: &str) -> String {
    s.replace('*', "")
        .split('\t')
        .map(normalize_space)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\t")
}

const TITLE_STARTS: &[&str] = &[
    "дорожная карта",
    "план мероприятий",
    "план работы",
    "план по",
    "план действий",
    "комплексный план",
    "программа",
    "адресная программа",
    "комплекс мер",
    "перечень мероприятий",
    "мероприятия по",
    "план",
];

fn title_start(line: &str) -> bool {
    let l = line
        .trim_start_matches(['«', '"', '„', '“', ' '])
        .to_lowercase();
    TITLE_STARTS.iter().any(|t| {
        l.starts_with(t)
            && l[t.len()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphabetic())
    })
}

pub(super) fn find_title(lines: &[String]) -> Option<String> {
    let start = lines
        .iter()
        .rposition(|l| title_start(l) && l.chars().count() <= 300)?;
    let mut parts = vec![lines[start].clone()];
    let mut i = start + 1;
    // «Дорожная карта» alone, a blank line, then «по повышению …».
    if lines[start].chars().count() < 30 {
        while i < lines.len() && lines[i].is_empty() {
            i += 1;
        }
        if i < lines.len() && !starts_lower(&lines[i]) {
            i = start + 1;
        }
    }
    while i < lines.len() && parts.len() < 6 {
        let l = &lines[i];
        let low = l.to_lowercase();
        if l.is_empty()
            || low.starts_with("цел")
            || low.starts_with("задач")
            || low.starts_with('№')
            || l.chars().count() > 300
        {
            break;
        }
        parts.push(l.clone());
        i += 1;
    }
    Some(normalize_space(&parts.join(" ")))
}

/// «Сроки реализации программы: 2021-2024 гг.» (or the period on the next
/// line, as in a passport table) anywhere before the plan table.
pub(super) fn period_of_lines(lines: &[String]) -> Option<Period> {
    for (i, l) in lines.iter().enumerate() {
        let low = l.to_lowercase();
        let label = [
            "сроки реализации",
            "срок реализации",
            "период реализации",
            "сроки и этапы реализации",
            "срок действия",
        ]
        .iter()
        .any(|p| low.starts_with(p));
        if !label {
            continue;
        }
        let rest = strip_label(l);
        let text = if rest.chars().any(|c| c.is_ascii_digit()) {
            rest
        } else if let Some(tab) = l.split_once('\t') {
            tab.1.to_string()
        } else {
            lines.get(i + 1).cloned().unwrap_or_default()
        };
        if let Some(mut p) = Period::parse(&text) {
            p.text = normalize_space(&text);
            return Some(p);
        }
    }
    None
}

pub(super) fn period_of_title(title: &str) -> Option<Period> {
    let l = title.to_lowercase();
    let years_follow = |marker: &str| {
        l.match_indices(marker).any(|(i, _)| {
            l[i + marker.len()..]
                .trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    let hint = l.contains("учебн")
        || l.contains(" год")
        || l.contains("гг")
        || [" на ", " в ", " период ", " с "]
            .iter()
            .any(|m| years_follow(m));
    if !hint {
        return None;
    }
    // From the first year that follows a marker (not «ГИА-2023»).
    let start = [" на ", " в ", " период ", " с "]
        .iter()
        .filter_map(|m| {
            l.match_indices(m)
                .find(|(i, _)| {
                    l[i + m.len()..]
                        .trim_start()
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_digit())
                })
                .map(|(i, _)| i)
        })
        .min();
    let text = match start {
        Some(i) => {
            &title[title
                .char_indices()
                .map(|(b, _)| b)
                .find(|b| *b >= i)
                .unwrap_or(0)..]
        }
        None => title,
    };
    Period::parse(text).map(|mut p| {
        p.text = normalize_space(text.trim());
        p
    })
}

fn strip_label(line: &str) -> String {
    // «Цель программы: …», «Цель организации деятельности – …»
    let head: String = line.chars().take(60).collect();
    for sep in [':', '–', '—', '-'] {
        if let Some(pos) = head.find(sep) {
            let rest = line[pos + sep.len_utf8()..].trim();
            if !rest.is_empty() {
                return rest.to_string();
            }
        }
    }
    String::new()
}

fn strip_list_marker(s: &str) -> String {
    let mut s = s.trim().to_string();
    loop {
        let t = s
            .trim_start_matches(['-', '–', '—', '•', '·', '*', '▪', ' '])
            .trim_start()
            .to_string();
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        let t = if !digits.is_empty() && t[digits.len()..].starts_with(['.', ')']) {
            t[digits.len() + 1..].trim_start().to_string()
        } else {
            t
        };
        if t == s {
            return s;
        }
        s = t;
    }
}

fn is_list_item(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with(['-', '–', '—', '•', '·', '*', '▪']) || {
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        !digits.is_empty() && digits.len() <= 2 && t[digits.len()..].starts_with(['.', ')'])
    }
}

pub(super) fn find_goal_tasks(lines: &[String]) -> (Option<String>, Vec<String>) {
    let mut goal = None;
    let mut tasks = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let low = l.to_lowercase();
        if goal.is_none() && (low.starts_with("цель") || low.starts_with("цели")) {
            let g = strip_label(l);
            goal = if g.is_empty() {
                lines.get(i + 1).filter(|n| !n.is_empty()).cloned()
            } else {
                Some(g)
            };
        }
        if tasks.is_empty() && low.starts_with("задач") {
            let inline = strip_label(l);
            if !inline.is_empty() {
                tasks.extend(
                    inline
                        .split(';')
                        .map(strip_list_marker)
                        .filter(|t| !t.is_empty()),
                );
            }
            let mut j = i + 1;
            while j < lines.len() {
                let n = &lines[j];
                if n.is_empty() {
                    // A blank line inside the list is allowed; stop at one followed by non-list text.
                    if lines.get(j + 1).is_some_and(|x| is_list_item(x))
                        || tasks.is_empty()
                            && lines
                                .get(j + 1)
                                .is_some_and(|x| !x.is_empty() && !is_heading_like(x))
                    {
                        j += 1;
                        continue;
                    }
                    break;
                }
                if !is_list_item(n) && !tasks.is_empty() {
                    break;
                }
                if is_heading_like(n) {
                    break;
                }
                tasks.push(strip_list_marker(n));
                j += 1;
            }
        }
    }
    (goal, tasks)
}

fn is_heading_like(s: &str) -> bool {
    let l = s.to_lowercase();
    l.starts_with("мероприятия")
        || l.starts_with('№')
        || l.starts_with("ожидаемые")
        || l.starts_with("целевые")
}

fn dates_in(s: &str) -> Vec<Date> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let w: String = chars[i..].iter().take(10).collect();
            if let Some(d) = Date::parse(&w) {
                out.push(d);
                i += 10;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// «№ 130», «№8» → «130», «8» (the last «№»: «приказом МБОУ «СОШ № 7» от … № 112-од»).
fn number_after_sign(s: &str) -> Option<String> {
    let pos = s.rfind('№')?;
    let rest = s[pos + '№'.len_utf8()..].trim_start();
    let n: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';')
        .collect();
    let n = n.trim_end_matches(['.', ')']).to_string();
    (!n.is_empty() && n.chars().any(|c| c.is_alphanumeric())).then_some(n)
}

pub(super) fn find_approval(lines: &[String]) -> Option<Approval> {
    let non_empty: Vec<&String> = lines.iter().filter(|l| !l.is_empty()).collect();
    // «ПРИКАЗ» then «27.06.2022 № 130».
    for (k, l) in non_empty.iter().enumerate() {
        let low = l.to_lowercase();
        if low == "приказ"
            || low.starts_with("приказ ") && l.chars().count() < 60
            || low == "распоряжение"
            || low == "постановление"
        {
            let mut window: Vec<&String> = non_empty.iter().skip(k).take(3).copied().collect();
            if let Some(end) = window
                .iter()
                .position(|w| !dates_in(w).is_empty() || number_after_sign(w).is_some())
            {
                window.truncate(end + 1);
            }
            let text = window
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let date = dates_in(&text).first().copied();
            let number = number_after_sign(&text);
            if date.is_some() || number.is_some() {
                return Some(Approval {
                    document: low.split(' ').next().unwrap_or("приказ").to_string(),
                    number,
                    date,
                    by: None,
                    text,
                });
            }
        }
    }
    // «Утверждена приказом … от 01.09.2022 № 5», also over two lines
    // («УТВЕРЖДЕНО» / «приказом … от 30.08.2024 № 112-од»).
    for (k, l) in non_empty.iter().enumerate() {
        let mut low = l.to_lowercase();
        let mut l = l.to_string();
        if low.starts_with("утвержд") && !low.starts_with("утверждаю") && l.chars().count() < 20
        {
            if let Some(next) = non_empty.get(k + 1) {
                l = format!("{l} {next}");
                low = l.to_lowercase();
            }
        }
        let l = &l;
        if low.contains("утвержд")
            && (low.contains("приказ") || low.contains("протокол") || low.contains("решени"))
        {
            let date = dates_in(l).first().copied();
            let number = number_after_sign(l);
            if date.is_some() || number.is_some() {
                let document = if low.contains("приказ") {
                    "приказ"
                } else if low.contains("протокол") {
                    "протокол"
                } else {
                    "решение"
                };
                return Some(Approval {
                    document: document.into(),
                    number,
                    date,
                    by: None,
                    text: l.to_string(),
                });
            }
        }
    }
    // «УТВЕРЖДАЮ», a position and a signature, a date.
    for (k, l) in non_empty.iter().enumerate() {
        if l.to_lowercase().starts_with("утверждаю") {
            let mut window: Vec<&String> = non_empty.iter().skip(k).take(6).copied().collect();
            if let Some(end) = window.iter().position(|w| !dates_in(w).is_empty()) {
                window.truncate(end + 1);
            }
            let text = window
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let date = window.iter().flat_map(|w| dates_in(w)).next();
            let by = window.iter().skip(1).find(|w| {
                let lw = w.to_lowercase();
                lw.starts_with("директор")
                    || lw.starts_with("начальник")
                    || lw.starts_with("руководител")
                    || lw.starts_with("заведующ")
                    || lw.starts_with("министр")
                    || lw.starts_with("глава")
                    || lw.starts_with("председател")
            });
            let number = window
                .iter()
                .find(|w| w.to_lowercase().contains("приказ"))
                .and_then(|w| number_after_sign(w));
            return Some(Approval {
                document: "утверждено".into(),
                number,
                date,
                by: by.map(|s| s.to_string()),
                text,
            });
        }
    }
    None
}

const AUTHORITY: &[&str] = &[
    "управлени",
    "отдел",
    "министерств",
    "комитет",
    "департамент",
];
const SCHOOL_WORDS: &[&str] = &[
    "моу",
    "мбоу",
    "маоу",
    "мкоу",
    "гбоу",
    "гоу",
    "чоу",
    "сош",
    "оош",
    "школ",
    "лицей",
    "гимнази",
    "оу «",
    "оу \"",
];

fn to_nominative_org(s: &str) -> String {
    let mut words: Vec<String> = s.split_whitespace().map(str::to_string).collect();
    if let Some(w) = words.first_mut() {
        let repl = match w.to_lowercase().as_str() {
            "отдела" => Some("Отдел"),
            "управления" => Some("Управление"),
            "комитета" => Some("Комитет"),
            "министерства" => Some("Министерство"),
            "департамента" => Some("Департамент"),
            _ => None,
        };
        if let Some(r) = repl {
            *w = r.to_string();
        }
    }
    words.join(" ")
}

/// Drops a signature's name from «МБОУ «СОШ № 7» И.И. Петрова».
fn strip_signature(s: &str) -> String {
    let s = s.split('\t').next().unwrap_or(s);
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let initials = |w: &str| {
        w.contains('.')
            && w.chars().all(|c| c.is_alphabetic() || c == '.')
            && w.chars().filter(|c| c.is_alphabetic()).count() <= 3
    };
    let surname = |w: &str| {
        w.chars().next().is_some_and(|c| c.is_uppercase())
            && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    let n = words.len();
    if n >= 3
        && ((initials(words[n - 2]) && surname(words[n - 1]))
            || (surname(words[n - 2]) && initials(words[n - 1])))
    {
        words.truncate(n - 2);
    }
    words.join(" ")
}

pub(super) fn find_owner(pre: &[String], post: &[String], approval: Option<&Approval>) -> String {
    // An authority's letterhead in capitals.
    for l in pre.iter().take(15) {
        let letters: Vec<char> = l.chars().filter(|c| c.is_alphabetic()).collect();
        let caps = letters.len() >= 10 && letters.iter().all(|c| c.is_uppercase());
        let low = l.to_lowercase();
        if caps && AUTHORITY.iter().any(|a| low.starts_with(a)) {
            return l.clone();
        }
    }
    // «Директор МОУ «Средняя школа № 46»».
    if let Some(by) = approval.and_then(|a| a.by.as_ref()) {
        for pos in ["директор ", "начальник ", "руководитель ", "заведующий "]
        {
            if let Some(rest) = by.to_lowercase().strip_prefix(pos) {
                let org = &by[by.len() - rest.len()..];
                return to_nominative_org(&strip_signature(org.trim()));
            }
        }
    }
    // The signature under the table: «Начальник отдела образования …».
    for l in post.iter().chain(pre.iter()) {
        let low = l.to_lowercase();
        for pos in ["начальник ", "директор ", "руководитель ", "председатель "]
        {
            if let Some(rest) = low.strip_prefix(pos) {
                if AUTHORITY.iter().any(|a| rest.starts_with(a))
                    || SCHOOL_WORDS.iter().any(|w| rest.contains(w))
                {
                    return to_nominative_org(&strip_signature(l[l.len() - rest.len()..].trim()));
                }
            }
        }
    }
    String::new()
}

pub(super) fn find_level(owner: &str, title: &str, approval: Option<&Approval>) -> Level {
    let o = owner.to_lowercase();
    let by = approval
        .and_then(|a| a.by.as_deref())
        .unwrap_or("")
        .to_lowercase();
    let municipal = |s: &str| {
        s.contains("муниципальн")
            || s.contains("район")
            || s.contains("округ")
            || s.contains("городск")
            || s.contains("города")
    };
    let regional = |s: &str| {
        s.contains("министерств")
            || s.contains("региональн")
            || s.contains("област")
            || s.contains("края")
            || s.contains("республик")
    };
    if !o.is_empty() {
        if AUTHORITY.iter().any(|a| o.contains(a)) {
            if municipal(&o) || o.starts_with("отдел") {
                return Level::Municipality;
            }
            if regional(&o) {
                return Level::Region;
            }
            return Level::Municipality;
        }
        if SCHOOL_WORDS.iter().any(|w| o.contains(w)) || by.starts_with("директор") {
            return Level::School;
        }
    }
    let t = title.to_lowercase();
    if t.contains("муниципальн") || t.contains("района") || t.contains("округа")
    {
        Level::Municipality
    } else if t.contains("региональн")
        || t.contains("области")
        || t.contains("края")
        || t.contains("республики")
    {
        Level::Region
    } else {
        Level::School
    }
}

/// The academic year that most explicitly dated deadlines fall in.
pub(super) fn infer_period(deadlines: &[&str]) -> Option<Period> {
    let mut counts: std::collections::BTreeMap<i32, usize> = Default::default();
    let mut total = 0;
    for d in deadlines {
        let p = parse_deadline(d, None);
        let Some(s) = p.start.or(p.end) else { continue };
        total += 1;
        let y = if s.month() >= 9 {
            s.year()
        } else {
            s.year() - 1
        };
        *counts.entry(y).or_default() += 1;
    }
    let (y, n) = counts
        .iter()
        .max_by_key(|(y, n)| (**n, -**y))
        .map(|(y, n)| (*y, *n))?;
    if n * 2 < total {
        return None;
    }
    let mut p = Period::academic_years(y, y + 1)?;
    p.inferred = true;
    Some(p)
}
