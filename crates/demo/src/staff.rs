//! teachers.csv and courses.csv: each school's teaching staff (a director,
//! one or two deputies, a psychologist in larger schools, about one teacher
//! per 12 pupils) and their further-education courses.
//!
//! The model, per person: experience 0–40 years (about 13 % new teachers,
//! young specialists when also under 31), a category (≈30 % высшая, 35 %
//! первая, 20 % соответствие, 15 % без категории; young specialists without
//! one), a diploma that covers the subjects taught except for about 6 % of
//! teachers (a «Биология» diploma teaching «Химия»), half of whom have a
//! professional retraining that covers the subject.
//!
//! Courses end between 1 January five years before the last results year
//! and 30 November of that year (the demo's «today»), and not before the
//! person came to school. The latest course is drawn for a traffic light of
//! the three-year rule: about 5 % of people have no course (new teachers
//! who would have had one before they came have none either), 20 % are 36
//! months or more past their latest course (≈25 % are overdue in all),
//! 20 % are 24–35 months past it and the rest less than 24. Earlier courses
//! and the retraining end before the latest one, so counting the
//! retraining or not leaves the light unchanged.
//!
//! Every value is a hash of (seed, tag, school, person): the files do not
//! depend on the other demo files' streams.

use std::io;
use std::path::Path;

use crate::cohort;
use crate::csvout::CsvOut;
use crate::names::{self, SchoolType};
use crate::region::{School, World};
use crate::rng::{hash, Rng};
use crate::tag;

pub(crate) const TEACHERS_HEADER: [&str; 11] = [
    "school_id",
    "personnel_no",
    "full_name",
    "position",
    "subjects",
    "grades",
    "category",
    "experience_years",
    "education",
    "education_subject",
    "young_specialist",
];

pub(crate) const COURSES_HEADER: [&str; 11] = [
    "school_id",
    "personnel_no",
    "full_name",
    "title",
    "kind",
    "hours",
    "provider",
    "start_date",
    "end_date",
    "certificate_no",
    "subject_area",
];

/// What a teacher teaches and which diplomas fit.
pub(crate) struct Profile {
    pub(crate) subjects: &'static [&'static str],
    /// The first grade taught in a school with grades 5 and up.
    first: u8,
    /// The last grade, when it does not depend on the school (music to 8).
    last: Option<u8>,
    /// Higher-education specialities that cover every subject.
    diplomas: &'static [&'static str],
    /// A vocational (СПО) speciality, for the subjects that have one.
    vocational: Option<&'static str>,
    /// A mismatch: a diploma that leaves a subject uncovered, the subject
    /// area of the retraining that covers it and the retraining's title.
    mismatch: (&'static str, &'static str, &'static str),
}

const PRIMARY: usize = 0;
const RUS: usize = 1;
const MATH: usize = 2;
const MATH_INF: usize = 3;
const PHYS: usize = 4;
const CHEM_BIO: usize = 5;
const CHEM: usize = 6;
const BIO: usize = 7;
const GEO: usize = 8;
const HIST: usize = 9;
const INF: usize = 10;
const ENG: usize = 11;
const PE: usize = 12;
const TECH: usize = 13;
const MUSIC: usize = 14;
const ART: usize = 15;
const OBZR: usize = 16;
const PE_OBZR: usize = 17;
const BIO_GEO: usize = 18;

pub(crate) const PROFILES: [Profile; 19] = [
    Profile {
        subjects: &["Начальные классы"],
        first: 1,
        last: Some(4),
        diplomas: &[
            "Педагогика и методика начального образования",
            "Начальное образование",
            "Педагогическое образование (начальное образование)",
        ],
        vocational: Some("Преподавание в начальных классах"),
        mismatch: (
            "Русский язык и литература",
            "Начальные классы",
            "Педагогика и методика начального образования",
        ),
    },
    Profile {
        subjects: &["Русский язык", "Литература"],
        first: 5,
        last: None,
        diplomas: &[
            "Русский язык и литература",
            "Филология (русский язык и литература)",
            "Педагогическое образование (русский язык и литература)",
        ],
        vocational: None,
        mismatch: (
            "Иностранный язык (английский)",
            "Русский язык и литература",
            "Педагогическое образование: теория и методика преподавания русского языка и литературы",
        ),
    },
    Profile {
        subjects: &["Математика"],
        first: 5,
        last: None,
        diplomas: &[
            "Математика",
            "Физика и математика",
            "Педагогическое образование (математика)",
        ],
        vocational: None,
        mismatch: (
            "Физика",
            "Математика",
            "Педагогическое образование: теория и методика преподавания математики",
        ),
    },
    Profile {
        subjects: &["Математика", "Информатика"],
        first: 5,
        last: None,
        diplomas: &[
            "Математика и информатика",
            "Педагогическое образование (математика и информатика)",
        ],
        vocational: None,
        mismatch: (
            "Математика",
            "Информатика",
            "Педагогическое образование: теория и методика преподавания информатики",
        ),
    },
    Profile {
        subjects: &["Физика"],
        first: 7,
        last: None,
        diplomas: &["Физика", "Физика и информатика", "Физика и математика"],
        vocational: None,
        mismatch: (
            "Математика",
            "Физика",
            "Педагогическое образование: теория и методика преподавания физики",
        ),
    },
    Profile {
        subjects: &["Химия", "Биология"],
        first: 5,
        last: None,
        diplomas: &["Биология и химия", "Химия и биология"],
        vocational: None,
        mismatch: (
            "Биология",
            "Химия",
            "Педагогическое образование: теория и методика преподавания химии",
        ),
    },
    Profile {
        subjects: &["Химия"],
        first: 8,
        last: None,
        diplomas: &["Химия", "Биология и химия"],
        vocational: None,
        mismatch: (
            "Биология",
            "Химия",
            "Педагогическое образование: теория и методика преподавания химии",
        ),
    },
    Profile {
        subjects: &["Биология"],
        first: 5,
        last: None,
        diplomas: &["Биология", "Биология и химия", "География и биология"],
        vocational: None,
        mismatch: (
            "География",
            "Биология",
            "Педагогическое образование: теория и методика преподавания биологии",
        ),
    },
    Profile {
        subjects: &["География"],
        first: 5,
        last: None,
        diplomas: &["География", "География и биология"],
        vocational: None,
        mismatch: (
            "Биология",
            "География",
            "Педагогическое образование: теория и методика преподавания географии",
        ),
    },
    Profile {
        subjects: &["История", "Обществознание"],
        first: 5,
        last: None,
        diplomas: &[
            "История и обществознание",
            "Педагогическое образование (история и обществознание)",
        ],
        vocational: None,
        mismatch: (
            "История",
            "Обществознание",
            "Педагогическое образование: теория и методика преподавания обществознания",
        ),
    },
    Profile {
        subjects: &["Информатика"],
        first: 7,
        last: None,
        diplomas: &[
            "Информатика",
            "Математика и информатика",
            "Физика и информатика",
            "Информатика и ИКТ",
        ],
        vocational: None,
        mismatch: (
            "Математика",
            "Информатика",
            "Педагогическое образование: теория и методика преподавания информатики",
        ),
    },
    Profile {
        subjects: &["Английский язык"],
        first: 2,
        last: None,
        diplomas: &[
            "Иностранный язык (английский)",
            "Английский и немецкий языки",
            "Филология (английский язык)",
            "Лингвистика (английский язык)",
        ],
        vocational: None,
        mismatch: (
            "Русский язык и литература",
            "Английский язык",
            "Педагогическое образование: теория и методика преподавания английского языка",
        ),
    },
    Profile {
        subjects: &["Физическая культура"],
        first: 1,
        last: None,
        diplomas: &[
            "Физическая культура",
            "Физическая культура и спорт",
            "Педагогическое образование (физическая культура)",
        ],
        vocational: Some("Физическая культура"),
        mismatch: (
            "Безопасность жизнедеятельности",
            "Физическая культура",
            "Физическая культура: теория и методика физического воспитания",
        ),
    },
    Profile {
        subjects: &["Технология"],
        first: 5,
        last: Some(9),
        diplomas: &["Технология и предпринимательство", "Технология"],
        vocational: Some("Технология"),
        mismatch: (
            "Изобразительное искусство",
            "Технология",
            "Педагогическое образование: теория и методика преподавания труда (технологии)",
        ),
    },
    Profile {
        subjects: &["Музыка"],
        first: 1,
        last: Some(8),
        diplomas: &["Музыкальное образование", "Музыка"],
        vocational: Some("Музыкальное образование"),
        mismatch: (
            "Педагогика и методика начального образования",
            "Музыка",
            "Педагогическое образование: теория и методика преподавания музыки",
        ),
    },
    Profile {
        subjects: &["Изобразительное искусство"],
        first: 1,
        last: Some(7),
        diplomas: &[
            "Изобразительное искусство",
            "Изобразительное искусство и черчение",
        ],
        vocational: Some("Изобразительное искусство и черчение"),
        mismatch: (
            "Технология и предпринимательство",
            "Изобразительное искусство",
            "Педагогическое образование: теория и методика преподавания изобразительного искусства",
        ),
    },
    Profile {
        subjects: &["ОБЗР"],
        first: 8,
        last: None,
        diplomas: &[
            "Безопасность жизнедеятельности",
            "Физическая культура и безопасность жизнедеятельности",
        ],
        vocational: None,
        mismatch: (
            "Физическая культура",
            "ОБЗР",
            "Педагогическое образование: теория и методика преподавания ОБЗР",
        ),
    },
    Profile {
        subjects: &["Физическая культура", "ОБЗР"],
        first: 5,
        last: None,
        diplomas: &["Физическая культура и безопасность жизнедеятельности"],
        vocational: None,
        mismatch: (
            "Физическая культура",
            "ОБЗР",
            "Педагогическое образование: теория и методика преподавания ОБЗР",
        ),
    },
    Profile {
        subjects: &["Биология", "География"],
        first: 5,
        last: None,
        diplomas: &["География и биология", "Биология и география"],
        vocational: None,
        mismatch: (
            "Биология",
            "География",
            "Педагогическое образование: теория и методика преподавания географии",
        ),
    },
];

/// The order in which a school with grades 5 and up fills its posts: the
/// first `n` entries, then `BULK` over and over.
const STAFFING: [usize; 36] = [
    PRIMARY, RUS, MATH, PRIMARY, ENG, HIST, PRIMARY, PE, BIO_GEO, RUS, MATH_INF, PRIMARY, CHEM_BIO,
    PHYS, ENG, TECH, MUSIC, ART, OBZR, RUS, MATH, PRIMARY, PE, INF, HIST, PRIMARY, GEO, BIO, RUS,
    MATH, ENG, PHYS, PRIMARY, CHEM, PE_OBZR, RUS,
];
const BULK: [usize; 16] = [
    PRIMARY, RUS, MATH, ENG, PRIMARY, HIST, PE, RUS, MATH, PRIMARY, BIO, INF, PHYS, CHEM, GEO, ENG,
];
/// A primary school (grades 1–4).
const STAFFING_PRIMARY: [usize; 8] = [PRIMARY, PRIMARY, ENG, PRIMARY, PE, PRIMARY, MUSIC, ART];

/// Subject forms for course titles: (subject, genitive, dative, has ОГЭ/ЕГЭ).
const FORMS: [(&str, &str, &str, bool); 16] = [
    ("Математика", "математики", "математике", true),
    ("Русский язык", "русского языка", "русскому языку", true),
    ("Литература", "литературы", "литературе", true),
    ("Физика", "физики", "физике", true),
    ("Химия", "химии", "химии", true),
    ("Биология", "биологии", "биологии", true),
    ("География", "географии", "географии", true),
    ("История", "истории", "истории", true),
    ("Обществознание", "обществознания", "обществознанию", true),
    ("Информатика", "информатики", "информатике", true),
    (
        "Английский язык",
        "английского языка",
        "английскому языку",
        true,
    ),
    (
        "Физическая культура",
        "физической культуры",
        "физической культуре",
        false,
    ),
    (
        "Технология",
        "труда (технологии)",
        "труду (технологии)",
        false,
    ),
    ("Музыка", "музыки", "музыке", false),
    (
        "Изобразительное искусство",
        "изобразительного искусства",
        "изобразительному искусству",
        false,
    ),
    ("ОБЗР", "ОБЗР", "ОБЗР", false),
];

/// Course providers: (name, weight for upgrade courses, weight for
/// retraining).
static PROVIDERS: [(&str, u32, u32); 5] = [
    (
        "ГАУ ДПО «Институт развития образования Северной области»",
        45,
        40,
    ),
    ("ЦНППМ «Педагог XXI века»", 25, 0),
    ("ФГАОУ ДПО «Академия Минпросвещения России»", 12, 0),
    (
        "ФГБОУ ВО «Северный государственный педагогический университет»",
        8,
        20,
    ),
    ("АНО ДПО «Школа педагогического мастерства»", 10, 40),
];

pub(crate) const CATEGORIES: [&str; 4] = [
    "высшая",
    "первая",
    "соответствие занимаемой должности",
    "без категории",
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Director,
    Deputy(u8),
    Psychologist,
    Teacher,
}

pub(crate) struct Person {
    /// Index in the school's generation order (the stream of the person).
    pub(crate) k: u64,
    pub(crate) personnel_no: u32,
    pub(crate) full_name: String,
    pub(crate) role: Role,
    pub(crate) profile: Option<usize>,
    grades: Option<(u8, u8)>,
    pub(crate) category: &'static str,
    experience: u32,
    vocational: bool,
    diploma: &'static str,
    young: bool,
    /// Mismatched, with a retraining covering the subject or not.
    mismatch: Option<bool>,
}

/// The school's staff, in personnel-number order.
pub(crate) fn staff(seed: u64, s: &School, last_year: i32) -> Vec<Person> {
    let mut rng = Rng::from_parts(&[seed, tag::STAFF, s.idx as u64]);
    let enrolment = cohort::enrolment(seed, s, last_year);
    let teachers = (enrolment / 12).clamp(8, 60) as usize;
    let primary_only = s.kind.top_grade() <= 4;
    let deputies = if enrolment >= 400 { 2 } else { 1 };
    let mut roles = vec![Role::Director];
    roles.extend((0..deputies).map(Role::Deputy));
    if enrolment >= 300 {
        roles.push(Role::Psychologist);
    }
    roles.extend(std::iter::repeat_n(Role::Teacher, teachers));
    let mut people: Vec<Person> = Vec::with_capacity(roles.len());
    let mut names: Vec<String> = Vec::new();
    let mut t = 0;
    for (k, role) in roles.into_iter().enumerate() {
        let mut prng = Rng::from_parts(&[seed, tag::STAFF, s.idx as u64, k as u64]);
        let profile = match role {
            Role::Teacher => {
                let p = if primary_only {
                    STAFFING_PRIMARY[t % STAFFING_PRIMARY.len()]
                } else if t < STAFFING.len() {
                    STAFFING[t]
                } else {
                    BULK[(t - STAFFING.len()) % BULK.len()]
                };
                t += 1;
                Some(p)
            }
            Role::Director if prng.chance(0.4) => Some(admin_profile(&mut prng, primary_only)),
            Role::Deputy(_) if prng.chance(0.7) => Some(admin_profile(&mut prng, primary_only)),
            _ => None,
        };
        people.push(person(
            &mut prng, k as u64, role, profile, s.kind, &mut names,
        ));
    }
    // Personnel numbers: increasing in a shuffled order, with gaps.
    rng.shuffle(&mut people);
    let mut no = rng.range(1, 150);
    for p in &mut people {
        p.personnel_no = no;
        no += rng.range(1, 6);
    }
    people
}

/// What a director or deputy who also teaches teaches.
fn admin_profile(rng: &mut Rng, primary_only: bool) -> usize {
    if primary_only {
        PRIMARY
    } else {
        *rng.pick(&[RUS, MATH, HIST, PHYS, BIO, GEO, ENG, PRIMARY, CHEM, INF])
    }
}

fn person(
    rng: &mut Rng,
    k: u64,
    role: Role,
    profile: Option<usize>,
    kind: SchoolType,
    names: &mut Vec<String>,
) -> Person {
    let female = rng.chance(if role == Role::Director { 0.7 } else { 0.8 });
    let full_name = loop {
        let name = names::person(rng, female);
        if !names.contains(&name) {
            names.push(name.clone());
            break name;
        }
    };
    let experience = match role {
        Role::Director => rng.range(10, 40),
        Role::Deputy(_) => rng.range(6, 40),
        _ if rng.chance(0.13) => rng.range(0, 3),
        _ => rng.range(4, 40),
    };
    // Most start at 22; some come to school later.
    let late = if rng.chance(0.2) {
        rng.range(3, 15)
    } else {
        rng.range(0, 2)
    };
    let age = 22 + experience + late;
    let young = matches!(role, Role::Teacher | Role::Psychologist) && experience <= 3 && age <= 30;
    let category = if young || experience < 2 {
        CATEGORIES[3]
    } else {
        // Shares among the others, so that with the young specialists the
        // whole is about 30 / 35 / 20 / 15 %.
        let u = rng.f64();
        let c = if u < 0.35 {
            0
        } else if u < 0.74 {
            1
        } else if u < 0.96 {
            2
        } else {
            3
        };
        CATEGORIES[if c == 0 && experience < 6 { 1 } else { c }]
    };
    let grades = profile.map(|p| grades(rng, &PROFILES[p], kind));
    let mut mismatch = None;
    let (vocational, diploma) = match profile {
        Some(p) => {
            let pr = &PROFILES[p];
            if role == Role::Teacher && rng.chance(0.06) {
                mismatch = Some(rng.chance(0.5));
                (false, pr.mismatch.0)
            } else if let Some(v) = pr
                .vocational
                .filter(|_| role == Role::Teacher && rng.chance(0.22))
            {
                (true, v)
            } else {
                (false, *rng.pick(pr.diplomas))
            }
        }
        None if role == Role::Psychologist => (
            false,
            *rng.pick(&[
                "Педагогика и психология",
                "Психология",
                "Психолого-педагогическое образование",
            ]),
        ),
        None => {
            let p = admin_profile(rng, false);
            (false, *rng.pick(PROFILES[p].diplomas))
        }
    };
    Person {
        k,
        personnel_no: 0,
        full_name,
        role,
        profile,
        grades,
        category,
        experience,
        vocational,
        diploma,
        young,
        mismatch,
    }
}

/// The grades a teacher of a profile teaches in a school of a kind.
fn grades(rng: &mut Rng, p: &Profile, kind: SchoolType) -> (u8, u8) {
    let top = kind.top_grade();
    if top <= 4 {
        return (p.first.min(4), 4);
    }
    let first = if p.first <= 4 && p.subjects[0] != "Начальные классы" {
        // Subject teachers of music, art, PE and English in the main school.
        5
    } else {
        p.first
    };
    if let Some(last) = p.last {
        return (first, last.min(top));
    }
    if top == 9 {
        return (first, 9);
    }
    let u = rng.f64();
    if u < 0.55 {
        (first, 11)
    } else if u < 0.85 {
        (first, 9)
    } else {
        (10, 11)
    }
}

fn position(role: Role) -> &'static str {
    match role {
        Role::Director => "директор",
        Role::Deputy(0) => "заместитель директора по учебно-воспитательной работе",
        Role::Deputy(_) => "заместитель директора по воспитательной работе",
        Role::Psychologist => "педагог-психолог",
        Role::Teacher => "учитель",
    }
}

pub(crate) fn personnel_no(n: u32) -> String {
    format!("ТН-{n:04}")
}

/// Schools in the order of their ids.
pub(crate) fn schools_by_id(world: &World) -> Vec<&School> {
    let mut schools: Vec<&School> = world.schools.iter().collect();
    schools.sort_by(|a, b| a.id.cmp(&b.id));
    schools
}

/// Writes teachers.csv.
pub(crate) fn write_teachers(world: &World, last_year: i32, path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &TEACHERS_HEADER)?;
    for s in schools_by_id(world) {
        for p in staff(world.seed, s, last_year) {
            let subjects = p
                .profile
                .map(|i| PROFILES[i].subjects.join("; "))
                .unwrap_or_default();
            let grades = p
                .grades
                .map(|(a, b)| format!("{a}-{b}"))
                .unwrap_or_default();
            out.text(&s.id);
            for field in [
                personnel_no(p.personnel_no).as_str(),
                &p.full_name,
                position(p.role),
                &subjects,
                &grades,
                p.category,
            ] {
                out.comma();
                out.text(field);
            }
            out.comma();
            out.uint(p.experience as u64);
            for field in [
                if p.vocational {
                    "среднее профессиональное"
                } else {
                    "высшее"
                },
                p.diploma,
                if p.young { "да" } else { "нет" },
            ] {
                out.comma();
                out.text(field);
            }
            out.end_row()?;
        }
    }
    out.finish()
}

/// A civil date as a day number (days since 1970-01-01).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = (yoe + era * 400 + (m <= 2) as i64) as i32;
    (y, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

/// The day `months` months before (y, m, d), the day clamped to the month.
fn months_back(y: i32, m: u32, d: u32, months: u32) -> i64 {
    let total = y * 12 + m as i32 - 1 - months as i32;
    let (ny, nm) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
    days_from_civil(ny, nm, d.min(days_in_month(ny, nm)))
}

fn iso(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A day in lo..=hi.
fn day_in(rng: &mut Rng, lo: i64, hi: i64) -> i64 {
    lo + rng.range(0, (hi - lo).max(0) as u32) as i64
}

pub(crate) struct Course {
    title: String,
    retraining: bool,
    hours: u32,
    provider: &'static str,
    start: i64,
    pub(crate) end: i64,
    subject_area: &'static str,
}

/// A certificate number: the issuer's region (77 for federal providers,
/// the region's 99 otherwise), the year's two digits and 8 digits that are
/// a permutation of the file's course counter, so numbers never repeat.
fn certificate(seed: u64, provider: &str, end: i64, counter: u64) -> String {
    let region = if provider.contains("Минпросвещения") {
        77
    } else {
        99
    };
    let year = civil_from_days(end).0.rem_euclid(100);
    // A four-round Feistel network over 10^4 × 10^4: a bijection of 0..10^8.
    let (mut l, mut r) = (counter / 10_000 % 10_000, counter % 10_000);
    for round in 0..4 {
        let f = hash(&[seed, tag::COURSES, 1 << 32, round, r]) % 10_000;
        (l, r) = (r, (l + f) % 10_000);
    }
    format!("{region:02}{year:02}{l:04}{r:04}")
}

fn pick_weighted<'a>(rng: &mut Rng, items: &'a [(&'a str, u32, u32)], retraining: bool) -> &'a str {
    let weight = |x: &(&str, u32, u32)| if retraining { x.2 } else { x.1 };
    let total: u32 = items.iter().map(weight).sum();
    let mut u = rng.range(0, total - 1);
    for item in items {
        if u < weight(item) {
            return item.0;
        }
        u -= weight(item);
    }
    items[0].0
}

/// The titles a person's upgrade courses are drawn from.
fn titles(p: &Person) -> Vec<String> {
    let mut out: Vec<String> = vec![
        "Оказание первой помощи".into(),
        "Инклюзивное образование: обучение детей с ОВЗ в общеобразовательной организации".into(),
    ];
    match p.role {
        Role::Director | Role::Deputy(_) => out.extend([
            "Управление общеобразовательной организацией в условиях реализации обновлённых ФГОС"
                .to_string(),
            "Организация внутренней системы оценки качества образования".into(),
            "Школа Минпросвещения России: новые возможности для повышения качества образования"
                .into(),
        ]),
        Role::Psychologist => out.extend([
            "Психолого-педагогическое сопровождение обучающихся в условиях реализации ФГОС"
                .to_string(),
            "Профилактика деструктивного поведения обучающихся".into(),
        ]),
        Role::Teacher => {}
    }
    let Some(profile) = p.profile else {
        return out;
    };
    let subject = PROFILES[profile].subjects[0];
    let (first, last) = p.grades.unwrap_or((5, 9));
    if subject == "Начальные классы" {
        out.extend([
            "Реализация требований обновлённых ФГОС НОО в работе учителя".to_string(),
            "Формирование функциональной грамотности младших школьников".into(),
            "Методика обучения в начальной школе в условиях реализации ФОП НОО".into(),
            "Школа современного учителя начальных классов".into(),
        ]);
        return out;
    }
    out.push(if last <= 4 {
        "Реализация требований обновлённых ФГОС НОО в работе учителя".to_string()
    } else {
        "Реализация требований обновлённых ФГОС ООО, ФГОС СОО в работе учителя".to_string()
    });
    let Some(&(_, gen, dat, exam)) = FORMS.iter().find(|f| f.0 == subject) else {
        return out;
    };
    out.push(format!(
        "Формирование функциональной грамотности на уроках {gen}"
    ));
    out.push(format!(
        "Методика преподавания {gen} в условиях реализации ФОП ООО"
    ));
    out.push(format!(
        "Использование цифровых образовательных ресурсов в работе учителя {gen}"
    ));
    if exam {
        out.push(format!("Школа современного учителя {gen}"));
        if first <= 9 && last >= 9 {
            out.push(format!("Подготовка обучающихся к ОГЭ по {dat}"));
        }
        if last == 11 {
            out.push(format!("Подготовка обучающихся к ЕГЭ по {dat}"));
        }
    }
    out
}

/// A person's courses, ordered by end date.
pub(crate) fn courses(seed: u64, s: &School, p: &Person, last_year: i32) -> Vec<Course> {
    let mut rng = Rng::from_parts(&[seed, tag::COURSES, s.idx as u64, p.k]);
    let today = days_from_civil(last_year, 11, 30);
    let window = days_from_civil(last_year - 5, 1, 1);
    // The person came to school on 1 September `experience` years ago; no
    // course ends before that.
    let started = days_from_civil(last_year - p.experience as i32, 9, 1);
    let tenure = 12 * p.experience + 2;
    let u = rng.f64();
    if u < 0.035 {
        return Vec::new();
    }
    let mut months = if u < 0.25 {
        rng.range(36, 60)
    } else if u < 0.47 {
        rng.range(24, 35)
    } else {
        rng.range(0, 23)
    };
    if months > tenure {
        // A new teacher: overdue means no course yet; otherwise a course
        // since they came.
        if months >= 36 {
            return Vec::new();
        }
        months = rng.range(0, tenure);
    }
    // A day exactly `months` whole months before «today».
    let latest = day_in(
        &mut rng,
        months_back(last_year, 11, 30, months + 1) + 1,
        months_back(last_year, 11, 30, months),
    )
    .max(started);
    debug_assert!(latest <= today);
    let mut ends = vec![latest];
    let extra = match rng.range(0, 99) {
        0..=34 => 0,
        35..=74 => 1,
        _ => 2,
    };
    for _ in 0..extra {
        let end = ends[ends.len() - 1] - rng.range(180, 900) as i64;
        if end >= window.max(started) {
            ends.push(end);
        }
    }
    let mut pool = titles(p);
    let mut out = Vec::new();
    for end in ends {
        let title = pool.remove(rng.range(0, pool.len() as u32 - 1) as usize);
        let hours = if title == "Оказание первой помощи" {
            16
        } else {
            *rng.pick(&[16, 36, 36, 36, 72, 72, 72, 72, 108, 108])
        };
        let span = match hours {
            16 => rng.range(1, 3),
            36 => rng.range(4, 13),
            72 => rng.range(10, 40),
            _ => rng.range(20, 60),
        };
        out.push(Course {
            title,
            retraining: false,
            hours,
            provider: pick_weighted(&mut rng, &PROVIDERS, false),
            start: end - span as i64,
            end,
            subject_area: "",
        });
    }
    if p.mismatch == Some(true) {
        let (_, area, title) = PROFILES[p.profile.expect("a mismatch has a profile")].mismatch;
        let title = title.to_string();
        let earliest = out.iter().map(|c| c.end).min().unwrap_or(latest);
        let end = day_in(&mut rng, window, earliest);
        out.push(Course {
            title,
            retraining: true,
            hours: 2 * rng.range(125, 260),
            provider: pick_weighted(&mut rng, &PROVIDERS, true),
            start: end - rng.range(90, 270) as i64,
            end,
            subject_area: area,
        });
    }
    out.sort_by(|a, b| a.end.cmp(&b.end).then_with(|| a.title.cmp(&b.title)));
    out
}

/// Writes courses.csv; returns (rows, bytes).
pub(crate) fn write_courses(world: &World, last_year: i32, path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &COURSES_HEADER)?;
    let mut counter = 0u64;
    for s in schools_by_id(world) {
        for p in staff(world.seed, s, last_year) {
            let no = personnel_no(p.personnel_no);
            for c in courses(world.seed, s, &p, last_year) {
                counter += 1;
                out.text(&s.id);
                let kind = if c.retraining {
                    "профессиональная переподготовка"
                } else {
                    "повышение квалификации"
                };
                for field in [no.as_str(), &p.full_name, &c.title, kind] {
                    out.comma();
                    out.text(field);
                }
                out.comma();
                out.uint(c.hours as u64);
                for field in [
                    c.provider.to_string(),
                    iso(c.start),
                    iso(c.end),
                    certificate(world.seed, c.provider, c.end, counter),
                    c.subject_area.to_string(),
                ] {
                    out.comma();
                    out.text(&field);
                }
                out.end_row()?;
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2025, 2), 28);
        assert_eq!(days_in_month(2025, 12), 31);
        for z in days_from_civil(2015, 1, 1)..days_from_civil(2031, 1, 1) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(iso(months_back(2025, 11, 30, 9)), "2025-02-28");
        assert_eq!(iso(months_back(2025, 11, 30, 36)), "2022-11-30");
    }

    #[test]
    fn certificate_numbers_are_unique_twelve_digits() {
        let mut seen = std::collections::HashSet::new();
        for counter in 0..200_000u64 {
            let c = certificate(1, "ЦНППМ", days_from_civil(2024, 5, 1), counter);
            assert_eq!(c.len(), 12);
            assert!(c.starts_with("9924") && c.bytes().all(|b| b.is_ascii_digit()));
            assert!(seen.insert(c));
        }
        let federal = certificate(1, PROVIDERS[2].0, days_from_civil(2023, 5, 1), 1);
        assert!(federal.starts_with("7723"), "{federal}");
    }

    #[test]
    fn mismatch_retraining_titles_read_well() {
        for p in &PROFILES {
            let t = p.mismatch.2;
            assert!(!t.is_empty());
            assert!(!p.diplomas.contains(&p.mismatch.0), "{:?}", p.subjects);
        }
    }
}
