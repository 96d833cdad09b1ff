//! Reading a formula: lines and keys, then each expression in two steps —
//! a syntax tree with positions, then types checked against the field
//! dictionary. Every mistake carries the line, key, position and token.
//!
//! Grammar of an expression (lowest precedence first):
//!
//! ```text
//! или     := и ("или" и)*
//! и       := не ("и" не)*
//! не      := "не" не | сравн
//! сравн   := сумма [ ("=" | "≠" | "<" | "<=" | ">" | ">=") сумма
//!                  | ["не"] "в" "(" значение (("," | ";") значение)* ")" ]
//! сумма   := произв (("+" | "-") произв)*
//! произв  := унарн (("*" | "/") унарн)*
//! унарн   := "-" унарн | первичн
//! первичн := число | текст | "да" | "нет" | "все" | "есть" "(" поле ")"
//!          | поле | "(" или ")"
//! ```

use super::ast::{number, Style};
use super::ast::{ArOp, CmpOp, Cond, KindExpr, Literal, NumExpr, Operand, Term, Text};
use super::error::{ErrorKind, FormulaError, Place};
use super::lex::{tokens, Sym, Tok, Token, Word};
use super::text::{fold, guillemets, suggest};
use super::{FieldDef, FieldKind, Formula};

const KEYS: [&str; 3] = ["вид", "знаменатель", "числитель"];

/// A formula from its text (see the module's grammar).
pub(crate) fn formula(text: &str, fields: &[FieldDef<'_>]) -> Result<Formula, FormulaError> {
    let mut kind: Option<(usize, KindExpr)> = None;
    let mut denominator: Option<(usize, Cond)> = None;
    let mut numerator: Option<(usize, Cond)> = None;
    for (i, raw) in text.lines().enumerate() {
        let raw = if i == 0 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        let chars: Vec<char> = raw.chars().collect();
        let Some(first) = chars.iter().position(|c| !c.is_whitespace()) else {
            continue;
        };
        if chars[first] == '#' {
            continue;
        }
        let line_no = i + 1;
        let no_key = || {
            let written: String = chars[first..].iter().collect();
            FormulaError {
                place: Some(Place {
                    line: line_no,
                    key: None,
                    column: first + 1,
                    token: written.split('#').next().unwrap_or("").trim().to_string(),
                }),
                kind: ErrorKind::NoKey,
            }
        };
        let Some(colon) = chars.iter().position(|&c| c == ':') else {
            return Err(no_key());
        };
        let key_written: String = chars[..colon].iter().collect::<String>().trim().to_string();
        if key_written.is_empty() || !key_written.chars().all(char::is_alphabetic) {
            // «сайт.программа = "a:b"»: a colon, but no key before it.
            return Err(no_key());
        }
        let key = fold(&key_written);
        let slot = match key.as_str() {
            "вид" => None,
            "знаменатель" => Some(&mut denominator),
            "числитель" => Some(&mut numerator),
            _ => {
                return Err(FormulaError {
                    place: Some(Place {
                        line: line_no,
                        key: None,
                        column: first + 1,
                        token: key_written.clone(),
                    }),
                    kind: ErrorKind::UnknownKey {
                        suggestion: suggest(&key_written, KEYS),
                        key: key_written,
                    },
                })
            }
        };
        let key: &'static str = KEYS.iter().find(|k| **k == key).expect("a known key");
        let line = Line {
            chars: &chars,
            no: line_no,
            key,
            fields,
        };
        let seen = match &slot {
            None => kind.as_ref().map(|k| k.0),
            Some(s) => s.as_ref().map(|c| c.0),
        };
        if let Some(first_line) = seen {
            return Err(line.error(
                first + 1,
                key_written.clone(),
                ErrorKind::DuplicateKey {
                    key: key.to_string(),
                    first_line,
                },
            ));
        }
        let toks = tokens(&chars, colon + 1)
            .map_err(|(column, token, kind)| line.error(column, token, kind))?;
        if toks.is_empty() {
            return Err(line.error(
                colon + 2,
                String::new(),
                ErrorKind::Empty {
                    key: key.to_string(),
                },
            ));
        }
        balance(&toks, &line)?;
        match slot {
            None => kind = Some((line_no, line.kind(&toks)?)),
            Some(slot) => {
                let node = Parser::new(&toks, &line).whole()?;
                *slot = Some((line_no, line.cond(&node)?));
            }
        }
    }
    let Some((_, kind)) = kind else {
        return Err(missing(
            "вид",
            ": «вид: доля», «вид: количество» или «вид: среднее <числовое выражение>»",
        ));
    };
    match kind {
        KindExpr::Share if denominator.is_none() => {
            return Err(missing(
                "знаменатель",
                ": для доли нужно сказать, от каких школ она считается (например, «знаменатель: категория в (\"ШНОР\", \"ШНСУ\")» или «знаменатель: все»)",
            ))
        }
        KindExpr::Share | KindExpr::Count if numerator.is_none() => {
            return Err(missing(
                "числитель",
                ": какие школы считаются (например, «числитель: сайт.программа = \"найдено\"»)",
            ))
        }
        _ => {}
    }
    Ok(Formula {
        kind,
        denominator: denominator.map(|d| d.1),
        numerator: numerator.map(|n| n.1),
    })
}

fn missing(key: &'static str, hint: &'static str) -> FormulaError {
    FormulaError {
        place: None,
        kind: ErrorKind::MissingKey { key, hint },
    }
}

/// Every «(» closed and no «)» without its «(».
fn balance(toks: &[Token], line: &Line<'_>) -> Result<(), FormulaError> {
    let mut open = Vec::new();
    for t in toks {
        match t.tok {
            Tok::Sym(Sym::Open) => open.push(t),
            Tok::Sym(Sym::Close) if open.pop().is_none() => {
                return Err(line.error(t.start, ")".into(), ErrorKind::ExtraParen));
            }
            _ => {}
        }
    }
    match open.first() {
        Some(t) => Err(line.error(t.start, "(".into(), ErrorKind::UnclosedParen)),
        None => Ok(()),
    }
}

/// The line being read: for positions and errors.
struct Line<'a> {
    chars: &'a [char],
    no: usize,
    key: &'static str,
    fields: &'a [FieldDef<'a>],
}

impl Line<'_> {
    fn error(&self, column: usize, token: String, kind: ErrorKind) -> FormulaError {
        FormulaError {
            place: Some(Place {
                line: self.no,
                key: Some(self.key),
                column,
                token,
            }),
            kind,
        }
    }

    /// The text of columns `start..end` as written.
    fn written(&self, start: usize, end: usize) -> String {
        let end = (end - 1).min(self.chars.len());
        self.chars[start - 1..end]
            .iter()
            .collect::<String>()
            .trim()
            .to_string()
    }

    /// `доля суммы <A> от суммы <B>` (the first token is «доля»).
    fn share_of_sums(&self, toks: &[Token]) -> Result<KindExpr, FormulaError> {
        let is = |t: &Token, word: &str| matches!(&t.tok, Tok::Name(n) if fold(n) == word);
        let wrong = |t: &Token| {
            self.error(
                t.start,
                self.written(t.start, t.end),
                ErrorKind::Unexpected {
                    found: self.written(t.start, t.end),
                    expected: "«доля суммы <выражение> от суммы <выражение>» или просто «доля»",
                },
            )
        };
        if !is(&toks[1], "суммы") {
            return Err(wrong(&toks[1]));
        }
        let split = (2..toks.len().saturating_sub(1))
            .find(|&k| is(&toks[k], "от") && is(&toks[k + 1], "суммы"))
            .ok_or_else(|| wrong(toks.last().expect("at least two tokens")))?;
        if split == 2 || split + 2 >= toks.len() {
            return Err(wrong(&toks[split]));
        }
        let part = Parser::new(&toks[2..split], self).whole()?;
        let whole = Parser::new(&toks[split + 2..], self).whole()?;
        Ok(KindExpr::ShareOfSums(
            self.number(&part, "доля суммы")?,
            self.number(&whole, "доля суммы")?,
        ))
    }

    fn at(&self, n: &Node, kind: ErrorKind) -> FormulaError {
        self.error(n.start, self.written(n.start, n.end), kind)
    }

    /// `вид: доля | количество | среднее <выражение> | доля суммы <выражение>
    /// от суммы <выражение>`.
    fn kind(&self, toks: &[Token]) -> Result<KindExpr, FormulaError> {
        let first = &toks[0];
        let word = self.written(first.start, first.end);
        let unknown = || {
            self.error(
                first.start,
                word.clone(),
                ErrorKind::UnknownKind {
                    suggestion: suggest(&word, ["доля", "количество", "среднее"]),
                    word: word.clone(),
                },
            )
        };
        let Tok::Name(name) = &first.tok else {
            return Err(unknown());
        };
        let kind = match fold(name).as_str() {
            "доля" if toks.len() > 1 => return self.share_of_sums(toks),
            "доля" => KindExpr::Share,
            "количество" => KindExpr::Count,
            "среднее" => {
                if toks.len() == 1 {
                    return Err(self.error(
                        first.end,
                        String::new(),
                        ErrorKind::MeanWithoutExpression,
                    ));
                }
                let node = Parser::new(&toks[1..], self).whole()?;
                return Ok(KindExpr::Mean(self.number(&node, "среднее")?));
            }
            _ => return Err(unknown()),
        };
        if let Some(extra) = toks.get(1) {
            return Err(self.error(
                extra.start,
                self.written(extra.start, toks.last().map_or(extra.end, |t| t.end)),
                ErrorKind::Unexpected {
                    found: self.written(extra.start, extra.end),
                    expected: "конец строки (после «доля» и «количество» ничего не пишут)",
                },
            ));
        }
        Ok(kind)
    }

    fn field(&self, n: &Node, written: &str) -> Result<(String, FieldKind), FormulaError> {
        let folded = fold(written);
        if let Some(f) = self.fields.iter().find(|f| fold(f.name) == folded) {
            return Ok((f.name.to_string(), f.kind));
        }
        Err(self.at(
            n,
            ErrorKind::UnknownField {
                name: written.to_string(),
                suggestion: suggest(written, self.fields.iter().map(|f| f.name)),
                known: self.fields.iter().map(|f| f.name.to_string()).collect(),
            },
        ))
    }

    /// A value: a number expression, a text or yes/no.
    fn operand(&self, n: &Node) -> Result<Operand, FormulaError> {
        Ok(match &n.kind {
            N::Num(x) => Operand::Number(NumExpr::Lit(*x)),
            N::Str(s) => Operand::Text(Term::Lit(Text::new(s.clone()))),
            N::Bool(b) => Operand::YesNo(Term::Lit(*b)),
            N::Name(w) => {
                let (name, kind) = self.field(n, w)?;
                match kind {
                    FieldKind::Number => Operand::Number(NumExpr::Field(name)),
                    FieldKind::Text => Operand::Text(Term::Field(name)),
                    FieldKind::YesNo => Operand::YesNo(Term::Field(name)),
                }
            }
            N::Neg(x) => Operand::Number(NumExpr::Neg(Box::new(self.number(x, "-")?))),
            N::Arith(op, l, r) => {
                let sign = match op {
                    ArOp::Add => "+",
                    ArOp::Sub => "-",
                    ArOp::Mul => "*",
                    ArOp::Div => "/",
                };
                let (l, rn) = (self.number(l, sign)?, self.number(r, sign)?);
                if *op == ArOp::Div && rn == NumExpr::Lit(0.0) {
                    return Err(self.at(r, ErrorKind::DivisionByZero));
                }
                Operand::Number(NumExpr::Bin(Box::new(l), *op, Box::new(rn)))
            }
            N::All | N::Has(_) | N::Cmp(..) | N::In { .. } | N::Not(_) | N::And(_) | N::Or(_) => {
                return Err(self.at(
                    n,
                    ErrorKind::ConditionAsValue {
                        text: self.written(n.start, n.end),
                    },
                ))
            }
        })
    }

    /// A number expression; `op` names what needs the number.
    fn number(&self, n: &Node, op: &str) -> Result<NumExpr, FormulaError> {
        match self.operand(n)? {
            Operand::Number(e) => Ok(e),
            other => Err(self.at(
                n,
                ErrorKind::NotNumber {
                    op: op.to_string(),
                    what: self.subject(n, &other),
                },
            )),
        }
    }

    /// «поле «x» — текст», «текст «найдено»», «выражение «…» — число».
    fn subject(&self, n: &Node, o: &Operand) -> String {
        let kind = kind_of(o).title();
        match (&n.kind, o.literal()) {
            (_, Some(Literal::Number(x))) => format!("число {}", number(x, Style::Reason)),
            (_, Some(Literal::Text(t))) => format!("текст {}", guillemets(&t.written)),
            (_, Some(Literal::YesNo(b))) => format!("значение «{}»", super::ast::yes_no(b)),
            (N::Name(_), None) => format!("поле «{}» — {kind}", o.show(Style::Formula)),
            _ => format!("выражение «{}» — {kind}", self.written(n.start, n.end)),
        }
    }

    /// «текстом «найдено»», «полем «y» (число)» — what something is compared with.
    fn object(&self, n: &Node, o: &Operand) -> String {
        let kind = kind_of(o).title();
        match (&n.kind, o.literal()) {
            (_, Some(Literal::Number(x))) => format!("числом {}", number(x, Style::Reason)),
            (_, Some(Literal::Text(t))) => format!("текстом {}", guillemets(&t.written)),
            (_, Some(Literal::YesNo(b))) => format!("значением «{}»", super::ast::yes_no(b)),
            (N::Name(_), None) => {
                format!("полем «{}» ({kind})", o.show(Style::Formula))
            }
            _ => format!("выражением «{}» ({kind})", self.written(n.start, n.end)),
        }
    }

    /// A list item «в (…)»: a literal, a negative number included.
    fn item(&self, n: &Node) -> Result<Literal, FormulaError> {
        let lit = match &n.kind {
            N::Num(x) => Some(Literal::Number(*x)),
            N::Str(s) => Some(Literal::Text(Text::new(s.clone()))),
            N::Bool(b) => Some(Literal::YesNo(*b)),
            N::Neg(x) => match x.kind {
                N::Num(x) => Some(Literal::Number(-x)),
                _ => None,
            },
            _ => None,
        };
        lit.ok_or_else(|| {
            self.at(
                n,
                ErrorKind::ListItem {
                    token: self.written(n.start, n.end),
                },
            )
        })
    }

    fn cond(&self, n: &Node) -> Result<Cond, FormulaError> {
        Ok(match &n.kind {
            N::All => Cond::All,
            N::Has(x) => match &x.kind {
                N::Name(w) => {
                    let (name, kind) = self.field(x, w)?;
                    Cond::Present(name, kind)
                }
                _ => {
                    return Err(self.at(
                        x,
                        ErrorKind::HasNeedsField {
                            token: self.written(x.start, x.end),
                        },
                    ))
                }
            },
            N::Not(x) => Cond::Not(Box::new(self.cond(x)?)),
            N::And(v) | N::Or(v) => {
                let and = matches!(n.kind, N::And(_));
                let mut items = Vec::new();
                for c in v {
                    match (self.cond(c)?, and) {
                        (Cond::And(inner), true) | (Cond::Or(inner), false) => items.extend(inner),
                        (c, _) => items.push(c),
                    }
                }
                if and {
                    Cond::And(items)
                } else {
                    Cond::Or(items)
                }
            }
            N::Cmp(op, l, r, op_start, op_end) => {
                let (lo, ro) = (self.operand(l)?, self.operand(r)?);
                if kind_of(&lo) != kind_of(&ro) {
                    return Err(self.at(
                        r,
                        ErrorKind::TypeMismatch {
                            left: self.subject(l, &lo),
                            right: self.object(r, &ro),
                        },
                    ));
                }
                if op.orders() && kind_of(&lo) != FieldKind::Number {
                    return Err(self.error(
                        *op_start,
                        self.written(*op_start, *op_end),
                        ErrorKind::OrderOnNonNumbers {
                            op: self.written(*op_start, *op_end),
                            what: self.subject(l, &lo),
                        },
                    ));
                }
                Cond::Cmp(lo, *op, ro)
            }
            N::In {
                value,
                items,
                negated,
            } => {
                let v = self.operand(value)?;
                let mut list = Vec::new();
                for i in items {
                    let lit = self.item(i)?;
                    if kind_of_literal(&lit) != kind_of(&v) {
                        let as_operand = match &lit {
                            Literal::Number(x) => Operand::Number(NumExpr::Lit(*x)),
                            Literal::Text(t) => Operand::Text(Term::Lit(t.clone())),
                            Literal::YesNo(b) => Operand::YesNo(Term::Lit(*b)),
                        };
                        return Err(self.at(
                            i,
                            ErrorKind::TypeMismatch {
                                left: self.subject(value, &v),
                                right: self.object(i, &as_operand),
                            },
                        ));
                    }
                    list.push(lit);
                }
                Cond::In {
                    value: v,
                    list,
                    negated: *negated,
                }
            }
            N::Name(w) => {
                let (name, kind) = self.field(n, w)?;
                if kind == FieldKind::YesNo {
                    Cond::Flag(name)
                } else {
                    let o = self.operand(n)?;
                    return Err(self.at(
                        n,
                        ErrorKind::NotCondition {
                            what: self.subject(n, &o),
                        },
                    ));
                }
            }
            N::Num(_) | N::Str(_) | N::Bool(_) | N::Neg(_) | N::Arith(..) => {
                let o = self.operand(n)?;
                return Err(self.at(
                    n,
                    ErrorKind::NotCondition {
                        what: self.subject(n, &o),
                    },
                ));
            }
        })
    }
}

fn kind_of(o: &Operand) -> FieldKind {
    match o {
        Operand::Number(_) => FieldKind::Number,
        Operand::Text(_) => FieldKind::Text,
        Operand::YesNo(_) => FieldKind::YesNo,
    }
}

fn kind_of_literal(l: &Literal) -> FieldKind {
    match l {
        Literal::Number(_) => FieldKind::Number,
        Literal::Text(_) => FieldKind::Text,
        Literal::YesNo(_) => FieldKind::YesNo,
    }
}

/// A syntax tree node and its columns (`start..end`, end exclusive).
#[derive(Debug)]
struct Node {
    kind: N,
    start: usize,
    end: usize,
}

#[derive(Debug)]
enum N {
    Num(f64),
    Str(String),
    Bool(bool),
    Name(String),
    All,
    Has(Box<Node>),
    Neg(Box<Node>),
    Arith(ArOp, Box<Node>, Box<Node>),
    /// The operator's columns come last (for «<» on texts).
    Cmp(CmpOp, Box<Node>, Box<Node>, usize, usize),
    In {
        value: Box<Node>,
        items: Vec<Node>,
        negated: bool,
    },
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
}

const VALUE: &str = "число, текст в кавычках, поле или «(»";

/// How deep the tree may grow — parentheses, «не», «-», and each further
/// operand of a chain «a + b + c» (which nests to the left): far more than
/// a person writes, little enough for the stack whatever the text. Lists
/// («и», «или», «в (…)») are flat and not limited.
const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    line: &'a Line<'a>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(toks: &'a [Token], line: &'a Line<'a>) -> Parser<'a> {
        Parser {
            toks,
            pos: 0,
            line,
            depth: 0,
        }
    }

    /// Counts one more level of nesting at token `t`.
    fn deeper(&mut self, t: &Token) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.line.error(
                t.start,
                self.line.written(t.start, t.end),
                ErrorKind::TooDeep(MAX_DEPTH),
            ));
        }
        Ok(())
    }

    /// The whole line as one expression.
    fn whole(mut self) -> Result<Node, FormulaError> {
        let n = self.or()?;
        if let Some(t) = self.peek() {
            return Err(self.unexpected(
                t,
                "«и», «или», знак сравнения или действия («=», «>=», «+» …) либо конец строки",
            ));
        }
        Ok(n)
    }

    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn is(&self, tok: &Tok) -> bool {
        self.peek().is_some_and(|t| &t.tok == tok)
    }

    fn next(&mut self) -> Option<&'a Token> {
        let t = self.toks.get(self.pos);
        self.pos += 1;
        t
    }

    fn unexpected(&self, t: &Token, expected: &'static str) -> FormulaError {
        let found = self.line.written(t.start, t.end);
        self.line.error(
            t.start,
            found.clone(),
            ErrorKind::Unexpected { found, expected },
        )
    }

    fn end(&self, expected: &'static str) -> FormulaError {
        let column = self.toks.last().map_or(1, |t| t.end);
        self.line
            .error(column, String::new(), ErrorKind::UnexpectedEnd { expected })
    }

    fn expect(&mut self, sym: Sym, expected: &'static str) -> Result<&'a Token, FormulaError> {
        match self.next() {
            Some(t) if t.tok == Tok::Sym(sym) => Ok(t),
            Some(t) => Err(self.unexpected(t, expected)),
            None => Err(self.end(expected)),
        }
    }

    fn list(&mut self, word: Word, make: fn(Vec<Node>) -> N) -> Result<Node, FormulaError> {
        let first = self.operand_of(word)?;
        if !self.is(&Tok::Word(word)) {
            return Ok(first);
        }
        let mut v = vec![first];
        while self.is(&Tok::Word(word)) {
            self.pos += 1;
            v.push(self.operand_of(word)?);
        }
        let (start, end) = (v[0].start, v[v.len() - 1].end);
        Ok(Node {
            kind: make(v),
            start,
            end,
        })
    }

    fn operand_of(&mut self, word: Word) -> Result<Node, FormulaError> {
        match word {
            Word::Or => self.and(),
            _ => self.not(),
        }
    }

    fn or(&mut self) -> Result<Node, FormulaError> {
        self.list(Word::Or, N::Or)
    }

    fn and(&mut self) -> Result<Node, FormulaError> {
        self.list(Word::And, N::And)
    }

    fn not(&mut self) -> Result<Node, FormulaError> {
        if let Some(t) = self.peek().filter(|t| t.tok == Tok::Word(Word::Not)) {
            self.pos += 1;
            self.deeper(t)?;
            let inner = self.not()?;
            self.depth -= 1;
            let end = inner.end;
            return Ok(Node {
                kind: N::Not(Box::new(inner)),
                start: t.start,
                end,
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Node, FormulaError> {
        let left = self.sum()?;
        let Some(t) = self.peek() else {
            return Ok(left);
        };
        let op = match t.tok {
            Tok::Sym(Sym::Eq) => CmpOp::Eq,
            Tok::Sym(Sym::Ne) => CmpOp::Ne,
            Tok::Sym(Sym::Lt) => CmpOp::Lt,
            Tok::Sym(Sym::Le) => CmpOp::Le,
            Tok::Sym(Sym::Gt) => CmpOp::Gt,
            Tok::Sym(Sym::Ge) => CmpOp::Ge,
            Tok::Word(Word::In) => return self.membership(left, false),
            Tok::Word(Word::Not) => {
                self.pos += 1;
                match self.peek() {
                    Some(n) if n.tok == Tok::Word(Word::In) => return self.membership(left, true),
                    Some(n) => return Err(self.unexpected(n, "«в (…)» после «не»")),
                    None => return Err(self.end("«в (…)» после «не»")),
                }
            }
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = match self.peek() {
            Some(_) => self.sum()?,
            None => return Err(self.end(VALUE)),
        };
        let (start, end) = (left.start, right.end);
        Ok(Node {
            kind: N::Cmp(op, Box::new(left), Box::new(right), t.start, t.end),
            start,
            end,
        })
    }

    /// «в (…)» after `value`; the current token is «в».
    fn membership(&mut self, value: Node, negated: bool) -> Result<Node, FormulaError> {
        self.pos += 1;
        self.expect(
            Sym::Open,
            "«(» и список значений, например «в (\"ШНОР\", \"ШНСУ\")»",
        )?;
        let mut items = Vec::new();
        loop {
            if self.peek().is_none() {
                return Err(self.end(VALUE));
            }
            items.push(self.unary()?);
            match self.next() {
                Some(t) if t.tok == Tok::Sym(Sym::Sep) => continue,
                Some(t) if t.tok == Tok::Sym(Sym::Close) => {
                    let start = value.start;
                    return Ok(Node {
                        kind: N::In {
                            value: Box::new(value),
                            items,
                            negated,
                        },
                        start,
                        end: t.end,
                    });
                }
                Some(t) => return Err(self.unexpected(t, "«,» или «)»")),
                None => return Err(self.end("«,» или «)»")),
            }
        }
    }

    fn sum(&mut self) -> Result<Node, FormulaError> {
        self.chain(Self::product, |s| match s {
            Sym::Plus => Some(ArOp::Add),
            Sym::Minus => Some(ArOp::Sub),
            _ => None,
        })
    }

    fn product(&mut self) -> Result<Node, FormulaError> {
        self.chain(Self::unary, |s| match s {
            Sym::Star => Some(ArOp::Mul),
            Sym::Slash => Some(ArOp::Div),
            _ => None,
        })
    }

    /// `operand (op operand)*`, nesting to the left.
    fn chain(
        &mut self,
        operand: fn(&mut Self) -> Result<Node, FormulaError>,
        op_of: fn(Sym) -> Option<ArOp>,
    ) -> Result<Node, FormulaError> {
        let mut left = operand(self)?;
        let depth = self.depth;
        while let Some((t, op)) = self.peek().and_then(|t| match t.tok {
            Tok::Sym(s) => op_of(s).map(|op| (t, op)),
            _ => None,
        }) {
            self.pos += 1;
            self.deeper(t)?;
            let right = operand(self)?;
            left = arith(op, left, right);
        }
        self.depth = depth;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Node, FormulaError> {
        if let Some(t) = self.peek().filter(|t| t.tok == Tok::Sym(Sym::Minus)) {
            self.pos += 1;
            self.deeper(t)?;
            let inner = self.unary()?;
            self.depth -= 1;
            let end = inner.end;
            return Ok(Node {
                kind: N::Neg(Box::new(inner)),
                start: t.start,
                end,
            });
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Node, FormulaError> {
        let Some(t) = self.next() else {
            return Err(self.end(VALUE));
        };
        let leaf = |kind| {
            Ok(Node {
                kind,
                start: t.start,
                end: t.end,
            })
        };
        match &t.tok {
            Tok::Num(x) => leaf(N::Num(*x)),
            Tok::Str(s) => leaf(N::Str(s.clone())),
            Tok::Name(s) => leaf(N::Name(s.clone())),
            Tok::Word(Word::Yes) => leaf(N::Bool(true)),
            Tok::Word(Word::No) => leaf(N::Bool(false)),
            Tok::Word(Word::All) => leaf(N::All),
            Tok::Word(Word::Has) => {
                self.expect(Sym::Open, "«(» и поле, например «есть(огэ.математика)»")?;
                let inner = match self.peek() {
                    Some(_) => self.or()?,
                    None => return Err(self.end("поле")),
                };
                let close = self.expect(Sym::Close, "«)»")?;
                Ok(Node {
                    kind: N::Has(Box::new(inner)),
                    start: t.start,
                    end: close.end,
                })
            }
            Tok::Sym(Sym::Open) => {
                self.deeper(t)?;
                let inner = self.or()?;
                self.depth -= 1;
                let close = self.expect(Sym::Close, "«)»")?;
                // The node spans its parentheses, so that its text is whole.
                Ok(Node {
                    kind: inner.kind,
                    start: t.start,
                    end: close.end,
                })
            }
            _ => Err(self.unexpected(t, VALUE)),
        }
    }
}

fn arith(op: ArOp, left: Node, right: Node) -> Node {
    let (start, end) = (left.start, right.end);
    Node {
        kind: N::Arith(op, Box::new(left), Box::new(right)),
        start,
        end,
    }
}
