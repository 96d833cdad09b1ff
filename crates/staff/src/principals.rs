//! The efficiency of principals (мониторинг эффективности руководителей):
//! each school gets a measure of 0–100 per criterion from Opora's data,
//! the criteria carry weights the region sets, and the score is the
//! weighted mean of the measures the school has data for.
//!
//! | criterion | measure (0–100) |
//! |---|---|
//! | results | the percentile of the school's effect in the latest identification run (results against what its social context predicts: fair to ШНСУ) |
//! | dynamics | 50 plus the change of that percentile since the previous run (clamped to 0–100) |
//! | objectivity | 100 less 50 per sign of non-objective results in the latest run |
//! | roadmap | the share of the school's roadmap activities due by the date that are done |
//! | qualification | the share of teachers within the three-year rule of courses |
//! | development | the share of teachers with a deficit in their latest round who have a development plan |
//!
//! Every measure keeps the numbers behind it as a Russian sentence, shown
//! beside the points and written into the export for the order.

use opora_plans::coded;

coded!(
    /// A criterion of the principals' efficiency.
    Criterion {
        Results = "results", "результаты обучающихся с учётом социального контекста";
        Dynamics = "dynamics", "динамика результатов";
        Objectivity = "objectivity", "объективность результатов";
        Roadmap = "roadmap", "исполнение дорожной карты";
        Qualification = "qualification", "квалификация педагогов (курсы за три года)";
        Development = "development", "работа с профессиональными дефицитами педагогов";
    }
);

impl Criterion {
    /// The default weights (they sum to 100).
    pub fn default_weight(self) -> u32 {
        match self {
            Criterion::Results => 25,
            Criterion::Dynamics => 15,
            Criterion::Objectivity => 15,
            Criterion::Roadmap => 20,
            Criterion::Qualification => 15,
            Criterion::Development => 10,
        }
    }
}

/// A criterion's measure for one school: the value (none without data)
/// and the numbers behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub value: Option<f64>,
    pub basis: String,
}

impl Measure {
    pub fn none(basis: impl Into<String>) -> Measure {
        Measure {
            value: None,
            basis: basis.into(),
        }
    }

    fn of(value: f64, basis: String) -> Measure {
        Measure {
            value: Some(value.clamp(0.0, 100.0)),
            basis,
        }
    }
}

fn pct(part: usize, whole: usize) -> f64 {
    100.0 * part as f64 / whole as f64
}

/// «results»: the effect's percentile in the latest run.
pub fn results(percentile: Option<f64>) -> Measure {
    match percentile {
        Some(p) => Measure::of(
            p,
            format!("эффект школы выше, чем у {} % школ региона", round(p)),
        ),
        None => Measure::none("нет данных в последнем расчёте идентификации"),
    }
}

/// «dynamics»: 50 plus the change of the percentile since the previous run.
pub fn dynamics(now: Option<f64>, before: Option<f64>) -> Measure {
    match (now, before) {
        (Some(n), Some(b)) => Measure::of(
            50.0 + n - b,
            format!(
                "процентиль эффекта: {} в предыдущем расчёте, {} в последнем",
                round(b),
                round(n)
            ),
        ),
        _ => Measure::none("нужны два расчёта идентификации со школой"),
    }
}

/// «objectivity»: 100 less 50 per sign of non-objective results.
pub fn objectivity(signs: Option<usize>) -> Measure {
    match signs {
        Some(0) => Measure::of(100.0, "признаков необъективности результатов нет".into()),
        Some(n) => Measure::of(
            100.0 - 50.0 * n as f64,
            format!("признаков необъективности результатов: {n}"),
        ),
        None => Measure::none("нет данных в последнем расчёте идентификации"),
    }
}

/// «roadmap»: activities due that are done.
pub fn roadmap(due: usize, done: usize) -> Measure {
    if due == 0 {
        return Measure::none("в дорожной карте школы нет мероприятий со сроком до даты оценки");
    }
    Measure::of(
        pct(done, due),
        format!("выполнено {done} из {due} мероприятий дорожной карты со сроком до даты оценки"),
    )
}

/// «qualification»: teachers within the three-year rule.
pub fn qualification(teachers: usize, in_time: usize) -> Measure {
    if teachers == 0 {
        return Measure::none("нет сведений о педагогах");
    }
    Measure::of(
        pct(in_time, teachers),
        format!("курсы за последние три года у {in_time} из {teachers} педагогов"),
    )
}

/// «development»: teachers with a deficit who have a plan.
pub fn development(diagnosed: usize, with_deficit: usize, with_plan: usize) -> Measure {
    match (diagnosed, with_deficit) {
        (0, _) => {
            Measure::none("педагоги школы не проходили диагностику профессиональных дефицитов")
        }
        (_, 0) => Measure::of(
            100.0,
            format!("дефицитов нет у всех {diagnosed} продиагностированных педагогов"),
        ),
        (_, n) => Measure::of(
            pct(with_plan.min(n), n),
            format!(
                "план развития у {} из {n} педагогов с дефицитами",
                with_plan.min(n)
            ),
        ),
    }
}

/// The score: 100 × Σ weight × measure ÷ (100 × Σ weight) over the
/// criteria with data (none when no criterion has data), and the points of
/// each criterion (weight × measure ÷ 100).
pub fn score(measures: &[(u32, &Measure)]) -> (Option<f64>, Vec<Option<f64>>) {
    let points: Vec<Option<f64>> = measures
        .iter()
        .map(|(w, m)| m.value.map(|v| f64::from(*w) * v / 100.0))
        .collect();
    let weights: u32 = measures
        .iter()
        .filter(|(_, m)| m.value.is_some())
        .map(|(w, _)| w)
        .sum();
    let total =
        (weights > 0).then(|| 100.0 * points.iter().flatten().sum::<f64>() / f64::from(weights));
    (total, points)
}

/// A number as a page writes it: whole, with a decimal comma when not.
fn round(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}").replace('.', ",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_sum_to_a_hundred() {
        let sum: u32 = Criterion::ALL.iter().map(|c| c.default_weight()).sum();
        assert_eq!(sum, 100);
    }

    #[test]
    fn measures_keep_the_numbers_behind_them() {
        assert_eq!(roadmap(8, 6).value, Some(75.0));
        assert_eq!(
            roadmap(8, 6).basis,
            "выполнено 6 из 8 мероприятий дорожной карты со сроком до даты оценки"
        );
        assert_eq!(roadmap(0, 0).value, None);
        assert_eq!(qualification(20, 15).value, Some(75.0));
        assert_eq!(objectivity(Some(1)).value, Some(50.0));
        assert_eq!(objectivity(Some(3)).value, Some(0.0), "clamped");
        assert_eq!(dynamics(Some(70.0), Some(40.0)).value, Some(80.0));
        assert_eq!(
            dynamics(Some(90.0), Some(10.0)).value,
            Some(100.0),
            "clamped"
        );
        assert_eq!(dynamics(Some(70.0), None).value, None);
        assert_eq!(
            results(Some(62.5)).basis,
            "эффект школы выше, чем у 62,5 % школ региона"
        );
        assert_eq!(development(10, 4, 3).value, Some(75.0));
        assert_eq!(development(10, 0, 0).value, Some(100.0));
        assert_eq!(development(0, 0, 0).value, None);
    }

    #[test]
    fn the_score_is_the_weighted_mean_of_the_criteria_with_data() {
        let a = roadmap(4, 2); // 50
        let b = qualification(10, 10); // 100
        let none = roadmap(0, 0);
        let (total, points) = score(&[(20, &a), (10, &b), (30, &none)]);
        assert_eq!(points, vec![Some(10.0), Some(10.0), None]);
        // (10 + 10) / 30 × 100 ≈ 66.7: the criterion without data does not count.
        assert!((total.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!(score(&[(20, &none)]).0, None);
    }
}
