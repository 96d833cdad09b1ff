//! What a school must publish: the requirement list as data.
//!
//! The default list is [`requirements.toml`](../requirements.toml), compiled
//! in. A methodologist's edited copy is read with [`requirements_from_toml`]
//! and checked the same way.

use crate::error::SiteError;
use serde::{Deserialize, Serialize};

/// Which part of the obligations a requirement belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// A subsection of «Сведения об образовательной организации».
    Sveden,
    /// A document of the programme of support of a ШНОР / ШНСУ.
    Programme,
}

impl Group {
    pub fn code(self) -> &'static str {
        match self {
            Group::Sveden => "sveden",
            Group::Programme => "programme",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Group::Sveden => "Сведения об образовательной организации",
            Group::Programme => "Документы программы поддержки (ШНОР, ШНСУ)",
        }
    }
}

/// What is looked for: a page of the site or a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Page,
    Document,
}

/// One thing a school's site must have, with the markers that show it.
/// The markers are explained in `docs/sites.md` and in the crate's doc.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable English code (kept in stored audits).
    pub code: String,
    /// Stable short Russian key, the requirement's name in indicator
    /// formulas (`сайт.программа`): lower-case letters, digits and `_`,
    /// starting with a letter.
    pub key: String,
    /// The Russian name, as the federal requirements name it.
    pub name: String,
    pub group: Group,
    pub kind: Kind,
    /// Pages: the usual paths («/sveden/common»).
    #[serde(default)]
    pub paths: Vec<String>,
    /// Pages: word stems of a Russian address inside the section, one entry
    /// per alternative («основн сведен»).
    #[serde(default)]
    pub slugs: Vec<String>,
    /// Pages: the start of the text of a link to the page.
    #[serde(default)]
    pub link_texts: Vec<String>,
    /// Pages: microdata names (`itemprop`) typical of the page.
    #[serde(default)]
    pub itemprops: Vec<String>,
    /// Documents: entries of word stems, one entry per alternative.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Documents: entries of word stems that rule a document out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Documents: file extensions, without the dot.
    #[serde(default)]
    pub extensions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    requirement: Vec<Requirement>,
}

const DEFAULT: &str = include_str!("../requirements.toml");

/// The list of the federal requirements for a school's site and the
/// documents a programme of support adds, in the order people read them.
pub fn default_requirements() -> Vec<Requirement> {
    requirements_from_toml(DEFAULT).expect("the built-in requirements.toml is checked by tests")
}

/// Reads a requirement list in the format of `requirements.toml` and checks
/// it: codes unique, names present, every requirement has a marker of its
/// kind.
pub fn requirements_from_toml(text: &str) -> Result<Vec<Requirement>, SiteError> {
    let file: File = basic_toml::from_str(text)
        .map_err(|e| SiteError::Requirements(format!("файл не читается: {e}")))?;
    let mut codes = std::collections::HashSet::new();
    let mut keys = std::collections::HashSet::new();
    for r in &file.requirement {
        let bad =
            |what: &str| SiteError::Requirements(format!("«{}» ({}): {what}", r.name, r.code));
        if r.code.trim().is_empty() || r.name.trim().is_empty() {
            return Err(SiteError::Requirements(format!(
                "у требования «{}» нет кода или названия",
                if r.name.is_empty() { &r.code } else { &r.name }
            )));
        }
        if !codes.insert(r.code.as_str()) {
            return Err(bad("код повторяется"));
        }
        if !is_key(&r.key) {
            return Err(bad(&format!(
                "короткий ключ «{}» должен состоять из строчных букв, цифр и «_» и начинаться с буквы",
                r.key
            )));
        }
        if !keys.insert(r.key.as_str()) {
            return Err(bad(&format!("короткий ключ «{}» повторяется", r.key)));
        }
        match r.kind {
            Kind::Page => {
                if r.paths.is_empty()
                    && r.slugs.is_empty()
                    && r.link_texts.is_empty()
                    && r.itemprops.is_empty()
                {
                    return Err(bad(
                        "у страницы нет ни адреса, ни слов адреса, ни текста ссылки, ни микроразметки",
                    ));
                }
                if let Some(p) = r.paths.iter().find(|p| !p.starts_with('/')) {
                    return Err(bad(&format!("адрес «{p}» должен начинаться с «/»")));
                }
            }
            Kind::Document => {
                if r.keywords.iter().all(|k| k.trim().is_empty()) {
                    return Err(bad("у документа нет ключевых слов"));
                }
                if r.extensions.is_empty() {
                    return Err(bad("у документа нет расширений файлов"));
                }
            }
        }
    }
    Ok(file.requirement)
}

/// A short key as formulas read it: `программа`, `основные_сведения`.
fn is_key(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_alphabetic())
        && key
            .chars()
            .all(|c| c == '_' || c.is_ascii_digit() || (c.is_alphabetic() && !c.is_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_reads_and_names_the_federal_subsections() {
        let list = default_requirements();
        let names: Vec<&str> = list
            .iter()
            .filter(|r| r.group == Group::Sveden)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Основные сведения",
                "Структура и органы управления образовательной организацией",
                "Документы",
                "Образование",
                "Образовательные стандарты и требования",
                "Руководство",
                "Педагогический состав",
                "Материально-техническое обеспечение и оснащённость образовательного процесса. Доступная среда",
                "Платные образовательные услуги",
                "Финансово-хозяйственная деятельность",
                "Вакантные места для приёма (перевода) обучающихся",
                "Стипендии и меры поддержки обучающихся",
                "Международное сотрудничество",
                "Организация питания в образовательной организации",
            ]
        );
        let programme = list.iter().filter(|r| r.group == Group::Programme).count();
        assert_eq!(programme, 7);
        assert!(list
            .iter()
            .filter(|r| r.kind == Kind::Document)
            .all(|r| r.extensions == ["pdf", "doc", "docx", "odt"]));
    }

    #[test]
    fn every_requirement_has_a_short_key_for_formulas() {
        let list = default_requirements();
        let keys: Vec<(&str, &str)> = list
            .iter()
            .map(|r| (r.code.as_str(), r.key.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("common", "основные_сведения"),
                ("struct", "структура"),
                ("document", "документы"),
                ("education", "образование"),
                ("edu_standards", "стандарты"),
                ("managers", "руководство"),
                ("employees", "педагогический_состав"),
                ("objects", "материально_техническое_обеспечение"),
                ("paid_edu", "платные_услуги"),
                ("budget", "финансово_хозяйственная_деятельность"),
                ("vacant", "вакантные_места"),
                ("grants", "стипендии"),
                ("inter", "международное_сотрудничество"),
                ("catering", "питание"),
                ("programme", "программа"),
                ("programme_order", "приказ_о_программе"),
                ("roadmap", "дорожная_карта"),
                ("assessment_reports", "справки_о_результатах"),
                ("teacher_diagnostics", "справки_о_компетенциях"),
                ("recommendations", "адресные_рекомендации"),
                ("network_agreements", "сетевые_договоры"),
            ]
        );
        let page = |key: &str| {
            format!(
                "[[requirement]]\ncode = \"x\"\nkey = \"{key}\"\nname = \"Икс\"\ngroup = \"sveden\"\nkind = \"page\"\npaths = [\"/x\"]\n"
            )
        };
        assert!(requirements_from_toml(&page("икс_2")).is_ok());
        for bad in ["", "Икс", "2икс", "икс-игрек", "икс игрек"] {
            let e = requirements_from_toml(&page(bad)).unwrap_err();
            assert!(e.to_string().contains("короткий ключ"), "{bad}: {e}");
        }
        let twice = format!("{}{}", page("икс"), page("икс").replace("\"x\"", "\"y\""));
        let e = requirements_from_toml(&twice).unwrap_err();
        assert!(e.to_string().contains("ключ «икс» повторяется"), "{e}");
    }

    #[test]
    fn an_edited_list_is_checked() {
        let e = requirements_from_toml(
            "[[requirement]]\ncode = \"x\"\nkey = \"икс\"\nname = \"Икс\"\ngroup = \"sveden\"\nkind = \"page\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("нет ни адреса"), "{e}");
        let e = requirements_from_toml(
            "[[requirement]]\ncode = \"x\"\nkey = \"икс\"\nname = \"Икс\"\ngroup = \"sveden\"\nkind = \"page\"\npaths = [\"sveden/x\"]\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("начинаться с «/»"), "{e}");
        let e =
            requirements_from_toml("[[requirement]]\ncode = \"x\"\nnme = \"Икс\"\n").unwrap_err();
        assert!(e.to_string().contains("не читается"), "{e}");
    }
}
