//! Subjects taught against the diploma: a teacher may teach a subject that
//! the speciality in the diploma covers, or one that a professional
//! retraining (профессиональная переподготовка) covers. Everything else is
//! a mismatch for the methodologist to look at.
//!
//! Matching is by word stems, because people write the same speciality in
//! many ways («Русский язык и литература», «Филология (русский язык)»,
//! «учитель русского языка»). See [`covers`] for the rule and its special
//! cases.

use crate::model::{normalise, words};

/// Splits a list of subjects as people write it («Математика; Информатика»,
/// «математика, физика», one per line): trimmed, empty items dropped, the
/// first letter capitalised (the rest is kept: «ОБЗР» stays), repeats
/// (any case, «ё» as «е») dropped, the first kept.
pub fn split_list(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for item in s.split([';', ',', '\n', '\r']) {
        let item = item.split_whitespace().collect::<Vec<_>>().join(" ");
        if item.is_empty() {
            continue;
        }
        let key = normalise(&item);
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        let mut chars = item.chars();
        let first = chars.next().expect("not empty");
        out.push(first.to_uppercase().chain(chars).collect());
    }
    out
}

/// One piece of a grades text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    Number(u32),
    Dash,
}

/// Reads the grades a teacher teaches: «5-9», «5–9», «1, 2, 3», «5а, 6б»
/// (class letters dropped), «10-11», «5-9 кл.». Grades are 1 to 11; the
/// result is sorted without repeats. An empty text is no grades (a director
/// who does not teach).
pub fn parse_grades(s: &str) -> Result<Vec<u8>, String> {
    let example = "пишите, например, «5-9», «1, 2, 3» или «5а, 6б»";
    let mut pieces = Vec::new();
    let mut digits = String::new();
    let flush = |digits: &mut String, pieces: &mut Vec<Piece>| -> Result<(), String> {
        if digits.is_empty() {
            return Ok(());
        }
        let n = if digits.len() > 3 {
            u32::MAX
        } else {
            digits.parse::<u32>().expect("digits")
        };
        digits.clear();
        if !(1..=11).contains(&n) {
            return Err(format!(
                "класса {} не бывает: классы — с 1 по 11 (в «{}»)",
                if n == u32::MAX {
                    "с таким номером".to_string()
                } else {
                    n.to_string()
                },
                s.trim()
            ));
        }
        pieces.push(Piece::Number(n));
        Ok(())
    };
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        flush(&mut digits, &mut pieces)?;
        match c {
            '-' | '–' | '—' | '−' => pieces.push(Piece::Dash),
            // Separators.
            ',' | ';' | '/' | '+' => {}
            // Class letters, «кл.», «классы», brackets.
            c if c.is_whitespace()
                || c.is_alphabetic()
                || matches!(c, '.' | '(' | ')' | '«' | '»' | '"') => {}
            c => {
                return Err(format!(
                    "непонятный знак «{c}» в классах «{}»: {example}",
                    s.trim()
                ))
            }
        }
    }
    flush(&mut digits, &mut pieces)?;
    let mut grades = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        match (
            pieces[i],
            pieces.get(i + 1).copied(),
            pieces.get(i + 2).copied(),
        ) {
            (Piece::Number(a), Some(Piece::Dash), Some(Piece::Number(b))) => {
                if a > b {
                    return Err(format!(
                        "диапазон «{a}-{b}» перевёрнут: пишите «{b}-{a}» (в «{}»)",
                        s.trim()
                    ));
                }
                grades.extend(a..=b);
                i += 3;
            }
            (Piece::Number(a), Some(Piece::Dash), _) | (Piece::Dash, Some(Piece::Number(a)), _) => {
                return Err(format!(
                    "незаконченный диапазон у класса {a} в «{}»: {example}",
                    s.trim()
                ))
            }
            (Piece::Number(a), _, _) => {
                grades.push(a);
                i += 1;
            }
            (Piece::Dash, _, _) => {
                return Err(format!("лишнее тире в классах «{}»: {example}", s.trim()))
            }
        }
    }
    if grades.is_empty() && s.chars().any(char::is_alphanumeric) {
        return Err(format!("в «{}» нет номеров классов: {example}", s.trim()));
    }
    let mut grades: Vec<u8> = grades.into_iter().map(|g| g as u8).collect();
    grades.sort_unstable();
    grades.dedup();
    Ok(grades)
}

/// Grades as people read them: runs as ranges with an en dash, the rest
/// one by one: `[1, 2, 3, 4, 10, 11]` → «1–4, 10–11», `[5, 7]` → «5, 7».
pub fn format_grades(g: &[u8]) -> String {
    let mut g = g.to_vec();
    g.sort_unstable();
    g.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < g.len() {
        let mut j = i;
        while j + 1 < g.len() && g[j + 1] == g[j] + 1 {
            j += 1;
        }
        parts.push(if j > i {
            format!("{}–{}", g[i], g[j])
        } else {
            g[i].to_string()
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// A word stem of a subject, matched against the words of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stem {
    /// The beginning of a word («матем» matches «математика», «математики»).
    Prefix(String),
    /// A whole word: short words and abbreviations («обж», «изо»), where a
    /// prefix would match unrelated words («изоляция»).
    Word(String),
}

impl Stem {
    fn of(word: &str) -> Stem {
        let n = word.chars().count();
        match n {
            0..=4 => Stem::Word(word.to_string()),
            // Short nouns change their ending: «химия» → «химии».
            5 => Stem::Prefix(word.chars().take(4).collect()),
            _ => Stem::Prefix(word.chars().take(5).collect()),
        }
    }

    fn matches(&self, word: &str) -> bool {
        match self {
            Stem::Prefix(p) => word.starts_with(p.as_str()),
            Stem::Word(w) => word == w,
        }
    }
}

fn p(s: &str) -> Stem {
    Stem::Prefix(s.to_string())
}

fn w(s: &str) -> Stem {
    Stem::Word(s.to_string())
}

/// One way a text can cover a subject: it has a word for every stem of
/// `need` and no word for any stem of `unless`.
#[derive(Clone, Debug)]
struct Alternative {
    need: Vec<Stem>,
    unless: Vec<Stem>,
}

impl Alternative {
    fn all(need: Vec<Stem>) -> Alternative {
        Alternative {
            need,
            unless: Vec::new(),
        }
    }

    fn holds(&self, text: &[String]) -> bool {
        !self.need.is_empty()
            && self.need.iter().all(|s| text.iter().any(|t| s.matches(t)))
            && !self
                .unless
                .iter()
                .any(|s| text.iter().any(|t| s.matches(t)))
    }
}

/// Words of a subject's name that say nothing about the subject: the
/// language is named by its adjective («Английский язык» is «английский»),
/// so «Иностранный язык (английский)» and «Филология (английский)» cover it.
const STOP_WORDS: &[&str] = &["язык", "языка", "языки", "языков"];

/// The ways a text can cover one name of a subject.
fn alternatives_of_name(name: &str) -> Vec<Alternative> {
    let all = words(name);
    let significant: Vec<&String> = all
        .iter()
        .filter(|x| x.chars().count() >= 3 && !STOP_WORDS.contains(&x.as_str()))
        .collect();
    let chosen: Vec<&String> = if significant.is_empty() {
        all.iter().collect()
    } else {
        significant
    };
    let has = |f: &dyn Fn(&str) -> bool| all.iter().any(|x| f(x));
    let mut out = Vec::new();
    let generic: Vec<Stem> = chosen.iter().map(|x| Stem::of(x)).collect();
    if has(&|x| x.starts_with("технолог")) && all.len() == 1 {
        // «Технология» the school subject: «информационные технологии» is
        // informatics, not this subject.
        out.push(Alternative {
            need: vec![p("технолог")],
            unless: vec![p("информацион")],
        });
    } else if !generic.is_empty() {
        out.push(Alternative::all(generic));
    }
    // «Начальные классы»: any «начальн…» word («педагогика и методика
    // начального образования», «преподавание в начальных классах»).
    if has(&|x| x.starts_with("начальн")) {
        out.push(Alternative::all(vec![p("начальн")]));
    }
    // ОБЗР (ОБЖ until 2024): «безопасность жизнедеятельности», «основы
    // безопасности и защиты Родины», or the abbreviations.
    if has(&|x| x == "обж" || x == "обзр" || x.starts_with("безопасн")) {
        out.push(Alternative::all(vec![p("безопасн"), p("жизнедеят")]));
        out.push(Alternative::all(vec![p("безопасн"), p("защит")]));
        out.push(Alternative::all(vec![w("обж")]));
        out.push(Alternative::all(vec![w("обзр")]));
    }
    // «Физическая культура»: also «физическое воспитание», «физкультура».
    // The stems «физич» and «физик» keep it apart from «Физика» both ways.
    if has(&|x| x.starts_with("физкульт"))
        || (has(&|x| x.starts_with("физич")) && has(&|x| x.starts_with("культур")))
    {
        out.push(Alternative::all(vec![p("физич"), p("культур")]));
        out.push(Alternative::all(vec![p("физич"), p("воспит")]));
        out.push(Alternative::all(vec![p("физкульт")]));
    }
    // «Иностранный язык» without the language: any language diploma.
    if has(&|x| x.starts_with("иностран")) {
        for stem in [
            "иностран",
            "англ",
            "немец",
            "француз",
            "испан",
            "китайск",
            "лингвист",
        ] {
            out.push(Alternative::all(vec![p(stem)]));
        }
    }
    // Parts of mathematics: a mathematics diploma covers them.
    if has(&|x| x.starts_with("алгебр") || x.starts_with("геометр") || x.starts_with("вероятн"))
    {
        out.push(Alternative::all(vec![p("матем")]));
    }
    // «ИЗО».
    if has(&|x| x == "изо" || x.starts_with("изобраз")) {
        out.push(Alternative::all(vec![p("изобраз"), p("искус")]));
        out.push(Alternative::all(vec![w("изо")]));
    }
    out
}

/// The names of a subject: the whole name and, when it has a part in
/// brackets, the part outside and the part inside («Труд (технология)» is
/// «Труд» or «Технология»).
fn names(subject: &str) -> Vec<String> {
    let mut out = vec![subject.to_string()];
    if let (Some(open), Some(close)) = (subject.find('('), subject.rfind(')')) {
        if open < close {
            let inside = &subject[open + 1..close];
            let outside = format!("{} {}", &subject[..open], &subject[close + 1..]);
            out = vec![outside, inside.to_string()];
        }
    }
    out.retain(|n| !words(n).is_empty());
    out
}

/// Whether `text` (a diploma speciality, or a retraining programme's title
/// or subject area) covers the school subject `subject`.
///
/// The rule: both are lower-cased with «ё» as «е» and cut into words. The
/// subject's significant words (3 letters or more; «язык» is not one, the
/// language is named by its adjective) become stems: the first 5 letters of
/// a long word, the first 4 of a 5-letter word (endings change: «химия» →
/// «химии»), a shorter word whole (abbreviations: «ОБЖ», «ИЗО»). The text
/// covers the subject when every stem begins some word of the text (a whole
/// word for the short ones). So «Математика» is covered by «Физика и
/// математика», «Русский язык» by «Русский язык и литература» and by
/// «Филология (русский язык)», «Информатика» by «Математика и
/// информатика», «Химия» by «учитель биологии и химии».
///
/// Special cases, where the plain rule is wrong:
/// - «Начальные классы» is covered by any «начальн…» word («Педагогика и
///   методика начального образования»);
/// - «Физическая культура» and «Физика» do not cover each other (stems
///   «физич» and «физик»); «Физическая культура» is also covered by
///   «физическое воспитание» and «физкультура»;
/// - «ОБЗР» / «ОБЖ» are covered by «безопасность жизнедеятельности», by
///   «основы безопасности и защиты Родины» and by the abbreviations;
/// - «Технология» is not covered by «информационные технологии»;
/// - «Иностранный язык» is covered by any language or linguistics diploma,
///   «Алгебра», «Геометрия», «Вероятность и статистика» by «математика»,
///   «ИЗО» and «Изобразительное искусство» by each other;
/// - a subject with a part in brackets («Труд (технология)») is covered
///   when either part is.
///
/// A bare «Филология» covers no language: which one is not said.
pub fn covers(subject: &str, text: &str) -> bool {
    let text_words = words(text);
    if text_words.is_empty() {
        return false;
    }
    names(subject)
        .iter()
        .flat_map(|n| alternatives_of_name(n))
        .any(|a| a.holds(&text_words))
}

/// The taught subjects that neither the diploma's speciality nor any
/// retraining text covers, in the order given.
pub fn uncovered(taught: &[String], education_subject: &str, retraining: &[&str]) -> Vec<String> {
    taught
        .iter()
        .filter(|s| !covers(s, education_subject) && !retraining.iter().any(|r| covers(s, r)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The school subjects of the demo region.
    const SUBJECTS: [&str; 17] = [
        "Математика",
        "Русский язык",
        "Литература",
        "Физика",
        "Химия",
        "Биология",
        "География",
        "История",
        "Обществознание",
        "Информатика",
        "Английский язык",
        "Физическая культура",
        "Технология",
        "Музыка",
        "Изобразительное искусство",
        "ОБЗР",
        "Начальные классы",
    ];

    #[test]
    fn lists_are_split_trimmed_capitalised_and_deduplicated() {
        assert_eq!(
            split_list("Математика; Информатика"),
            ["Математика", "Информатика"]
        );
        assert_eq!(split_list("математика, физика"), ["Математика", "Физика"]);
        assert_eq!(
            split_list("русский язык\nлитература\r\n"),
            ["Русский язык", "Литература"]
        );
        assert_eq!(split_list(" ;  ОБЗР ;; ,"), ["ОБЗР"]);
        assert_eq!(
            split_list("Химия; химия; ХИМИЯ; Биология"),
            ["Химия", "Биология"]
        );
        assert_eq!(split_list("ёлочка; Елочка"), ["Ёлочка"]);
        assert_eq!(split_list("Русский   язык"), ["Русский язык"]);
        assert!(split_list("").is_empty() && split_list(" ; ,\n").is_empty());
    }

    #[test]
    fn split_list_is_idempotent() {
        for text in [
            "математика, физика",
            "Химия; химия",
            "ОБЗР\nтехнология;  ",
            "",
        ] {
            let once = split_list(text);
            assert_eq!(split_list(&once.join("; ")), once, "{text}");
        }
    }

    #[test]
    fn grades_as_people_write_them() {
        assert_eq!(parse_grades("5-9"), Ok(vec![5, 6, 7, 8, 9]));
        assert_eq!(parse_grades("5–9"), Ok(vec![5, 6, 7, 8, 9]));
        assert_eq!(parse_grades("5 — 9 кл."), Ok(vec![5, 6, 7, 8, 9]));
        assert_eq!(parse_grades("1, 2, 3"), Ok(vec![1, 2, 3]));
        assert_eq!(parse_grades("5а, 6б"), Ok(vec![5, 6]));
        assert_eq!(parse_grades("10-11"), Ok(vec![10, 11]));
        assert_eq!(parse_grades("1-4"), Ok(vec![1, 2, 3, 4]));
        assert_eq!(parse_grades("7, 5-6; 6"), Ok(vec![5, 6, 7]));
        assert_eq!(
            parse_grades("1-4, 10-11 классы"),
            Ok(vec![1, 2, 3, 4, 10, 11])
        );
        assert_eq!(parse_grades(""), Ok(vec![]));
        assert_eq!(parse_grades("  "), Ok(vec![]));
    }

    #[test]
    fn bad_grades_are_refused_in_russian() {
        let err = |s: &str| parse_grades(s).unwrap_err();
        assert!(err("12").contains("класса 12 не бывает"), "{}", err("12"));
        assert!(err("0-4").contains("класса 0 не бывает"));
        assert!(err("5-99999").contains("с 1 по 11"));
        assert!(err("9-5").contains("перевёрнут"), "{}", err("9-5"));
        assert!(err("5-").contains("незаконченный диапазон"));
        assert!(err("-9").contains("незаконченный диапазон"));
        assert!(err("-").contains("лишнее тире"));
        assert!(err("5*9").contains("«*»"));
        assert!(err("все").contains("нет номеров классов"));
    }

    #[test]
    fn grades_are_formatted_as_ranges_and_read_back() {
        assert_eq!(format_grades(&[5, 6, 7, 8, 9]), "5–9");
        assert_eq!(format_grades(&[1, 2, 3, 4, 10, 11]), "1–4, 10–11");
        assert_eq!(format_grades(&[5, 7]), "5, 7");
        assert_eq!(format_grades(&[9, 8, 8]), "8–9");
        assert_eq!(format_grades(&[]), "");
        // Every set of grades (all 2^11) survives the round trip.
        for mask in 0u32..(1 << 11) {
            let g: Vec<u8> = (1..=11u8).filter(|k| mask & (1 << (k - 1)) != 0).collect();
            assert_eq!(parse_grades(&format_grades(&g)), Ok(g.clone()), "{g:?}");
        }
    }

    #[test]
    fn a_subject_is_covered_by_its_own_name_and_by_no_other_subject() {
        for a in SUBJECTS {
            for b in SUBJECTS {
                assert_eq!(covers(a, b), a == b, "{a} by {b}");
            }
            assert!(covers(a, &a.to_uppercase()), "{a}");
            assert!(!covers(a, ""), "{a}");
        }
    }

    #[test]
    fn plain_stems_cover_combined_and_inflected_specialities() {
        assert!(covers("Математика", "Физика и математика"));
        assert!(covers("Математика", "учитель математики"));
        assert!(covers("Химия", "учитель биологии и химии"));
        assert!(covers(
            "Химия",
            "Биология с дополнительной специальностью «Химия»"
        ));
        assert!(covers("Биология", "Биология и химия"));
        assert!(covers("История", "История и обществознание"));
        assert!(covers("Обществознание", "История и обществознание"));
        assert!(covers("Музыка", "Музыкальное образование"));
        assert!(covers("Физика", "Физико-математическое образование"));
        assert!(covers("Литература", "Русский язык и литература"));
        assert!(covers("География", "География и биология"));
        assert!(!covers("Химия", "Биология"));
        assert!(!covers("Биология", "Биохимия"));
        assert!(!covers("История", "Математика"));
        assert!(!covers("Обществознание", "История"));
    }

    #[test]
    fn primary_classes_are_covered_by_primary_education() {
        assert!(covers(
            "Начальные классы",
            "Педагогика и методика начального образования"
        ));
        assert!(covers(
            "Начальные классы",
            "Преподавание в начальных классах"
        ));
        assert!(covers("Начальные классы", "Начальное образование"));
        assert!(covers(
            "Начальные классы",
            "Педагогическое образование (начальное образование)"
        ));
        assert!(!covers("Начальные классы", "Русский язык и литература"));
        assert!(!covers("Начальные классы", "Классическая филология"));
    }

    #[test]
    fn physical_education_and_physics_are_kept_apart() {
        assert!(!covers("Физическая культура", "Физика"));
        assert!(!covers("Физическая культура", "Физика и информатика"));
        assert!(!covers("Физика", "Физическая культура"));
        assert!(!covers("Физика", "Физическая культура и спорт"));
        assert!(covers("Физическая культура", "Физическая культура и спорт"));
        assert!(covers("Физическая культура", "Физическое воспитание"));
        assert!(covers("Физическая культура", "Физкультура"));
        assert!(covers(
            "Физическая культура",
            "Адаптивная физическая культура"
        ));
        assert!(covers("Физика", "Физика и информатика"));
    }

    #[test]
    fn languages_are_named_by_their_adjective() {
        assert!(covers("Русский язык", "Русский язык и литература"));
        assert!(covers("Русский язык", "Филология (русский язык)"));
        assert!(covers(
            "Русский язык",
            "Филология: русский язык и литература"
        ));
        assert!(!covers("Русский язык", "Филология"));
        assert!(!covers("Русский язык", "Английский язык"));
        assert!(covers("Английский язык", "Иностранный язык (английский)"));
        assert!(covers("Английский язык", "Английский и немецкий языки"));
        assert!(covers("Английский язык", "Лингвистика (английский язык)"));
        assert!(!covers("Английский язык", "Иностранный язык (немецкий)"));
        assert!(!covers("Английский язык", "Русский язык и литература"));
        assert!(covers("Иностранный язык", "Английский язык"));
        assert!(covers("Иностранный язык (английский)", "Английский язык"));
        assert!(covers("Немецкий язык", "Иностранный язык (немецкий)"));
    }

    #[test]
    fn informatics_is_covered_by_mathematics_and_informatics() {
        assert!(covers("Информатика", "Математика и информатика"));
        assert!(covers("Информатика", "Физика и информатика"));
        assert!(covers("Информатика", "Информатика и ИКТ"));
        assert!(!covers("Информатика", "Математика"));
        assert!(covers("Алгебра", "Математика"));
        assert!(covers("Геометрия", "Математика и информатика"));
        assert!(covers("Вероятность и статистика", "Прикладная математика"));
    }

    #[test]
    fn safety_is_covered_by_safety_of_life() {
        assert!(covers("ОБЗР", "Безопасность жизнедеятельности"));
        assert!(covers("ОБЖ", "Безопасность жизнедеятельности"));
        assert!(covers("ОБЗР", "Основы безопасности и защиты Родины"));
        assert!(covers("ОБЗР", "Теория и методика преподавания ОБЖ"));
        assert!(covers(
            "Основы безопасности жизнедеятельности",
            "Безопасность жизнедеятельности и физическая культура"
        ));
        assert!(!covers("ОБЗР", "Физическая культура"));
        assert!(!covers("ОБЗР", "Обществознание"));
    }

    #[test]
    fn technology_and_art() {
        assert!(covers("Технология", "Технология и предпринимательство"));
        assert!(!covers("Технология", "Информационные технологии"));
        assert!(covers(
            "Труд (технология)",
            "Технология и предпринимательство"
        ));
        assert!(covers(
            "Изобразительное искусство",
            "Изобразительное искусство и черчение"
        ));
        assert!(covers("ИЗО", "Изобразительное искусство"));
        assert!(covers("Изобразительное искусство", "учитель ИЗО"));
        assert!(!covers("ИЗО", "Изоляция и изотопы"));
        assert!(!covers(
            "Изобразительное искусство",
            "Музыкальное искусство"
        ));
    }

    #[test]
    fn uncovered_subjects_are_those_neither_the_diploma_nor_a_retraining_covers() {
        let taught: Vec<String> = split_list("Биология; Химия; География");
        assert_eq!(uncovered(&taught, "Биология", &[]), ["Химия", "География"]);
        assert_eq!(
            uncovered(
                &taught,
                "Биология",
                &["Теория и методика преподавания химии"]
            ),
            ["География"]
        );
        assert_eq!(
            uncovered(&taught, "Биология", &["Химия", "География"]),
            Vec::<String>::new()
        );
        assert_eq!(uncovered(&taught, "Биология и химия", &[]), ["География"]);
        assert!(uncovered(&[], "Биология", &[]).is_empty());
        assert_eq!(uncovered(&taught, "", &[]), taught);
    }
}
