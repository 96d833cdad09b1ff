//! Tokens of one line's expression, each with its position in the line.

use super::error::ErrorKind;
use super::text::fold;

/// The language's words (matched without regard to case, «ё» as «е»).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    And,
    Or,
    Not,
    In,
    Yes,
    No,
    Has,
    All,
}

impl Word {
    fn of(folded: &str) -> Option<Word> {
        Some(match folded {
            "и" => Word::And,
            "или" => Word::Or,
            "не" => Word::Not,
            "в" => Word::In,
            "да" => Word::Yes,
            "нет" => Word::No,
            "есть" => Word::Has,
            "все" => Word::All,
            _ => return None,
        })
    }
}

/// Operators and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Open,
    Close,
    /// «,» or «;» between list items.
    Sep,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Num(f64),
    Str(String),
    /// A name (a field, or a word of `вид:`), as written.
    Name(String),
    Word(Word),
    Sym(Sym),
}

/// A token and where it is: `start`..`end` are character positions in the
/// line, from 1, `end` exclusive.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// A lexing mistake: the column (from 1), the token as written, the kind.
pub(crate) type LexError = (usize, String, ErrorKind);

/// The tokens of `line[from..]` (characters), up to a `#` outside quotes.
pub(crate) fn tokens(line: &[char], from: usize) -> Result<Vec<Token>, LexError> {
    let mut out = Vec::new();
    let mut i = from;
    let col = |i: usize| i + 1;
    while i < line.len() {
        let c = line[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            break;
        }
        let start = i;
        let tok = if c.is_ascii_digit() {
            while i < line.len() && line[i].is_ascii_digit() {
                i += 1;
            }
            // A comma or point followed by a digit is the decimal separator;
            // «в (9, 11)» needs the space to be a list.
            if i + 1 < line.len() && matches!(line[i], ',' | '.') && line[i + 1].is_ascii_digit() {
                i += 1;
                while i < line.len() && line[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let s: String = line[start..i].iter().collect();
            let x: f64 = s
                .replace(',', ".")
                .parse()
                .expect("digits with one separator");
            Tok::Num(x)
        } else if c.is_alphabetic() || c == '_' {
            while i < line.len() && (line[i].is_alphanumeric() || matches!(line[i], '_' | '.')) {
                i += 1;
            }
            let s: String = line[start..i].iter().collect();
            match Word::of(&fold(&s)) {
                Some(w) => Tok::Word(w),
                None => Tok::Name(s),
            }
        } else if let Some(close) = closing_quote(c) {
            // «…» may nest («ООО «Ромашка»»); the others may not.
            let nests = c == '«';
            let mut depth = 0;
            i += 1;
            let body = i;
            loop {
                match line.get(i) {
                    None => {
                        let written: String = line[start..].iter().collect();
                        return Err((
                            col(start),
                            written.trim_end().to_string(),
                            ErrorKind::UnclosedQuote { quote: c },
                        ));
                    }
                    Some(&ch) if nests && ch == '«' => depth += 1,
                    Some(&ch) if ch == close && depth > 0 => depth -= 1,
                    Some(&ch) if ch == close => break,
                    Some(_) => {}
                }
                i += 1;
            }
            let s: String = line[body..i].iter().collect();
            i += 1;
            Tok::Str(s)
        } else {
            let next = line.get(i + 1).copied();
            let (sym, len) = match (c, next) {
                ('<', Some('=')) => (Sym::Le, 2),
                ('>', Some('=')) => (Sym::Ge, 2),
                ('!', Some('=')) | ('<', Some('>')) => (Sym::Ne, 2),
                ('=', _) => (Sym::Eq, 1),
                ('≠', _) => (Sym::Ne, 1),
                ('<', _) => (Sym::Lt, 1),
                ('≤', _) => (Sym::Le, 1),
                ('>', _) => (Sym::Gt, 1),
                ('≥', _) => (Sym::Ge, 1),
                ('+', _) => (Sym::Plus, 1),
                // The typographic minus and the dash Word puts for «-».
                ('-' | '−' | '–', _) => (Sym::Minus, 1),
                ('*' | '×', _) => (Sym::Star, 1),
                ('/', _) => (Sym::Slash, 1),
                ('(', _) => (Sym::Open, 1),
                (')', _) => (Sym::Close, 1),
                (',' | ';', _) => (Sym::Sep, 1),
                _ => return Err((col(i), c.to_string(), ErrorKind::BadChar { ch: c })),
            };
            i += len;
            Tok::Sym(sym)
        };
        out.push(Token {
            tok,
            start: col(start),
            end: col(i),
        });
    }
    Ok(out)
}

/// The closing quote of an opening one: "…", «…», “…”, „…“.
fn closing_quote(c: char) -> Option<char> {
    match c {
        '"' => Some('"'),
        '«' => Some('»'),
        '“' => Some('”'),
        '„' => Some('“'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        let line: Vec<char> = s.chars().collect();
        tokens(&line, 0)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn numbers_take_a_decimal_comma_only_between_digits() {
        assert_eq!(toks("0,1"), vec![Tok::Num(0.1)]);
        assert_eq!(toks("2.5"), vec![Tok::Num(2.5)]);
        assert_eq!(
            toks("(9, 11)"),
            vec![
                Tok::Sym(Sym::Open),
                Tok::Num(9.0),
                Tok::Sym(Sym::Sep),
                Tok::Num(11.0),
                Tok::Sym(Sym::Close)
            ]
        );
    }

    #[test]
    fn quotes_of_every_kind_and_nested_guillemets() {
        assert_eq!(toks("\"найдено\""), vec![Tok::Str("найдено".into())]);
        assert_eq!(
            toks("«ООО «Ромашка»»"),
            vec![Tok::Str("ООО «Ромашка»".into())]
        );
        assert_eq!(toks("“да”"), vec![Tok::Str("да".into())]);
        assert_eq!(toks("\"a # b\" # c"), vec![Tok::Str("a # b".into())]);
    }

    #[test]
    fn words_are_case_insensitive_and_names_keep_their_dots() {
        assert_eq!(
            toks("НЕ огэ.Математика ИЛИ Всё"),
            vec![
                Tok::Word(Word::Not),
                Tok::Name("огэ.Математика".into()),
                Tok::Word(Word::Or),
                Tok::Word(Word::All)
            ]
        );
    }

    #[test]
    fn positions_count_characters_from_one() {
        let line: Vec<char> = "ключ: аб >= 1".chars().collect();
        let t = tokens(&line, 5).unwrap();
        assert_eq!((t[0].start, t[0].end), (7, 9));
        assert_eq!((t[1].start, t[1].end), (10, 12));
    }
}
