//! Checklist data (methodology step 5), per school and year.

use super::{count, percent, school_code, Fields};
use crate::values::parse_year;
use crate::{Field, Schema};
use opora_analytics::ChecklistRow;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "school_id",
            aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы"],
            required: true,
        },
        Field {
            name: "year",
            aliases: &["Год", "Учебный год"],
            required: true,
        },
        Field {
            name: "continuation_rate",
            aliases: &[
                "Доля продолживших обучение в 10 классе",
                "Продолжили обучение в 10 классе, %",
                "Доля перешедших в 10 класс",
            ],
            required: false,
        },
        Field {
            name: "graduates",
            aliases: &["Выпускников", "Число выпускников", "Выпускники 11 класса"],
            required: false,
        },
        Field {
            name: "ege_below_min",
            aliases: &[
                "Ниже минимума ЕГЭ",
                "Не преодолели минимальный порог ЕГЭ",
                "Ниже минимального балла ЕГЭ",
            ],
            required: false,
        },
        Field {
            name: "olympiad_participants",
            aliases: &[
                "Участников олимпиад",
                "Участники олимпиад",
                "Участников ВсОШ",
            ],
            required: false,
        },
        Field {
            name: "pupils",
            aliases: &["Обучающихся", "Численность обучающихся", "Контингент"],
            required: false,
        },
        Field {
            name: "kdn_pdn",
            aliases: &[
                "На учёте КДН/ПДН",
                "На учете КДН и ЗП, ПДН",
                "КДН/ПДН",
                "Состоят на учёте",
            ],
            required: false,
        },
        Field {
            name: "noko_satisfaction",
            aliases: &["Удовлетворённость НОКО", "НОКО", "Удовлетворённость, %"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: false,
};

/// Parses one checklist row (its `school_id` is the school code).
pub fn parse_row(f: &mut Fields<'_>, school_known: &dyn Fn(&str) -> bool) -> Option<ChecklistRow> {
    let code = f.req("school_id", school_code);
    if let Some(c) = &code {
        if !school_known(c) {
            f.fail(
                "school_id",
                "ОО с таким кодом нет в реестре; загрузите реестр школ или исправьте код",
            );
        }
    }
    let u = |v: Option<i64>| v.map(|x| x as u64);
    let row = ChecklistRow {
        school_id: code.unwrap_or_default(),
        year: f.req("year", parse_year).unwrap_or_default(),
        continuation_rate: f.opt("continuation_rate", percent),
        graduates: u(f.opt("graduates", count)),
        ege_below_min: u(f.opt("ege_below_min", count)),
        olympiad_participants: u(f.opt("olympiad_participants", count)),
        pupils: u(f.opt("pupils", count)),
        kdn_pdn: u(f.opt("kdn_pdn", count)),
        noko_satisfaction: f.opt("noko_satisfaction", percent),
    };
    if let (Some(below), Some(grads)) = (row.ege_below_min, row.graduates) {
        if below > grads {
            f.fail(
                "ege_below_min",
                format!("больше, чем выпускников ({grads})"),
            );
        }
    }
    (!f.bad).then_some(row)
}
