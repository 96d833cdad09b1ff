//! Indicator formulas written by methodologists: parsed against a
//! dictionary and, when they parse, evaluated over schools with values of
//! every kind, missing and extreme ones included.
#![no_main]
use libfuzzer_sys::fuzz_target;
use opora_indicators::formula::{FieldDef, FieldKind, FieldValue, Formula, SchoolFacts};
use std::collections::BTreeMap;

const FIELDS: &[FieldDef<'static>] = &[
    FieldDef {
        name: "шнор",
        kind: FieldKind::YesNo,
        title: "ШНОР",
    },
    FieldDef {
        name: "категория",
        kind: FieldKind::Text,
        title: "категория",
    },
    FieldDef {
        name: "огэ.математика",
        kind: FieldKind::Number,
        title: "средний балл",
    },
    FieldDef {
        name: "огэ.математика.прошлый",
        kind: FieldKind::Number,
        title: "год назад",
    },
    FieldDef {
        name: "кадры.педагоги",
        kind: FieldKind::Number,
        title: "педагогов",
    },
];

fn school(id: i64, values: &[(&str, FieldValue)]) -> SchoolFacts {
    SchoolFacts {
        school_id: id,
        name: format!("школа {id}"),
        municipality: "район".into(),
        values: values
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formula) = Formula::parse(text, FIELDS) else {
        return;
    };
    let schools = [
        school(
            1,
            &[
                ("шнор", FieldValue::YesNo(true)),
                ("категория", FieldValue::Text("ШНОР".into())),
                ("огэ.математика", FieldValue::Number(3.5)),
                ("огэ.математика.прошлый", FieldValue::Number(0.0)),
                ("кадры.педагоги", FieldValue::Number(0.0)),
            ],
        ),
        school(
            2,
            &[
                ("шнор", FieldValue::YesNo(false)),
                ("огэ.математика", FieldValue::Number(f64::MAX)),
                ("кадры.педагоги", FieldValue::Number(f64::NAN)),
            ],
        ),
        school(3, &[]),
    ];
    let _ = formula.evaluate(&schools);
    let _ = formula.to_string();
});
