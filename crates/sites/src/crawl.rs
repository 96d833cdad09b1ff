//! The crawler: one polite visitor, one request at a time.
//!
//! Order of work: robots.txt, the home page, then the links that look like
//! a requirement (by address or link text) and the files a requirement
//! looks for, then the section «Сведения об образовательной организации»
//! (the usual `/sveden/…` addresses are visited even when nothing links to
//! them), then the rest of the site breadth-first. The crawl stops when
//! every requirement is found, when the site is exhausted, or at the page
//! limit.

use crate::audit::{Audit, BrokenLink, Finding};
use crate::error::SiteError;
use crate::html::{self, Link, PageInfo};
use crate::matching::{extension, file_name, Hit, Matcher};
use crate::requirements::{Kind, Requirement};
use crate::site::{parse_start, Site};
use reqwest::header::{
    HeaderValue, ACCEPT, ACCEPT_ENCODING, ACCEPT_LANGUAGE, CONTENT_TYPE, LOCATION, RANGE,
};
use reqwest::{Method, Response};
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;
use texting_robots::Robot;
use tokio::time::Instant;
use url::Url;

/// The crawler's limits and manners.
#[derive(Clone, Debug)]
pub struct Options {
    /// Pause between two requests to the site (at least the site's
    /// `Crawl-delay`, up to [`Options::max_crawl_delay`]).
    pub delay: Duration,
    /// Page requests at most (each redirect step counts).
    pub max_pages: usize,
    /// Documents checked at most.
    pub max_documents: usize,
    /// Bytes of a page read at most; the rest is not downloaded.
    pub page_bytes: usize,
    /// Bytes of a document read at most when the server refuses `HEAD`
    /// (a `GET` with `Range`, cut off after this many bytes).
    pub document_bytes: usize,
    /// Time for one request, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// The longest `Crawl-delay` of robots.txt that is honoured.
    pub max_crawl_delay: Duration,
    /// `User-Agent`; its first word is the name matched in robots.txt.
    pub user_agent: String,
}

/// The name robots.txt rules can address.
pub const ROBOT_NAME: &str = "OporaSiteAudit";

impl Default for Options {
    fn default() -> Options {
        Options {
            delay: Duration::from_millis(200),
            max_pages: 300,
            max_documents: 100,
            page_bytes: 5 * 1024 * 1024,
            document_bytes: 64 * 1024,
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_crawl_delay: Duration::from_secs(5),
            user_agent: format!(
                "{ROBOT_NAME}/{} (school website audit; Opora)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

const MAX_REDIRECTS: usize = 10;
const ROBOTS_BYTES: usize = 512 * 1024;

/// Checks one site against the requirements.
pub async fn check_site(
    start: &str,
    requirements: &[Requirement],
    options: &Options,
) -> Result<Audit, SiteError> {
    Crawler::new(requirements.to_vec(), options.clone())?
        .check(start)
        .await
}

/// A configured crawler; one can check many sites, one after another.
pub struct Crawler {
    client: reqwest::Client,
    options: Options,
    requirements: Vec<Requirement>,
}

impl Crawler {
    pub fn new(requirements: Vec<Requirement>, mut options: Options) -> Result<Crawler, SiteError> {
        // The home page is always visited.
        options.max_pages = options.max_pages.max(1);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(options.user_agent.clone())
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout)
            .gzip(true)
            .build()
            .map_err(|e| SiteError::Client(e.to_string()))?;
        Ok(Crawler {
            client,
            options,
            requirements,
        })
    }

    /// Checks the site at `start` (`https://` is assumed when no scheme is
    /// given, and `http://` tried when that does not connect).
    pub async fn check(&self, start: &str) -> Result<Audit, SiteError> {
        let checked_at = now_text();
        let (start_url, explicit) = parse_start(start)?;
        let mut run = Run::new(self, &start_url);
        match run.load_robots().await {
            Err(SiteError::Unreachable { .. }) if !explicit => {
                let mut http = start_url.clone();
                let _ = http.set_scheme("http");
                run = Run::new(self, &http);
                run.load_robots().await?;
            }
            other => other?,
        }
        run.crawl().await?;
        Ok(run.finish(checked_at))
    }
}

fn now_text() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Russian words for a failed request.
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    if e.is_timeout() {
        format!("нет ответа за {} с", timeout.as_secs())
    } else if e.is_connect() {
        format!("не удалось соединиться ({root})")
    } else if e.is_body() || e.is_decode() {
        format!("ответ оборвался ({root})")
    } else {
        format!("ошибка запроса ({root})")
    }
}

fn content_type(resp: &Response) -> String {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn is_html(content_type: &str) -> bool {
    content_type.is_empty()
        || content_type.starts_with("text/html")
        || content_type.starts_with("application/xhtml")
}

/// The extension a file type usually has, for files served without one.
fn extension_of_type(content_type: &str) -> Option<&'static str> {
    let t = content_type.split(';').next().unwrap_or("").trim();
    Some(match t {
        "application/pdf" => "pdf",
        "application/msword" => "doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "docx",
        "application/vnd.oasis.opendocument.text" => "odt",
        _ => return None,
    })
}

/// Reads at most `limit` bytes of a body; the rest is never downloaded
/// (dropping the response closes the connection).
async fn read_limited(mut resp: Response, limit: usize) -> Result<Vec<u8>, reqwest::Error> {
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await? {
        let room = limit - buf.len();
        if chunk.len() >= room {
            buf.extend_from_slice(&chunk[..room]);
            break;
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Keeps the pause between requests.
struct Pacer {
    delay: Duration,
    last: Option<Instant>,
}

impl Pacer {
    async fn wait(&mut self) {
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + self.delay).await;
        }
        self.last = Some(Instant::now());
    }
}

/// Where a request ended after the redirects within the site.
enum Followed {
    Response(Url, Response),
    /// A redirect to another site (not followed).
    OffSite(Url),
    /// A redirect into an address closed by robots.txt (not followed).
    Blocked(Url),
    /// A redirect to a page already visited.
    Known(Url),
    Error(Url, String),
    Loop(Url),
    /// The page limit was reached on the way.
    Budget,
}

enum Priority {
    /// Looks like a requirement (address or link text).
    Urgent,
    /// In the section «Сведения об образовательной организации».
    Section,
    Other,
}

#[derive(Clone)]
enum JobKind {
    Page,
    /// A usual address visited although nothing linked to it: not being
    /// there is not a broken link.
    Probe(usize),
}

struct Job {
    url: Url,
    from: Option<Url>,
    link: Link,
    kind: JobKind,
}

/// What became of a page address.
#[derive(Clone)]
enum PageState {
    Ok(Url),
    Broken(String),
}

/// What became of a document address.
#[derive(Clone)]
enum DocState {
    Queued,
    Exists(Url),
    Missing(String),
}

struct Best {
    hit: Hit,
    url: Url,
}

/// One check of one site.
struct Run<'a> {
    crawler: &'a Crawler,
    matcher: Matcher,
    site: Site,
    start: Url,
    home: Option<Url>,
    robots: Option<Robot>,
    pacer: Pacer,
    urgent: VecDeque<Job>,
    section: VecDeque<Job>,
    other: VecDeque<Job>,
    documents: VecDeque<(Url, Option<Url>)>,
    seen: HashSet<String>,
    pages: HashMap<String, PageState>,
    /// Link-text hits for pages not visited yet, by address.
    pending: HashMap<String, Vec<(usize, Hit)>>,
    docs: HashMap<String, DocState>,
    doc_hits: HashMap<String, Vec<(usize, Hit)>>,
    best: Vec<Option<Best>>,
    /// Why a requirement was not found although something pointed at it.
    notes: Vec<Option<String>>,
    broken: Vec<BrokenLink>,
    /// Usual addresses visited without a link that did not open: a broken
    /// link only once a page links to them.
    probe_misses: HashMap<String, (Url, String)>,
    /// The first page linking to an address that was already queued.
    linked_from: HashMap<String, Url>,
    pages_visited: usize,
    documents_checked: usize,
    limit_reached: bool,
}

fn key(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.to_string()
}

impl<'a> Run<'a> {
    fn new(crawler: &'a Crawler, start: &Url) -> Run<'a> {
        let matcher = Matcher::new(crawler.requirements.clone());
        let n = matcher.len();
        Run {
            crawler,
            matcher,
            site: Site::new(start),
            start: {
                let mut s = start.clone();
                s.set_fragment(None);
                s
            },
            home: None,
            robots: None,
            pacer: Pacer {
                delay: crawler.options.delay,
                last: None,
            },
            urgent: VecDeque::new(),
            section: VecDeque::new(),
            other: VecDeque::new(),
            documents: VecDeque::new(),
            seen: HashSet::new(),
            pages: HashMap::new(),
            pending: HashMap::new(),
            docs: HashMap::new(),
            doc_hits: HashMap::new(),
            best: (0..n).map(|_| None).collect(),
            notes: vec![None; n],
            broken: Vec::new(),
            probe_misses: HashMap::new(),
            linked_from: HashMap::new(),
            pages_visited: 0,
            documents_checked: 0,
            limit_reached: false,
        }
    }

    fn options(&self) -> &Options {
        &self.crawler.options
    }

    fn allowed(&self, url: &Url) -> bool {
        self.robots.as_ref().is_none_or(|r| r.allowed(url.as_str()))
    }

    fn found(&self, i: usize) -> bool {
        self.best[i].is_some()
    }

    fn all_found(&self) -> bool {
        self.best.iter().all(Option::is_some)
    }

    fn offer(&mut self, i: usize, hit: Hit, url: &Url) {
        if self.best[i].as_ref().is_none_or(|b| hit.rank < b.hit.rank) {
            tracing::debug!(requirement = %self.matcher.reqs[i].code, %url, evidence = %hit.evidence, "found");
            self.best[i] = Some(Best {
                hit,
                url: url.clone(),
            });
        }
    }

    fn note(&mut self, i: usize, text: String) {
        if self.notes[i].is_none() {
            self.notes[i] = Some(text);
        }
    }

    /// One request, following redirects that stay on the site and are
    /// allowed by robots.txt. Page requests count against the page limit.
    async fn follow(
        &mut self,
        method: Method,
        url: &Url,
        page: bool,
        range: Option<usize>,
    ) -> Followed {
        let mut url = url.clone();
        for _ in 0..=MAX_REDIRECTS {
            if page {
                if self.pages_visited >= self.options().max_pages {
                    return Followed::Budget;
                }
                self.pages_visited += 1;
            }
            self.pacer.wait().await;
            let mut req = self.crawler.client.request(method.clone(), url.clone());
            req = req.header(ACCEPT_LANGUAGE, HeaderValue::from_static("ru, en;q=0.5"));
            if page {
                req = req.header(
                    ACCEPT,
                    HeaderValue::from_static("text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"),
                );
            } else {
                req = req.header(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
            }
            if let Some(n) = range {
                req = req.header(RANGE, format!("bytes=0-{}", n.saturating_sub(1)));
            }
            tracing::debug!(%method, %url, "request");
            let resp = match req.send().await {
                Ok(r) => r,
                Err(e) => return Followed::Error(url, describe(&e, self.options().timeout)),
            };
            if !resp.status().is_redirection() {
                return Followed::Response(url, resp);
            }
            let next = resp
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok());
            let Some(next) = next else {
                return Followed::Response(url, resp);
            };
            if !self.site.same_site(&next) {
                return Followed::OffSite(next);
            }
            let next = self.site.canonical(&next);
            if !self.allowed(&next) {
                return Followed::Blocked(next);
            }
            if page && self.pages.contains_key(&key(&next)) {
                return Followed::Known(next);
            }
            url = next;
        }
        Followed::Loop(url)
    }

    /// robots.txt of the host: missing (4xx) allows everything; a server
    /// error means the site is not checked (RFC 9309).
    async fn load_robots(&mut self) -> Result<(), SiteError> {
        let robots_url = self
            .site
            .origin()
            .join("/robots.txt")
            .expect("a fixed path");
        match self.follow(Method::GET, &robots_url, false, None).await {
            Followed::Response(_, resp) => {
                let status = resp.status();
                if status.is_server_error() {
                    return Err(SiteError::RobotsUnavailable {
                        url: self.site.home(),
                        status: status.as_u16(),
                    });
                }
                if status.is_success() {
                    let body = read_limited(resp, ROBOTS_BYTES).await.unwrap_or_default();
                    match Robot::new(ROBOT_NAME, &body) {
                        Ok(r) => {
                            if let Some(d) = r.delay.filter(|d| d.is_finite() && *d > 0.0) {
                                let d =
                                    Duration::from_secs_f32(d).min(self.options().max_crawl_delay);
                                self.pacer.delay = self.pacer.delay.max(d);
                            }
                            self.robots = Some(r);
                        }
                        Err(e) => {
                            tracing::warn!("robots.txt не читается, обход без ограничений: {e}")
                        }
                    }
                }
                Ok(())
            }
            Followed::Error(_, reason) => Err(SiteError::Unreachable {
                url: self.site.home(),
                reason,
            }),
            // A robots.txt elsewhere or behind a loop: no rules.
            _ => Ok(()),
        }
    }

    async fn crawl(&mut self) -> Result<(), SiteError> {
        let start = self.start.clone();
        if !self.allowed(&start) {
            return Err(SiteError::Forbidden {
                url: start.to_string(),
            });
        }
        self.seen.insert(key(&start));
        let home = match self.follow(Method::GET, &start, true, None).await {
            Followed::Response(url, resp) => {
                let status = resp.status();
                if !status.is_success() {
                    return Err(SiteError::HttpStatus {
                        url: url.to_string(),
                        status: status.as_u16(),
                    });
                }
                let ct = content_type(&resp);
                if !is_html(&ct) {
                    return Err(SiteError::NotHtml {
                        url: url.to_string(),
                        content_type: ct,
                    });
                }
                let info =
                    self.read_page(resp, &ct)
                        .await
                        .map_err(|reason| SiteError::Unreachable {
                            url: url.to_string(),
                            reason,
                        })?;
                (url, info)
            }
            Followed::OffSite(to) => {
                return Err(SiteError::OtherSite {
                    url: start.to_string(),
                    to: to.to_string(),
                })
            }
            Followed::Blocked(url) => {
                return Err(SiteError::Forbidden {
                    url: url.to_string(),
                })
            }
            Followed::Error(url, reason) => {
                return Err(SiteError::Unreachable {
                    url: url.to_string(),
                    reason,
                })
            }
            Followed::Loop(_) | Followed::Known(_) | Followed::Budget => {
                return Err(SiteError::RedirectLoop {
                    url: start.to_string(),
                })
            }
        };
        let (home_url, info) = home;
        self.site.settle(&home_url);
        let home_url = self.site.canonical(&home_url);
        self.pages
            .insert(key(&start), PageState::Ok(home_url.clone()));
        self.pages
            .insert(key(&home_url), PageState::Ok(home_url.clone()));
        self.seen.insert(key(&home_url));
        self.home = Some(home_url.clone());
        self.page_done(&home_url, &info);
        // The usual addresses, visited even when nothing links to them:
        // after what the home page points at, before the rest of the site.
        for i in (0..self.matcher.len()).rev() {
            for path in self.matcher.reqs[i].paths.clone().iter().rev() {
                let url = self.site.join(path);
                self.push_probe(url, i);
            }
        }

        loop {
            if self.all_found() {
                break;
            }
            if let Some((url, from)) = self.documents.pop_front() {
                self.check_document(url, from).await;
                continue;
            }
            let Some(job) = self.next_job() else {
                break;
            };
            // The documents already linked have been checked (above).
            if self.pages_visited >= self.options().max_pages {
                self.limit_reached = true;
                break;
            }
            self.visit(job).await;
        }
        Ok(())
    }

    fn next_job(&mut self) -> Option<Job> {
        loop {
            let job = self
                .urgent
                .pop_front()
                .or_else(|| self.section.pop_front())
                .or_else(|| self.other.pop_front())?;
            if let JobKind::Probe(i) = job.kind {
                if self.found(i) {
                    continue;
                }
            }
            // Already reached through a redirect from another address.
            if self.pages.contains_key(&key(&job.url)) {
                continue;
            }
            return Some(job);
        }
    }

    fn push_probe(&mut self, url: Url, i: usize) {
        if !self.allowed(&url) {
            let text = format!("адрес {url} закрыт для обхода в robots.txt");
            self.note(i, text);
            return;
        }
        if self.seen.insert(key(&url)) {
            self.section.push_front(Job {
                url,
                from: None,
                link: Link {
                    href: String::new(),
                    text: String::new(),
                    context: String::new(),
                },
                kind: JobKind::Probe(i),
            });
        }
    }

    async fn read_page(&self, resp: Response, content_type: &str) -> Result<PageInfo, String> {
        let body = read_limited(resp, self.options().page_bytes)
            .await
            .map_err(|e| describe(&e, self.options().timeout))?;
        let text = html::decode(&body, Some(content_type));
        Ok(html::parse(&text))
    }

    fn broken(&mut self, job: &Job, url: &Url, reason: String) {
        let k = key(&job.url);
        for (i, _) in self.pending.remove(&k).unwrap_or_default() {
            let text = format!("ссылка «{}» ведёт на {url}: {reason}", job.link.text);
            self.note(i, text);
        }
        self.pages
            .insert(k.clone(), PageState::Broken(reason.clone()));
        let from = job
            .from
            .clone()
            .or_else(|| self.linked_from.get(&k).cloned());
        if from.is_none() {
            if let JobKind::Probe(_) = job.kind {
                self.probe_misses.insert(k, (url.clone(), reason));
                return;
            }
        }
        let rel = self.site.relative_path(url).to_string();
        for i in 0..self.matcher.len() {
            if self.matcher.by_address(i, &rel).is_some() {
                self.note(i, format!("страница {url} не открывается: {reason}"));
            }
        }
        self.broken.push(BrokenLink {
            url: url.to_string(),
            from: from.as_ref().map(Url::to_string),
            reason,
        });
    }

    async fn visit(&mut self, job: Job) {
        match self.follow(Method::GET, &job.url, true, None).await {
            Followed::Response(url, resp) => {
                let status = resp.status();
                if !status.is_success() {
                    let reason = format!("ошибка {}", status.as_u16());
                    self.broken(&job, &url, reason);
                    return;
                }
                let ct = content_type(&resp);
                if !is_html(&ct) {
                    drop(resp);
                    self.file_instead_of_page(&job, &url, &ct);
                    return;
                }
                match self.read_page(resp, &ct).await {
                    Ok(info) if info.looks_not_found() => {
                        self.broken(&job, &url, "страница «не найдена»".to_string());
                    }
                    Ok(info) => {
                        self.pages.insert(key(&job.url), PageState::Ok(url.clone()));
                        self.pages.insert(key(&url), PageState::Ok(url.clone()));
                        self.seen.insert(key(&url));
                        self.apply_pending(&key(&job.url), &url);
                        // Links to the final address, seen before a
                        // redirect led here.
                        self.apply_pending(&key(&url), &url);
                        self.page_done(&url, &info);
                    }
                    Err(reason) => self.broken(&job, &url, reason),
                }
            }
            Followed::Known(url) => {
                let state = self.pages.get(&key(&url)).cloned();
                if let Some(state) = state {
                    self.pages.insert(key(&job.url), state.clone());
                    if let PageState::Ok(final_url) = state {
                        self.apply_pending(&key(&job.url), &final_url);
                    }
                }
            }
            Followed::OffSite(to) => {
                let k = key(&job.url);
                for (i, _) in self.pending.remove(&k).unwrap_or_default() {
                    self.note(
                        i,
                        format!("ссылка «{}» ведёт на другой сайт: {to}", job.link.text),
                    );
                }
                self.pages
                    .insert(k, PageState::Broken(format!("ведёт на другой сайт: {to}")));
            }
            Followed::Blocked(url) => {
                let k = key(&job.url);
                for (i, _) in self.pending.remove(&k).unwrap_or_default() {
                    self.note(i, format!("адрес {url} закрыт для обхода в robots.txt"));
                }
                self.pages
                    .insert(k, PageState::Broken("закрыто в robots.txt".into()));
            }
            Followed::Error(url, reason) => self.broken(&job, &url, reason),
            Followed::Loop(url) => {
                self.broken(&job, &url, "бесконечные перенаправления".to_string())
            }
            Followed::Budget => {
                self.limit_reached = true;
            }
        }
    }

    /// A link without a file extension that turned out to be a file: a
    /// document if its link says so (its existence is already confirmed).
    fn file_instead_of_page(&mut self, job: &Job, url: &Url, content_type: &str) {
        let name = file_name(url.path());
        let ext =
            extension(url.path()).or_else(|| extension_of_type(content_type).map(str::to_string));
        let Some(ext) = ext else {
            return;
        };
        for i in 0..self.matcher.len() {
            if let Some(hit) = self.matcher.by_document(i, &job.link, &name, &ext) {
                self.offer(i, hit, url);
            }
        }
    }

    fn apply_pending(&mut self, k: &str, url: &Url) {
        for (i, hit) in self.pending.remove(k).unwrap_or_default() {
            self.offer(i, hit, url);
        }
    }

    /// What a visited page shows: its own markers, then its links.
    fn page_done(&mut self, url: &Url, info: &PageInfo) {
        let rel = self.site.relative_path(url).to_string();
        for i in 0..self.matcher.len() {
            if self.matcher.kind(i) != Kind::Page {
                continue;
            }
            if let Some(hit) = self.matcher.by_address(i, &rel) {
                self.offer(i, hit, url);
            }
            if let Some(hit) = self.matcher.by_itemprops(i, &info.itemprops) {
                self.offer(i, hit, url);
            }
        }
        let base = info
            .base
            .as_deref()
            .and_then(|b| url.join(b).ok())
            .unwrap_or_else(|| url.clone());
        if let Some(target) = &info.refresh {
            let link = Link {
                href: target.clone(),
                text: String::new(),
                context: String::new(),
            };
            self.link(&link, &base, url, true);
        }
        for link in &info.links {
            self.link(link, &base, url, false);
        }
    }

    fn link(&mut self, link: &Link, base: &Url, page: &Url, urgent: bool) {
        if link.href.is_empty() || link.href.starts_with('#') {
            return;
        }
        let Ok(abs) = base.join(&link.href) else {
            return;
        };
        if !matches!(abs.scheme(), "http" | "https") {
            return;
        }
        let path = abs.path().to_string();
        if !self.site.same_site(&abs) {
            // Never requested; a document the audit wants is named.
            if self.matcher.is_document(&path) {
                let (name, ext) = (file_name(&path), extension(&path).unwrap_or_default());
                for i in 0..self.matcher.len() {
                    if !self.found(i) && self.matcher.by_document(i, link, &name, &ext).is_some() {
                        self.note(i, format!("файл на другом сайте, не проверялся: {abs}"));
                    }
                }
            }
            return;
        }
        let url = self.site.canonical(&abs);
        let k = key(&url);
        if self.matcher.is_document(&path) {
            self.document_link(link, url, page);
            return;
        }
        if self.matcher.is_other_file(&path) || !self.site.within_root(&url) {
            return;
        }
        let rel = self.site.relative_path(&url).to_string();
        let mut hits = Vec::new();
        for i in 0..self.matcher.len() {
            if let Some(hit) = self.matcher.by_link_text(i, &link.text) {
                hits.push((i, hit));
            }
        }
        if !self.allowed(&url) {
            for i in 0..self.matcher.len() {
                let named =
                    hits.iter().any(|(j, _)| *j == i) || self.matcher.by_address(i, &rel).is_some();
                if named && !self.found(i) {
                    self.note(i, format!("адрес {url} закрыт для обхода в robots.txt"));
                }
            }
            return;
        }
        match self.pages.get(&k).cloned() {
            Some(PageState::Ok(final_url)) => {
                for (i, hit) in hits {
                    self.offer(i, hit, &final_url);
                }
            }
            Some(PageState::Broken(reason)) => {
                for (i, _) in hits {
                    self.note(
                        i,
                        format!("ссылка «{}» ведёт на {url}: {reason}", link.text),
                    );
                }
            }
            None => {
                if !hits.is_empty() {
                    self.pending.entry(k.clone()).or_default().extend(hits);
                }
            }
        }
        if !self.seen.insert(k.clone()) {
            if let Some((url, reason)) = self.probe_misses.remove(&k) {
                self.broken.push(BrokenLink {
                    url: url.to_string(),
                    from: Some(page.to_string()),
                    reason,
                });
            }
            self.linked_from.entry(k).or_insert_with(|| page.clone());
            return;
        }
        let priority = if urgent || self.matcher.promising(|i| !self.found(i), &rel, &link.text) {
            Priority::Urgent
        } else if self.matcher.in_section(&rel, &link.text) {
            Priority::Section
        } else {
            Priority::Other
        };
        let job = Job {
            url,
            from: Some(page.clone()),
            link: link.clone(),
            kind: JobKind::Page,
        };
        match priority {
            Priority::Urgent => self.urgent.push_back(job),
            Priority::Section => self.section.push_back(job),
            Priority::Other => self.other.push_back(job),
        }
    }

    fn document_link(&mut self, link: &Link, url: Url, page: &Url) {
        let path = url.path().to_string();
        let (name, ext) = (file_name(&path), extension(&path).unwrap_or_default());
        let hits: Vec<(usize, Hit)> = (0..self.matcher.len())
            .filter_map(|i| {
                self.matcher
                    .by_document(i, link, &name, &ext)
                    .map(|h| (i, h))
            })
            .collect();
        if hits.is_empty() {
            return;
        }
        if !self.allowed(&url) {
            for (i, _) in hits {
                self.note(i, format!("файл {url} закрыт для обхода в robots.txt"));
            }
            return;
        }
        let k = key(&url);
        match self.docs.get(&k).cloned() {
            Some(DocState::Exists(final_url)) => {
                for (i, hit) in hits {
                    self.offer(i, hit, &final_url);
                }
            }
            Some(DocState::Missing(reason)) => {
                for (i, _) in hits {
                    self.note(i, format!("файл {url} не открывается: {reason}"));
                }
            }
            Some(DocState::Queued) => self.doc_hits.entry(k).or_default().extend(hits),
            None => {
                if hits.iter().all(|(i, _)| self.found(*i)) {
                    return;
                }
                if self.documents_checked + self.documents.len() >= self.options().max_documents {
                    return;
                }
                self.docs.insert(k.clone(), DocState::Queued);
                self.doc_hits.insert(k, hits);
                self.documents.push_back((url, Some(page.clone())));
            }
        }
    }

    /// Confirms a file exists without downloading it: `HEAD`, or when the
    /// server refuses that, a `GET` of its first bytes.
    async fn check_document(&mut self, url: Url, from: Option<Url>) {
        let k = key(&url);
        let hits = self.doc_hits.remove(&k).unwrap_or_default();
        if hits.iter().all(|(i, _)| self.found(*i)) {
            self.docs.remove(&k);
            return;
        }
        self.documents_checked += 1;
        let mut state = match self.follow(Method::HEAD, &url, false, None).await {
            Followed::Response(final_url, resp) => {
                let status = resp.status().as_u16();
                let ct = content_type(&resp);
                match status {
                    200..=299 if ct.starts_with("text/html") => Some(DocState::Missing(
                        "вместо файла открывается веб-страница".into(),
                    )),
                    200..=299 => Some(DocState::Exists(final_url)),
                    404 | 410 => Some(DocState::Missing(format!("ошибка {status}"))),
                    // HEAD refused or not understood: look at the first bytes.
                    _ => None,
                }
            }
            Followed::OffSite(to) => Some(DocState::Missing(format!("ведёт на другой сайт: {to}"))),
            Followed::Blocked(to) => Some(DocState::Missing(format!("{to} закрыт в robots.txt"))),
            Followed::Loop(_) => Some(DocState::Missing("бесконечные перенаправления".into())),
            Followed::Error(..) | Followed::Known(_) | Followed::Budget => None,
        };
        if state.is_none() {
            let limit = self.options().document_bytes;
            state = Some(
                match self.follow(Method::GET, &url, false, Some(limit)).await {
                    Followed::Response(final_url, resp) => {
                        let status = resp.status();
                        let ct = content_type(&resp);
                        if !status.is_success() {
                            DocState::Missing(format!("ошибка {}", status.as_u16()))
                        } else {
                            match read_limited(resp, limit).await {
                                Ok(head)
                                    if ct.starts_with("text/html") || looks_like_html(&head) =>
                                {
                                    DocState::Missing(
                                        "вместо файла открывается веб-страница".into(),
                                    )
                                }
                                Ok(_) => DocState::Exists(final_url),
                                Err(e) => DocState::Missing(describe(&e, self.options().timeout)),
                            }
                        }
                    }
                    Followed::OffSite(to) => {
                        DocState::Missing(format!("ведёт на другой сайт: {to}"))
                    }
                    Followed::Blocked(to) => DocState::Missing(format!("{to} закрыт в robots.txt")),
                    Followed::Error(_, reason) => DocState::Missing(reason),
                    Followed::Loop(_) | Followed::Known(_) | Followed::Budget => {
                        DocState::Missing("бесконечные перенаправления".into())
                    }
                },
            );
        }
        let state = state.expect("set above");
        match &state {
            DocState::Exists(final_url) => {
                for (i, hit) in hits {
                    self.offer(i, hit, final_url);
                }
            }
            DocState::Missing(reason) => {
                for (i, _) in &hits {
                    self.note(*i, format!("файл {url} не открывается: {reason}"));
                }
                self.broken.push(BrokenLink {
                    url: url.to_string(),
                    from: from.as_ref().map(Url::to_string),
                    reason: reason.clone(),
                });
            }
            DocState::Queued => {}
        }
        self.docs.insert(k, state);
    }

    fn finish(self, checked_at: String) -> Audit {
        let pages = self.pages_visited;
        let limit = if self.limit_reached {
            format!(
                "; достигнут предел запросов страниц ({}) — сайт проверен не весь",
                self.options().max_pages
            )
        } else {
            String::new()
        };
        let items = self
            .matcher
            .reqs
            .iter()
            .zip(self.best)
            .zip(self.notes)
            .map(|((r, best), note)| match best {
                Some(b) => Finding::found(r, b.url.to_string(), b.hit.evidence),
                None => {
                    let why = note.unwrap_or_else(|| match r.kind {
                        Kind::Page => format!("не встретилось; проверено страниц: {pages}{limit}"),
                        Kind::Document => format!(
                            "ссылок на такой документ не встретилось; проверено страниц: {pages}{limit}"
                        ),
                    });
                    Finding::missing(r, why)
                }
            })
            .collect();
        Audit {
            url: self
                .home
                .as_ref()
                .map_or_else(|| self.site.home(), Url::to_string),
            checked_at,
            pages_visited: self.pages_visited,
            documents_checked: self.documents_checked,
            limit_reached: self.limit_reached,
            items,
            broken_links: self.broken,
        }
    }
}

fn looks_like_html(head: &[u8]) -> bool {
    let start: String = head
        .iter()
        .take(512)
        .map(|&b| b.to_ascii_lowercase() as char)
        .collect();
    let t = start.trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html")
}
