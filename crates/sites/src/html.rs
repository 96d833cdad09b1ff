//! Reading a fetched page: its encoding, and what the audit needs from it
//! (links with their texts, microdata names, title and first heading).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1251};
use scraper::{ElementRef, Html, Selector};
use std::collections::BTreeSet;

/// A link as written on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    /// The link's own text (or its `title`, or an image's `alt`).
    pub text: String,
    /// The text of the list item, paragraph or table cell around the link
    /// when it is short: «Программа … <a>скачать</a>».
    pub context: String,
}

/// What the audit reads from a page.
#[derive(Debug, Default)]
pub struct PageInfo {
    pub base: Option<String>,
    pub links: Vec<Link>,
    /// `itemprop` names, in lower case.
    pub itemprops: BTreeSet<String>,
    pub title: String,
    pub h1: String,
    /// `<meta http-equiv="refresh" content="0; url=…">`
    pub refresh: Option<String>,
}

impl PageInfo {
    /// A «page not found» answered with 200, as many site builders do: a
    /// title or first heading saying so, or a short one with «404» («Ошибка
    /// 404»; not «Приказ № 404 от 01.09.2024 о …»).
    pub fn looks_not_found(&self) -> bool {
        [&self.title, &self.h1].iter().any(|t| {
            let t = crate::text::fold(t);
            let words: Vec<&str> = t.split(' ').collect();
            (words.contains(&"404") && words.len() <= 4)
                || t.contains("не найден")
                || t.contains("not found")
                || t.contains("не существует")
        })
    }
}

/// Decodes page bytes: a byte-order mark, then the charset of the
/// `Content-Type` header, then `<meta charset>` in the first 2 KB, then
/// UTF-8 if the bytes are valid UTF-8, else Windows-1251 (the usual
/// encoding of older Russian sites).
pub fn decode(body: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom)) = Encoding::for_bom(body) {
        return enc.decode_without_bom_handling(&body[bom..]).0.into_owned();
    }
    let declared = content_type
        .and_then(charset_of)
        .or_else(|| meta_charset(&body[..body.len().min(2048)]));
    let enc = match declared {
        // A page cannot declare UTF-16 in ASCII (HTML standard).
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(body).is_ok() => UTF_8,
        None => WINDOWS_1251,
    };
    enc.decode_without_bom_handling(body).0.into_owned()
}

fn charset_of(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")? + "charset=".len();
    let label: String = lower[at..]
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    Encoding::for_label(label.as_bytes())
}

fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let text: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii() {
                b.to_ascii_lowercase() as char
            } else {
                ' '
            }
        })
        .collect();
    let mut from = 0;
    while let Some(i) = text[from..].find("<meta") {
        let start = from + i;
        let end = text[start..].find('>').map_or(text.len(), |e| start + e);
        if let Some(enc) = charset_of(&text[start..end]) {
            return Some(enc);
        }
        from = end;
    }
    None
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("a fixed selector")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text_of(e: ElementRef) -> String {
    squash(&e.text().collect::<String>())
}

const CONTEXT_LIMIT: usize = 300;

/// The text of the nearest list item, paragraph, cell or heading around a
/// link, if it is short enough to be about this link alone.
fn context_of(a: ElementRef) -> String {
    for node in a.ancestors() {
        let Some(e) = ElementRef::wrap(node) else {
            continue;
        };
        let name = e.value().name();
        if matches!(
            name,
            "li" | "p"
                | "td"
                | "th"
                | "dd"
                | "dt"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "figcaption"
                | "caption"
        ) {
            let t = text_of(e);
            return if t.chars().count() <= CONTEXT_LIMIT {
                t
            } else {
                String::new()
            };
        }
        if matches!(name, "body" | "ul" | "ol" | "table" | "nav") {
            break;
        }
    }
    String::new()
}

/// Reads what the audit needs from a decoded page.
pub fn parse(text: &str) -> PageInfo {
    let doc = Html::parse_document(text);
    let mut info = PageInfo {
        base: doc
            .select(&selector("base[href]"))
            .next()
            .and_then(|b| b.value().attr("href"))
            .map(str::to_string),
        title: doc
            .select(&selector("title"))
            .next()
            .map(text_of)
            .unwrap_or_default(),
        h1: doc
            .select(&selector("h1"))
            .next()
            .map(text_of)
            .unwrap_or_default(),
        ..PageInfo::default()
    };
    for a in doc.select(&selector("a[href], area[href]")) {
        let href = a
            .value()
            .attr("href")
            .unwrap_or_default()
            .trim()
            .to_string();
        let mut text = text_of(a);
        if text.is_empty() {
            text = a
                .value()
                .attr("title")
                .map(squash)
                .or_else(|| {
                    a.select(&selector("img[alt]"))
                        .next()
                        .and_then(|i| i.value().attr("alt"))
                        .map(squash)
                })
                .unwrap_or_default();
        }
        let context = context_of(a);
        info.links.push(Link {
            href,
            text,
            context,
        });
    }
    for f in doc.select(&selector("frame[src], iframe[src]")) {
        info.links.push(Link {
            href: f.value().attr("src").unwrap_or_default().trim().to_string(),
            text: String::new(),
            context: String::new(),
        });
    }
    for e in doc.select(&selector("[itemprop]")) {
        for name in e
            .value()
            .attr("itemprop")
            .unwrap_or_default()
            .split_whitespace()
        {
            info.itemprops.insert(name.to_ascii_lowercase());
        }
    }
    for m in doc.select(&selector("meta[http-equiv][content]")) {
        if m.value()
            .attr("http-equiv")
            .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
        {
            let content = m.value().attr("content").unwrap_or_default();
            let lower = content.to_ascii_lowercase();
            if let Some(i) = lower.find("url=") {
                let target = content[i + 4..].trim().trim_matches(['"', '\'']);
                if !target.is_empty() {
                    info.refresh = Some(target.to_string());
                }
            }
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1251_is_read_from_the_header_the_meta_or_by_guess() {
        let html =
            "<html><head><title>Сведения</title></head><body>Основные сведения</body></html>";
        let (bytes, _, _) = WINDOWS_1251.encode(html);
        assert_eq!(
            decode(&bytes, Some("text/html; charset=windows-1251")),
            html
        );
        assert_eq!(decode(&bytes, Some("text/html")), html);
        let with_meta =
            "<html><head><meta charset=\"windows-1251\"><title>Школа</title></head></html>";
        let (bytes, _, _) = WINDOWS_1251.encode(with_meta);
        assert_eq!(decode(&bytes, None), with_meta);
        let http_equiv = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=cp1251\"><p>Документы</p>";
        let (bytes, _, _) = WINDOWS_1251.encode(http_equiv);
        assert_eq!(decode(&bytes, Some("text/html")), http_equiv);
        assert_eq!(decode("Школа".as_bytes(), None), "Школа");
    }

    #[test]
    fn links_texts_context_and_microdata() {
        let p = parse(
            r#"<html><head><title>Документы</title><base href="/sub/"></head><body>
            <ul><li>Программа повышения качества образования <a href="p.pdf">скачать</a></li></ul>
            <a href="/x" title="Руководство"></a>
            <a href="/y"><img src="i.png" alt="Питание"></a>
            <div itemprop="fullName regDate">..</div><span itemprop="AddressPlace">..</span>
            <iframe src="/frame"></iframe></body></html>"#,
        );
        assert_eq!(p.base.as_deref(), Some("/sub/"));
        assert_eq!(p.title, "Документы");
        assert_eq!(p.links[0].text, "скачать");
        assert_eq!(
            p.links[0].context,
            "Программа повышения качества образования скачать"
        );
        assert_eq!(p.links[1].text, "Руководство");
        assert_eq!(p.links[2].text, "Питание");
        assert_eq!(p.links[3].href, "/frame");
        assert!(p.itemprops.contains("fullname") && p.itemprops.contains("regdate"));
        assert!(p.itemprops.contains("addressplace"));
        assert!(!p.looks_not_found());
        assert!(parse("<title>Ошибка 404</title>").looks_not_found());
        assert!(parse("<title>404 Not Found</title>").looks_not_found());
        assert!(
            !parse("<title>Приказ № 404 от 01.09.2024 об утверждении программы</title>")
                .looks_not_found()
        );
        assert!(parse("<h1>Страница не найдена</h1>").looks_not_found());
        assert_eq!(
            parse(r#"<meta http-equiv="refresh" content="0; URL='/index.php'">"#).refresh,
            Some("/index.php".to_string())
        );
    }
}
