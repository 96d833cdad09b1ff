//! The one-sentence verdict per school: what a head of a municipal
//! department reads aloud or pastes into an order. No statistics words
//! (λ, interval, percentile); the numbers stay in the detailed reason.

use crate::text::{num, plural};
use crate::{Config, SchoolOutcome};

/// The verdict for one school of a run. `window` are the run's years (end
/// years of academic years), `k` the years a condition must hold in.
pub fn summary(o: &SchoolOutcome, cfg: &Config, window: &[i32], k: usize) -> String {
    let low = num(cfg.low_percent, 0);
    let of = |years: &[i32]| years_count(years.len(), window.len());
    if o.insufficient_data {
        return format!(
            "Вывод не сделан: у школы {} при минимуме {}.",
            results(o.n),
            cfg.min_results
        );
    }
    let mut s = Vec::new();
    if o.no_context {
        s.push(
            "Социальные условия школы неизвестны (не хватает данных о контексте), \
             поэтому её результаты не с чем сравнить: к ШНОР и ШНСУ она не отнесена."
                .to_string(),
        );
    }
    if o.is_shnor {
        s.push(format!(
            "Школа с низкими образовательными результатами: {} её результаты были ниже, \
             чем у школ в таких же социальных условиях, — среди {low} % худших в регионе ({}).",
            in_academic_years(&o.years_flagged),
            of(&o.years_flagged)
        ));
    }
    if o.is_shnsu {
        s.push(format!(
            "Школа работает в неблагоприятных социальных условиях: по социальному индексу \
             она среди {} % школ региона с самыми трудными условиями.",
            num(cfg.shnsu_percent, 0)
        ));
    }
    if o.is_resilient {
        s.push(
            "Несмотря на трудные условия, её результаты выше ожидаемых: \
             опыт школы стоит передавать другим (кандидат в наставники)."
                .to_string(),
        );
    }
    if o.is_low_results {
        let also = if o.is_shnor {
            "Кроме того, без"
        } else {
            "Без"
        };
        s.push(format!(
            "{also} учёта условий результаты школы среди {low} % самых низких в регионе {} ({}).",
            in_academic_years(&o.years_low_results),
            of(&o.years_low_results)
        ));
    }
    if s.is_empty() {
        s.push(format!(
            "Результаты школы соответствуют ожидаемым для её социальных условий \
             (низкие результаты с учётом условий: {}, для ШНОР нужно {k}).",
            years_count(o.years_flagged.len(), window.len()),
        ));
    }
    s.join(" ")
}

/// «4 результата», «21 результат», «5 результатов».
pub fn results(n: u64) -> String {
    format!(
        "{n} {}",
        plural(n, "результат", "результата", "результатов")
    )
}

/// «2 года из 3», «1 год из 3», «0 лет из 3».
fn years_count(n: usize, of: usize) -> String {
    format!("{n} {} из {of}", plural(n as u64, "год", "года", "лет"))
}

/// «в 2023-2024 учебном году», «в 2022-2023 и 2023-2024 учебных годах».
pub fn in_academic_years(years: &[i32]) -> String {
    let names: Vec<String> = years.iter().map(|y| format!("{}-{y}", y - 1)).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => format!("в {one} учебном году"),
        [rest @ .., last] => format!("в {} и {last} учебных годах", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config::default()
    }

    #[test]
    fn plural_forms_follow_russian_grammar() {
        assert_eq!(results(1), "1 результат");
        assert_eq!(results(4), "4 результата");
        assert_eq!(results(11), "11 результатов");
        assert_eq!(results(21), "21 результат");
        assert_eq!(results(112), "112 результатов");
        assert_eq!(years_count(2, 3), "2 года из 3");
        assert_eq!(years_count(0, 3), "0 лет из 3");
    }

    #[test]
    fn academic_years_read_as_a_phrase() {
        assert_eq!(in_academic_years(&[2024]), "в 2023-2024 учебном году");
        assert_eq!(
            in_academic_years(&[2022, 2023, 2024]),
            "в 2021-2022, 2022-2023 и 2023-2024 учебных годах"
        );
    }

    #[test]
    fn a_shnor_school_reads_without_statistics_words() {
        let o = SchoolOutcome {
            is_shnor: true,
            is_shnsu: true,
            years_flagged: vec![2023, 2024],
            n: 300,
            ..Default::default()
        };
        let s = summary(&o, &cfg(), &[2022, 2023, 2024], 2);
        assert!(s.starts_with("Школа с низкими образовательными результатами: в 2022-2023 и 2023-2024 учебных годах"), "{s}");
        assert!(s.contains("(2 года из 3)"), "{s}");
        assert!(s.contains("неблагоприятных социальных условиях"), "{s}");
        for word in ["λ", "интервал", "процентил", "эффект", "ИПР"] {
            assert!(!s.contains(word), "«{word}» in {s}");
        }
    }

    #[test]
    fn a_normal_school_and_a_thin_one_get_their_own_sentences() {
        let o = SchoolOutcome {
            n: 400,
            years_flagged: vec![2024],
            ..Default::default()
        };
        let s = summary(&o, &cfg(), &[2022, 2023, 2024], 2);
        assert!(
            s.starts_with("Результаты школы соответствуют ожидаемым"),
            "{s}"
        );
        assert!(s.contains("1 год из 3, для ШНОР нужно 2"), "{s}");
        let thin = SchoolOutcome {
            n: 4,
            insufficient_data: true,
            ..Default::default()
        };
        let s = summary(&thin, &cfg(), &[2024], 1);
        assert!(s.contains("4 результата при минимуме"), "{s}");
    }
}
