//! Словарь: every term a head of department reads on the pages, in plain
//! Russian. Pages link here (`/glossary#<anchor>`) and repeat the short
//! form on hover (`term_hint`).

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use askama::Template;
use axum::response::Html;

/// One term: its anchor, its name and its explanation.
pub struct Term {
    pub anchor: &'static str,
    pub name: &'static str,
    pub text: &'static str,
}

pub const TERMS: &[Term] = &[
    Term { anchor: "shnor", name: "ШНОР", text: "Школа с низкими образовательными результатами: несколько лет подряд её результаты ниже, чем у школ региона в таких же социальных условиях. Сравнение идёт с учётом условий, поэтому в список попадают школы, которым нужна помощь в обучении, а не только школы с трудным контингентом." },
    Term { anchor: "shnsu", name: "ШНСУ", text: "Школа, функционирующая в неблагоприятных социальных условиях: по социальному индексу она среди школ региона с самыми трудными условиями (доля Q, по умолчанию 10 %)." },
    Term { anchor: "low", name: "Низкие результаты", text: "Результаты школы среди самых низких в регионе без учёта социальных условий (доля P) в K из Y последних лет." },
    Term { anchor: "resilient", name: "Резильентная школа", text: "Школа в трудных социальных условиях, результаты которой выше ожидаемых. Её опыт стоит передавать: это кандидат в школы-наставники." },
    Term { anchor: "ipr", name: "ИПР (интегральный показатель результатов)", text: "Средний результат школы по всем оценочным процедурам (ВПР, ОГЭ, ЕГЭ, региональные работы), приведённый к одной шкале: 0 — средний уровень региона, плюс — выше среднего, минус — ниже." },
    Term { anchor: "social", name: "Социальный индекс (ИСУ)", text: "Одно число, которое сводит социальные условия школы (доля малообеспеченных семей, образование родителей, язык, местность и другие данные о контексте): чем меньше, тем труднее условия." },
    Term { anchor: "expected", name: "Ожидаемый результат", text: "Какой ИПР в среднем показывают школы региона с таким же социальным индексом. Пунктирная линия на графике расчёта." },
    Term { anchor: "effect", name: "Эффект (вклад школы)", text: "Насколько результат школы выше (плюс) или ниже (минус) ожидаемого при её условиях, с поправкой на надёжность данных: у маленькой школы случайные колебания больше, поэтому её разница учитывается осторожнее." },
    Term { anchor: "interval", name: "Интервал (95 %)", text: "Границы, в которых с высокой уверенностью лежит настоящий эффект школы. Если весь интервал ниже нуля, результат ниже ожидаемого не случайно." },
    Term { anchor: "lambda", name: "Надёжность (λ)", text: "Доля разницы «результат − ожидаемый», которой можно доверять: от 0 (данных мало, разница может быть случайной) до 1 (данных много)." },
    Term { anchor: "rank", name: "Место", text: "Номер школы в ряду по эффекту, от самого низкого (1) к самому высокому." },
    Term { anchor: "p", name: "P — доля самых низких", text: "Какая доля школ с самыми низкими эффектами (для ШНОР) или результатами (для низких результатов) проверяется на включение в список; по умолчанию 10 %." },
    Term { anchor: "q", name: "Q — доля самых трудных условий", text: "Какая доля школ с самым низким социальным индексом относится к ШНСУ; по умолчанию 10 %." },
    Term { anchor: "ky", name: "K из Y лет", text: "Правило устойчивости: школа попадает в список, только если условие выполнено не менее чем в K из последних Y учебных лет (по умолчанию 2 из 3). Один неудачный год не делает школу ШНОР." },
    Term { anchor: "pvalue", name: "p (значимость)", text: "Вероятность увидеть такую же или большую связь случайно. Фактор, у которого p больше порога (обычно 0,05), исключается из модели как незначимый." },
    Term { anchor: "r2", name: "R²", text: "Какую долю различий между результатами школ объясняют их социальные условия: 0 — не объясняют, 1 — объясняют полностью." },
    Term { anchor: "tau2", name: "τ² (разброс вкладов школ)", text: "Насколько на самом деле различаются школы по своему вкладу после учёта условий и случайных колебаний." },
    Term { anchor: "objectivity", name: "Признаки необъективности", text: "Сочетания в данных, при которых результатам оценочной процедуры трудно доверять: например, высокие отметки ВПР не подтверждаются на ОГЭ. Это повод проверить, а не вывод о нарушении." },
];

/// The short hover text of a term (the first sentence of its explanation).
pub fn term_hint(anchor: &str) -> &'static str {
    TERMS
        .iter()
        .find(|t| t.anchor == anchor)
        .map(|t| t.text.split(". ").next().unwrap_or(t.text))
        .unwrap_or("")
}

#[derive(Template)]
#[template(path = "glossary.html")]
struct GlossaryPage {
    l: Layout,
    terms: &'static [Term],
}

pub async fn page(caller: Caller) -> WebResult<Html<String>> {
    let page = GlossaryPage {
        l: Layout::new(&caller, "Словарь терминов", "/glossary"),
        terms: TERMS,
    };
    Ok(Html(page.render()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_is_explained_in_russian_with_a_unique_anchor() {
        let mut anchors: Vec<&str> = TERMS.iter().map(|t| t.anchor).collect();
        anchors.sort();
        anchors.dedup();
        assert_eq!(anchors.len(), TERMS.len());
        for t in TERMS {
            assert!(
                t.text.chars().any(|c| ('а'..='я').contains(&c)),
                "{}",
                t.name
            );
            assert!(!term_hint(t.anchor).is_empty());
        }
        assert_eq!(term_hint("unknown"), "");
    }
}
