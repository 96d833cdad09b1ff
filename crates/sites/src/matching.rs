//! Whether a page or a linked file satisfies a requirement, and why.
//! The rules are described in the crate's documentation and `docs/sites.md`.

use crate::html::Link;
use crate::requirements::{Kind, Requirement};
use crate::text::{fold, latin_words, starts_with_phrase, Stems};
use std::collections::BTreeSet;

/// How strong a marker is; a stronger one replaces a weaker one found
/// earlier (declaration order: strongest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Path,
    Itemprop,
    Slug,
    LinkText,
    Document,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub rank: Rank,
    pub evidence: String,
}

struct Compiled {
    paths: Vec<String>,
    slugs: Vec<(Stems, String)>,
    link_texts: Vec<String>,
    itemprops: Vec<(String, String)>,
    keywords: Vec<Stems>,
    exclude: Vec<Stems>,
    extensions: Vec<String>,
}

/// The stem that marks the section's folder in a Russian address
/// («svedeniya-ob-obrazovatelnoy-organizatsii», «сведения-об-…», «sveden»).
const SECTION_STEM: &str = "sveden";
/// The start of the link text of the section itself.
const SECTION_TEXT: &str = "сведения об образовательной организации";

/// Page suffixes that do not change what a page is.
const PAGE_SUFFIXES: &[&str] = &[".html", ".htm", ".shtml", ".php", ".aspx", ".asp"];

/// Extensions of files that are never pages and never a requirement's
/// document; links to them are not followed.
const NOT_PAGES: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "bmp", "svg", "webp", "ico", "tif", "tiff", "mp3", "wav", "mp4",
    "avi", "mov", "wmv", "flv", "webm", "mkv", "zip", "rar", "7z", "gz", "tar", "xls", "xlsx",
    "ppt", "pptx", "pps", "ppsx", "odp", "ods", "rtf", "txt", "csv", "xml", "exe", "msi", "apk",
    "css", "js", "json", "djvu", "swf", "pdf", "doc", "docx", "odt",
];

/// A path percent-decoded, in lower case, without a trailing slash, an
/// `index.*` file or a page suffix.
pub fn normalise_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut p = decoded.to_lowercase();
    while p.len() > 1 && p.ends_with('/') {
        p.pop();
    }
    if let Some((head, last)) = p.rsplit_once('/') {
        if last.starts_with("index.") {
            p = head.to_string();
        } else if let Some(s) = PAGE_SUFFIXES.iter().find(|s| last.ends_with(*s)) {
            p.truncate(p.len() - s.len());
        }
    }
    if p.is_empty() {
        p.push('/');
    }
    p
}

/// The extension of an address's last segment, in lower case.
pub fn extension(path: &str) -> Option<String> {
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5).then(|| ext.to_ascii_lowercase())
}

/// The file name of an address, percent-decoded.
pub fn file_name(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or("");
    percent_encoding::percent_decode_str(last)
        .decode_utf8_lossy()
        .into_owned()
}

fn quote(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() > MAX {
        format!("«{}…»", s.chars().take(MAX).collect::<String>())
    } else {
        format!("«{s}»")
    }
}

pub struct Matcher {
    pub reqs: Vec<Requirement>,
    compiled: Vec<Compiled>,
    document_extensions: BTreeSet<String>,
}

impl Matcher {
    pub fn new(reqs: Vec<Requirement>) -> Matcher {
        let compiled: Vec<Compiled> = reqs
            .iter()
            .map(|r| Compiled {
                paths: r.paths.iter().map(|p| normalise_path(p)).collect(),
                slugs: r
                    .slugs
                    .iter()
                    .map(|s| (Stems::parse(s), s.clone()))
                    .filter(|(s, _)| !s.is_empty())
                    .collect(),
                link_texts: r
                    .link_texts
                    .iter()
                    .map(|t| fold(t))
                    .filter(|t| !t.is_empty())
                    .collect(),
                itemprops: {
                    let mut seen = BTreeSet::new();
                    r.itemprops
                        .iter()
                        .filter(|p| seen.insert(p.to_ascii_lowercase()))
                        .map(|p| (p.to_ascii_lowercase(), p.clone()))
                        .collect()
                },
                keywords: r
                    .keywords
                    .iter()
                    .map(|k| Stems::parse(k))
                    .filter(|k| !k.is_empty())
                    .collect(),
                exclude: r
                    .exclude
                    .iter()
                    .map(|k| Stems::parse(k))
                    .filter(|k| !k.is_empty())
                    .collect(),
                extensions: r
                    .extensions
                    .iter()
                    .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                    .collect(),
            })
            .collect();
        let document_extensions = reqs
            .iter()
            .zip(&compiled)
            .filter(|(r, _)| r.kind == Kind::Document)
            .flat_map(|(_, c)| c.extensions.iter().cloned())
            .collect();
        Matcher {
            reqs,
            compiled,
            document_extensions,
        }
    }

    pub fn len(&self) -> usize {
        self.reqs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    pub fn kind(&self, i: usize) -> Kind {
        self.reqs[i].kind
    }

    /// Whether a path (below the site's folder) is a file some requirement
    /// looks for.
    pub fn is_document(&self, path: &str) -> bool {
        extension(path).is_some_and(|e| self.document_extensions.contains(&e))
    }

    /// Whether a path is a file that is neither a page nor a document looked
    /// for (an image, an archive, …).
    pub fn is_other_file(&self, path: &str) -> bool {
        extension(path).is_some_and(|e| {
            NOT_PAGES.contains(&e.as_str()) && !self.document_extensions.contains(&e)
        })
    }

    /// The page is in the section «Сведения об образовательной организации»
    /// (by its address or the text of the link to it): crawled before the
    /// rest of the site.
    pub fn in_section(&self, rel_path: &str, link_text: &str) -> bool {
        let norm = normalise_path(rel_path);
        norm.split('/')
            .any(|seg| latin_words(seg).iter().any(|w| w.starts_with(SECTION_STEM)))
            || starts_with_phrase(&fold(link_text), SECTION_TEXT)
    }

    /// A page requirement met by the page's address: a usual path, or the
    /// words of a Russian address inside the section.
    pub fn by_address(&self, i: usize, rel_path: &str) -> Option<Hit> {
        let c = &self.compiled[i];
        if self.reqs[i].kind != Kind::Page {
            return None;
        }
        let norm = normalise_path(rel_path);
        if let Some(p) = c.paths.iter().find(|p| norm.ends_with(p.as_str())) {
            return Some(Hit {
                rank: Rank::Path,
                evidence: format!("адрес {}", quote(p)),
            });
        }
        let segments: Vec<&str> = norm.split('/').filter(|s| !s.is_empty()).collect();
        let (last, earlier) = segments.split_last()?;
        let in_section = earlier
            .iter()
            .any(|seg| latin_words(seg).iter().any(|w| w.starts_with(SECTION_STEM)));
        if !in_section {
            return None;
        }
        let words = latin_words(last);
        let (_, spec) = c.slugs.iter().find(|(s, _)| s.all_in(&words))?;
        Some(Hit {
            rank: Rank::Slug,
            evidence: format!(
                "адрес в разделе сведений {} (слова {})",
                quote(&format!("…/{last}")),
                quote(spec)
            ),
        })
    }

    /// A page requirement met by the page's microdata: two different names
    /// of the requirement's list (one if the list has one).
    pub fn by_itemprops(&self, i: usize, props: &BTreeSet<String>) -> Option<Hit> {
        let c = &self.compiled[i];
        if self.reqs[i].kind != Kind::Page || c.itemprops.is_empty() {
            return None;
        }
        let hits: Vec<&str> = c
            .itemprops
            .iter()
            .filter(|(lower, _)| props.contains(lower))
            .map(|(_, name)| name.as_str())
            .collect();
        (hits.len() >= c.itemprops.len().min(2)).then(|| Hit {
            rank: Rank::Itemprop,
            evidence: format!("микроразметка itemprop: {}", hits.join(", ")),
        })
    }

    /// A page requirement met by the text of a link to the page.
    pub fn by_link_text(&self, i: usize, text: &str) -> Option<Hit> {
        if self.reqs[i].kind != Kind::Page {
            return None;
        }
        let t = fold(text);
        self.compiled[i]
            .link_texts
            .iter()
            .any(|p| starts_with_phrase(&t, p))
            .then(|| Hit {
                rank: Rank::LinkText,
                evidence: format!("текст ссылки {}", quote(text)),
            })
    }

    /// A document requirement met by a link to a file: the file's extension
    /// is the requirement's, one keyword entry is in the link text, the text
    /// next to the link or the file name, and no exclusion is in any of them.
    /// `name` is the file name (percent-decoded), `ext` its extension in
    /// lower case (from the name, or from the type the server gave).
    pub fn by_document(&self, i: usize, link: &Link, name: &str, ext: &str) -> Option<Hit> {
        let c = &self.compiled[i];
        if self.reqs[i].kind != Kind::Document || !c.extensions.iter().any(|e| e == ext) {
            return None;
        }
        let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
        let sources = [
            ("текст ссылки", link.text.as_str()),
            ("текст рядом со ссылкой", link.context.as_str()),
            ("имя файла", stem),
        ];
        let words: Vec<Vec<String>> = sources.iter().map(|(_, t)| latin_words(t)).collect();
        let all: Vec<String> = words.iter().flatten().cloned().collect();
        if c.exclude.iter().any(|x| x.all_in(&all)) {
            return None;
        }
        let (k, _) = sources
            .iter()
            .zip(&words)
            .find(|(_, w)| c.keywords.iter().any(|k| k.all_in(w)))?;
        let evidence = if k.0 == "имя файла" {
            format!("файл {}", quote(name))
        } else {
            format!("файл {}, {} {}", quote(name), k.0, quote(k.1))
        };
        Some(Hit {
            rank: Rank::Document,
            evidence,
        })
    }

    /// Whether an address or link text points at a page some requirement in
    /// `wanted` looks for: such links are followed first.
    pub fn promising(&self, wanted: impl Fn(usize) -> bool, rel_path: &str, text: &str) -> bool {
        (0..self.len()).any(|i| {
            wanted(i)
                && (self.by_address(i, rel_path).is_some() || self.by_link_text(i, text).is_some())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::default_requirements;

    fn matcher() -> Matcher {
        Matcher::new(default_requirements())
    }

    fn idx(m: &Matcher, code: &str) -> usize {
        m.reqs.iter().position(|r| r.code == code).unwrap()
    }

    fn doc(m: &Matcher, i: usize, link: &Link, path: &str) -> Option<Hit> {
        let name = file_name(path);
        m.by_document(i, link, &name, &extension(path).unwrap_or_default())
    }

    fn link(text: &str, context: &str) -> Link {
        Link {
            href: String::new(),
            text: text.into(),
            context: context.into(),
        }
    }

    #[test]
    fn usual_paths_match_in_any_usual_form() {
        let m = matcher();
        let common = idx(&m, "common");
        for p in [
            "/sveden/common",
            "/sveden/common/",
            "/Sveden/Common.html",
            "/sveden/common/index.php",
            "/ru/sveden/common",
        ] {
            assert_eq!(m.by_address(common, p).unwrap().rank, Rank::Path, "{p}");
        }
        assert!(m.by_address(common, "/mysveden/common").is_none());
        assert!(m.by_address(common, "/sveden/commonplace").is_none());
        let st = idx(&m, "edu_standards");
        assert!(m.by_address(st, "/sveden/edustandarts").is_some());
    }

    #[test]
    fn russian_addresses_match_by_words_inside_the_section() {
        let m = matcher();
        let cases = [
            ("common", "/svedeniya-ob-obrazovatelnoy-organizatsii/osnovnye-svedeniya/"),
            ("struct", "/svedeniya-ob-obrazovatelnoy-organizatsii/struktura-i-organy-upravleniya-obrazovatelnoy-organizatsiey"),
            ("objects", "/svedeniya-ob-obrazovatelnoy-organizatsii/materialno-tehnicheskoe-obespechenie"),
            ("objects", "/svedeniya-ob-obrazovatelnoy-organizatsii/dostupnaya-sreda"),
            ("vacant", "/svedeniya-ob-obrazovatelnoy-organizatsii/vakantnye-mesta-dlya-priema-perevoda-obuchayuschihsya"),
            ("catering", "/%D1%81%D0%B2%D0%B5%D0%B4%D0%B5%D0%BD%D0%B8%D1%8F/%D0%BE%D1%80%D0%B3%D0%B0%D0%BD%D0%B8%D0%B7%D0%B0%D1%86%D0%B8%D1%8F-%D0%BF%D0%B8%D1%82%D0%B0%D0%BD%D0%B8%D1%8F"),
            ("grants", "/sveden/stipendii-i-mery-podderzhki"),
            ("employees", "/svedeniya/pedagogicheskiy-sostav"),
            ("education", "/svedeniya-ob-oo/obrazovanie"),
        ];
        for (code, path) in cases {
            let i = idx(&m, code);
            let hit = m.by_address(i, path);
            assert_eq!(hit.map(|h| h.rank), Some(Rank::Slug), "{code} {path}");
        }
        // Outside the section the same words are not enough.
        assert!(m
            .by_address(idx(&m, "catering"), "/novosti/pitanie")
            .is_none());
        // «Образовательные стандарты» is not «Образование».
        assert!(m
            .by_address(idx(&m, "education"), "/svedeniya/obrazovatelnye-standarty")
            .is_none());
        // «Основные образовательные программы» is not «Основные сведения».
        assert!(m
            .by_address(
                idx(&m, "common"),
                "/svedeniya/osnovnye-obrazovatelnye-programmy"
            )
            .is_none());
    }

    #[test]
    fn link_texts_and_microdata() {
        let m = matcher();
        let grants = idx(&m, "grants");
        assert!(m
            .by_link_text(grants, "  Стипендии и меры поддержки обучающихся")
            .is_some());
        assert!(m
            .by_link_text(
                idx(&m, "employees"),
                "Руководство. Педагогический (научно-педагогический) состав"
            )
            .is_some());
        assert!(m
            .by_link_text(idx(&m, "education"), "Образовательные стандарты")
            .is_none());
        let props: BTreeSet<String> = ["fullname", "regdate", "telephone"]
            .into_iter()
            .map(String::from)
            .collect();
        let hit = m.by_itemprops(idx(&m, "common"), &props).unwrap();
        assert_eq!(hit.evidence, "микроразметка itemprop: fullName, regDate");
        let one: BTreeSet<String> = ["regdate".to_string()].into();
        assert!(m.by_itemprops(idx(&m, "common"), &one).is_none());
        assert!(m.by_itemprops(idx(&m, "catering"), &props).is_none());
    }

    #[test]
    fn documents_by_link_text_context_or_file_name() {
        let m = matcher();
        let prog = idx(&m, "programme");
        let order = idx(&m, "programme_order");
        let hit = doc(
            &m,
            prog,
            &link("Программа перехода в эффективный режим работы", ""),
            "/files/p.pdf",
        )
        .unwrap();
        assert_eq!(
            hit.evidence,
            "файл «p.pdf», текст ссылки «Программа перехода в эффективный режим работы»"
        );
        assert!(doc(
            &m,
            prog,
            &link(
                "скачать",
                "Программа повышения качества образования (скачать)"
            ),
            "/f/1.docx"
        )
        .is_some());
        assert!(doc(
            &m,
            prog,
            &link("скачать", ""),
            "/f/programma_povysheniya_kachestva.pdf"
        )
        .is_some());
        // Wrong extension, or an order approving the programme.
        assert!(doc(
            &m,
            prog,
            &link("Программа повышения качества", ""),
            "/f/p.xlsx"
        )
        .is_none());
        let order_link = link(
            "Приказ об утверждении программы повышения качества образования",
            "",
        );
        assert!(doc(&m, prog, &order_link, "/f/prikaz.pdf").is_none());
        assert!(doc(&m, order, &order_link, "/f/prikaz.pdf").is_some());
        let diag = link("Аналитическая справка по результатам диагностики профессиональных компетенций педагогов", "");
        assert!(doc(&m, idx(&m, "teacher_diagnostics"), &diag, "/a.pdf").is_some());
        assert!(doc(&m, idx(&m, "assessment_reports"), &diag, "/a.pdf").is_none());
        let vpr = link("Анализ результатов ВПР 2024", "");
        assert!(doc(&m, idx(&m, "assessment_reports"), &vpr, "/a.pdf").is_some());
        assert!(doc(
            &m,
            idx(&m, "network_agreements"),
            &link("Договор о сетевом взаимодействии с МБОУ СОШ №2", ""),
            "/d.odt"
        )
        .is_some());
    }

    #[test]
    fn files_and_pages() {
        let m = matcher();
        assert!(m.is_document("/files/Программа.PDF"));
        assert!(!m.is_document("/sveden/common"));
        assert!(m.is_other_file("/img/logo.png"));
        assert!(!m.is_other_file("/files/a.pdf"));
        assert!(m.in_section("/sveden/", ""));
        assert!(m.in_section("/svedeniya-ob-obrazovatelnoy-organizatsii/", ""));
        assert!(m.in_section("/page?id=3", "Сведения об образовательной организации"));
        assert!(!m.in_section("/news", "Новости"));
    }
}
