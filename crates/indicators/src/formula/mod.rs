//! The indicator formula language: how an indicator of a programme («Доля
//! ШНОР и ШНСУ, на сайтах которых размещена школьная программа … — 100%»)
//! is computed from Opora's data, written so that a methodologist can read
//! and write it, and explained school by school.
//!
//! ```text
//! вид: доля                               # доля | количество | среднее <выражение>
//! знаменатель: категория в ("ШНОР", "ШНСУ")
//! числитель: сайт.программа = "найдено"
//! ```
//!
//! The full description (keys, operators, the field dictionary, what «нет
//! данных» means) is `docs/indicators.md`. In short:
//!
//! - the **denominator** picks the schools the indicator is about; the
//!   **numerator** picks, among them, those that count (numerator ⊂
//!   denominator);
//! - fields are not part of the language: the caller passes a dictionary of
//!   [`FieldDef`]s and [`Formula::parse`] checks names and types against it,
//!   with Russian errors that name the line, the key, the position and the
//!   token ([`FormulaError`]);
//! - [`Formula::evaluate`] gives the value and, for every school, its
//!   [`Role`] and the reason with the actual values ([`Explained`]);
//! - a condition that cannot be decided because a value is missing is
//!   «нет данных»: outside the denominator if it is the denominator's
//!   condition, in the denominator (but not the numerator) if it is the
//!   numerator's — a share is of every school it promises;
//! - [`Formula::text`] (and `Display`) write the canonical form, which
//!   parses back to the same formula.
//!
//! Pure: no database, no files. A formula is parsed once and evaluated over
//! any number of schools.

mod ast;
mod error;
mod eval;
mod lex;
mod parse;
mod text;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use error::{ErrorKind, FormulaError, Place};

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// A number («огэ.математика» = 3,9).
    Number,
    /// A text compared without regard to case («категория» = «ШНОР»).
    Text,
    /// Yes or no («сайт.размещена» = да).
    YesNo,
}

impl FieldKind {
    /// «число», «текст», «да/нет».
    pub fn title(self) -> &'static str {
        match self {
            FieldKind::Number => "число",
            FieldKind::Text => "текст",
            FieldKind::YesNo => "да/нет",
        }
    }
}

/// One field a formula may use, from the caller's dictionary.
///
/// Names are written as in formulas: letters, digits, `_` and dots, starting
/// with a letter («огэ.математика.прошлый»). A name that is a keyword of the
/// language («и», «в», «да», …) cannot be used. Formulas match names without
/// regard to case (and «ё» as «е»); the dictionary's spelling is the
/// canonical one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef<'a> {
    pub name: &'a str,
    pub kind: FieldKind,
    /// What the field is, in Russian, for the dictionary shown to people.
    pub title: &'a str,
}

/// A value of a field for one school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Number(f64),
    Text(String),
    YesNo(bool),
}

/// What is known about one school: the values by field name (the
/// dictionary's spelling). A field missing from `values` is «нет данных»,
/// and so is a value of the wrong type or a number that is not finite.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SchoolFacts {
    pub school_id: i64,
    pub name: String,
    pub municipality: String,
    pub values: BTreeMap<String, FieldValue>,
}

/// What a formula computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// «доля»: 100 × numerator / denominator, in per cent.
    Share,
    /// «количество»: the number of schools in the numerator.
    Count,
    /// «среднее <выражение>»: the mean of the expression over the numerator.
    Mean,
    /// «доля суммы <A> от суммы <B>»: 100 × ΣA ÷ ΣB over the numerator — a
    /// pooled share («Σ прошли диагностику ÷ Σ педагогов»), where «среднее»
    /// would average the schools' own shares.
    ShareOfSums,
}

impl Kind {
    /// The stable code (the same as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            Kind::Share => "share",
            Kind::Count => "count",
            Kind::Mean => "mean",
            Kind::ShareOfSums => "share_of_sums",
        }
    }

    /// The kind of a stored code; `None` for an unknown one.
    pub fn from_code(code: &str) -> Option<Kind> {
        [Kind::Share, Kind::Count, Kind::Mean, Kind::ShareOfSums]
            .into_iter()
            .find(|k| k.code() == code)
    }

    /// The word of the formula: «доля», «количество», «среднее».
    pub fn title(self) -> &'static str {
        match self {
            Kind::Share => "доля",
            Kind::Count => "количество",
            Kind::Mean => "среднее",
            Kind::ShareOfSums => "доля суммы",
        }
    }
}

/// A parsed and checked formula. Build it with [`Formula::parse`].
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    kind: ast::KindExpr,
    /// `None`: every school (the key omitted, allowed for «количество» and
    /// «среднее»).
    denominator: Option<ast::Cond>,
    /// `None`: the whole denominator (omitted, allowed for «среднее»).
    numerator: Option<ast::Cond>,
}

impl Formula {
    /// Reads a formula and checks it against the field dictionary. The first
    /// mistake is returned, with its line, key, position and token.
    pub fn parse(text: &str, fields: &[FieldDef<'_>]) -> Result<Formula, FormulaError> {
        parse::formula(text, fields)
    }

    /// What the formula computes.
    pub fn kind(&self) -> Kind {
        self.kind.kind()
    }

    /// The fields the formula reads, each once, in the dictionary's
    /// spelling and sorted (so that the caller loads only those).
    pub fn fields(&self) -> Vec<String> {
        let mut out = std::collections::BTreeSet::new();
        self.kind.collect_fields(&mut out);
        for c in [&self.denominator, &self.numerator].into_iter().flatten() {
            c.collect_fields(&mut out);
        }
        out.into_iter().collect()
    }

    /// The canonical text: keys in the order вид, знаменатель, числитель,
    /// one space around operators, numbers with a decimal comma, no
    /// comments, parentheses only where needed. It parses back to the same
    /// formula.
    pub fn text(&self) -> String {
        self.to_string()
    }

    /// Computes the formula over the schools; `rows` follows their order.
    pub fn evaluate(&self, schools: &[SchoolFacts]) -> Evaluation {
        eval::evaluate(self, schools)
    }
}

impl std::fmt::Display for Formula {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "вид: {}", self.kind)?;
        if let Some(d) = &self.denominator {
            writeln!(f, "знаменатель: {d}")?;
        }
        if let Some(n) = &self.numerator {
            writeln!(f, "числитель: {n}")?;
        }
        Ok(())
    }
}

/// Where a school stands in an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Counts: in the denominator and the numerator (for «среднее»: its
    /// value is in the mean).
    Numerator,
    /// In the denominator, but the numerator's condition is not met.
    DenominatorOnly,
    /// In the denominator, but the numerator's condition (or the averaged
    /// value) cannot be computed for missing data. It stays in the
    /// denominator: for «доля» it counts against the share.
    NoData,
    /// Not in the denominator (including a school whose denominator
    /// condition cannot be decided for missing data). The caller may drop
    /// these rows.
    Outside,
}

impl Role {
    /// The stable code (the same as in JSON).
    pub fn code(self) -> &'static str {
        match self {
            Role::Numerator => "numerator",
            Role::DenominatorOnly => "denominator_only",
            Role::NoData => "no_data",
            Role::Outside => "outside",
        }
    }

    /// The Russian title of the list.
    pub fn title(self) -> &'static str {
        match self {
            Role::Numerator => "в числителе",
            Role::DenominatorOnly => "только в знаменателе",
            Role::NoData => "нет данных",
            Role::Outside => "вне знаменателя",
        }
    }
}

/// One school in an evaluation: its role and why, with the actual values
/// («сайт.программа = «не найдено» (нужно «найдено»)»).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub school_id: i64,
    pub name: String,
    pub municipality: String,
    pub role: Role,
    pub reason: String,
}

/// The result of a formula over a set of schools.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// «доля»: per cent; «количество»: the count; «среднее»: the mean.
    /// `None` when the denominator is empty, and for «среднее» also when no
    /// school has a value.
    pub value: Option<f64>,
    /// Schools with [`Role::Numerator`].
    pub numerator: usize,
    /// Schools in the denominator: numerator, denominator only and no data.
    pub denominator: usize,
    /// Schools with [`Role::NoData`] (part of `denominator`).
    pub no_data: usize,
    /// Every school given, in the order given.
    pub rows: Vec<Explained>,
}

impl Evaluation {
    /// The rows of one role, in order.
    pub fn with_role(&self, role: Role) -> impl Iterator<Item = &Explained> {
        self.rows.iter().filter(move |r| r.role == role)
    }
}

#[cfg(test)]
mod tests {
    //! The canonical text reads back to the same formula, for many generated
    //! formulas (a small deterministic generator; no dependency).

    use super::ast::{ArOp, CmpOp, Cond, KindExpr, Literal, NumExpr, Operand, Term, Text};
    use super::{FieldDef, FieldKind, Formula};

    const FIELDS: &[FieldDef<'static>] = &[
        FieldDef {
            name: "огэ.математика",
            kind: FieldKind::Number,
            title: "",
        },
        FieldDef {
            name: "огэ.математика.прошлый",
            kind: FieldKind::Number,
            title: "",
        },
        FieldDef {
            name: "категория",
            kind: FieldKind::Text,
            title: "",
        },
        FieldDef {
            name: "сайт.проверен",
            kind: FieldKind::YesNo,
            title: "",
        },
    ];

    /// xorshift64: deterministic and good enough to vary shapes.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn pick<T: Clone>(&mut self, v: &[T]) -> T {
            v[self.below(v.len() as u64) as usize].clone()
        }
    }

    const NUMBERS: [f64; 6] = [0.1, 3.75, 1.0, 12345.5, 0.0000001, 20.0];
    const TEXTS: [&str; 6] = ["ШНОР", "Найдено", "ООО «Ромашка»", "a\"b", "", "a # b"];

    fn num(r: &mut Rng, depth: u32) -> NumExpr {
        match if depth == 0 { r.below(2) } else { r.below(4) } {
            0 => NumExpr::Lit(r.pick(&NUMBERS)),
            1 => NumExpr::Field(r.pick(&["огэ.математика", "огэ.математика.прошлый"]).into()),
            2 => NumExpr::Neg(Box::new(num(r, depth - 1))),
            _ => {
                let op = r.pick(&[ArOp::Add, ArOp::Sub, ArOp::Mul, ArOp::Div]);
                NumExpr::Bin(Box::new(num(r, depth - 1)), op, Box::new(num(r, depth - 1)))
            }
        }
    }

    fn text(r: &mut Rng) -> Text {
        Text::new(r.pick(&TEXTS).to_string())
    }

    /// A condition; `parent` 1 under «или», 2 under «и» (a list never sits
    /// directly in a list of its own kind: reading flattens it).
    fn cond(r: &mut Rng, depth: u32, parent: u8) -> Cond {
        let ops = [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ];
        match r.below(if depth == 0 { 7 } else { 10 }) {
            0 => Cond::All,
            1 => Cond::Flag("сайт.проверен".into()),
            2 => Cond::Present("категория".into(), FieldKind::Text),
            3 => Cond::Cmp(
                Operand::Number(num(r, 2)),
                r.pick(&ops),
                Operand::Number(num(r, 2)),
            ),
            4 => Cond::Cmp(
                Operand::Text(Term::Field("категория".into())),
                r.pick(&[CmpOp::Eq, CmpOp::Ne]),
                Operand::Text(Term::Lit(text(r))),
            ),
            5 => Cond::In {
                value: Operand::Number(num(r, 1)),
                list: (0..=r.below(3))
                    .map(|_| {
                        let x = r.pick(&NUMBERS);
                        Literal::Number(if r.below(2) == 0 { -x } else { x })
                    })
                    .collect(),
                negated: r.below(2) == 0,
            },
            6 => Cond::In {
                value: Operand::Text(Term::Field("категория".into())),
                list: (0..=r.below(3)).map(|_| Literal::Text(text(r))).collect(),
                negated: r.below(2) == 0,
            },
            7 => Cond::Not(Box::new(cond(r, depth - 1, 3))),
            kind => {
                let and = if parent == 1 || parent == 2 {
                    parent == 1
                } else {
                    kind == 8
                };
                let items = (0..2 + r.below(2))
                    .map(|_| cond(r, depth - 1, if and { 2 } else { 1 }))
                    .collect();
                if and {
                    Cond::And(items)
                } else {
                    Cond::Or(items)
                }
            }
        }
    }

    #[test]
    fn generated_formulas_read_back_from_their_canonical_text() {
        let mut r = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2000 {
            let kind = match r.below(3) {
                0 => KindExpr::Share,
                1 => KindExpr::Count,
                _ => KindExpr::Mean(num(&mut r, 3)),
            };
            let f = Formula {
                denominator: (r.below(3) > 0 || kind == KindExpr::Share)
                    .then(|| cond(&mut r, 3, 0)),
                numerator: (r.below(4) > 0 || !matches!(kind, KindExpr::Mean(_)))
                    .then(|| cond(&mut r, 3, 0)),
                kind,
            };
            let text = f.text();
            // A division by a literal zero is refused on reading; the
            // generator has no zero, so every text must read.
            let back = Formula::parse(&text, FIELDS).unwrap_or_else(|e| panic!("{e}\n{text}"));
            assert_eq!(back, f, "{text}");
            assert!(!text.contains('−'), "ASCII minus in formulas: {text}");
        }
    }
}
