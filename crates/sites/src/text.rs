//! Text folding for the markers: link texts in Russian, addresses and file
//! names in Cyrillic or in any of the usual transliterations.
//!
//! Two forms are used:
//! - [`fold`]: lower case, «ё» as «е», anything but letters and digits as one
//!   space. Link texts are compared in this form.
//! - [`latin_words`]: words (split at punctuation, at `camelCase` and between
//!   letters and digits), each transliterated to Latin and folded so that
//!   the common variants meet: «х» = `kh` = `h`, «щ» = `shch` = `sch`,
//!   «й»/«ы» = `y` = `j` = `i`. Word stems of addresses, file names and
//!   document keywords are compared in this form, so that the stem «питани»
//!   finds `organizatsiya-pitaniya`, `питание` and `pitanie.pdf` alike.

/// Lower case, «ё» as «е», runs of anything but letters and digits as one
/// space, trimmed.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// Whether `text` (folded) starts with `phrase` (folded) at a word boundary.
/// Leading numbering of menu items («1. Основные сведения») is skipped.
pub fn starts_with_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let mut t = text;
    while let Some((first, rest)) = t.split_once(' ') {
        if first.chars().all(|c| c.is_ascii_digit()) {
            t = rest;
        } else {
            break;
        }
    }
    t.strip_prefix(phrase)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

fn translit(c: char) -> &'static str {
    match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' | 'ы' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ю' => "yu",
        'я' => "ya",
        _ => "",
    }
}

/// One word (already split) in the folded Latin form.
pub fn latin(word: &str) -> String {
    let mut s = String::with_capacity(word.len() * 2);
    for c in word.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if c.is_alphabetic() {
            s.push_str(translit(c));
        }
    }
    let s = s.replace("shch", "sch").replace("kh", "h");
    s.chars()
        .map(|c| if c == 'y' || c == 'j' { 'i' } else { c })
        .collect()
}

/// The words of a text, address segment or file name in the folded Latin
/// form. Apostrophes (a transliterated «ь») do not split words.
pub fn latin_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<char> = None;
    let flush = |cur: &mut String, words: &mut Vec<String>| {
        if !cur.is_empty() {
            let w = latin(cur);
            if !w.is_empty() {
                words.push(w);
            }
            cur.clear();
        }
    };
    for c in s.chars() {
        if c == '\'' || c == '’' || c == '`' {
            continue;
        }
        if !c.is_alphanumeric() {
            flush(&mut cur, &mut words);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let case_step = p.is_lowercase() && c.is_uppercase();
            let digit_step = p.is_ascii_digit() != c.is_ascii_digit();
            if case_step || digit_step {
                flush(&mut cur, &mut words);
            }
        }
        cur.push(c);
        prev = Some(c);
    }
    flush(&mut cur, &mut words);
    words
}

/// Word stems that must all start words of a text: «программ повышен
/// качеств». Written in Russian or Latin; compared in the folded Latin form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stems {
    stems: Vec<String>,
}

impl Stems {
    pub fn parse(spec: &str) -> Stems {
        Stems {
            stems: spec
                .split_whitespace()
                .map(latin)
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.stems.is_empty()
    }

    /// Every stem starts at least one of the words.
    pub fn all_in(&self, words: &[String]) -> bool {
        !self.stems.is_empty()
            && self
                .stems
                .iter()
                .all(|st| words.iter().any(|w| w.starts_with(st.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_ignores_case_yo_and_punctuation() {
        assert_eq!(
            fold("  Оснащённость, ОБРАЗОВАТЕЛЬНОГО—процесса. "),
            "оснащенность образовательного процесса"
        );
        assert!(starts_with_phrase(
            &fold("1. Основные сведения"),
            &fold("Основные сведения")
        ));
        assert!(starts_with_phrase(&fold("Документы"), &fold("Документы")));
        assert!(!starts_with_phrase(&fold("Документы2"), &fold("Документы")));
        assert!(!starts_with_phrase(
            &fold("Образовательные стандарты"),
            &fold("Образование")
        ));
    }

    #[test]
    fn transliterations_meet() {
        let cyr = latin_words("Организация питания");
        let gosweb = latin_words("organizatsiya-pitaniya");
        assert_eq!(cyr, gosweb);
        assert_eq!(latin("обучающихся"), latin("obuchayuschihsya"));
        assert_eq!(latin("обучающихся"), latin("obuchajushchikhsja"));
        assert_eq!(latin("образовательной"), latin("obrazovatelnoj"));
        assert_eq!(latin_words("material'no"), vec!["materialno"]);
    }

    #[test]
    fn words_split_at_case_and_digits() {
        assert_eq!(
            latin_words("ProgrammaKachestva2024_final.pdf"),
            vec!["programma", "kachestva", "2024", "final", "pdf"]
        );
    }

    #[test]
    fn stems_need_every_stem() {
        let s = Stems::parse("программ повышен качеств");
        assert!(s.all_in(&latin_words("Программа повышения качества образования")));
        assert!(s.all_in(&latin_words("programma_povysheniya_kachestva.pdf")));
        assert!(!s.all_in(&latin_words("Программа развития")));
        assert!(!Stems::parse("").all_in(&latin_words("что угодно")));
    }
}
