//! Evaluating a formula over schools, with the reason for each school.
//!
//! Conditions have three outcomes: met, not met, and undecided for missing
//! data (the logic of SQL's NULL: «и» is not met as soon as one part is not
//! met, whatever the others; «или» is met as soon as one part is met; «не»
//! keeps «undecided»). Comparisons of numbers allow for binary rounding
//! (`4,1 - 4,0 >= 0,1` holds).
//!
//! «не» is carried down as a polarity instead of being evaluated as a
//! flip, so that a reason states what was needed: «не категория = "ШНОР"»
//! explains a ШНОР as «категория = «ШНОР» (нужно ≠ «ШНОР»)».

use super::ast::{yes_no, CmpOp, Cond, KindExpr, Literal, NumExpr, Operand, Style, Term};
use super::text::{fold, guillemets, num};
use super::{Evaluation, Explained, FieldValue, Formula, Role, SchoolFacts};

pub(crate) fn evaluate(formula: &Formula, schools: &[SchoolFacts]) -> Evaluation {
    let mut rows = Vec::with_capacity(schools.len());
    let (mut numerator, mut denominator, mut no_data) = (0, 0, 0);
    // Σ of the averaged (or summed) expression, and of the whole for
    // «доля суммы».
    let mut sums = (0.0, 0.0);
    for s in schools {
        let (role, reason) = school(formula, s, &mut sums);
        match role {
            Role::Numerator => numerator += 1,
            Role::NoData => no_data += 1,
            Role::DenominatorOnly | Role::Outside => {}
        }
        if role != Role::Outside {
            denominator += 1;
        }
        rows.push(Explained {
            school_id: s.school_id,
            name: s.name.clone(),
            municipality: s.municipality.clone(),
            role,
            reason,
        });
    }
    let value = match &formula.kind {
        _ if denominator == 0 => None,
        KindExpr::Share => Some(100.0 * numerator as f64 / denominator as f64),
        KindExpr::Count => Some(numerator as f64),
        KindExpr::Mean(_) if numerator == 0 => None,
        KindExpr::Mean(_) => Some(sums.0 / numerator as f64),
        KindExpr::ShareOfSums(..) if sums.1 == 0.0 => None,
        KindExpr::ShareOfSums(..) => Some(100.0 * sums.0 / sums.1),
    };
    Evaluation {
        value,
        numerator,
        denominator,
        no_data,
        rows,
    }
}

/// One school's role and reason; adds its values to `sums` for «среднее»
/// and «доля суммы».
fn school(formula: &Formula, s: &SchoolFacts, sums: &mut (f64, f64)) -> (Role, String) {
    if let Some(d) = &formula.denominator {
        let o = check(d, s, true);
        if o.truth != Truth::Yes {
            return (Role::Outside, o.reason());
        }
    }
    let n = match &formula.numerator {
        Some(c) => check(c, s, true),
        None => Outcome::yes(Vec::new()),
    };
    let role = match n.truth {
        Truth::Yes => Role::Numerator,
        Truth::No => Role::DenominatorOnly,
        Truth::Unknown => Role::NoData,
    };
    if role != Role::Numerator {
        return (role, n.reason());
    }
    let (part, whole) = match &formula.kind {
        KindExpr::Mean(e) => (e, None),
        KindExpr::ShareOfSums(a, b) => (a, Some(b)),
        KindExpr::Share | KindExpr::Count => return (role, n.reason()),
    };
    let values = (number(part, s), whole.map(|b| number(b, s)).transpose());
    match values {
        (Ok(x), Ok(y)) => {
            sums.0 += x;
            sums.1 += y.unwrap_or(0.0);
            let mut parts = n.parts;
            parts.push(describe(&Operand::Number(part.clone()), &Value::Number(x)));
            if let (Some(b), Some(y)) = (whole, y) {
                parts.push(describe(&Operand::Number(b.clone()), &Value::Number(y)));
            }
            (Role::Numerator, parts.join("; "))
        }
        (a, b) => {
            let mut missing = a.err().unwrap_or_default();
            missing.extend(b.err().unwrap_or_default());
            (Role::NoData, Outcome::unknown(missing, Vec::new()).reason())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Yes,
    No,
    Unknown,
}

/// A condition's outcome for one school: the reasons (with the values) and,
/// when undecided, what is missing.
struct Outcome {
    truth: Truth,
    parts: Vec<String>,
    missing: Vec<String>,
}

impl Outcome {
    fn yes(parts: Vec<String>) -> Outcome {
        Outcome {
            truth: Truth::Yes,
            parts,
            missing: Vec::new(),
        }
    }

    fn no(part: String) -> Outcome {
        Outcome {
            truth: Truth::No,
            parts: vec![part],
            missing: Vec::new(),
        }
    }

    fn decided(met: bool, part: String) -> Outcome {
        if met {
            Outcome::yes(vec![part])
        } else {
            Outcome::no(part)
        }
    }

    fn unknown(missing: Vec<String>, parts: Vec<String>) -> Outcome {
        Outcome {
            truth: Truth::Unknown,
            parts,
            missing,
        }
    }

    /// «нет данных: a, b; …» or the reasons joined by «; ».
    fn reason(&self) -> String {
        let mut out = Vec::new();
        if !self.missing.is_empty() {
            out.push(format!("нет данных: {}", self.missing.join(", ")));
        }
        out.extend(self.parts.iter().cloned());
        out.join("; ")
    }
}

/// The condition `c` for school `s`, or its negation when `!positive`.
fn check(c: &Cond, s: &SchoolFacts, positive: bool) -> Outcome {
    match c {
        Cond::All if positive => Outcome::yes(vec!["все школы".into()]),
        Cond::All => Outcome::no("«не все»: ни одна школа".into()),
        Cond::Not(inner) => check(inner, s, !positive),
        Cond::And(items) | Cond::Or(items) => {
            let outcomes: Vec<Outcome> = items.iter().map(|c| check(c, s, positive)).collect();
            // «не (a и b)» is «не a или не b».
            let all_needed = matches!(c, Cond::And(_)) == positive;
            combine(outcomes, all_needed)
        }
        Cond::Flag(field) => match value(s, field, super::FieldKind::YesNo) {
            Err(m) => Outcome::unknown(vec![m], Vec::new()),
            Ok(Value::YesNo(b)) => {
                let shown = format!("{field} = {}", yes_no(b));
                if b == positive {
                    Outcome::yes(vec![shown])
                } else {
                    Outcome::no(format!("{shown} (нужно {})", yes_no(positive)))
                }
            }
            Ok(_) => unreachable!("value() checks the kind"),
        },
        Cond::Present(field, kind) => match (value(s, field, *kind), positive) {
            (Ok(v), true) => Outcome::yes(vec![format!("{field} = {}", show(&v))]),
            (Ok(v), false) => Outcome::no(format!("{field} = {} (нужно: нет значения)", show(&v))),
            (Err(_), true) => Outcome::no(format!("{field}: нет значения (нужно: есть)")),
            (Err(_), false) => Outcome::yes(vec![format!("{field}: нет значения")]),
        },
        Cond::Cmp(l, op, r) => {
            let op = if positive { *op } else { op.negate() };
            let (lv, rv) = (operand(l, s), operand(r, s));
            let (lv, rv) = match (lv, rv) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => {
                    let mut missing = a.err().unwrap_or_default();
                    missing.extend(b.err().unwrap_or_default());
                    return Outcome::unknown(dedup(missing), Vec::new());
                }
            };
            let met = compare(&lv, op, &rv);
            Outcome::decided(met, comparison_reason(l, &lv, op, r, &rv, met))
        }
        Cond::In {
            value: v,
            list,
            negated,
        } => {
            let x = match operand(v, s) {
                Ok(x) => x,
                Err(m) => return Outcome::unknown(m, Vec::new()),
            };
            let inside = list
                .iter()
                .any(|l| compare(&x, CmpOp::Eq, &Value::of_literal(l)));
            let want_inside = positive != *negated;
            let shown = describe(v, &x);
            let items = super::ast::list(list, Style::Reason);
            let met = inside == want_inside;
            let part = match (met, want_inside) {
                (true, true) => shown,
                (true, false) => format!("{shown} (не из: {items})"),
                (false, true) => format!("{shown} (нужно одно из: {items})"),
                (false, false) => format!("{shown} (нужно не из: {items})"),
            };
            Outcome::decided(met, part)
        }
    }
}

/// «и» (every part needed) or «или» (one part enough) over the parts'
/// outcomes. The reason names only the parts that decided.
fn combine(outcomes: Vec<Outcome>, all_needed: bool) -> Outcome {
    let (decisive, other) = if all_needed {
        (Truth::No, Truth::Yes)
    } else {
        (Truth::Yes, Truth::No)
    };
    if outcomes.iter().any(|o| o.truth == decisive) {
        let parts = outcomes
            .into_iter()
            .filter(|o| o.truth == decisive)
            .flat_map(|o| o.parts)
            .collect();
        return Outcome {
            truth: decisive,
            parts,
            missing: Vec::new(),
        };
    }
    if outcomes.iter().any(|o| o.truth == Truth::Unknown) {
        let mut missing = Vec::new();
        let mut parts = Vec::new();
        for o in outcomes {
            missing.extend(o.missing);
            // With «или», the parts not met are worth showing next to the
            // missing ones; with «и», the met ones are not.
            if o.truth == Truth::Unknown || !all_needed {
                parts.extend(o.parts);
            }
        }
        return Outcome::unknown(dedup(missing), parts);
    }
    Outcome {
        truth: other,
        parts: outcomes.into_iter().flat_map(|o| o.parts).collect(),
        missing: Vec::new(),
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// A value of one school.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Number(f64),
    /// As in the data, and folded for comparison.
    Text(String, String),
    YesNo(bool),
}

impl Value {
    fn of_literal(l: &Literal) -> Value {
        match l {
            Literal::Number(x) => Value::Number(*x),
            Literal::Text(t) => Value::Text(t.written.clone(), t.folded.clone()),
            Literal::YesNo(b) => Value::YesNo(*b),
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(x) => num(*x),
        Value::Text(t, _) => guillemets(t),
        Value::YesNo(b) => yes_no(*b).into(),
    }
}

/// A field's value of the expected kind, or what is missing: the field's
/// name, with the value when it is of another kind.
fn value(s: &SchoolFacts, field: &str, kind: super::FieldKind) -> Result<Value, String> {
    use super::FieldKind as K;
    match (s.values.get(field), kind) {
        (None, _) => Err(field.to_string()),
        (Some(FieldValue::Number(x)), K::Number) if x.is_finite() => Ok(Value::Number(*x)),
        (Some(FieldValue::Number(_)), K::Number) => Err(format!("{field} (значение не число)")),
        (Some(FieldValue::Text(t)), K::Text) => Ok(Value::Text(t.clone(), fold(t))),
        (Some(FieldValue::YesNo(b)), K::YesNo) => Ok(Value::YesNo(*b)),
        (Some(v), _) => {
            let shown = match v {
                FieldValue::Number(x) => num(*x),
                FieldValue::Text(t) => guillemets(t),
                FieldValue::YesNo(b) => yes_no(*b).into(),
            };
            Err(format!("{field} (значение {shown} — не {})", kind.title()))
        }
    }
}

fn number(e: &NumExpr, s: &SchoolFacts) -> Result<f64, Vec<String>> {
    match e {
        NumExpr::Lit(x) => Ok(*x),
        NumExpr::Field(f) => match value(s, f, super::FieldKind::Number) {
            Ok(Value::Number(x)) => Ok(x),
            Ok(_) => unreachable!("value() checks the kind"),
            Err(m) => Err(vec![m]),
        },
        NumExpr::Neg(x) => number(x, s).map(|x| -x),
        NumExpr::Bin(l, op, r) => {
            let (a, b) = match (number(l, s), number(r, s)) {
                (Ok(a), Ok(b)) => (a, b),
                (a, b) => {
                    let mut m = a.err().unwrap_or_default();
                    m.extend(b.err().unwrap_or_default());
                    return Err(dedup(m));
                }
            };
            use super::ast::ArOp;
            let x = match op {
                ArOp::Add => a + b,
                ArOp::Sub => a - b,
                ArOp::Mul => a * b,
                ArOp::Div if b == 0.0 => {
                    return Err(vec![format!("{} — деление на ноль", e.show(Style::Reason))])
                }
                ArOp::Div => a / b,
            };
            if x.is_finite() {
                Ok(x)
            } else {
                Err(vec![format!("{} — не число", e.show(Style::Reason))])
            }
        }
    }
}

fn operand(o: &Operand, s: &SchoolFacts) -> Result<Value, Vec<String>> {
    match o {
        Operand::Number(e) => number(e, s).map(Value::Number),
        Operand::Text(Term::Lit(t)) => Ok(Value::Text(t.written.clone(), t.folded.clone())),
        Operand::YesNo(Term::Lit(b)) => Ok(Value::YesNo(*b)),
        Operand::Text(Term::Field(f)) => value(s, f, super::FieldKind::Text).map_err(|m| vec![m]),
        Operand::YesNo(Term::Field(f)) => value(s, f, super::FieldKind::YesNo).map_err(|m| vec![m]),
    }
}

/// Equal within binary rounding: a difference of a billionth of the
/// larger value (or of 1) is none.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn compare(a: &Value, op: CmpOp, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(a), Value::Number(b)) => {
            let eq = same(*a, *b);
            match op {
                CmpOp::Eq => eq,
                CmpOp::Ne => !eq,
                CmpOp::Lt => a < b && !eq,
                CmpOp::Le => a < b || eq,
                CmpOp::Gt => a > b && !eq,
                CmpOp::Ge => a > b || eq,
            }
        }
        (Value::Text(_, a), Value::Text(_, b)) => (a == b) == (op == CmpOp::Eq),
        (Value::YesNo(a), Value::YesNo(b)) => (a == b) == (op == CmpOp::Eq),
        // Types are checked at parsing.
        _ => false,
    }
}

/// «огэ.математика = 3,9» for a field or an expression, the value alone
/// for a literal.
fn describe(o: &Operand, v: &Value) -> String {
    match o.literal() {
        Some(l) => l.show(Style::Reason),
        None => format!("{} = {}", o.show(Style::Reason), show(v)),
    }
}

/// «x = 0,05 (нужно ≥ 0,1)», «сайт.программа = «не найдено» (нужно
/// «найдено»)», «x = 0,15 (≥ 0,1)», or with both sides computed «a = 1, b
/// = 2 (нужно a > b)».
fn comparison_reason(
    l: &Operand,
    lv: &Value,
    op: CmpOp,
    r: &Operand,
    rv: &Value,
    met: bool,
) -> String {
    let need = if met { "" } else { "нужно " };
    let sign = op.sign(Style::Reason);
    match (l.literal(), r.literal()) {
        (None, Some(_)) if op == CmpOp::Eq && met => describe(l, lv),
        (None, Some(_)) if op == CmpOp::Eq => {
            format!("{} (нужно {})", describe(l, lv), describe(r, rv))
        }
        (None, Some(_)) => format!("{} ({need}{sign} {})", describe(l, lv), describe(r, rv)),
        (Some(_), None) => format!(
            "{} ({need}{} {sign} {})",
            describe(r, rv),
            describe(l, lv),
            r.show(Style::Reason)
        ),
        (None, None) => format!(
            "{}, {} ({need}{} {sign} {})",
            describe(l, lv),
            describe(r, rv),
            l.show(Style::Reason),
            r.show(Style::Reason)
        ),
        (Some(_), Some(_)) => {
            let verdict = if met { "верно" } else { "неверно" };
            format!("{} {sign} {}: {verdict}", describe(l, lv), describe(r, rv))
        }
    }
}
