//! Website audit: does a school's site publish what it must?
//!
//! Two kinds of obligations, listed as data in [`default_requirements`]
//! (the file `requirements.toml`, which a methodologist can edit):
//!
//! - the section «Сведения об образовательной организации» with its
//!   fourteen subsections, as the federal requirements list them (pages);
//! - what a programme of support adds for a ШНОР / ШНСУ: the programme of
//!   raising the quality of education (of transition to an effective mode of
//!   work), the order approving it, the plan of measures (road map),
//!   analytical reports on assessment results and on teachers' competences,
//!   addressed recommendations, network agreements (documents).
//!
//! [`check_site`] (or a [`Crawler`]) visits the site and returns an
//! [`Audit`]: one [`Finding`] per requirement, found or missing, with the
//! address and the reason (`evidence`).
//!
//! # What counts as found
//!
//! A **page** requirement is found on a page of the site that opened (2xx,
//! HTML, not a «page not found» answered with 200) when any one of these
//! holds, strongest first (a stronger marker replaces a weaker one found
//! earlier):
//!
//! 1. *the usual address*: the page's path ends with one of the
//!    requirement's `paths` (`/sveden/common`), ignoring letter case, a
//!    trailing slash, `index.*` and `.html`/`.php`;
//! 2. *microdata*: the page carries two different `itemprop` names of the
//!    requirement's list (one if the list has one) — the markup the
//!    federal requirements prescribe for each subsection;
//! 3. *a Russian address inside the section*: the last segment of the path
//!    holds all word stems of one of the requirement's `slugs`, and an
//!    earlier segment is the section (`svedeniya-ob-obrazovatelnoy-organizatsii`,
//!    `сведения-об-…`, `sveden`). Cyrillic and the usual transliterations
//!    are compared alike (see [`text`]). Outside the section the same words
//!    are not enough: `/news/pitanie` is news about meals, not the
//!    subsection;
//! 4. *the link text*: a link to the page starts with one of the
//!    requirement's `link_texts` («Основные сведения»), letter case, «ё»,
//!    punctuation and menu numbering ignored.
//!
//! A **document** requirement is found when a link on a visited page points
//! to a file with one of the requirement's `extensions` (PDF, DOC, DOCX,
//! ODT), one of its `keywords` entries is in the link text, in the short text
//! around the link (the list item, paragraph or table cell: «Программа …
//! (скачать)») or in the file name (also transliterated), none of its
//! `exclude` entries is in any of them (an order approving the programme is
//! not the programme), and the file exists on the site: `HEAD` answers 2xx
//! with a type other than HTML, or, when the server refuses `HEAD`, a `GET`
//! of its first bytes (`Range`, cut off at [`Options::document_bytes`])
//! does. Documents are never downloaded whole. A link without an extension
//! that turns out to be a PDF or Word file counts the same way.
//!
//! A missing requirement's evidence says what was seen instead: an address
//! closed by robots.txt, a link that does not open, a file on another site
//! (never requested), or how many pages were searched and whether the page
//! limit stopped the search.
//!
//! # Manners
//!
//! The crawler reads robots.txt first and never requests a closed address
//! (a server error on robots.txt stops the check, as RFC 9309 asks); keeps
//! [`Options::delay`] between requests (or the site's `Crawl-delay`, up to
//! five seconds); makes one request at a time; stays on the site (see
//! [`site`]: the same host and port, `http` and `https` alike, `www.`
//! ignored), following redirects itself only within it; reads at most
//! [`Options::page_bytes`] of a page; stops at [`Options::max_pages`] page
//! requests; decodes Windows-1251 pages (header, `<meta>`, or a guess).
//! Links that do not open are recorded in [`Audit::broken_links`]; only a
//! site that cannot be checked at all is an error ([`SiteError`]).

pub mod audit;
pub mod crawl;
pub mod error;
pub mod html;
pub mod matching;
pub mod requirements;
pub mod site;
pub mod text;

pub use audit::{Audit, BrokenLink, Finding, Status};
pub use crawl::{check_site, Crawler, Options, ROBOT_NAME};
pub use error::SiteError;
pub use requirements::{default_requirements, requirements_from_toml, Group, Kind, Requirement};
