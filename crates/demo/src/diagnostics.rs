//! diagnostics.csv: two rounds of the regional «диагностика
//! профессиональных дефицитов» (spring, 20 March, and autumn, 15 October of
//! the last results year) for the teachers of mathematics, Russian and the
//! primary grades in the weaker schools of the region.
//!
//! Who: the schools with the lowest 30 % of latent school means (the trait
//! that drives the results, `School::mean`), and in them every «учитель»
//! whose subjects include «Математика», «Русский язык» or «Начальные
//! классы». Each is diagnosed in each of those subjects they teach, in
//! three competences: «предметная», «методическая»,
//! «психолого-педагогическая». About 4 % of the people miss the autumn
//! round (left, ill).
//!
//! Scores (percent, 0–100): a latent level of 55 plus the school (12 points
//! per pupil sd of its mean against the diagnosed schools' average, at most
//! ±8), the category (высшая +5, первая +1, соответствие −3, без категории
//! −8), the competence (предметная +2, методическая −3), the person
//! (sd 12) and the person's competence in a subject (sd 10); each round
//! adds a measurement error (sd 3). About 37 % of the spring cells are
//! below 50, a deficit. In autumn every person gains 8 points (sd 7),
//! 8 more when a course of theirs in courses.csv ended strictly between
//! the rounds; a cell gets that gain in full from a latent level of 50 and
//! less below it (down to 30 % of it at 29 and under: deep deficits take
//! longer than half a year), plus sd 5 of its own. On average scores rise
//! by 8 points (13 with a course, 7 without), about 38 % of the spring
//! deficits close and a few new ones appear. A deficit lists 1–3 weak
//! topics (more the lower the score) from the subject's and competence's
//! list; the autumn topics of a deficit that stays come from the same
//! order as in spring.
//!
//! Every value is a hash of (seed, tag, school, person, subject,
//! competence): the file does not change the other files' streams.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use crate::csvout::CsvOut;
use crate::region::{School, World};
use crate::rng::Rng;
use crate::staff::{self, Role, CATEGORIES, PROFILES};
use crate::tag;

pub(crate) const DIAGNOSTICS_HEADER: [&str; 9] = [
    "round",
    "held_on",
    "school_id",
    "personnel_no",
    "full_name",
    "subject",
    "competence",
    "score",
    "weak_topics",
];

/// A score below this is a deficit.
pub(crate) const DEFICIT: i64 = 50;

/// The share of schools, the weakest by their latent mean, diagnosed.
const WEAK_SHARE: f64 = 0.30;
/// The share of people who miss the autumn round.
const MISSING: f64 = 0.04;

/// The diagnosed subjects, in row order.
const SUBJECTS: [&str; 3] = ["Математика", "Начальные классы", "Русский язык"];

/// The competences, in row order, with their shift of the latent level.
const COMPETENCES: [(&str, f64); 3] = [
    ("предметная", 2.0),
    ("методическая", -3.0),
    ("психолого-педагогическая", 0.0),
];

/// Weak topics by subject (as `SUBJECTS`) and competence (as
/// `COMPETENCES`).
const TOPICS: [[&[&str]; 3]; 3] = [
    [
        &[
            "Текстовые задачи на движение и работу",
            "Преобразование выражений с корнями",
            "Вероятность и статистика",
            "Задачи с параметром",
            "Планиметрия: задачи на вычисление",
            "Уравнения и неравенства с модулем",
        ],
        &[
            "Формирующее оценивание",
            "Работа с обучающимися с трудностями в обучении",
            "Проектирование урока по ФГОС",
            "Функциональная грамотность на уроке",
            "Подготовка обучающихся к ОГЭ и ЕГЭ по математике",
        ],
        &[
            "Мотивация обучающихся",
            "Работа с родителями",
            "Профилактика неуспешности",
            "Инклюзивная практика",
            "Снижение экзаменационной тревожности",
        ],
    ],
    [
        &[
            "Решение текстовых задач в начальной школе",
            "Звуко-буквенный анализ слова",
            "Состав слова и части речи",
            "Окружающий мир: естественнонаучные понятия",
            "Геометрический материал в начальном курсе математики",
        ],
        &[
            "Формирующее оценивание",
            "Проектирование урока по ФГОС НОО",
            "Формирование навыков смыслового чтения",
            "Функциональная грамотность младших школьников",
            "Работа в классе с разным уровнем подготовки",
        ],
        &[
            "Адаптация первоклассников",
            "Мотивация обучающихся",
            "Работа с родителями",
            "Профилактика неуспешности",
            "Инклюзивная практика",
        ],
    ],
    [
        &[
            "Пунктуация в сложном предложении",
            "Правописание -н- и -нн- в разных частях речи",
            "Синтаксический анализ предложения",
            "Морфемный и словообразовательный анализ",
            "Речеведческий анализ текста",
            "Орфоэпические и грамматические нормы",
        ],
        &[
            "Обучение сочинению-рассуждению",
            "Формирующее оценивание",
            "Смысловое чтение на уроке",
            "Проектирование урока по ФГОС",
            "Обучение русскому языку детей-инофонов",
            "Подготовка к итоговому собеседованию",
        ],
        &[
            "Мотивация обучающихся",
            "Работа с родителями",
            "Профилактика неуспешности",
            "Инклюзивная практика",
            "Учёт возрастных особенностей подростков",
        ],
    ],
];

/// One diagnosis: a person's subject and competence in both rounds.
struct Cell<'a> {
    school: &'a str,
    personnel_no: String,
    full_name: String,
    subject: usize,
    competence: usize,
    spring: Score<'a>,
    autumn: Option<Score<'a>>,
}

struct Score<'a> {
    score: i64,
    topics: Vec<&'a str>,
}

/// The indices of the diagnosed schools: the weakest `WEAK_SHARE` by
/// latent mean (ties by index).
fn weak_schools(world: &World) -> HashSet<u32> {
    let mut order: Vec<&School> = world.schools.iter().collect();
    order.sort_by(|a, b| a.mean().total_cmp(&b.mean()).then(a.idx.cmp(&b.idx)));
    let n = ((order.len() as f64 * WEAK_SHARE).round() as usize).clamp(1, order.len().max(1));
    order.iter().take(n).map(|s| s.idx).collect()
}

fn category_shift(category: &str) -> f64 {
    match CATEGORIES.iter().position(|c| *c == category) {
        Some(0) => 5.0,
        Some(1) => 1.0,
        Some(2) => -3.0,
        _ => -8.0,
    }
}

/// The weak topics of a score: none from 50 up, else 1–3 of the cell's
/// order, listed in the list's order.
fn topics<'a>(list: &[&'a str], order: &[usize], score: i64, extra: bool) -> Vec<&'a str> {
    if score >= DEFICIT {
        return Vec::new();
    }
    let n = (1 + (score < 42) as usize + (score < 32) as usize + extra as usize).min(3);
    let mut picked: Vec<usize> = order[..n].to_vec();
    picked.sort_unstable();
    picked.into_iter().map(|i| list[i]).collect()
}

fn cells<'a>(world: &'a World, last_year: i32) -> Vec<Cell<'a>> {
    let seed = world.seed;
    let weak = weak_schools(world);
    let diagnosed: Vec<&School> = staff::schools_by_id(world)
        .into_iter()
        .filter(|s| weak.contains(&s.idx))
        .collect();
    if diagnosed.is_empty() {
        return Vec::new();
    }
    let reference = diagnosed.iter().map(|s| s.mean()).sum::<f64>() / diagnosed.len() as f64;
    let spring_day = staff::days_from_civil(last_year, 3, 20);
    let autumn_day = staff::days_from_civil(last_year, 10, 15);
    let mut out = Vec::new();
    for s in diagnosed {
        let school = (12.0 * (s.mean() - reference)).clamp(-8.0, 8.0);
        for p in staff::staff(seed, s, last_year) {
            if p.role != Role::Teacher {
                continue;
            }
            let Some(profile) = p.profile else { continue };
            let taught: Vec<usize> = (0..SUBJECTS.len())
                .filter(|&j| PROFILES[profile].subjects.contains(&SUBJECTS[j]))
                .collect();
            if taught.is_empty() {
                continue;
            }
            let mut rng = Rng::from_parts(&[seed, tag::DIAGNOSTICS, s.idx as u64, p.k]);
            let person = 12.0 * rng.normal();
            let course = staff::courses(seed, s, &p, last_year)
                .iter()
                .any(|c| c.end > spring_day && c.end < autumn_day);
            let gain = 8.0 + 7.0 * rng.normal() + if course { 8.0 } else { 0.0 };
            let missing = rng.chance(MISSING);
            let level = 55.0 + school + category_shift(p.category) + person;
            let no = staff::personnel_no(p.personnel_no);
            for j in taught {
                for (c, &(_, shift)) in COMPETENCES.iter().enumerate() {
                    let mut rng = Rng::from_parts(&[
                        seed,
                        tag::DIAGNOSTICS,
                        s.idx as u64,
                        p.k,
                        j as u64,
                        c as u64,
                    ]);
                    let latent = level + shift + 10.0 * rng.normal();
                    let spring = latent + 3.0 * rng.normal();
                    // Deep deficits take longer than half a year to close.
                    let pace = ((latent - 20.0) / 30.0).clamp(0.3, 1.0);
                    let autumn = latent + gain * pace + 5.0 * rng.normal() + 3.0 * rng.normal();
                    let list = TOPICS[j][c];
                    let mut order: Vec<usize> = (0..list.len()).collect();
                    rng.shuffle(&mut order);
                    let extra = rng.chance(0.25);
                    let result = |x: f64| {
                        let score = (x.round() as i64).clamp(0, 100);
                        Score {
                            score,
                            topics: topics(list, &order, score, extra),
                        }
                    };
                    out.push(Cell {
                        school: &s.id,
                        personnel_no: no.clone(),
                        full_name: p.full_name.clone(),
                        subject: j,
                        competence: c,
                        spring: result(spring),
                        autumn: (!missing).then(|| result(autumn)),
                    });
                }
            }
        }
    }
    out
}

/// Writes diagnostics.csv; returns (rows, bytes).
pub(crate) fn write_diagnostics(
    world: &World,
    last_year: i32,
    path: &Path,
) -> io::Result<(u64, u64)> {
    let cells = cells(world, last_year);
    let mut out = CsvOut::create(path, &DIAGNOSTICS_HEADER)?;
    let rounds = [
        (
            format!("Диагностика профессиональных дефицитов, весна {last_year}"),
            format!("{last_year:04}-03-20"),
        ),
        (
            format!("Диагностика профессиональных дефицитов, осень {last_year}"),
            format!("{last_year:04}-10-15"),
        ),
    ];
    for (r, (round, held_on)) in rounds.iter().enumerate() {
        for cell in &cells {
            let result = if r == 0 {
                &cell.spring
            } else {
                match &cell.autumn {
                    Some(result) => result,
                    None => continue,
                }
            };
            out.text(round);
            for field in [
                held_on.as_str(),
                cell.school,
                &cell.personnel_no,
                &cell.full_name,
                SUBJECTS[cell.subject],
                COMPETENCES[cell.competence].0,
            ] {
                out.comma();
                out.text(field);
            }
            out.comma();
            out.uint(result.score as u64);
            out.comma();
            out.text(&result.topics.join("; "));
            out.end_row()?;
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_lists_are_distinct_and_long_enough() {
        for by_subject in &TOPICS {
            for list in by_subject {
                assert!(list.len() >= 4);
                for (i, t) in list.iter().enumerate() {
                    assert!(!list[..i].contains(t), "{t}");
                    assert!(!t.contains(';') && !t.contains(','), "{t}");
                }
            }
        }
        let order = [3, 1, 0, 2];
        let list = ["a", "b", "c", "d"];
        assert!(topics(&list, &order, 50, true).is_empty());
        assert_eq!(topics(&list, &order, 49, false), ["d"]);
        assert_eq!(topics(&list, &order, 35, true), ["a", "b", "d"]);
        assert_eq!(topics(&list, &order, 10, true).len(), 3);
    }

    #[test]
    fn subjects_are_sorted_and_taught() {
        assert!(SUBJECTS.windows(2).all(|w| w[0] < w[1]));
        for s in SUBJECTS {
            assert!(PROFILES.iter().any(|p| p.subjects.contains(&s)), "{s}");
        }
    }
}
