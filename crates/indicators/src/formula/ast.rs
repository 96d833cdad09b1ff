//! A checked formula: typed expressions over the dictionary's fields, and
//! their canonical text.
//!
//! Equality is structural, so «parse → text → parse» giving an equal value
//! is the round-trip property. Conjunctions and disjunctions are flat lists
//! («a и (b и c)» is «a и b и c»); arithmetic keeps its tree.

use super::text::{fold, literal, quote_formula};
use std::collections::BTreeSet;
use std::fmt::{self, Write as _};

/// What a formula computes, with the averaged expression for «среднее».
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KindExpr {
    Share,
    Count,
    Mean(NumExpr),
    /// «доля суммы A от суммы B»: 100 × ΣA ÷ ΣB over the numerator.
    ShareOfSums(NumExpr, NumExpr),
}

impl KindExpr {
    pub fn kind(&self) -> super::Kind {
        match self {
            KindExpr::Share => super::Kind::Share,
            KindExpr::Count => super::Kind::Count,
            KindExpr::Mean(_) => super::Kind::Mean,
            KindExpr::ShareOfSums(..) => super::Kind::ShareOfSums,
        }
    }

    pub fn collect_fields(&self, out: &mut BTreeSet<String>) {
        match self {
            KindExpr::Mean(e) => e.collect_fields(out),
            KindExpr::ShareOfSums(a, b) => {
                a.collect_fields(out);
                b.collect_fields(out);
            }
            KindExpr::Share | KindExpr::Count => {}
        }
    }
}

impl fmt::Display for KindExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KindExpr::Share => f.write_str("доля"),
            KindExpr::Count => f.write_str("количество"),
            KindExpr::Mean(e) => write!(f, "среднее {}", e.show(Style::Formula)),
            KindExpr::ShareOfSums(a, b) => write!(
                f,
                "доля суммы {} от суммы {}",
                a.show(Style::Formula),
                b.show(Style::Formula)
            ),
        }
    }
}

/// How an expression is written: in the formula (ASCII operators) or in a
/// reason for people («−», «×»).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Formula,
    Reason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl ArOp {
    fn precedence(self) -> u8 {
        match self {
            ArOp::Add | ArOp::Sub => 1,
            ArOp::Mul | ArOp::Div => 2,
        }
    }

    fn sign(self, style: Style) -> &'static str {
        match (self, style) {
            (ArOp::Add, _) => "+",
            (ArOp::Sub, Style::Formula) => "-",
            (ArOp::Sub, Style::Reason) => "−",
            (ArOp::Mul, Style::Formula) => "*",
            (ArOp::Mul, Style::Reason) => "×",
            (ArOp::Div, _) => "/",
        }
    }
}

/// A numeric expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NumExpr {
    Lit(f64),
    Field(String),
    Neg(Box<NumExpr>),
    Bin(Box<NumExpr>, ArOp, Box<NumExpr>),
}

impl NumExpr {
    fn precedence(&self) -> u8 {
        match self {
            NumExpr::Bin(_, op, _) => op.precedence(),
            NumExpr::Neg(_) => 3,
            NumExpr::Lit(_) | NumExpr::Field(_) => 4,
        }
    }

    pub fn show(&self, style: Style) -> String {
        let mut s = String::new();
        self.write(&mut s, style);
        s
    }

    fn write(&self, out: &mut String, style: Style) {
        let minus = if style == Style::Formula { "-" } else { "−" };
        match self {
            NumExpr::Lit(x) => out.push_str(&number(*x, style)),
            NumExpr::Field(f) => out.push_str(f),
            NumExpr::Neg(e) => {
                out.push_str(minus);
                e.write_wrapped(out, style, e.precedence() < 3);
            }
            NumExpr::Bin(l, op, r) => {
                l.write_wrapped(out, style, l.precedence() < op.precedence());
                let _ = write!(out, " {} ", op.sign(style));
                // Left-associative: a right operand of the same level needs
                // its parentheses («a - (b - c)»).
                r.write_wrapped(out, style, r.precedence() <= op.precedence());
            }
        }
    }

    fn write_wrapped(&self, out: &mut String, style: Style, parens: bool) {
        if parens {
            out.push('(');
        }
        self.write(out, style);
        if parens {
            out.push(')');
        }
    }

    pub fn collect_fields(&self, out: &mut BTreeSet<String>) {
        match self {
            NumExpr::Lit(_) => {}
            NumExpr::Field(f) => {
                out.insert(f.clone());
            }
            NumExpr::Neg(e) => e.collect_fields(out),
            NumExpr::Bin(l, _, r) => {
                l.collect_fields(out);
                r.collect_fields(out);
            }
        }
    }
}

/// A number literal: «0,1» in the formula, «−0,1» in a reason.
pub(crate) fn number(x: f64, style: Style) -> String {
    match style {
        Style::Formula => literal(x),
        Style::Reason => literal(x).replace('-', "−"),
    }
}

/// A text literal, kept as written and folded for comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Text {
    pub written: String,
    pub folded: String,
}

impl Text {
    pub fn new(written: String) -> Text {
        let folded = fold(&written);
        Text { written, folded }
    }
}

/// A value that is compared: a number expression, a text or yes/no (a field
/// or a literal).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Operand {
    Number(NumExpr),
    Text(Term<Text>),
    YesNo(Term<bool>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Term<T> {
    Lit(T),
    Field(String),
}

/// A value of a list «в (…)».
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    Number(f64),
    Text(Text),
    YesNo(bool),
}

impl Literal {
    pub fn show(&self, style: Style) -> String {
        match (self, style) {
            (Literal::Number(x), _) => number(*x, style),
            (Literal::Text(t), Style::Formula) => quote_formula(&t.written),
            (Literal::Text(t), Style::Reason) => format!("«{}»", t.written),
            (Literal::YesNo(b), _) => yes_no(*b).to_string(),
        }
    }
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "да"
    } else {
        "нет"
    }
}

impl Operand {
    /// A literal of the operand, if it is one.
    pub fn literal(&self) -> Option<Literal> {
        match self {
            Operand::Number(NumExpr::Lit(x)) => Some(Literal::Number(*x)),
            Operand::Text(Term::Lit(t)) => Some(Literal::Text(t.clone())),
            Operand::YesNo(Term::Lit(b)) => Some(Literal::YesNo(*b)),
            _ => None,
        }
    }

    pub fn show(&self, style: Style) -> String {
        if let Some(l) = self.literal() {
            return l.show(style);
        }
        match self {
            Operand::Number(e) => e.show(style),
            Operand::Text(Term::Field(f)) | Operand::YesNo(Term::Field(f)) => f.clone(),
            Operand::Text(Term::Lit(_)) | Operand::YesNo(Term::Lit(_)) => unreachable!(),
        }
    }

    fn collect_fields(&self, out: &mut BTreeSet<String>) {
        match self {
            Operand::Number(e) => e.collect_fields(out),
            Operand::Text(Term::Field(f)) | Operand::YesNo(Term::Field(f)) => {
                out.insert(f.clone());
            }
            Operand::Text(Term::Lit(_)) | Operand::YesNo(Term::Lit(_)) => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    /// The opposite comparison (for «не»).
    pub fn negate(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
        }
    }

    /// Only numbers are ordered.
    pub fn orders(self) -> bool {
        !matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    pub fn sign(self, style: Style) -> &'static str {
        match (self, style) {
            (CmpOp::Eq, _) => "=",
            (CmpOp::Ne, _) => "≠",
            (CmpOp::Lt, _) => "<",
            (CmpOp::Gt, _) => ">",
            (CmpOp::Le, Style::Formula) => "<=",
            (CmpOp::Ge, Style::Formula) => ">=",
            (CmpOp::Le, Style::Reason) => "≤",
            (CmpOp::Ge, Style::Reason) => "≥",
        }
    }
}

/// A condition on a school.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    /// «все»: every school.
    All,
    /// A yes/no field written alone: true when it is «да».
    Flag(String),
    /// «есть(поле)»: the field has a value (of its kind).
    Present(String, super::FieldKind),
    Cmp(Operand, CmpOp, Operand),
    /// «x в (…)», or «x не в (…)» when `negated`.
    In {
        value: Operand,
        list: Vec<Literal>,
        negated: bool,
    },
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    pub fn collect_fields(&self, out: &mut BTreeSet<String>) {
        match self {
            Cond::All => {}
            Cond::Flag(f) | Cond::Present(f, _) => {
                out.insert(f.clone());
            }
            Cond::Cmp(l, _, r) => {
                l.collect_fields(out);
                r.collect_fields(out);
            }
            Cond::In { value, .. } => value.collect_fields(out),
            Cond::Not(c) => c.collect_fields(out),
            Cond::And(v) | Cond::Or(v) => v.iter().for_each(|c| c.collect_fields(out)),
        }
    }

    /// 1 «или», 2 «и», 3 «не», 4 the rest.
    fn precedence(&self) -> u8 {
        match self {
            Cond::Or(_) => 1,
            Cond::And(_) => 2,
            Cond::Not(_) => 3,
            _ => 4,
        }
    }

    fn write_wrapped(&self, f: &mut fmt::Formatter<'_>, parens: bool) -> fmt::Result {
        if parens {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

/// The list of «в (…)»: «; » between numbers (a comma is their decimal
/// separator), «, » between texts.
pub(crate) fn list(items: &[Literal], style: Style) -> String {
    let sep = if items.iter().any(|l| matches!(l, Literal::Number(_))) {
        "; "
    } else {
        ", "
    };
    items
        .iter()
        .map(|l| l.show(style))
        .collect::<Vec<_>>()
        .join(sep)
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = Style::Formula;
        match self {
            Cond::All => f.write_str("все"),
            Cond::Flag(field) => f.write_str(field),
            Cond::Present(field, _) => write!(f, "есть({field})"),
            Cond::Cmp(l, op, r) => write!(f, "{} {} {}", l.show(s), op.sign(s), r.show(s)),
            Cond::In {
                value,
                list: items,
                negated,
            } => write!(
                f,
                "{} {}в ({})",
                value.show(s),
                if *negated { "не " } else { "" },
                list(items, s)
            ),
            Cond::Not(c) => {
                f.write_str("не ")?;
                c.write_wrapped(f, c.precedence() < 3)
            }
            Cond::And(v) | Cond::Or(v) => {
                let (word, level) = match self {
                    Cond::And(_) => (" и ", 2),
                    _ => (" или ", 1),
                };
                for (i, c) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    c.write_wrapped(f, c.precedence() <= level)?;
                }
                Ok(())
            }
        }
    }
}
