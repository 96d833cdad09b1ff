//! Why a formula cannot be read, in Russian, pointing at the mistake.

/// Where a mistake is: line (from 1), the line's key when it has one, the
/// position of the bad token (in characters from 1, counting from the start
/// of the line, the key included) and the token as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    /// The key («вид», «знаменатель», «числитель»), `None` when the line
    /// has no known key.
    pub key: Option<&'static str>,
    pub column: usize,
    /// The bad token or expression as written (empty at the end of a line).
    pub token: String,
}

/// A mistake in a formula: where (absent for a missing line) and what.
///
/// Displayed as «строка 3 (числитель), позиция 12: неизвестное поле
/// «сайт.програма». …».
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct FormulaError {
    pub place: Option<Place>,
    pub kind: ErrorKind,
}

impl std::fmt::Display for FormulaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(p) = &self.place {
            write!(f, "строка {}", p.line)?;
            if let Some(k) = &p.key {
                write!(f, " ({k})")?;
            }
            write!(f, ", позиция {}: ", p.column)?;
        }
        write!(f, "{}", self.kind)
    }
}

/// What is wrong. The texts are whole Russian sentences (without the place).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ErrorKind {
    #[error(
        "нужна строка вида «ключ: выражение», например «числитель: сайт.программа = \"найдено\"»"
    )]
    NoKey,
    #[error("неизвестный ключ «{key}».{} Ключи: вид, знаменатель, числитель", maybe(.suggestion))]
    UnknownKey {
        key: String,
        suggestion: Option<String>,
    },
    #[error("ключ «{key}» уже задан в строке {first_line}")]
    DuplicateKey { key: String, first_line: usize },
    #[error("нет строки «{key}: …»{hint}")]
    MissingKey {
        key: &'static str,
        /// Why the line is needed and an example, starting with «: » or empty.
        hint: &'static str,
    },
    #[error("неизвестный вид «{word}».{} Напишите «доля», «количество» или «среднее <числовое выражение>»", maybe(.suggestion))]
    UnknownKind {
        word: String,
        suggestion: Option<String>,
    },
    #[error("после «среднее» нужно числовое выражение, например «вид: среднее огэ.математика»")]
    MeanWithoutExpression,
    #[error("пустое выражение: после «{key}:» ничего не написано")]
    Empty { key: String },
    #[error("скобка «(» не закрыта")]
    UnclosedParen,
    #[error("лишняя скобка «)»: для неё нет открывающей «(»")]
    ExtraParen,
    #[error("кавычка {quote} не закрыта: текст пишут в кавычках «…» или \"…\"")]
    UnclosedQuote { quote: char },
    #[error("непонятный знак «{ch}»")]
    BadChar { ch: char },
    #[error("ожидается {expected}, а написано «{found}»")]
    Unexpected {
        found: String,
        expected: &'static str,
    },
    #[error("выражение оборвалось: ожидается {expected}")]
    UnexpectedEnd { expected: &'static str },
    #[error("неизвестное поле «{name}».{} Известные поля: {}", maybe(.suggestion), .known.join(", "))]
    UnknownField {
        name: String,
        suggestion: Option<String>,
        /// The dictionary's names, in its order.
        known: Box<[String]>,
    },
    /// Two sides of a comparison (or a list item) of different types:
    /// «поле «огэ.математика» — число, а сравнивается с текстом «найдено»».
    #[error("{left}, а сравнивается с {right}")]
    TypeMismatch {
        /// «поле «x» — число».
        left: String,
        /// «текстом «найдено»», «полем «y» (текст)».
        right: String,
    },
    #[error("«{op}» считает только числа, а {what}")]
    NotNumber { op: String, what: String },
    #[error("сравнение «{op}» — только для чисел, а {what}; тексты и да/нет сравнивают через «=», «≠» или «в (…)»")]
    OrderOnNonNumbers { op: String, what: String },
    #[error("здесь нужно условие (например, «огэ.математика >= 4» или «категория = \"ШНОР\"»), а {what}")]
    NotCondition { what: String },
    #[error("условие «{text}» нельзя использовать как значение")]
    ConditionAsValue { text: String },
    #[error("в списке «в (…)» пишут только значения — числа, тексты в кавычках, да или нет, — а здесь «{token}»")]
    ListItem { token: String },
    #[error("в «есть(…)» пишут одно поле, например «есть(огэ.математика)», а здесь «{token}»")]
    HasNeedsField { token: String },
    #[error("деление на ноль")]
    DivisionByZero,
    #[error(
        "выражение слишком глубокое: больше {0} вложенных скобок, «не», «-» и действий подряд"
    )]
    TooDeep(usize),
}

/// « Возможно, имелось в виду «x».» or nothing.
fn maybe(s: &Option<String>) -> String {
    match s {
        Some(s) => format!(" Возможно, имелось в виду «{s}»."),
        None => String::new(),
    }
}
