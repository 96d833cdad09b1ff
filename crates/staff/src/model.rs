//! The staff model's codes: qualification categories, kinds of courses and
//! of course providers, and how people write them in staff lists
//! («ВКК», «1 кв. категория», «КПК», «ГАУ ДПО «ИРО»»).
//!
//! Codes (`"highest"`, `"upgrade"`, `"iro"`, …) are stable English
//! identifiers for storage and JSON (serde uses them too); every code has a
//! Russian title for people. Parsers return a Russian message that lists
//! what is accepted.

use opora_plans::coded;

coded!(
    /// A teacher's qualification category (квалификационная категория), or
    /// the attestation for the position held.
    Category {
        Highest = "highest", "высшая";
        First = "first", "первая";
        Fits = "fits", "соответствие занимаемой должности";
        None = "none", "без категории";
    }
);

coded!(
    /// The kind of a further-education course (ДПО).
    CourseKind {
        /// Повышение квалификации (КПК), usually 16–144 hours.
        Upgrade = "upgrade", "повышение квалификации";
        /// Профессиональная переподготовка, 250 hours and more: gives the
        /// right to teach a new subject.
        Retraining = "retraining", "профессиональная переподготовка";
    }
);

coded!(
    /// Who ran a course.
    ProviderKind {
        Iro = "iro", "институт развития образования (ИРО)";
        Cnppm = "cnppm", "ЦНППМ";
        University = "university", "вуз";
        Federal = "federal", "федеральная организация";
        Other = "other", "иная организация";
    }
);

/// Lower case, «ё» as «е», spaces collapsed, trimmed.
pub(crate) fn normalise(text: &str) -> String {
    text.to_lowercase()
        .replace('ё', "е")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The words of a text (letters and digits), normalised.
pub(crate) fn words(text: &str) -> Vec<String> {
    normalise(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// «Нет» in its written forms (a dash of any length, «нет»).
fn is_no_mark(t: &str) -> bool {
    matches!(t, "-" | "–" | "—" | "нет")
}

impl Category {
    /// Reads a category as staff lists write it, in any case, «ё» as «е»:
    /// «высшая», «высшая (квалификационная) категория», «ВКК»; «первая»,
    /// «1», «1 кв. категория», «первая категория»; «соответствие
    /// занимаемой должности», «соответствие», «СЗД»; «без категории»,
    /// «нет», «-» and an empty cell are no category. Codes and titles are
    /// accepted as well.
    pub fn parse(text: &str) -> Result<Category, String> {
        let t = normalise(text);
        let t = t.trim_end_matches('.').trim();
        if t.is_empty() || is_no_mark(t) {
            return Ok(Category::None);
        }
        if let Some(c) = Category::ALL
            .iter()
            .copied()
            .find(|c| c.code() == t || c.title() == t)
        {
            return Ok(c);
        }
        // The words that add nothing: «1 кв. категория» is «1».
        let core: Vec<&str> = t
            .split([' ', '.'])
            .filter(|w| {
                !w.is_empty()
                    && !matches!(
                        *w,
                        "кв" | "квалификационная" | "категория" | "кат" | "(квалификационная)"
                    )
            })
            .collect();
        let found = match core.join(" ").as_str() {
            "высшая" | "вкк" | "высш" => Some(Category::Highest),
            "первая" | "1" | "1-я" | "i" | "1кк" | "пкк" => Some(Category::First),
            "соответствие занимаемой должности"
            | "соответствует занимаемой должности"
            | "соответствие"
            | "сзд" => Some(Category::Fits),
            "без категории" | "б/к" | "нет категории" => {
                Some(Category::None)
            }
            _ => None,
        };
        found.ok_or_else(|| {
            format!(
                "непонятная квалификационная категория «{}»: укажите «высшая» (ВКК), «первая» (1), \
                 «соответствие занимаемой должности» (СЗД) или «без категории» (пустая ячейка, «нет», «-»)",
                text.trim()
            )
        })
    }
}

impl CourseKind {
    /// Reads a course kind: «ПК», «КПК», «курсы повышения квалификации»,
    /// «повышение квалификации»; «ПП», «переподготовка», «профессиональная
    /// переподготовка» (any case, «ё» as «е»), or a code or title.
    pub fn parse(text: &str) -> Result<CourseKind, String> {
        let t = normalise(text);
        let t = t.trim_end_matches('.').trim();
        match t {
            "upgrade"
            | "пк"
            | "кпк"
            | "курсы пк"
            | "курсы повышения квалификации"
            | "повышение квалификации" => Ok(CourseKind::Upgrade),
            "retraining"
            | "пп"
            | "переподготовка"
            | "профпереподготовка"
            | "профессиональная переподготовка" => {
                Ok(CourseKind::Retraining)
            }
            _ => Err(format!(
                "непонятный вид курсов «{}»: укажите «повышение квалификации» (ПК, КПК) \
                 или «профессиональная переподготовка» (ПП)",
                text.trim()
            )),
        }
    }
}

impl ProviderKind {
    /// Guesses the kind of a provider from its name. Checked in this order:
    ///
    /// 1. federal: «Академия Минпросвещения», «ФГАОУ ДПО», «ФГБНУ», the word
    ///    «федеральный», «Просвещение» (the publisher's courses);
    /// 2. ЦНППМ: «ЦНППМ», «центр непрерывного повышения …» (a ЦНППМ named
    ///    with its parent institute is still the ЦНППМ);
    /// 3. the regional institute: «институт развития образования», «институт
    ///    повышения квалификации», the abbreviations «ИРО» (also «ТОИРО» and
    ///    other regional forms ending in «ИРО») and «ИПК…»;
    /// 4. a higher-education institution: «университет», «академия»,
    ///    «институт» (any other), «вуз», a legal form «… ВО»;
    /// 5. anything else: [`ProviderKind::Other`].
    pub fn guess(provider_name: &str) -> ProviderKind {
        let t = normalise(provider_name);
        let w = words(provider_name);
        let has_word = |f: &dyn Fn(&str) -> bool| w.iter().any(|x| f(x));
        if t.contains("минпросвещения")
            || t.contains("фгаоу дпо")
            || t.contains("фгбну")
            || has_word(&|x| x.starts_with("федеральн"))
            || has_word(&|x| x == "просвещение")
        {
            return ProviderKind::Federal;
        }
        if has_word(&|x| x == "цнппм") || t.contains("центр непрерывного повышения")
        {
            return ProviderKind::Cnppm;
        }
        if t.contains("институт развития образования")
            || t.contains("институт повышения квалификации")
            || t.contains("развития образования")
            || has_word(&|x| x.ends_with("иро") || x.starts_with("ипк") || x.contains("ппкро"))
        {
            return ProviderKind::Iro;
        }
        let higher_form = w.windows(2).any(|p| p[0].ends_with("оу") && p[1] == "во");
        if has_word(&|x| {
            x.starts_with("университет")
                || x.starts_with("академи")
                || x.starts_with("институт")
                || x == "вуз"
        }) || higher_form
        {
            return ProviderKind::University;
        }
        ProviderKind::Other
    }

    /// Reads an explicit provider kind: a code, a title or a short form
    /// («ИРО», «ЦНППМ», «вуз», «университет», «федеральная», «иная»).
    pub fn parse(text: &str) -> Result<ProviderKind, String> {
        let t = normalise(text);
        let t = t.trim_end_matches('.').trim();
        if let Some(k) = ProviderKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == t || normalise(k.title()) == t)
        {
            return Ok(k);
        }
        match t {
            "иро" | "ипк" | "институт развития образования" => Ok(ProviderKind::Iro),
            "цнппм" | "центр непрерывного повышения профессионального мастерства" => {
                Ok(ProviderKind::Cnppm)
            }
            "вуз" | "университет" | "институт" | "академия" => Ok(ProviderKind::University),
            "федеральная" | "федеральный" | "федеральная организация" | "федеральный уровень" => {
                Ok(ProviderKind::Federal)
            }
            "иная" | "иное" | "другая" | "другое" | "прочее" | "прочая" => {
                Ok(ProviderKind::Other)
            }
            _ => Err(format!(
                "непонятный вид организации «{}»: укажите «ИРО», «ЦНППМ», «вуз», «федеральная» или «иная»",
                text.trim()
            )),
        }
    }
}

/// Reads a yes/no cell: «да», «+», «1», «yes», «true» and «молодой
/// специалист» are yes; «нет», «-», «0», «no», «false» are no (any case).
/// An empty cell is refused: the caller decides what a missing value means.
pub fn parse_yes_no(s: &str) -> Result<bool, String> {
    let t = normalise(s);
    match t.trim_end_matches('.') {
        "да" | "+" | "1" | "yes" | "y" | "true" | "д" | "молодой специалист" => {
            Ok(true)
        }
        "нет" | "-" | "–" | "—" | "0" | "no" | "n" | "false" | "н" => Ok(false),
        "" => Err("пустое значение: укажите «да» или «нет»".to_string()),
        _ => Err(format!(
            "непонятное значение «{}»: укажите «да» или «нет»",
            s.trim()
        )),
    }
}

/// Whether a position is the head of the school: it names a «директор» and
/// is no deputy («заместитель директора», «зам. директора»,
/// «замдиректора»). «И. о. директора» is the head.
pub fn is_principal(position: &str) -> bool {
    let w = words(position);
    w.iter().any(|x| x.starts_with("директор"))
        && !w
            .iter()
            .any(|x| x == "зам" || x.starts_with("заместител") || x.starts_with("замдиректор"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_titles_are_russian() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(*c));
            assert_eq!(Category::parse(c.code()), Ok(*c));
            assert_eq!(Category::parse(c.title()), Ok(*c));
            assert_eq!(
                serde_json::to_string(c).unwrap(),
                format!("\"{}\"", c.code())
            );
        }
        for k in CourseKind::ALL {
            assert_eq!(CourseKind::from_code(k.code()), Some(*k));
            assert_eq!(CourseKind::parse(k.code()), Ok(*k));
            assert_eq!(CourseKind::parse(k.title()), Ok(*k));
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.code())
            );
        }
        for k in ProviderKind::ALL {
            assert_eq!(ProviderKind::from_code(k.code()), Some(*k));
            assert_eq!(ProviderKind::parse(k.code()), Ok(*k));
            assert_eq!(ProviderKind::parse(k.title()), Ok(*k));
            assert_eq!(
                serde_json::from_str::<ProviderKind>(&format!("\"{}\"", k.code())).unwrap(),
                *k
            );
        }
        assert_eq!(Category::from_code("Highest"), None);
        assert_eq!(
            Category::Fits.to_string(),
            "соответствие занимаемой должности"
        );
    }

    #[test]
    fn categories_as_people_write_them() {
        use Category as C;
        let cases = [
            ("высшая", C::Highest),
            ("Высшая категория", C::Highest),
            ("ВКК", C::Highest),
            ("высшая квалификационная категория", C::Highest),
            ("первая", C::First),
            ("Первая категория", C::First),
            ("1", C::First),
            ("1 кв. категория", C::First),
            ("1 кв.категория", C::First),
            ("соответствие занимаемой должности", C::Fits),
            ("Соответствие", C::Fits),
            ("СЗД", C::Fits),
            ("без категории", C::None),
            ("Без категории", C::None),
            ("нет", C::None),
            ("-", C::None),
            ("", C::None),
            ("   ", C::None),
        ];
        for (text, want) in cases {
            assert_eq!(C::parse(text), Ok(want), "{text:?}");
        }
    }

    #[test]
    fn an_unknown_category_is_refused_in_russian_with_the_allowed_values() {
        for bad in ["вторая", "категория", "2", "высшая первая"] {
            let err = Category::parse(bad).unwrap_err();
            assert!(err.contains(&format!("«{bad}»")), "{err}");
            for allowed in [
                "высшая",
                "первая",
                "соответствие занимаемой должности",
                "без категории",
            ] {
                assert!(err.contains(allowed), "{err}");
            }
        }
    }

    #[test]
    fn course_kinds_as_people_write_them() {
        for t in [
            "ПК",
            "КПК",
            "курсы повышения квалификации",
            "Повышение квалификации",
        ] {
            assert_eq!(CourseKind::parse(t), Ok(CourseKind::Upgrade), "{t}");
        }
        for t in ["ПП", "переподготовка", "Профессиональная переподготовка"]
        {
            assert_eq!(CourseKind::parse(t), Ok(CourseKind::Retraining), "{t}");
        }
        let err = CourseKind::parse("стажировка").unwrap_err();
        assert!(err.contains("«стажировка»") && err.contains("повышение квалификации"));
    }

    #[test]
    fn providers_are_guessed_from_their_names() {
        use ProviderKind as P;
        let cases = [
            ("ГАУ ДПО «Институт развития образования Северной области»", P::Iro),
            ("ГАУ ДПО ИРО", P::Iro),
            ("ТОГАУ ДПО «ТОИРО»", P::Iro),
            ("ГБОУ ДПО «Институт повышения квалификации работников образования»", P::Iro),
            ("ИПК и ППРО", P::Iro),
            ("ЦНППМ «Педагог XXI века»", P::Cnppm),
            ("Центр непрерывного повышения профессионального мастерства педагогических работников", P::Cnppm),
            ("ЦНППМ ГАУ ДПО «Институт развития образования»", P::Cnppm),
            ("ФГАОУ ДПО «Академия Минпросвещения России»", P::Federal),
            ("Академия Минпросвещения России", P::Federal),
            ("АО «Издательство «Просвещение»»", P::Federal),
            ("ФГБНУ «Федеральный институт педагогических измерений»", P::Federal),
            ("ФГБОУ ВО «Северный педагогический университет»", P::University),
            ("ФГБОУ ВО «МПГУ»", P::University),
            ("Педагогический институт", P::University),
            ("Российская академия народного хозяйства", P::University),
            ("АНО ДПО «Школа педагогического мастерства»", P::Other),
            ("ООО «Учебный центр»", P::Other),
            ("", P::Other),
        ];
        for (name, want) in cases {
            assert_eq!(P::guess(name), want, "{name}");
        }
        // «Широкий» and «ирония» are no institute.
        assert_eq!(P::guess("ООО «Широкий горизонт»"), P::Other);
    }

    #[test]
    fn provider_kinds_are_read_from_a_column() {
        assert_eq!(ProviderKind::parse("ИРО"), Ok(ProviderKind::Iro));
        assert_eq!(ProviderKind::parse("цнппм"), Ok(ProviderKind::Cnppm));
        assert_eq!(ProviderKind::parse("Вуз"), Ok(ProviderKind::University));
        assert_eq!(
            ProviderKind::parse("федеральная"),
            Ok(ProviderKind::Federal)
        );
        assert_eq!(ProviderKind::parse("иная"), Ok(ProviderKind::Other));
        assert!(ProviderKind::parse("школа")
            .unwrap_err()
            .contains("«школа»"));
    }

    #[test]
    fn yes_and_no() {
        for t in ["да", "Да", "+", "1", "yes", "TRUE", "молодой специалист"] {
            assert_eq!(parse_yes_no(t), Ok(true), "{t}");
        }
        for t in ["нет", "НЕТ", "-", "0", "no", "false"] {
            assert_eq!(parse_yes_no(t), Ok(false), "{t}");
        }
        assert!(parse_yes_no("").unwrap_err().contains("«да» или «нет»"));
        assert!(parse_yes_no("может быть")
            .unwrap_err()
            .contains("«может быть»"));
    }

    #[test]
    fn the_principal_is_the_director_and_not_a_deputy() {
        for p in [
            "директор",
            "Директор школы",
            "и. о. директора",
            "Директор МБОУ «СОШ № 1»",
        ] {
            assert!(is_principal(p), "{p}");
        }
        for p in [
            "заместитель директора",
            "Заместитель директора по УВР",
            "зам. директора по ВР",
            "замдиректора",
            "учитель",
            "педагог-психолог",
            "",
        ] {
            assert!(!is_principal(p), "{p}");
        }
    }
}
