//! The demo's staff: the teachers' and courses' files of `opora-demo` are
//! imported with the rest of the region (`region`); here the demo teacher's
//! login (`teacher1`) gets its staff record — a teacher of the demo school
//! who teaches, so that the teacher's own card tells the story.

use crate::story::Cast;
use opora_store::scope::Scope;
use opora_store::staff::teachers::TeacherFilter;
use opora_store::{Db, StoreError};

/// Links `teacher1` to the first subject teacher of the demo school whose
/// record has no login yet. Does nothing when the login is already linked
/// or the school has no teachers (a region loaded without staff files).
pub async fn link_demo_teacher(db: &Db, cast: &Cast) -> Result<(), StoreError> {
    let Some((user, _)) = db.user_for_login("teacher1").await? else {
        return Ok(());
    };
    if db.teacher_of_user(user.id).await?.is_some() {
        return Ok(());
    }
    let filter = TeacherFilter {
        school_id: Some(cast.school_id),
        user_id: None,
    };
    let teachers = db
        .teachers(&Scope::School(cast.school_id), &filter, "demo")
        .await?;
    let chosen = teachers.iter().find(|t| {
        t.user_id.is_none()
            && t.fields.position.to_lowercase() == "учитель"
            && !t.fields.subjects.is_empty()
    });
    if let Some(t) = chosen {
        db.set_teacher_user(t.id, Some(user.id)).await?;
    }
    Ok(())
}

/// Mentoring pairs for the demo school's teachers (a ШНОР of the run): up
/// to three subject teachers without a login, each with the best mentor
/// the municipality would be offered (a leader school's teacher first),
/// appointed on 1 September of the current academic year, with a first
/// meeting two weeks later when that day has come. Does nothing when any
/// pair exists.
pub async fn create_demo_mentoring(db: &Db, cast: &Cast) -> Result<(), StoreError> {
    use opora_staff::mentoring::MentoringForm;
    use opora_store::staff::mentoring::PairFields;
    let municipal = Scope::Municipality(cast.municipality_id);
    if !db
        .mentoring_pairs(&Scope::Region, None, "demo")
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let today = opora_plans::clock::today();
    let year = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let starts_on = opora_plans::date::Date::new(year, 9, 1).expect("a real date");
    let filter = TeacherFilter {
        school_id: Some(cast.school_id),
        user_id: None,
    };
    let mentees: Vec<_> = db
        .teachers(&municipal, &filter, "demo")
        .await?
        .into_iter()
        .filter(|t| t.user_id.is_none() && t.fields.position.to_lowercase() == "учитель")
        .filter(|t| {
            t.fields
                .subjects
                .iter()
                .any(|s| s == "Математика" || s == "Русский язык")
        })
        .take(3)
        .collect();
    for mentee in mentees {
        let Some((mentor, candidate)) = db
            .mentor_suggestions(&municipal, &mentee, 1, "demo")
            .await?
            .into_iter()
            .next()
        else {
            continue;
        };
        let fields = PairFields {
            form: if candidate.leader_school {
                MentoringForm::LeaderSchool
            } else {
                MentoringForm::TeacherTeacher
            },
            goals: format!(
                "Преодоление профессиональных дефицитов по предмету «{}»; подготовка обучающихся к ГИА",
                mentee.fields.subjects[0]
            ),
            starts_on,
            ends_on: opora_plans::date::Date::new(year + 1, 5, 31),
            order_ref: format!("Приказ управления образования № 112 от 01.09.{year}"),
        };
        let id = db
            .create_mentoring_pair(&municipal, mentee.id, mentor.id, &fields, "demo")
            .await?;
        let first = opora_plans::date::Date::from_days(starts_on.days() + 14).expect("a real date");
        if first <= today {
            let pair = db
                .mentoring_pair(&municipal, id)
                .await?
                .expect("the pair just created");
            db.add_mentoring_meeting(
                &pair,
                first,
                "Диагностика затруднений и план совместной работы",
                "Выбраны темы для взаимопосещения уроков; согласован график консультаций.",
                "demo",
            )
            .await?;
        }
    }
    Ok(())
}

/// The demo catalogue: programmes of the region's providers, each tagged
/// by the competence areas (and the topics) whose deficits it addresses —
/// the topics are those the demo diagnostics find weak, so that drafted
/// plans pick the matching programme.
const CATALOGUE: &[(&str, &str, &str, i64, &str, &str, &str)] = &[
    // (title, provider, kind, hours, subject, competence codes, topics)
    ("Совершенствование предметных компетенций учителя математики: текстовые задачи, геометрия, вероятность", CNPPM, "upgrade", 36, "Математика", "subject",
     "Текстовые задачи на движение и работу; Планиметрия: задачи на вычисление; Вероятность и статистика"),
    ("Решение задач повышенной сложности: выражения, уравнения и неравенства, параметры", IRO, "upgrade", 72, "Математика", "subject",
     "Преобразование выражений с корнями; Уравнения и неравенства с модулем; Задачи с параметром"),
    ("Методика подготовки обучающихся к ОГЭ и ЕГЭ по математике", IRO, "upgrade", 36, "Математика", "methodical",
     "Подготовка обучающихся к ОГЭ и ЕГЭ по математике; Функциональная грамотность на уроке"),
    ("Трудные вопросы орфографии и пунктуации: подготовка к ГИА по русскому языку", IRO, "upgrade", 36, "Русский язык", "subject",
     "Пунктуация в сложном предложении; Правописание -н- и -нн- в разных частях речи; Орфоэпические и грамматические нормы"),
    ("Анализ языковых единиц: синтаксис, морфемика, текст", CNPPM, "upgrade", 24, "Русский язык", "subject",
     "Синтаксический анализ предложения; Морфемный и словообразовательный анализ; Речеведческий анализ текста"),
    ("Обучение сочинению-рассуждению и смысловому чтению на уроках русского языка", IRO, "upgrade", 36, "Русский язык", "methodical",
     "Обучение сочинению-рассуждению; Смысловое чтение на уроке"),
    ("Предметное содержание начального общего образования: математика, русский язык, окружающий мир", CNPPM, "upgrade", 36, "Начальные классы", "subject",
     "Решение текстовых задач в начальной школе; Звуко-буквенный анализ слова; Состав слова и части речи; Окружающий мир: естественнонаучные понятия; Геометрический материал в начальном курсе математики"),
    ("Смысловое чтение и функциональная грамотность младших школьников", IRO, "upgrade", 36, "Начальные классы", "methodical",
     "Формирование навыков смыслового чтения; Функциональная грамотность младших школьников; Работа в классе с разным уровнем подготовки"),
    ("Формирующее оценивание и проектирование урока по обновлённым ФГОС", CNPPM, "upgrade", 36, "", "methodical",
     "Формирующее оценивание; Проектирование урока по ФГОС; Проектирование урока по ФГОС НОО"),
    ("Работа с обучающимися с трудностями в обучении и профилактика учебной неуспешности", CNPPM, "upgrade", 36, "", "psych_pedagogical;methodical",
     "Работа с обучающимися с трудностями в обучении; Профилактика неуспешности; Мотивация обучающихся"),
    ("Психолого-педагогическое сопровождение: мотивация, инклюзия, работа с родителями", UNIVERSITY, "upgrade", 72, "", "psych_pedagogical",
     "Мотивация обучающихся; Работа с родителями; Инклюзивная практика; Снижение экзаменационной тревожности; Адаптация первоклассников"),
    ("Педагогика и методика преподавания математики в основной и средней школе", IRO, "retraining", 300, "Математика", "subject;methodical", ""),
];

const IRO: &str = "ГАУ ДПО «Институт развития образования»";
const CNPPM: &str =
    "Центр непрерывного повышения профессионального мастерства педагогических работников";
const UNIVERSITY: &str = "ФГБОУ ВО «Педагогический университет»";

/// Fills the catalogue of programmes; does nothing when it has any.
pub async fn create_demo_catalogue(db: &Db) -> Result<(), StoreError> {
    use opora_staff::diagnostics::{split_topics, Competence};
    use opora_staff::model::{CourseKind, ProviderKind};
    use opora_store::staff::development::ProgrammeFields;
    if !db.programmes(false).await?.is_empty() {
        return Ok(());
    }
    for (title, provider, kind, hours, subject, competences, topics) in CATALOGUE {
        let fields = ProgrammeFields {
            title: title.to_string(),
            provider: provider.to_string(),
            provider_kind: ProviderKind::guess(provider),
            kind: CourseKind::from_code(kind).expect("a course kind's code"),
            hours: Some(*hours),
            subject: subject.to_string(),
            competences: competences
                .split(';')
                .map(|c| Competence::from_code(c).expect("a competence's code"))
                .collect(),
            topics: split_topics(topics),
        };
        db.add_programme(&fields, "demo").await?;
    }
    Ok(())
}

/// Development plans for the teachers of the demo municipality's ШНОР and
/// ШНСУ with deficits in the first diagnostic round, drafted from it on
/// its date; where the last round shows a deficit closed, the steps aimed
/// at it are done two months after the round (a done course step writes
/// its course into the record). Does nothing when any plan exists or the
/// region has fewer than two rounds.
pub async fn create_demo_development_plans(db: &Db, cast: &Cast) -> Result<(), StoreError> {
    use opora_staff::development::{outcome, Outcome, StepStatus};
    use opora_store::staff::development::{rediagnosis, Completion};
    let rounds = db.diagnostic_rounds().await?;
    let [first, .., last] = rounds.as_slice() else {
        return Ok(());
    };
    let municipal = Scope::Municipality(cast.municipality_id);
    if !db
        .development_plans_in(&Scope::Region, None, "demo")
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let supported = db.supported_schools_in(&municipal).await?;
    for school_id in supported {
        let filter = TeacherFilter {
            school_id: Some(school_id),
            user_id: None,
        };
        for t in db.teachers(&municipal, &filter, "demo").await? {
            let results = db.teacher_diagnostics(t.id).await?;
            let Some((_, cells)) = results.iter().find(|(r, _)| r.id == first.id) else {
                continue;
            };
            if !cells.iter().any(|c| c.is_deficit()) {
                continue;
            }
            let id = db
                .draft_development_plan(&municipal, t.id, Some(first.id), first.held_on, "demo")
                .await?;
            let (plan, teacher) = db
                .development_plan(&municipal, id)
                .await?
                .expect("the plan just drafted");
            let later = rediagnosis(&plan, &results).map(|(_, c)| c.as_slice());
            for step in &plan.steps {
                let closed = step
                    .fields
                    .competence
                    .is_some_and(|c| outcome(&step.fields.subject, c, later) == Outcome::Closed);
                let done_on = opora_staff::add_months(first.held_on, 2);
                if closed && done_on < last.held_on {
                    let completion = Completion {
                        done_on,
                        evidence: "Удостоверение о повышении квалификации".into(),
                        certificate_no: format!("ПК-{:06}", step.id),
                    };
                    db.set_development_step(
                        &plan,
                        &teacher,
                        step.id,
                        StepStatus::Done,
                        Some(&completion),
                        "demo",
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

/// An evaluation of the principals for the current academic year, with the
/// default weights, on today's data. Does nothing when any exists.
pub async fn create_demo_principal_evaluation(db: &Db) -> Result<(), StoreError> {
    if !db.principal_evaluations().await?.is_empty() {
        return Ok(());
    }
    let today = opora_plans::clock::today();
    db.evaluate_principals(today.academic_year(), today, "demo")
        .await?;
    Ok(())
}

/// The demo's self-assessment, open for answers: statements of the three
/// competence areas for any subject. Does nothing when any exists.
pub async fn create_demo_instrument(db: &Db) -> Result<(), StoreError> {
    if !db.instruments().await?.is_empty() {
        return Ok(());
    }
    let items = opora_staff::instruments::parse_items(
        "предметная: Решаю задачи повышенной сложности по своему предмету
предметная: Знаю типичные ошибки обучающихся на ВПР и ОГЭ по своему предмету
методическая: Применяю формирующее оценивание на уроке
методическая: Проектирую урок по обновлённым ФГОС
методическая: Формирую функциональную грамотность на уроке
психолого-педагогическая: Работаю с обучающимися с трудностями в обучении
психолого-педагогическая: Поддерживаю учебную мотивацию обучающихся
психолого-педагогическая: Вовлекаю родителей в учебную работу детей",
    )
    .expect("the demo's statements read");
    let today = opora_plans::clock::today();
    db.create_instrument(
        &format!(
            "Самодиагностика профессиональных затруднений педагога, {}",
            opora_io::values::academic_year(today.academic_year())
        ),
        "",
        &items,
        today,
        "demo",
    )
    .await?;
    Ok(())
}
