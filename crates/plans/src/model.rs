//! The plan model: a plan with its sections (nested as users number them),
//! activities, responsibles, expected results and statuses.
//!
//! Codes (`"approved"`, `"in_progress"`, …) are stable English identifiers for
//! storage and JSON; every code has a Russian title for people.

use crate::date::Date;
use crate::deadline::{Deadline, Period};
use serde::{Deserialize, Serialize};

/// Defines an enum of stable codes with Russian titles: `ALL`, `code()`,
/// `title()`, `from_code()`, `Display` (the title) and serde by code. The
/// domain crates share it (`opora_plans::coded!`), so every code in the
/// product reads the same way.
#[macro_export]
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $title:literal;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];
            /// Stable code for storage and JSON.
            pub fn code(&self) -> &'static str { match self { $($name::$v => $code,)+ } }
            /// Russian title.
            pub fn title(&self) -> &'static str { match self { $($name::$v => $title,)+ } }
            /// From a stable code (exact).
            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|x| x.code() == code)
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.title()) }
        }
    };
}

/// [`coded!`], and parsing from either the code or the Russian title (any
/// case): plans are written by people who type either.
#[macro_export]
macro_rules! coded_parsed {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $title:literal;)+ }) => {
        $crate::coded!($(#[$m])* $name { $($(#[$vm])* $v = $code, $title;)+ });
        impl $name {
            /// From a code or a Russian title (any case).
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_lowercase();
                $name::ALL.iter().copied().find(|x| x.code() == s || x.title().to_lowercase() == s)
            }
        }
    };
}

coded_parsed!(
    /// Who owns a plan.
    Level {
        Region = "region", "региональный";
        Municipality = "municipality", "муниципальный";
        School = "school", "школьный";
    }
);

coded_parsed!(
    PlanStatus {
        Draft = "draft", "черновик";
        Approved = "approved", "утверждён";
        Archived = "archived", "в архиве";
    }
);

coded_parsed!(
    /// The workflow of an activity. «Просрочено» is not stored: it is computed
    /// from the deadline and a date ([`Activity::is_overdue`]).
    ActivityStatus {
        Planned = "planned", "запланировано";
        InProgress = "in_progress", "в работе";
        Done = "done", "выполнено";
        Verified = "verified", "подтверждено куратором";
        Cancelled = "cancelled", "отменено";
    }
);

impl ActivityStatus {
    /// Allowed transitions: planned → in progress → done → verified; done can
    /// go back to in progress (the curator returns it); anything open can be
    /// cancelled (with a reason), and a cancelled activity can be planned again.
    pub fn can_become(self, to: ActivityStatus) -> bool {
        use ActivityStatus::*;
        matches!(
            (self, to),
            (Planned, InProgress)
                | (Planned, Done)
                | (InProgress, Done)
                | (InProgress, Planned)
                | (Done, Verified)
                | (Done, InProgress)
                | (Verified, InProgress)
                | (Planned | InProgress | Done, Cancelled)
                | (Cancelled, Planned)
        )
    }

    /// Finished: nothing more is expected.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            ActivityStatus::Done | ActivityStatus::Verified | ActivityStatus::Cancelled
        )
    }
}

coded_parsed!(
    /// The document that proves an activity's result.
    DocumentType {
        Order = "order", "приказ";
        Protocol = "protocol", "протокол";
        AnalyticalNote = "analytical_note", "аналитическая справка";
        Report = "report", "отчёт";
        Plan = "plan", "план";
        Programme = "programme", "программа";
        Agreement = "agreement", "соглашение";
        Recommendations = "recommendations", "рекомендации";
        Regulation = "regulation", "положение";
        LocalAct = "local_act", "локальный акт";
        Database = "database", "база данных";
        SurveyResults = "survey_results", "результаты анкетирования";
        Publication = "publication", "публикация на сайте";
        Certificate = "certificate", "удостоверение, сертификат";
        Other = "other", "другое";
    }
);

impl DocumentType {
    /// The document type a result text names, if any («Протоколы заседаний»
    /// → протокол, «Аналитическая информация» → аналитическая справка).
    pub fn detect(result: &str) -> Option<DocumentType> {
        let t = result.to_lowercase().replace('ё', "е");
        // (stem, type), earliest match in the text wins.
        const STEMS: &[(&str, DocumentType)] = &[
            ("приказ", DocumentType::Order),
            ("распоряжени", DocumentType::Order),
            ("протокол", DocumentType::Protocol),
            ("аналитическая справк", DocumentType::AnalyticalNote),
            ("аналитические справк", DocumentType::AnalyticalNote),
            ("аналитическая информац", DocumentType::AnalyticalNote),
            ("аналитический отчет", DocumentType::Report),
            ("аналитического отчет", DocumentType::Report),
            ("справк", DocumentType::AnalyticalNote),
            ("отчет", DocumentType::Report),
            ("соглашени", DocumentType::Agreement),
            ("договор", DocumentType::Agreement),
            ("положени", DocumentType::Regulation),
            ("локальн", DocumentType::LocalAct),
            ("рекомендац", DocumentType::Recommendations),
            ("программ", DocumentType::Programme),
            ("план", DocumentType::Plan),
            ("маршрут", DocumentType::Plan),
            ("база данных", DocumentType::Database),
            ("банк", DocumentType::Database),
            ("анкетирован", DocumentType::SurveyResults),
            ("опрос", DocumentType::SurveyResults),
            ("сайт", DocumentType::Publication),
            ("удостоверени", DocumentType::Certificate),
            ("сертификат", DocumentType::Certificate),
        ];
        STEMS
            .iter()
            .filter_map(|(stem, ty)| t.find(stem).map(|pos| (pos, *ty)))
            .min_by_key(|(pos, _)| *pos)
            .map(|(_, ty)| ty)
    }
}

coded_parsed!(
    /// The part a responsible plays.
    ResponsibleRole {
        /// «ОО, оказывающая поддержку», школа-куратор, школа-наставник.
        SupportingSchool = "supporting_school", "ОО, оказывающая поддержку";
        /// «ОО, которой оказывается поддержка».
        SupportedSchool = "supported_school", "ОО, которой оказывается поддержка";
        /// Institute of education development, methodological centre.
        Institute = "institute", "институт, методический центр";
        /// Ministry, department or municipal education authority.
        Authority = "authority", "орган управления образованием";
        /// Schools in general («ОУ», «общеобразовательные организации»).
        School = "school", "образовательная организация";
        /// A person by position («заместитель директора по УВР»).
        Person = "person", "должностное лицо";
        Other = "other", "другое";
    }
);

impl ResponsibleRole {
    /// Guesses the role from a name or a column header.
    pub fn detect(name: &str) -> ResponsibleRole {
        let t = name.to_lowercase().replace('ё', "е");
        let has = |s: &str| t.contains(s);
        if has("оказывающ") || has("куратор") || has("наставни") || has("лидер")
        {
            ResponsibleRole::SupportingSchool
        } else if has("которой оказыва") || has("получающ") || has("шнор") || has("поддерживаем")
        {
            ResponsibleRole::SupportedSchool
        } else if has("институт")
            || has("иро") && t.len() <= 12
            || has("цнппм")
            || has("методическ") && has("центр")
            || has("рмк")
            || has("рмц")
            || has("имц")
            || has("рмо")
            || has("методическ") && has("объединени")
        {
            ResponsibleRole::Institute
        } else if has("управлени")
            || has("отдел")
            || has("министерств")
            || has("комитет")
            || has("департамент")
            || has("администрац")
        {
            ResponsibleRole::Authority
        } else if has("директор")
            || has("заместител")
            || has("зам.")
            || has("учител")
            || has("педагог")
            || has("психолог")
            || has("руководител")
            || has("классн")
            || has("специалист")
            || has("методист")
            || has("тьютор")
            || has("советник")
        {
            ResponsibleRole::Person
        } else if has("оо")
            || has("оу")
            || has("школ")
            || has("общеобразовательн")
            || has("организаци")
            || has("лицей")
            || has("гимнази")
        {
            ResponsibleRole::School
        } else {
            ResponsibleRole::Other
        }
    }
}

/// A responsible organisation or person, with the part it plays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsible {
    pub name: String,
    pub role: ResponsibleRole,
    /// The part as written in the document (a column header such as
    /// «ОО, оказывающая поддержку»), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

impl Responsible {
    /// Splits a responsible cell into names («Отдел образования …,
    /// общеобразовательные организации» → two), guessing each one's role.
    pub fn split(text: &str, part: Option<&str>) -> Vec<Responsible> {
        let mut out: Vec<Responsible> = Vec::new();
        let mut depth = 0i32;
        let mut cur = String::new();
        let mut pieces = Vec::new();
        for c in text.chars() {
            match c {
                '(' | '«' => depth += 1,
                ')' | '»' => depth -= 1,
                _ => {}
            }
            if depth <= 0 && matches!(c, ',' | ';' | '\n') {
                pieces.push(std::mem::take(&mut cur));
            } else {
                cur.push(c);
            }
        }
        pieces.push(cur);
        for p in pieces {
            let name = p.split_whitespace().collect::<Vec<_>>().join(" ");
            let name = name
                .trim_matches(|c: char| c == '.' || c == '-' || c == '–' || c.is_whitespace())
                .to_string();
            if name.is_empty() || !name.chars().any(|c| c.is_alphabetic()) {
                continue;
            }
            if out.iter().any(|r| r.name == name) {
                continue;
            }
            let role = match part.map(ResponsibleRole::detect) {
                Some(
                    r @ (ResponsibleRole::SupportingSchool | ResponsibleRole::SupportedSchool),
                ) => r,
                _ => ResponsibleRole::detect(&name),
            };
            out.push(Responsible {
                name,
                role,
                part: part.map(str::to_string),
            });
        }
        out
    }
}

/// The document that approved a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Approval {
    /// «приказ», «протокол», «утверждено».
    pub document: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// Who approved it («Директор МОУ «Средняя школа № 46»»), when written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The lines it was read from.
    #[serde(default)]
    pub text: String,
}

/// Where an activity came from in the imported file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceRef {
    /// [table, row] pairs, both from 1: several when the row was continued
    /// across a page break.
    pub rows: Vec<[usize; 2]>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// Identifier in the database, once stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// As numbered in the document («1.1.», «2»), if numbered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub text: String,
    pub deadline: Deadline,
    /// The responsible cell as written.
    #[serde(default)]
    pub responsible_text: String,
    #[serde(default)]
    pub responsibles: Vec<Responsible>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Expected result as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_document: Option<DocumentType>,
    /// Other columns (notes, indicators) as «header: value».
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Code of the programme indicator the activity serves, if linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    pub status: ActivityStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

impl Activity {
    pub fn new(text: &str, deadline: Deadline) -> Activity {
        Activity {
            id: None,
            number: None,
            text: text.to_string(),
            deadline,
            responsible_text: String::new(),
            responsibles: Vec::new(),
            form: None,
            result: None,
            result_document: None,
            notes: Vec::new(),
            indicator: None,
            status: ActivityStatus::Planned,
            cancel_reason: None,
            source: None,
        }
    }

    /// Unfinished and its deadline has passed on `today`.
    pub fn is_overdue(&self, today: Date) -> bool {
        is_overdue(self.status, &self.deadline, today)
    }
}

/// The rule behind «просрочено»: not done, verified or cancelled, and the
/// deadline's last day is before `today`.
pub fn is_overdue(status: ActivityStatus, deadline: &Deadline, today: Date) -> bool {
    !status.is_closed() && deadline.is_past(today)
}

coded_parsed!(
    /// Well-known blocks of support programmes.
    SectionKind {
        Invariant = "invariant", "инвариантная часть";
        Variable = "variable", "вариативная часть";
        Monitoring = "monitoring", "мониторинг эффективности";
        Other = "other", "раздел";
    }
);

impl SectionKind {
    pub fn detect(title: &str) -> SectionKind {
        let t = title.to_lowercase();
        if t.contains("инвариант") {
            SectionKind::Invariant
        } else if t.contains("вариатив") {
            SectionKind::Variable
        } else if t.contains("мониторинг")
            && (t.contains("эффективност")
                || t.contains("результативност")
                || is_monitoring_block(&t))
        {
            SectionKind::Monitoring
        } else {
            SectionKind::Other
        }
    }
}

/// A block named by monitoring alone: «Мониторинг», «Блок мониторинга»,
/// «Мониторинговый блок» (`title` in lower case).
pub(crate) fn is_monitoring_block(title: &str) -> bool {
    let words: Vec<&str> = title
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| w.starts_with("мониторинг"))
        && (words.len() == 1 || words.contains(&"блок"))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Section {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// As numbered («I.», «1.1.»), if numbered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub sections: Vec<Section>,
}

impl Section {
    /// «1. Организационные мероприятия»: the number (if any) and the title.
    pub fn heading(&self) -> String {
        match &self.number {
            Some(n) if !n.trim().is_empty() => format!("{} {}", n.trim(), self.title),
            _ => self.title.clone(),
        }
    }

    pub fn new(number: Option<String>, title: &str) -> Section {
        Section {
            id: None,
            number,
            title: title.to_string(),
            kind: SectionKind::detect(title),
            activities: Vec::new(),
            sections: Vec::new(),
        }
    }
}

/// Notes about an import: what was found and what was guessed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ImportInfo {
    pub file: String,
    /// «docx» or «xlsx».
    pub format: String,
    /// Tables (or sheets) read as the plan table.
    pub tables: usize,
    /// Data rows read from them.
    pub rows: usize,
    /// Rows merged into the previous one (continued across a page break).
    pub merged_rows: usize,
    /// Repeated header rows and column-number rows skipped.
    pub skipped_rows: usize,
    /// Column header → field, as matched.
    pub columns: Vec<(String, String)>,
    /// In Russian: what a person should check.
    pub warnings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub level: Level,
    /// The owning organisation as written (an authority or a school).
    #[serde(default)]
    pub owner: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal: Option<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    pub status: PlanStatus,
    /// Activities outside any section.
    #[serde(default)]
    pub activities: Vec<Activity>,
    #[serde(default)]
    pub sections: Vec<Section>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportInfo>,
}

/// An activity with the path of sections it sits in.
pub struct Located<'a> {
    pub sections: Vec<&'a Section>,
    pub activity: &'a Activity,
}

impl Located<'_> {
    /// The sections as people read the path: «I. Инвариантный блок › 1.2 Кадры».
    pub fn section_path(&self) -> String {
        self.sections
            .iter()
            .map(|s| {
                format!("{} {}", s.number.clone().unwrap_or_default(), s.title)
                    .trim()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(" › ")
    }
}

impl Plan {
    pub fn new(level: Level, title: &str) -> Plan {
        Plan {
            id: None,
            level,
            owner: String::new(),
            title: title.to_string(),
            period: None,
            goal: None,
            tasks: Vec::new(),
            approval: None,
            status: PlanStatus::Draft,
            activities: Vec::new(),
            sections: Vec::new(),
            import: None,
        }
    }

    /// Every activity in document order, with its sections.
    pub fn all_activities(&self) -> Vec<Located<'_>> {
        fn walk<'a>(s: &'a Section, path: &mut Vec<&'a Section>, out: &mut Vec<Located<'a>>) {
            path.push(s);
            for a in &s.activities {
                out.push(Located {
                    sections: path.clone(),
                    activity: a,
                });
            }
            for c in &s.sections {
                walk(c, path, out);
            }
            path.pop();
        }
        let mut out: Vec<Located> = self
            .activities
            .iter()
            .map(|a| Located {
                sections: Vec::new(),
                activity: a,
            })
            .collect();
        for s in &self.sections {
            walk(s, &mut Vec::new(), &mut out);
        }
        out
    }

    /// Every section in document order with its depth (0 = top level).
    pub fn all_sections(&self) -> Vec<(usize, &Section)> {
        fn walk<'a>(s: &'a Section, depth: usize, out: &mut Vec<(usize, &'a Section)>) {
            out.push((depth, s));
            for c in &s.sections {
                walk(c, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        for s in &self.sections {
            walk(s, 0, &mut out);
        }
        out
    }

    pub fn activity_count(&self) -> usize {
        self.all_activities().len()
    }

    /// Re-reads every deadline against the plan's current period (after the
    /// period has been set or corrected).
    pub fn reparse_deadlines(&mut self) {
        let period = self.period.clone();
        let fix = |a: &mut Activity| {
            a.deadline = crate::deadline::parse_deadline(&a.deadline.text, period.as_ref())
        };
        fn walk(s: &mut Section, fix: &dyn Fn(&mut Activity)) {
            s.activities.iter_mut().for_each(fix);
            for c in &mut s.sections {
                walk(c, fix);
            }
        }
        self.activities.iter_mut().for_each(fix);
        for s in &mut self.sections {
            walk(s, &fix);
        }
    }
}

/// Evidence files: at most this size.
pub const MAX_EVIDENCE_BYTES: u64 = 20 * 1024 * 1024;

/// File types accepted as evidence (documents, tables, scans, photos, archives).
pub const EVIDENCE_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "ppt", "pptx", "odp", "jpg",
    "jpeg", "png", "zip", "txt",
];

/// Checks an evidence file's name and size; the reason in Russian when refused.
pub fn check_evidence_file(name: &str, size: u64) -> Result<(), String> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    if name.trim().is_empty() {
        return Err("у файла нет имени".into());
    }
    if !EVIDENCE_EXTENSIONS.contains(&ext.as_str()) {
        return Err(format!(
            "файл «{name}»: тип «{}» не принимается; допустимы {}",
            if ext.is_empty() {
                "без расширения".to_string()
            } else {
                ext
            },
            EVIDENCE_EXTENSIONS.join(", ")
        ));
    }
    if size == 0 {
        return Err(format!("файл «{name}» пустой"));
    }
    if size > MAX_EVIDENCE_BYTES {
        return Err(format!(
            "файл «{name}» больше {} МБ",
            MAX_EVIDENCE_BYTES / 1024 / 1024
        ));
    }
    Ok(())
}

/// Checks an evidence link: http or https only.
pub fn check_evidence_link(url: &str) -> Result<(), String> {
    let u = url.trim();
    let rest = u
        .strip_prefix("https://")
        .or_else(|| u.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(char::is_whitespace) && u.len() <= 2000 => Ok(()),
        _ => Err(format!(
            "ссылка «{u}» должна начинаться с http:// или https://"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_kinds() {
        let cases = [
            ("Инвариантная часть", SectionKind::Invariant),
            ("Инвариантный блок", SectionKind::Invariant),
            ("Вариативный блок", SectionKind::Variable),
            ("Мониторинг эффективности", SectionKind::Monitoring),
            ("Мониторинг", SectionKind::Monitoring),
            ("Блок мониторинга", SectionKind::Monitoring),
            ("Мониторинговый блок", SectionKind::Monitoring),
            ("Мониторинг результатов ВПР", SectionKind::Other),
            ("Работа с кадрами", SectionKind::Other),
        ];
        for (title, kind) in cases {
            assert_eq!(SectionKind::detect(title), kind, "{title}");
        }
    }

    #[test]
    fn codes_and_titles() {
        assert_eq!(
            ActivityStatus::parse("в работе"),
            Some(ActivityStatus::InProgress)
        );
        assert_eq!(
            ActivityStatus::parse("verified"),
            Some(ActivityStatus::Verified)
        );
        assert_eq!(
            serde_json::to_string(&ActivityStatus::InProgress).unwrap(),
            "\"in_progress\""
        );
        assert_eq!(Level::School.title(), "школьный");
        assert!(ActivityStatus::Planned.can_become(ActivityStatus::InProgress));
        assert!(!ActivityStatus::Planned.can_become(ActivityStatus::Verified));
        assert!(ActivityStatus::Done.can_become(ActivityStatus::Verified));
        assert!(!ActivityStatus::Cancelled.can_become(ActivityStatus::Done));
    }

    #[test]
    fn document_types() {
        let cases = [
            (
                "Аналитическая информация",
                Some(DocumentType::AnalyticalNote),
            ),
            ("Протокол заседания", Some(DocumentType::Protocol)),
            (
                "Приказ отдела образования, опеки и попечительства",
                Some(DocumentType::Order),
            ),
            (
                "Программы повышения качества образования",
                Some(DocumentType::Programme),
            ),
            ("Протоколы заседаний", Some(DocumentType::Protocol)),
            (
                "Результаты анкетирования",
                Some(DocumentType::SurveyResults),
            ),
            (
                "Размещение информации на сайтах ОО",
                Some(DocumentType::Publication),
            ),
            (
                "Аналитический отчет диагностического исследования",
                Some(DocumentType::Report),
            ),
            (
                "Приказ о закреплении наставников",
                Some(DocumentType::Order),
            ),
            ("соглашение", Some(DocumentType::Agreement)),
            ("Локальные акты", Some(DocumentType::LocalAct)),
            ("Курсовая подготовка", None),
        ];
        for (text, want) in cases {
            assert_eq!(DocumentType::detect(text), want, "{text}");
        }
    }

    #[test]
    fn responsibles() {
        let r = Responsible::split("Отдел образования администрации Алексеевского муниципального района, общеобразовательные организации", None);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].role, ResponsibleRole::Authority);
        assert_eq!(r[1].role, ResponsibleRole::School);
        let r = Responsible::split(
            "Заместители директора по УВР, классные руководители, учителя-предметники",
            None,
        );
        assert_eq!(
            r.iter().map(|x| x.role).collect::<Vec<_>>(),
            [ResponsibleRole::Person; 3]
        );
        let r = Responsible::split(
            "МБОУ «СОШ № 1, корпус 2»",
            Some("ОО, оказывающая поддержку"),
        );
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].role, ResponsibleRole::SupportingSchool);
        assert_eq!(
            Responsible::split("РМК, ОУ", None)
                .iter()
                .map(|x| x.role)
                .collect::<Vec<_>>(),
            [ResponsibleRole::Institute, ResponsibleRole::School]
        );
        assert!(Responsible::split(" , ;", None).is_empty());
    }

    #[test]
    fn evidence_rules() {
        assert!(check_evidence_file("Протокол.PDF", 1000).is_ok());
        assert!(check_evidence_file("virus.exe", 10)
            .unwrap_err()
            .contains("не принимается"));
        assert!(check_evidence_file("big.pdf", MAX_EVIDENCE_BYTES + 1).is_err());
        assert!(check_evidence_file("empty.pdf", 0).is_err());
        assert!(check_evidence_link("https://school.ru/doc").is_ok());
        assert!(check_evidence_link("javascript:alert(1)").is_err());
    }
}
