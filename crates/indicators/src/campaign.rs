//! A data-collection campaign's form and the life of one school's answer.
//!
//! What a municipal coordinator used to collect «с помощью гугл-таблицы 2
//! раза в год» becomes a form written as text, one field or rule per line,
//! so that a methodologist can read and change it without a form builder:
//!
//! ```text
//! # Сведения о диагностике педагогов
//! педагоги: Число педагогических работников | целое | обязательно | от 1 до 500 | чел.
//! диагностика: Из них прошли диагностику | целое | обязательно | от 0 | чел.
//! программа: Программа повышения качества размещена на сайте | да/нет | обязательно
//! ссылка: Адрес страницы с программой | текст
//! правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
//! ```
//!
//! A field line is `ключ: подпись | тип | …`, with the type one of «целое»,
//! «число», «да/нет», «текст», and optional parts «обязательно», «от X»,
//! «до Y», «от X до Y» and a unit (any other short text: «чел.», «%»).
//! A rule line compares a field with another field or a number and carries
//! the Russian message shown when the answer breaks it.
//!
//! [`Form::check`] reads the values a school typed (Russian numbers with a
//! decimal comma, «да»/«нет») and returns every mistake with the field's
//! label, the value and how to fix it; [`Status`] is the answer's workflow.

use serde::Serialize;
use std::collections::BTreeMap;

/// The type of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Integer,
    Number,
    YesNo,
    Text,
}

impl FieldKind {
    const ALL: [FieldKind; 4] = [
        FieldKind::Integer,
        FieldKind::Number,
        FieldKind::YesNo,
        FieldKind::Text,
    ];

    /// The word a form uses for the type.
    pub fn word(self) -> &'static str {
        match self {
            FieldKind::Integer => "целое",
            FieldKind::Number => "число",
            FieldKind::YesNo => "да/нет",
            FieldKind::Text => "текст",
        }
    }

    fn from_word(word: &str) -> Option<FieldKind> {
        let w = word.to_lowercase().replace(' ', "");
        let w = match w.as_str() {
            "целоечисло" | "количество" => "целое",
            "дробное" | "дробноечисло" => "число",
            "да-нет" | "да/нет" | "данет" => "да/нет",
            "строка" => "текст",
            other => other,
        };
        FieldKind::ALL.into_iter().find(|k| k.word() == w)
    }

    pub fn is_numeric(self) -> bool {
        matches!(self, FieldKind::Integer | FieldKind::Number)
    }
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// The short name used in rules and formulas («педагоги»).
    pub key: String,
    /// The question as the school reads it.
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// «чел.», «%»; empty without one.
    pub unit: String,
}

/// A comparison in a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Compare {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

impl Compare {
    const ALL: [(&'static str, Compare); 8] = [
        ("<=", Compare::LessOrEqual),
        (">=", Compare::GreaterOrEqual),
        ("!=", Compare::NotEqual),
        ("≤", Compare::LessOrEqual),
        ("≥", Compare::GreaterOrEqual),
        ("≠", Compare::NotEqual),
        ("<", Compare::Less),
        (">", Compare::Greater),
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Less => "<",
            Compare::LessOrEqual => "<=",
            Compare::Greater => ">",
            Compare::GreaterOrEqual => ">=",
            Compare::Equal => "=",
            Compare::NotEqual => "!=",
        }
    }

    fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Compare::Less => a < b,
            Compare::LessOrEqual => a <= b,
            Compare::Greater => a > b,
            Compare::GreaterOrEqual => a >= b,
            Compare::Equal => a == b,
            Compare::NotEqual => a != b,
        }
    }

    /// Splits «a <= b» at its comparison.
    fn split(text: &str) -> Option<(&str, Compare, &str)> {
        for (symbol, op) in Compare::ALL {
            if let Some(at) = text.find(symbol) {
                return Some((&text[..at], op, &text[at + symbol.len()..]));
            }
        }
        let at = text.find('=')?;
        Some((&text[..at], Compare::Equal, &text[at + 1..]))
    }
}

/// The right side of a rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Operand {
    Field(String),
    Number(f64),
}

/// A check between fields («диагностика <= педагоги»).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub left: String,
    pub compare: Compare,
    pub right: Operand,
    /// Shown to the school when the answer breaks the rule.
    pub message: String,
}

/// A campaign's form: fields in order and the rules between them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
}

/// A mistake in a form's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("строка {line} («{text}»): {message}")]
pub struct FormError {
    pub line: usize,
    pub text: String,
    pub message: String,
}

/// A value as entered and understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    YesNo(bool),
    Text(String),
}

impl Value {
    /// The number a value stands for in rules and indicators (yes = 1).
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(*v),
            Value::YesNo(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Text(_) => None,
        }
    }

    /// The value written for people («12», «0,5», «да»).
    pub fn text(&self) -> String {
        match self {
            Value::Number(v) => number_text(*v),
            Value::YesNo(true) => "да".into(),
            Value::YesNo(false) => "нет".into(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// A number with a decimal comma, without trailing zeros.
pub fn number_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0')
            .trim_end_matches('.')
            .replace('.', ",")
    }
}

/// A mistake in an answer, on one field (or a rule, on its left field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueError {
    pub key: String,
    pub label: String,
    /// The value as typed.
    pub value: String,
    pub message: String,
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "«{}»: {}", self.label, self.message)
        } else {
            write!(
                f,
                "«{}», значение «{}»: {}",
                self.label, self.value, self.message
            )
        }
    }
}

/// An answer read against the form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Checked {
    /// The values understood, by key (empty fields are absent).
    pub values: BTreeMap<String, Value>,
    pub errors: Vec<ValueError>,
}

fn is_key(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Reads a Russian number: «12», «0,5», «1 200», «-3».
pub fn read_number(text: &str) -> Option<f64> {
    let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.replace(',', ".");
    if t.is_empty() || t.matches('.').count() > 1 {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads «да»/«нет» (and «1»/«0», «+»/«-» as Excel users write them).
pub fn read_yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "да" | "1" | "+" | "истина" | "yes" | "true" => Some(true),
        "нет" | "0" | "-" | "ложь" | "no" | "false" => Some(false),
        _ => None,
    }
}

impl Form {
    /// Reads a form's text; every mistake is reported with its line.
    pub fn parse(text: &str) -> Result<Form, Vec<FormError>> {
        let mut form = Form {
            fields: vec![],
            rules: vec![],
        };
        let mut errors = vec![];
        let mut rule_lines = vec![];
        for (k, raw) in text.lines().enumerate() {
            let line = k + 1;
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let error = |message: String| FormError {
                line,
                text: content.to_string(),
                message,
            };
            let Some((key, rest)) = content.split_once(':') else {
                errors.push(error(
                    "нет двоеточия: напишите «ключ: подпись | тип» или «правило: поле <= поле | сообщение»".into(),
                ));
                continue;
            };
            let key = key.trim().to_lowercase();
            if key == "правило" {
                rule_lines.push((line, content.to_string(), rest.to_string()));
                continue;
            }
            match read_field(&key, rest) {
                Ok(field) if form.fields.iter().any(|f| f.key == field.key) => {
                    errors.push(error(format!("поле «{}» уже описано выше", field.key)))
                }
                Ok(field) => form.fields.push(field),
                Err(message) => errors.push(error(message)),
            }
        }
        for (line, content, rest) in rule_lines {
            match read_rule(&rest, &form.fields) {
                Ok(rule) => form.rules.push(rule),
                Err(message) => errors.push(FormError {
                    line,
                    text: content,
                    message,
                }),
            }
        }
        if form.fields.is_empty() && errors.is_empty() {
            errors.push(FormError {
                line: 1,
                text: String::new(),
                message: "в форме нет ни одного поля: опишите поле строкой «ключ: подпись | тип»"
                    .into(),
            });
        }
        errors.sort_by_key(|e| e.line);
        if errors.is_empty() {
            Ok(form)
        } else {
            Err(errors)
        }
    }

    /// The form written back as text (what [`Form::parse`] reads).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for f in &self.fields {
            out.push_str(&format!("{}: {} | {}", f.key, f.label, f.kind.word()));
            if f.required {
                out.push_str(" | обязательно");
            }
            match (f.min, f.max) {
                (Some(a), Some(b)) => {
                    out.push_str(&format!(" | от {} до {}", number_text(a), number_text(b)))
                }
                (Some(a), None) => out.push_str(&format!(" | от {}", number_text(a))),
                (None, Some(b)) => out.push_str(&format!(" | до {}", number_text(b))),
                (None, None) => {}
            }
            if !f.unit.is_empty() {
                out.push_str(&format!(" | {}", f.unit));
            }
            out.push('\n');
        }
        for r in &self.rules {
            let right = match &r.right {
                Operand::Field(k) => k.clone(),
                Operand::Number(v) => number_text(*v),
            };
            out.push_str(&format!(
                "правило: {} {} {right} | {}\n",
                r.left,
                r.compare.symbol(),
                r.message
            ));
        }
        out
    }

    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }

    /// Reads the typed values. With `complete`, required fields must be
    /// filled (submitting); without, only what is typed is checked (a draft).
    pub fn check(&self, typed: &BTreeMap<String, String>, complete: bool) -> Checked {
        let mut checked = Checked::default();
        for f in &self.fields {
            let raw = typed.get(&f.key).map(|s| s.trim()).unwrap_or("");
            let error = |message: String| ValueError {
                key: f.key.clone(),
                label: f.label.clone(),
                value: raw.to_string(),
                message,
            };
            if raw.is_empty() {
                if complete && f.required {
                    checked
                        .errors
                        .push(error("поле обязательно: заполните его".into()));
                }
                continue;
            }
            match read_value(f, raw) {
                Ok(v) => {
                    checked.values.insert(f.key.clone(), v);
                }
                Err(message) => checked.errors.push(error(message)),
            }
        }
        for r in &self.rules {
            let Some(a) = checked.values.get(&r.left).and_then(Value::number) else {
                continue;
            };
            let b = match &r.right {
                Operand::Number(v) => *v,
                Operand::Field(k) => match checked.values.get(k).and_then(Value::number) {
                    Some(v) => v,
                    None => continue,
                },
            };
            if !r.compare.holds(a, b) {
                let f = self.field(&r.left).expect("rules name known fields");
                checked.errors.push(ValueError {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    value: typed.get(&f.key).cloned().unwrap_or_default(),
                    message: r.message.clone(),
                });
            }
        }
        checked
    }
}

fn read_field(key: &str, rest: &str) -> Result<Field, String> {
    if !is_key(key) {
        return Err(format!(
            "ключ «{key}» не годится: пишите одно слово из букв, цифр и «_» («педагоги», «доля_2»)"
        ));
    }
    let mut parts = rest.split('|').map(str::trim);
    let label = parts.next().unwrap_or("").to_string();
    if label.is_empty() {
        return Err("нет подписи поля: напишите вопрос после двоеточия".into());
    }
    let kind_word = parts.next().unwrap_or("");
    let kind = FieldKind::from_word(kind_word).ok_or_else(|| {
        if kind_word.is_empty() {
            "не указан тип поля: допишите «| целое», «| число», «| да/нет» или «| текст»"
                .to_string()
        } else {
            format!(
                "тип «{kind_word}» не известен: напишите «целое», «число», «да/нет» или «текст»"
            )
        }
    })?;
    let mut field = Field {
        key: key.to_string(),
        label,
        kind,
        required: false,
        min: None,
        max: None,
        unit: String::new(),
    };
    for part in parts.filter(|p| !p.is_empty()) {
        let lower = part.to_lowercase();
        if lower.starts_with("обязательн") {
            field.required = true;
        } else if lower.starts_with("от ") || lower.starts_with("до ") {
            read_range(&lower, &mut field)?;
        } else if field.unit.is_empty() && part.chars().count() <= 12 {
            field.unit = part.to_string();
        } else {
            return Err(format!(
                "часть «{part}» не понята: после типа пишут «обязательно», «от 0 до 100» или единицу («чел.»)"
            ));
        }
    }
    if !kind.is_numeric() && (field.min.is_some() || field.max.is_some()) {
        return Err(format!(
            "границы «от … до …» бывают только у чисел, а поле — «{}»",
            kind.word()
        ));
    }
    if let (Some(a), Some(b)) = (field.min, field.max) {
        if a > b {
            return Err(format!(
                "нижняя граница {} больше верхней {}",
                number_text(a),
                number_text(b)
            ));
        }
    }
    Ok(field)
}

/// «от 0 до 100», «от 1», «до 500».
fn read_range(lower: &str, field: &mut Field) -> Result<(), String> {
    let bad =
        || format!("границы «{lower}» не поняты: напишите «от 0 до 100», «от 1» или «до 500»");
    let (from, to) = match lower.strip_prefix("от ") {
        Some(rest) => match rest.split_once(" до ") {
            Some((a, b)) => (Some(a), Some(b)),
            None => (Some(rest), None),
        },
        None => (None, lower.strip_prefix("до ")),
    };
    if let Some(a) = from {
        field.min = Some(read_number(a).ok_or_else(bad)?);
    }
    if let Some(b) = to {
        field.max = Some(read_number(b).ok_or_else(bad)?);
    }
    Ok(())
}

fn read_rule(rest: &str, fields: &[Field]) -> Result<Rule, String> {
    let (condition, message) = rest
        .split_once('|')
        .ok_or("у правила нет сообщения: допишите «| текст, который увидит школа»".to_string())?;
    let message = message.trim().to_string();
    if message.is_empty() {
        return Err("у правила пустое сообщение: напишите, что увидит школа".into());
    }
    let (left, compare, right) = Compare::split(condition)
        .ok_or("в правиле нет сравнения: напишите «поле <= поле» или «поле > 0»".to_string())?;
    let known = |key: &str| -> Result<(), String> {
        match fields.iter().find(|f| f.key == key) {
            Some(f) if f.kind.is_numeric() || f.kind == FieldKind::YesNo => Ok(()),
            Some(f) => Err(format!(
                "поле «{key}» — «{}», сравнивать можно только числа и да/нет",
                f.kind.word()
            )),
            None => Err(format!(
                "поля «{key}» нет в форме; есть: {}",
                fields
                    .iter()
                    .map(|f| f.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    };
    let left = left.trim().to_lowercase();
    known(&left)?;
    let right = right.trim().to_lowercase();
    let right = match read_number(&right) {
        Some(v) => Operand::Number(v),
        None => {
            known(&right)?;
            Operand::Field(right)
        }
    };
    Ok(Rule {
        left,
        compare,
        right,
        message,
    })
}

fn read_value(f: &Field, raw: &str) -> Result<Value, String> {
    let value = match f.kind {
        FieldKind::Text => return Ok(Value::Text(raw.to_string())),
        FieldKind::YesNo => {
            return read_yes_no(raw)
                .map(Value::YesNo)
                .ok_or_else(|| "ответьте «да» или «нет»".to_string())
        }
        FieldKind::Integer => {
            let v = read_number(raw.trim_end_matches('%'))
                .ok_or_else(|| "нужно целое число, например «12»".to_string())?;
            if v.fract() != 0.0 {
                return Err("нужно целое число без дробной части".into());
            }
            v
        }
        FieldKind::Number => read_number(raw.trim_end_matches('%'))
            .ok_or_else(|| "нужно число, например «12» или «0,5»".to_string())?,
    };
    if let Some(min) = f.min.filter(|m| value < *m) {
        return Err(format!(
            "число меньше допустимого: не меньше {}",
            number_text(min)
        ));
    }
    if let Some(max) = f.max.filter(|m| value > *m) {
        return Err(format!(
            "число больше допустимого: не больше {}",
            number_text(max)
        ));
    }
    Ok(Value::Number(value))
}

/// Whether a new numeric answer is far enough from the school's previous
/// one to ask for confirmation: it changed by more than half (or, from
/// zero, by more than 10). Typing «120» for «12» is the usual slip.
pub fn far_from_previous(new: f64, previous: f64) -> bool {
    if previous == 0.0 {
        return new.abs() > 10.0;
    }
    ((new - previous) / previous).abs() > 0.5
}

/// Where a school's answer is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing typed yet.
    NotStarted,
    /// Being filled in by the school.
    Draft,
    /// Sent to the municipality.
    Submitted,
    /// Sent back with a comment.
    Returned,
    /// Accepted by the municipality.
    Accepted,
    /// Confirmed by the region (where the campaign asks for it).
    Approved,
}

/// Who acts on an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Save,
    Submit,
    Return,
    Accept,
    Approve,
}

/// Why a step is not allowed now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StepError(pub String);

impl Status {
    const ALL: [Status; 6] = [
        Status::NotStarted,
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Accepted,
        Status::Approved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Accepted => "accepted",
            Status::Approved => "approved",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn title(self) -> &'static str {
        match self {
            Status::NotStarted => "не начата",
            Status::Draft => "черновик",
            Status::Submitted => "отправлена",
            Status::Returned => "возвращена на доработку",
            Status::Accepted => "принята муниципалитетом",
            Status::Approved => "подтверждена регионом",
        }
    }

    /// The school has sent it and it is not sent back.
    pub fn is_received(self) -> bool {
        matches!(
            self,
            Status::Submitted | Status::Accepted | Status::Approved
        )
    }

    /// Its values are final and flow into indicators.
    pub fn is_final(self, region_step: bool) -> bool {
        match self {
            Status::Approved => true,
            Status::Accepted => !region_step,
            _ => false,
        }
    }

    /// The school may still change its values.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::NotStarted | Status::Draft | Status::Returned)
    }

    /// The status after `step`, or why the step is not allowed.
    pub fn after(self, step: Step, region_step: bool) -> Result<Status, StepError> {
        let refuse = |what: &str| {
            Err(StepError(format!(
                "{what}: форма сейчас в состоянии «{}»",
                self.title()
            )))
        };
        match step {
            Step::Save if self.is_editable() => Ok(match self {
                Status::Returned => Status::Returned,
                _ => Status::Draft,
            }),
            Step::Save => refuse("изменить ответы нельзя"),
            Step::Submit if self.is_editable() => Ok(Status::Submitted),
            Step::Submit => refuse("отправить нельзя"),
            Step::Return if self.is_received() => Ok(Status::Returned),
            Step::Return => refuse("вернуть можно только отправленную форму"),
            Step::Accept if self == Status::Submitted => Ok(Status::Accepted),
            Step::Accept => refuse("принять можно только отправленную форму"),
            Step::Approve if region_step && self == Status::Accepted => Ok(Status::Approved),
            Step::Approve if !region_step => Err(StepError(
                "эта кампания не требует подтверждения регионом".into(),
            )),
            Step::Approve => refuse("подтвердить можно только принятую муниципалитетом форму"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "# Сведения о диагностике педагогов
педагоги: Число педагогических работников | целое | обязательно | от 1 до 500 | чел.
диагностика: Из них прошли диагностику | целое | обязательно | от 0 | чел.
программа: Программа повышения качества размещена на сайте | да/нет | обязательно
ссылка: Адрес страницы с программой | текст
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_form_is_read_from_its_text_and_written_back_the_same() {
        let form = Form::parse(FORM).unwrap();
        assert_eq!(form.fields.len(), 4);
        let teachers = &form.fields[0];
        assert_eq!(
            (teachers.kind, teachers.required, teachers.min, teachers.max),
            (FieldKind::Integer, true, Some(1.0), Some(500.0))
        );
        assert_eq!(teachers.unit, "чел.");
        assert_eq!(form.fields[2].kind, FieldKind::YesNo);
        assert_eq!(form.rules.len(), 1);
        assert_eq!(Form::parse(&form.text()).unwrap(), form);
    }

    #[test]
    fn mistakes_in_a_form_name_the_line_and_say_how_to_fix_it() {
        let errors =
            Form::parse("педагоги: Число | целое\nдиагностика Из них | целое\nх: Вопрос | дата\nправило: педагоги <= учителя | Нельзя")
                .unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 3, "{text:?}");
        assert!(text[0].starts_with("строка 2") && text[0].contains("нет двоеточия"));
        assert!(text[1].starts_with("строка 3") && text[1].contains("тип «дата» не известен"));
        assert!(
            text[2].starts_with("строка 4") && text[2].contains("поля «учителя» нет в форме"),
            "{}",
            text[2]
        );
    }

    #[test]
    fn answers_are_read_as_people_type_them_and_every_mistake_is_listed() {
        let form = Form::parse(FORM).unwrap();
        let ok = form.check(
            &typed(&[
                ("педагоги", "34"),
                ("диагностика", " 17 "),
                ("программа", "Да"),
            ]),
            true,
        );
        assert!(ok.errors.is_empty(), "{:?}", ok.errors);
        assert_eq!(ok.values["программа"], Value::YesNo(true));
        assert_eq!(ok.values["диагностика"], Value::Number(17.0));

        let bad = form.check(
            &typed(&[
                ("педагоги", "12,5"),
                ("диагностика", "40"),
                ("программа", "может быть"),
            ]),
            true,
        );
        let text: Vec<String> = bad.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(bad.errors.len(), 2, "{text:?}");
        assert!(text[0].contains("«12,5»") && text[0].contains("целое"));
        assert!(text[1].contains("«да» или «нет»"));

        let broken_rule = form.check(
            &typed(&[
                ("педагоги", "12"),
                ("диагностика", "40"),
                ("программа", "нет"),
            ]),
            true,
        );
        assert_eq!(
            broken_rule.errors[0].message,
            "Прошедших диагностику не может быть больше, чем педагогов"
        );
    }

    #[test]
    fn a_draft_may_be_incomplete_but_a_submission_may_not() {
        let form = Form::parse(FORM).unwrap();
        let partial = typed(&[("педагоги", "30")]);
        assert!(form.check(&partial, false).errors.is_empty());
        let missing = form.check(&partial, true).errors;
        assert_eq!(missing.len(), 2);
        assert!(missing[0].message.contains("обязательно"));
    }

    #[test]
    fn an_answer_goes_draft_submitted_returned_submitted_accepted() {
        let s = Status::NotStarted.after(Step::Save, false).unwrap();
        assert_eq!(s, Status::Draft);
        let s = s.after(Step::Submit, false).unwrap();
        assert!(s.after(Step::Save, false).is_err(), "a sent form is locked");
        let s = s.after(Step::Return, false).unwrap();
        assert_eq!(s.after(Step::Save, false).unwrap(), Status::Returned);
        let s = s.after(Step::Submit, false).unwrap();
        let s = s.after(Step::Accept, false).unwrap();
        assert!(s.is_final(false) && !s.is_final(true));
        assert!(s.after(Step::Approve, false).is_err());
        assert_eq!(s.after(Step::Approve, true).unwrap(), Status::Approved);
        assert!(Status::Draft
            .after(Step::Accept, false)
            .unwrap_err()
            .0
            .contains("«черновик»"));
    }

    #[test]
    fn a_value_far_from_the_previous_asks_for_confirmation() {
        assert!(far_from_previous(120.0, 12.0));
        assert!(!far_from_previous(14.0, 12.0));
        assert!(far_from_previous(11.0, 0.0));
        assert!(!far_from_previous(3.0, 0.0));
    }
}
