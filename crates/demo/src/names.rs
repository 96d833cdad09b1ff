//! Russian names: settlements, streets, schools' legal forms and types,
//! transliteration for web addresses.

use crate::rng::Rng;

/// Stems that make «Ивановка» / «Ивановская», «Ивановск».
const STEMS_KA: &[&str] = &[
    "Иванов",
    "Петров",
    "Михайлов",
    "Александров",
    "Николаев",
    "Сергеев",
    "Андреев",
    "Алексеев",
    "Васильев",
    "Фёдоров",
    "Степанов",
    "Павлов",
    "Семёнов",
    "Григорьев",
    "Тимофеев",
    "Макаров",
    "Егоров",
    "Никитин",
    "Ильин",
    "Кузьмин",
    "Лукин",
    "Фомин",
    "Борисов",
    "Романов",
    "Яковлев",
    "Дмитриев",
    "Гаврилов",
    "Ефимов",
    "Зайцев",
    "Соколов",
    "Волков",
    "Медведев",
    "Лебедев",
    "Орлов",
    "Соловьёв",
    "Воронов",
    "Журавлёв",
    "Берёзов",
    "Соснов",
    "Ольхов",
    "Липов",
    "Дубров",
    "Осинов",
    "Рябинов",
    "Калинов",
    "Ключев",
    "Камен",
    "Полян",
    "Покров",
    "Знамен",
    "Богданов",
    "Троицк",
    "Горлов",
    "Луков",
    "Тихонов",
    "Голубев",
    "Сорокин",
    "Щукин",
    "Ракитин",
    "Кедров",
];

/// Stems that make «Никольское» / «Никольская».
const STEMS_OE: &[&str] = &[
    "Никольск",
    "Успенск",
    "Богородск",
    "Вознесенск",
    "Преображенск",
    "Рождественск",
    "Воскресенск",
    "Спасск",
    "Архангельск",
    "Георгиевск",
    "Введенск",
    "Сретенск",
    "Дмитровск",
    "Ильинск",
    "Петропавловск",
    "Раздольск",
    "Заречн",
    "Подгорн",
    "Луговск",
];

const PREFIXES: &[&str] = &["", "Ново", "Старо", "Верхне", "Нижне", "Мало", "Больше"];

pub(crate) const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Советская",
    "ул. Школьная",
    "ул. Мира",
    "ул. Гагарина",
    "пр-кт Победы",
    "ул. Молодёжная",
    "ул. Садовая",
    "ул. Центральная",
    "ул. Комсомольская",
    "ул. Пушкина",
    "ул. Кирова",
    "ул. Октябрьская",
    "ул. Первомайская",
    "ул. Лесная",
    "ул. Набережная",
    "ул. Строителей",
    "ул. Заводская",
    "ул. Чехова",
    "ул. Энтузиастов",
    "ул. Юбилейная",
    "ул. Калинина",
    "ул. Свободы",
    "ул. Рабочая",
    "пер. Почтовый",
    "ул. Новая",
];

/// A rural settlement: its name with the type («с. Ивановка») and the
/// feminine adjective that names its school («Ивановская»).
#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub name: String,
    pub adj: String,
}

/// All distinct villages the stems make, shuffled by `rng` (plain names first).
pub(crate) fn village_pool(rng: &mut Rng) -> Vec<Place> {
    let mut seen = std::collections::HashSet::new();
    let mut pool = Vec::new();
    // Plain names («Ивановка») first, then those with a prefix («Новоивановка»).
    for prefixes in [&PREFIXES[..1], &PREFIXES[1..]] {
        let mut group = Vec::new();
        for prefix in prefixes {
            for stem in STEMS_KA {
                let base = join(prefix, stem);
                let kind = *rng.pick(&["с.", "с.", "с.", "д.", "д.", "п."]);
                group.push(if base.ends_with('к') {
                    Place {
                        name: format!("с. {base}ое"),
                        adj: format!("{base}ая"),
                    }
                } else {
                    Place {
                        name: format!("{kind} {base}ка"),
                        adj: format!("{base}ская"),
                    }
                });
            }
            for stem in STEMS_OE {
                let base = join(prefix, stem);
                group.push(Place {
                    name: format!("с. {base}ое"),
                    adj: format!("{base}ая"),
                });
            }
        }
        group.retain(|p| seen.insert(p.adj.clone()));
        rng.shuffle(&mut group);
        pool.extend(group);
    }
    pool
}

/// Distinct town names («Новоивановск», «Петрово», «Усть-Липовск»), shuffled by `rng`.
pub(crate) fn town_pool(rng: &mut Rng) -> Vec<String> {
    let mut pool = Vec::new();
    for prefix in PREFIXES.iter().chain(&["Усть-"]) {
        for stem in STEMS_KA.iter().filter(|s| !s.ends_with('к')) {
            let base = if prefix.ends_with('-') {
                format!("{prefix}{stem}")
            } else {
                join(prefix, stem)
            };
            pool.push(format!("{base}ск"));
            if ["ов", "ев", "ёв", "ин"].iter().any(|e| base.ends_with(e)) {
                pool.push(format!("{base}о"));
            }
        }
    }
    rng.shuffle(&mut pool);
    pool
}

/// «Ново» + «Иванов» → «Новоиванов».
fn join(prefix: &str, stem: &str) -> String {
    if prefix.is_empty() {
        return stem.to_string();
    }
    let mut out = prefix.to_string();
    out.extend(stem.chars().flat_map(char::to_lowercase));
    out
}

/// The legal form of a municipal school.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LegalForm {
    Budget,
    Autonomous,
    Treasury,
}

impl LegalForm {
    pub(crate) fn abbr(self) -> &'static str {
        match self {
            LegalForm::Budget => "МБОУ",
            LegalForm::Autonomous => "МАОУ",
            LegalForm::Treasury => "МКОУ",
        }
    }

    pub(crate) fn long(self) -> &'static str {
        match self {
            LegalForm::Budget => "Муниципальное бюджетное общеобразовательное учреждение",
            LegalForm::Autonomous => "Муниципальное автономное общеобразовательное учреждение",
            LegalForm::Treasury => "Муниципальное казённое общеобразовательное учреждение",
        }
    }
}

/// School type as written in the `type` column of schools.csv.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SchoolType {
    Sosh,
    Oosh,
    Nosh,
    Lyceum,
    Gymnasium,
    Centre,
}

impl SchoolType {
    pub(crate) fn code(self) -> &'static str {
        match self {
            SchoolType::Sosh => "СОШ",
            SchoolType::Oosh => "ООШ",
            SchoolType::Nosh => "НОШ",
            SchoolType::Lyceum => "лицей",
            SchoolType::Gymnasium => "гимназия",
            SchoolType::Centre => "ЦО",
        }
    }

    /// The highest grade taught.
    pub(crate) fn top_grade(self) -> u8 {
        match self {
            SchoolType::Nosh => 4,
            SchoolType::Oosh => 9,
            _ => 11,
        }
    }

    /// Short form inside quotes: «СОШ № 5», «Лицей № 2».
    pub(crate) fn short_numbered(self, n: u32) -> String {
        match self {
            SchoolType::Lyceum => format!("Лицей № {n}"),
            SchoolType::Gymnasium => format!("Гимназия № {n}"),
            SchoolType::Centre => format!("Центр образования № {n}"),
            t => format!("{} № {n}", t.code()),
        }
    }

    /// Long form inside quotes: «Средняя общеобразовательная школа № 5».
    pub(crate) fn long_numbered(self, n: u32) -> String {
        match self {
            SchoolType::Sosh | SchoolType::Oosh | SchoolType::Nosh => {
                format!("{} № {n}", self.long_school())
            }
            t => t.short_numbered(n),
        }
    }

    /// «средняя общеобразовательная школа» (lower case, for «Ивановская …»).
    pub(crate) fn long_school(self) -> &'static str {
        match self {
            SchoolType::Oosh => "Основная общеобразовательная школа",
            SchoolType::Nosh => "Начальная общеобразовательная школа",
            _ => "Средняя общеобразовательная школа",
        }
    }

    /// The noun used after a village adjective: «Ивановская СОШ», «Ивановская гимназия».
    pub(crate) fn after_adj(self) -> &'static str {
        match self {
            SchoolType::Lyceum => "лицей",
            SchoolType::Gymnasium => "гимназия",
            t => t.code(),
        }
    }
}

/// Lower-case first letter: «Средняя …» → «средняя …».
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Russian → Latin for host names: «Ивановская» → «ivanovskaya».
pub(crate) fn translit(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        let t = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'ё' | 'э' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' => "y",
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
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            c if c.is_ascii_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => "-",
        };
        out.push_str(t);
    }
    out
}

/// Surnames in the masculine form; [`feminine_surname`] makes the
/// feminine one («Иванов» → «Иванова», «Троицкий» → «Троицкая»; «Черных»,
/// «Шевченко» do not change).
const SURNAMES: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
    "Исаев",
    "Чернышёв",
    "Быков",
    "Маслов",
    "Родионов",
    "Коновалов",
    "Лазарев",
    "Воронин",
    "Климов",
    "Филатов",
    "Пономарёв",
    "Голубев",
    "Кудрявцев",
    "Прохоров",
    "Наумов",
    "Потапов",
    "Журавлёв",
    "Овчинников",
    "Трофимов",
    "Леонов",
    "Соболев",
    "Ермаков",
    "Колесников",
    "Гончаров",
    "Емельянов",
    "Никифоров",
    "Грачёв",
    "Котов",
    "Гришин",
    "Ефремов",
    "Архипов",
    "Громов",
    "Кириллов",
    "Малышев",
    "Панов",
    "Моисеев",
    "Румянцев",
    "Акимов",
    "Кондратьев",
    "Бирюков",
    "Горбунов",
    "Анисимов",
    "Ерёмин",
    "Тихомиров",
    "Галкин",
    "Лукьянов",
    "Михеев",
    "Скворцов",
    "Юдин",
    "Белоусов",
    "Нестеров",
    "Симонов",
    "Прокофьев",
    "Харитонов",
    "Князев",
    "Цветков",
    "Левин",
    "Митрофанов",
    "Воронов",
    "Аксёнов",
    "Мальцев",
    "Логинов",
    "Горшков",
    "Савин",
    "Краснов",
    "Майоров",
    "Демидов",
    "Елисеев",
    "Рыбаков",
    "Сафонов",
    "Плотников",
    "Дёмин",
    "Хохлов",
    "Жданов",
    "Покровский",
    "Вознесенский",
    "Успенский",
    "Троицкий",
    "Богословский",
    "Яблонский",
    "Высоцкий",
    "Черных",
    "Седых",
    "Шевченко",
    "Бондаренко",
    "Коваленко",
    "Ткаченко",
];

const FEMALE_NAMES: &[&str] = &[
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Марина",
    "Анна",
    "Юлия",
    "Екатерина",
    "Людмила",
    "Галина",
    "Надежда",
    "Валентина",
    "Оксана",
    "Наталия",
    "Мария",
    "Любовь",
    "Лариса",
    "Нина",
    "Вера",
    "Евгения",
    "Анастасия",
    "Алёна",
    "Дарья",
    "Ксения",
    "Виктория",
    "Александра",
    "Полина",
    "Елизавета",
    "Алина",
    "Кристина",
    "Жанна",
    "Инна",
    "Лилия",
    "Маргарита",
    "Тамара",
    "Зинаида",
    "Эльвира",
    "Валерия",
];

const MALE_NAMES: &[&str] = &[
    "Александр",
    "Сергей",
    "Андрей",
    "Алексей",
    "Дмитрий",
    "Владимир",
    "Николай",
    "Евгений",
    "Михаил",
    "Игорь",
    "Юрий",
    "Виктор",
    "Олег",
    "Павел",
    "Иван",
    "Роман",
    "Константин",
    "Максим",
    "Артём",
    "Денис",
    "Антон",
    "Владислав",
    "Василий",
    "Геннадий",
    "Анатолий",
    "Валерий",
    "Борис",
    "Пётр",
    "Григорий",
    "Степан",
    "Кирилл",
    "Никита",
    "Илья",
    "Егор",
    "Фёдор",
];

/// Patronymics from the father's name: (son's, daughter's).
const PATRONYMICS: &[(&str, &str)] = &[
    ("Александрович", "Александровна"),
    ("Сергеевич", "Сергеевна"),
    ("Андреевич", "Андреевна"),
    ("Алексеевич", "Алексеевна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Владимирович", "Владимировна"),
    ("Николаевич", "Николаевна"),
    ("Евгеньевич", "Евгеньевна"),
    ("Михайлович", "Михайловна"),
    ("Игоревич", "Игоревна"),
    ("Юрьевич", "Юрьевна"),
    ("Викторович", "Викторовна"),
    ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"),
    ("Иванович", "Ивановна"),
    ("Петрович", "Петровна"),
    ("Васильевич", "Васильевна"),
    ("Анатольевич", "Анатольевна"),
    ("Геннадьевич", "Геннадьевна"),
    ("Валерьевич", "Валерьевна"),
    ("Борисович", "Борисовна"),
    ("Григорьевич", "Григорьевна"),
    ("Фёдорович", "Фёдоровна"),
    ("Степанович", "Степановна"),
    ("Константинович", "Константиновна"),
    ("Романович", "Романовна"),
    ("Вячеславович", "Вячеславовна"),
    ("Леонидович", "Леонидовна"),
    ("Аркадьевич", "Аркадьевна"),
    ("Ильич", "Ильинична"),
];

/// «Иванов» → «Иванова», «Троицкий» → «Троицкая», «Черных» → «Черных».
pub(crate) fn feminine_surname(surname: &str) -> String {
    if let Some(stem) = surname.strip_suffix("ий") {
        return format!("{stem}ая");
    }
    if ["ов", "ев", "ёв", "ин", "ын"]
        .iter()
        .any(|e| surname.ends_with(e))
    {
        return format!("{surname}а");
    }
    surname.to_string()
}

/// A person's full name «Фамилия Имя Отчество» in the right gender.
pub(crate) fn person(rng: &mut Rng, female: bool) -> String {
    let surname = *rng.pick(SURNAMES);
    let (first, patronymic) = if female {
        (*rng.pick(FEMALE_NAMES), rng.pick(PATRONYMICS).1)
    } else {
        (*rng.pick(MALE_NAMES), rng.pick(PATRONYMICS).0)
    };
    let surname = if female {
        feminine_surname(surname)
    } else {
        surname.to_string()
    };
    format!("{surname} {first} {patronymic}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn villages_are_distinct_and_well_formed() {
        let pool = village_pool(&mut Rng::new(1));
        assert!(pool.len() > 500);
        let adjs: std::collections::HashSet<_> = pool.iter().map(|p| &p.adj).collect();
        assert_eq!(adjs.len(), pool.len());
        assert!(pool
            .iter()
            .any(|p| p.name == "с. Никольское" && p.adj == "Никольская"));
        assert!(pool
            .iter()
            .any(|p| p.name.ends_with(" Новоивановка") && p.adj == "Новоивановская"));
        assert!(pool
            .iter()
            .any(|p| p.name == "с. Троицкое" && p.adj == "Троицкая"));
    }

    #[test]
    fn towns_are_distinct() {
        let pool = town_pool(&mut Rng::new(1));
        let set: std::collections::HashSet<_> = pool.iter().collect();
        assert_eq!(set.len(), pool.len());
        assert!(pool.len() > 800, "{}", pool.len());
        assert!(
            pool.contains(&"Иваново".to_string()) && pool.contains(&"Усть-Липовск".to_string())
        );
    }

    #[test]
    fn people_have_feminine_forms() {
        assert_eq!(feminine_surname("Иванов"), "Иванова");
        assert_eq!(feminine_surname("Соловьёв"), "Соловьёва");
        assert_eq!(feminine_surname("Ильин"), "Ильина");
        assert_eq!(feminine_surname("Троицкий"), "Троицкая");
        assert_eq!(feminine_surname("Черных"), "Черных");
        assert_eq!(feminine_surname("Шевченко"), "Шевченко");
        let mut rng = Rng::new(5);
        for _ in 0..200 {
            let woman = person(&mut rng, true);
            let parts: Vec<&str> = woman.split(' ').collect();
            assert_eq!(parts.len(), 3, "{woman}");
            assert!(parts[2].ends_with("на"), "{woman}");
            assert!(
                !parts[0].ends_with("ов") && !parts[0].ends_with("ий"),
                "{woman}"
            );
            let man = person(&mut rng, false);
            let parts: Vec<&str> = man.split(' ').collect();
            assert!(parts[2].ends_with("ич"), "{man}");
            assert!(
                !parts[0].ends_with("ова") && !parts[0].ends_with("ая"),
                "{man}"
            );
        }
    }

    #[test]
    fn transliterates() {
        assert_eq!(translit("Северск"), "seversk");
        assert_eq!(translit("Берёзовская"), "berezovskaya");
        assert_eq!(translit("Усть-Кемская"), "ust-kemskaya");
    }
}
