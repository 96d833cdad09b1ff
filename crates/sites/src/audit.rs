//! The result of a check: one finding per requirement.

use crate::requirements::{Group, Requirement};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Found,
    Missing,
}

impl Status {
    /// Stable code: `found`, `missing`.
    pub fn code(self) -> &'static str {
        match self {
            Status::Found => "found",
            Status::Missing => "missing",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Status::Found => "найдено",
            Status::Missing => "не найдено",
        }
    }
}

/// What the check found for one requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The requirement's Russian name.
    pub requirement: String,
    /// The requirement's stable code.
    pub code: String,
    pub group: Group,
    pub status: Status,
    /// The page or document that satisfies it (none when missing).
    pub url: Option<String>,
    /// Why, in Russian: the address, microdata, link text or file name that
    /// matched; for a missing one, what was seen instead (closed by
    /// robots.txt, a broken link, a file on another site) or how much was
    /// searched.
    pub evidence: String,
}

impl Finding {
    pub fn found(r: &Requirement, url: String, evidence: String) -> Finding {
        Finding {
            requirement: r.name.clone(),
            code: r.code.clone(),
            group: r.group,
            status: Status::Found,
            url: Some(url),
            evidence,
        }
    }

    pub fn missing(r: &Requirement, evidence: String) -> Finding {
        Finding {
            requirement: r.name.clone(),
            code: r.code.clone(),
            group: r.group,
            status: Status::Missing,
            url: None,
            evidence,
        }
    }
}

/// A link of the site that does not open. Recorded, never fatal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    pub url: String,
    /// The page that links to it.
    pub from: Option<String>,
    /// In Russian: «ошибка 404», «нет ответа за 20 с», …
    pub reason: String,
}

/// One check of one site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audit {
    /// The home page, as finally reached (after redirects within the site).
    pub url: String,
    /// When the check started: UTC, `YYYY-MM-DDTHH:MM:SSZ` (ISO 8601).
    pub checked_at: String,
    /// Page requests made (each redirect step counts), at most the page
    /// limit.
    pub pages_visited: usize,
    /// Documents whose existence was confirmed or refuted (HEAD or a
    /// limited GET).
    pub documents_checked: usize,
    /// The page limit stopped the crawl before the site was exhausted.
    pub limit_reached: bool,
    /// One finding per requirement, in the requirements' order.
    pub items: Vec<Finding>,
    pub broken_links: Vec<BrokenLink>,
}

impl Audit {
    pub fn found_count(&self) -> usize {
        self.items
            .iter()
            .filter(|f| f.status == Status::Found)
            .count()
    }
}
