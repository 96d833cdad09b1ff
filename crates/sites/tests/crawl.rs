//! The crawler against local websites served on 127.0.0.1: a school site
//! with a `/sveden/` section, a federal-platform site with Russian
//! addresses in Windows-1251, robots.txt, another host, a huge document, the
//! page limit, and the whole-site failures.

mod common;

use common::{fast, page, pdf, serve, Answer};
use opora_sites::{check_site, default_requirements, Audit, Finding, SiteError, Status};

fn item<'a>(audit: &'a Audit, name: &str) -> &'a Finding {
    audit
        .items
        .iter()
        .find(|f| f.requirement == name)
        .unwrap_or_else(|| panic!("no finding «{name}»"))
}

fn found<'a>(audit: &'a Audit, name: &str) -> &'a str {
    let f = item(audit, name);
    assert_eq!(f.status, Status::Found, "«{name}»: {f:?}");
    f.url.as_deref().unwrap()
}

fn missing<'a>(audit: &'a Audit, name: &str) -> &'a str {
    let f = item(audit, name);
    assert_eq!(f.status, Status::Missing, "«{name}»: {f:?}");
    assert!(f.url.is_none());
    &f.evidence
}

const COMMON: &str = "Основные сведения";
const STRUCT: &str = "Структура и органы управления образовательной организацией";
const DOCUMENTS: &str = "Документы";
const EDUCATION: &str = "Образование";
const STANDARDS: &str = "Образовательные стандарты и требования";
const MANAGERS: &str = "Руководство";
const EMPLOYEES: &str = "Педагогический состав";
const OBJECTS: &str =
    "Материально-техническое обеспечение и оснащённость образовательного процесса. Доступная среда";
const PAID: &str = "Платные образовательные услуги";
const BUDGET: &str = "Финансово-хозяйственная деятельность";
const VACANT: &str = "Вакантные места для приёма (перевода) обучающихся";
const GRANTS: &str = "Стипендии и меры поддержки обучающихся";
const INTER: &str = "Международное сотрудничество";
const CATERING: &str = "Организация питания в образовательной организации";
const PROGRAMME: &str =
    "Программа повышения качества образования (перехода в эффективный режим работы)";
const ORDER: &str = "Приказ об утверждении программы";
const ROADMAP: &str = "План мероприятий (дорожная карта)";

#[tokio::test]
async fn school_site_with_a_sveden_section_and_a_programme_pdf() {
    let home = page(
        "Школа № 1",
        r#"<nav><a href="/sveden/">Сведения об образовательной организации</a>
        <a href="/news">Новости</a> <a href="/shnor">Проект «500+»</a>
        <a href="/old-page">Архив</a> <a href="/img/logo.png">Логотип</a></nav>"#,
    );
    let sveden = page(
        "Сведения об образовательной организации",
        r#"<ul><li><a href="/sveden/common">Основные сведения</a></li>
        <li><a href="/about/structure.html">Органы управления</a></li>
        <li><a href="/sveden/document">Документы</a></li>
        <li><a href="/sveden/education">Образование</a></li>
        <li><a href="/sveden/managers">Руководство</a></li>
        <li><a href="/sveden/employees">Педагогический состав</a></li>
        <li><a href="/sveden/objects">Материально-техническое обеспечение</a></li>
        <li><a href="/page.php?id=17">Платные образовательные услуги</a></li>
        <li><a href="/sveden/vacant">Вакантные места</a></li></ul>"#,
    );
    let common = page(
        "Основные сведения",
        r#"<p itemprop="fullName">МБОУ «СОШ № 1»</p><p itemprop="regDate">01.09.1970</p>"#,
    );
    let structure = page(
        "Органы управления",
        r#"<div itemprop="structOrgUprav"><span itemprop="divisionClauseDocLink">Положение</span></div>"#,
    );
    let shnor = page(
        "Проект «500+»",
        r#"<p><a href="/files/doc123.pdf">Программа перехода в эффективный режим работы</a></p>
        <ul><li>Дорожная карта на 2024 год <a href="/files/dk.docx">скачать</a></li>
        <li><a href="/files/prikaz-programma.pdf">Приказ об утверждении программы</a></li>
        <li><a href="/files/photo.pdf">Фотоотчёт</a></li></ul>"#,
    );
    let site =
        serve(vec![
            ("/", Answer::Html(home)),
            ("/sveden/", Answer::Html(sveden)),
            ("/sveden/common", Answer::Html(common)),
            ("/about/structure.html", Answer::Html(structure)),
            ("/sveden/document", Answer::Html(page("Документы", "Устав"))),
            (
                "/sveden/education",
                Answer::Html(page("Образование", "ООП")),
            ),
            (
                "/sveden/managers",
                Answer::Html(page("Руководство", "Директор")),
            ),
            (
                "/sveden/employees",
                Answer::Html(page("Педагоги", "Список")),
            ),
            ("/sveden/objects", Answer::Html(page("МТО", "Кабинеты"))),
            ("/page.php?id=17", Answer::Html(page("Услуги", "Кружки"))),
            // Not linked from anywhere: found because /sveden/… is visited directly.
            ("/sveden/budget", Answer::Html(page("ФХД", "План ФХД"))),
            // A «not found» page answered with 200 is not the subsection.
            (
                "/sveden/grants",
                Answer::Html(page("Страница не найдена", "")),
            ),
            (
                "/news",
                Answer::Html(page("Новости", "<a href=\"/shnor\">500+</a>")),
            ),
            ("/shnor", Answer::Html(shnor)),
            ("/files/doc123.pdf", pdf(300_000)),
            (
                "/files/dk.docx",
                Answer::File {
                    content_type:
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                            .into(),
                    bytes: 20_000,
                },
            ),
            ("/files/photo.pdf", pdf(10)),
        ])
        .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();

    assert_eq!(audit.url, site.url("/"));
    assert_eq!(audit.items.len(), default_requirements().len());
    assert_eq!(found(&audit, COMMON), site.url("/sveden/common"));
    assert_eq!(item(&audit, COMMON).evidence, "адрес «/sveden/common»");
    assert_eq!(found(&audit, STRUCT), site.url("/about/structure.html"));
    assert_eq!(
        item(&audit, STRUCT).evidence,
        "микроразметка itemprop: structOrgUprav, divisionClauseDocLink"
    );
    for (name, path) in [
        (DOCUMENTS, "/sveden/document"),
        (EDUCATION, "/sveden/education"),
        (MANAGERS, "/sveden/managers"),
        (EMPLOYEES, "/sveden/employees"),
        (OBJECTS, "/sveden/objects"),
        (BUDGET, "/sveden/budget"),
    ] {
        assert_eq!(found(&audit, name), site.url(path), "{name}");
    }
    assert_eq!(found(&audit, PAID), site.url("/page.php?id=17"));
    assert_eq!(
        item(&audit, PAID).evidence,
        "текст ссылки «Платные образовательные услуги»"
    );

    assert!(
        missing(&audit, VACANT).contains("ошибка 404"),
        "{:?}",
        item(&audit, VACANT)
    );
    missing(&audit, GRANTS);
    for name in [STANDARDS, INTER, CATERING] {
        let why = missing(&audit, name);
        assert!(
            why.starts_with("не встретилось; проверено страниц: "),
            "{name}: {why}"
        );
    }

    assert_eq!(found(&audit, PROGRAMME), site.url("/files/doc123.pdf"));
    assert_eq!(
        item(&audit, PROGRAMME).evidence,
        "файл «doc123.pdf», текст ссылки «Программа перехода в эффективный режим работы»"
    );
    assert_eq!(found(&audit, ROADMAP), site.url("/files/dk.docx"));
    assert!(item(&audit, ROADMAP)
        .evidence
        .contains("текст рядом со ссылкой «Дорожная карта на 2024 год скачать»"));
    assert!(missing(&audit, ORDER).contains("prikaz-programma.pdf не открывается: ошибка 404"));

    // Documents are confirmed by HEAD, never downloaded; files no
    // requirement wants are not requested at all.
    let log = site.requests();
    assert!(log
        .iter()
        .any(|r| r.method == "HEAD" && r.path == "/files/doc123.pdf"));
    assert!(
        !log.iter()
            .any(|r| r.method == "GET" && r.path.starts_with("/files/")),
        "{log:?}"
    );
    assert_eq!(site.hits("/files/photo.pdf"), 0);
    assert_eq!(site.hits("/img/logo.png"), 0);
    // Every page once.
    assert_eq!(site.hits("/shnor"), 1);
    assert_eq!(site.hits("/sveden/common"), 1);

    // Broken links are recorded with the page that links to them; the
    // usual addresses visited without a link are not broken links.
    let broken: Vec<(&str, Option<&str>)> = audit
        .broken_links
        .iter()
        .map(|b| (b.url.as_str(), b.from.as_deref()))
        .collect();
    let home_url = site.url("/");
    let sveden_url = site.url("/sveden/");
    let shnor_url = site.url("/shnor");
    let mut expected = vec![
        (site.url("/old-page"), Some(home_url.as_str())),
        (site.url("/sveden/vacant"), Some(sveden_url.as_str())),
        (
            site.url("/files/prikaz-programma.pdf"),
            Some(shnor_url.as_str()),
        ),
    ];
    expected.sort();
    let mut got: Vec<(String, Option<&str>)> =
        broken.iter().map(|(u, f)| (u.to_string(), *f)).collect();
    got.sort();
    assert_eq!(got, expected);
    assert!(!audit.limit_reached);
    assert_eq!(audit.pages_visited, site.page_gets());
}

#[tokio::test]
async fn federal_platform_site_with_russian_addresses_in_windows_1251() {
    let s = "/svedeniya-ob-obrazovatelnoy-organizatsii";
    let home = format!(
        r#"<html><head><title>МБОУ Сосновская СОШ</title></head><body>
        <a href="{s}/">Сведения об образовательной организации</a></body></html>"#
    );
    let slugs = [
        "osnovnye-svedeniya",
        "struktura-i-organy-upravleniya-obrazovatelnoy-organizatsiey",
        "dokumenty",
        "obrazovanie",
        "obrazovatelnye-standarty-i-trebovaniya",
        "rukovodstvo",
        "pedagogicheskiy-sostav",
        "materialno-tehnicheskoe-obespechenie-i-osnaschennost-obrazovatelnogo-protsessa-dostupnaya-sreda",
        "platnye-obrazovatelnye-uslugi",
        "finansovo-hozyaystvennaya-deyatelnost",
        "vakantnye-mesta-dlya-priema-perevoda-obuchayuschihsya",
        "stipendii-i-mery-podderzhki-obuchayuschihsya",
        "организация-питания",
    ];
    let mut section = String::from(
        "<html><head><meta charset=\"windows-1251\"><title>Сведения об образовательной организации</title></head><body><ul>",
    );
    for slug in slugs {
        section.push_str(&format!("<li><a href=\"{s}/{slug}/\">Подробнее</a></li>"));
    }
    // An address without words: found by its link text, which only reads
    // right when the page's encoding is understood.
    section.push_str(
        r#"<li><a href="/page/123">Международное сотрудничество</a></li>
        <li><a href="/upload/iblock/7f1/Программа_ППКО.pdf">Программа повышения качества образования на 2024–2026 годы</a></li>
        </ul></body></html>"#,
    );
    let mut answers: Vec<(String, Answer)> = vec![
        (
            "/".into(),
            Answer::Html1251 {
                html: home,
                header_charset: true,
            },
        ),
        (
            format!("{s}/"),
            Answer::Html1251 {
                html: section,
                header_charset: false,
            },
        ),
        (
            "/page/123".into(),
            Answer::Html1251 {
                html: page("Международное сотрудничество", "Договоров нет"),
                header_charset: true,
            },
        ),
        ("/upload/iblock/7f1/Программа_ППКО.pdf".into(), pdf(1000)),
    ];
    for slug in slugs {
        answers.push((
            format!("{s}/{slug}/"),
            Answer::Html1251 {
                html: page("Раздел", "Текст раздела"),
                header_charset: true,
            },
        ));
    }
    let site = serve(
        answers
            .iter()
            .map(|(p, a)| (p.as_str(), a.clone()))
            .collect(),
    )
    .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();

    assert_eq!(
        found(&audit, COMMON),
        site.url(&format!("{s}/osnovnye-svedeniya/"))
    );
    assert_eq!(
        item(&audit, COMMON).evidence,
        "адрес в разделе сведений «…/osnovnye-svedeniya» (слова «основн сведен»)"
    );
    assert_eq!(
        found(&audit, CATERING),
        site.url(&format!(
            "{s}/%D0%BE%D1%80%D0%B3%D0%B0%D0%BD%D0%B8%D0%B7%D0%B0%D1%86%D0%B8%D1%8F-%D0%BF%D0%B8%D1%82%D0%B0%D0%BD%D0%B8%D1%8F/"
        ))
    );
    for name in [
        STRUCT, DOCUMENTS, EDUCATION, STANDARDS, MANAGERS, EMPLOYEES, OBJECTS, PAID, BUDGET,
        VACANT, GRANTS,
    ] {
        found(&audit, name);
        assert!(
            item(&audit, name)
                .evidence
                .starts_with("адрес в разделе сведений"),
            "{name}: {}",
            item(&audit, name).evidence
        );
    }
    assert_eq!(found(&audit, INTER), site.url("/page/123"));
    assert_eq!(
        item(&audit, INTER).evidence,
        "текст ссылки «Международное сотрудничество»"
    );
    assert!(found(&audit, PROGRAMME).ends_with("/upload/iblock/7f1/%D0%9F%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC%D0%B0_%D0%9F%D0%9F%D0%9A%D0%9E.pdf"));
    assert!(item(&audit, PROGRAMME).evidence.starts_with(
        "файл «Программа_ППКО.pdf», текст ссылки «Программа повышения качества образования"
    ));
    // The usual /sveden/ addresses were tried and are not there: no
    // broken links for them.
    assert!(site.hits("/sveden/common") <= 1);
    assert!(audit.broken_links.is_empty(), "{:?}", audit.broken_links);
}

#[tokio::test]
async fn robots_txt_closes_a_requirement_which_is_then_missing_and_never_requested() {
    let home = page(
        "Школа",
        r#"<a href="/sveden/common">Основные сведения</a>
        <a href="/sveden/vacant">Вакантные места</a>
        <a href="/private/programma.pdf">Программа повышения качества образования</a>"#,
    );
    let site = serve(vec![
        (
            "/robots.txt",
            Answer::Text(
                "User-agent: Yandex\nDisallow: /\n\nUser-agent: *\nDisallow: /sveden/vacant\nDisallow: /private/\n"
                    .into(),
            ),
        ),
        ("/", Answer::Html(home)),
        ("/sveden/common", Answer::Html(page("Основные сведения", ""))),
        ("/sveden/vacant", Answer::Html(page("Вакантные места", ""))),
        ("/private/programma.pdf", pdf(100)),
    ])
    .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();
    found(&audit, COMMON);
    let why = missing(&audit, VACANT);
    assert!(why.contains("закрыт для обхода в robots.txt"), "{why}");
    let why = missing(&audit, PROGRAMME);
    assert!(why.contains("robots.txt"), "{why}");
    assert_eq!(site.hits("/sveden/vacant"), 0, "{:?}", site.requests());
    assert_eq!(site.hits("/private/programma.pdf"), 0);
    assert_eq!(site.hits("/robots.txt"), 1);
    assert_eq!(
        site.requests()[0].path,
        "/robots.txt",
        "robots.txt comes first"
    );
}

#[tokio::test]
async fn links_to_another_host_are_never_followed() {
    let other = serve(vec![
        ("/", Answer::Html(page("Другой сайт", ""))),
        (
            "/sveden/common",
            Answer::Html(page("Основные сведения", "")),
        ),
        ("/sveden/struct", Answer::Html(page("Структура", ""))),
        ("/programma.pdf", pdf(100)),
    ])
    .await;
    let port = other.addr.port();
    let home = page(
        "Школа",
        &format!(
            r#"<a href="http://127.0.0.1:{port}/sveden/common">Основные сведения</a>
            <a href="http://localhost:{port}/programma.pdf">Программа повышения качества образования</a>
            <a href="/go">Структура и органы управления</a>
            <a href="//localhost:{port}/">Партнёры</a>"#
        ),
    );
    let site = serve(vec![
        ("/", Answer::Html(home)),
        (
            "/go",
            Answer::Redirect(format!("http://127.0.0.1:{port}/sveden/struct")),
        ),
    ])
    .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();
    assert_eq!(other.requests(), vec![], "the other site was requested");
    missing(&audit, COMMON);
    let why = missing(&audit, PROGRAMME);
    assert!(why.contains("на другом сайте, не проверялся"), "{why}");
    let why = missing(&audit, STRUCT);
    assert!(why.contains("ведёт на другой сайт"), "{why}");
    assert_eq!(site.hits("/go"), 1);
}

#[tokio::test]
async fn a_huge_document_is_not_downloaded_whole() {
    const HUGE: u64 = 200 * 1024 * 1024;
    let home = page(
        "Школа",
        r#"<a href="/files/big.pdf">Программа повышения качества образования</a>
        <a href="/files/huge.docx">Дорожная карта</a>"#,
    );
    let site = serve(vec![
        ("/", Answer::Html(home)),
        (
            "/files/big.pdf",
            Answer::Endless {
                content_type: "application/pdf".into(),
                bytes: HUGE,
            },
        ),
        (
            "/files/huge.docx",
            Answer::File {
                content_type: "application/msword".into(),
                bytes: 300 * 1024 * 1024,
            },
        ),
    ])
    .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();
    assert_eq!(found(&audit, PROGRAMME), site.url("/files/big.pdf"));
    assert_eq!(found(&audit, ROADMAP), site.url("/files/huge.docx"));
    // big.pdf refuses HEAD: one GET, cut off after the first bytes. The
    // server may have pushed a few socket buffers more, never the file.
    let log = site.requests();
    let big: Vec<&str> = log
        .iter()
        .filter(|r| r.path == "/files/big.pdf")
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(big, ["HEAD", "GET"]);
    let streamed = site.streamed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(streamed < HUGE / 8, "streamed {streamed} of {HUGE} bytes");
    // huge.docx answers HEAD: never a GET.
    let huge: Vec<&str> = log
        .iter()
        .filter(|r| r.path == "/files/huge.docx")
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(huge, ["HEAD"]);
    assert_eq!(audit.documents_checked, 2);
}

#[tokio::test]
async fn the_page_limit_is_honoured() {
    let mut answers = Vec::new();
    let mut paths = Vec::new();
    for i in 0..60 {
        let next = format!("/p{}", i + 1);
        let body = format!(
            "<a href=\"{next}\">Дальше</a> <a href=\"/p{}\">Ещё</a>",
            i + 2
        );
        paths.push((
            if i == 0 {
                "/".to_string()
            } else {
                format!("/p{i}")
            },
            body,
        ));
    }
    for (p, body) in &paths {
        answers.push((p.clone(), Answer::Html(page("Страница", body))));
    }
    let site = serve(
        answers
            .iter()
            .map(|(p, a)| (p.as_str(), a.clone()))
            .collect(),
    )
    .await;
    let options = opora_sites::Options {
        max_pages: 7,
        ..fast()
    };
    let audit = check_site(&site.url("/"), &default_requirements(), &options)
        .await
        .unwrap();
    assert_eq!(audit.pages_visited, 7);
    assert_eq!(site.page_gets(), 7, "{:?}", site.requests());
    assert!(audit.limit_reached);
    let why = missing(&audit, COMMON);
    assert!(
        why.contains("достигнут предел запросов страниц (7)"),
        "{why}"
    );
}

#[tokio::test]
async fn redirects_within_the_site_are_followed() {
    let site = serve(vec![
        ("/", Answer::Redirect("/index.php".into())),
        (
            "/index.php",
            Answer::Html(page(
                "Школа",
                r#"<a href="/sv">Основные сведения</a>
                <a href="/sveden/paid_edu">Услуги</a>
                <a href="/paid">Платные образовательные услуги</a>"#,
            )),
        ),
        ("/sv", Answer::Redirect("/sveden/common/".into())),
        (
            "/sveden/common/",
            Answer::Html(page("Основные сведения", "")),
        ),
        ("/sveden/paid_edu", Answer::Redirect("/paid".into())),
        ("/paid", Answer::Html(page("Услуги", ""))),
    ])
    .await;
    let audit = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap();
    assert_eq!(audit.url, site.url("/index.php"));
    assert_eq!(found(&audit, COMMON), site.url("/sveden/common/"));
    assert_eq!(item(&audit, COMMON).evidence, "адрес «/sveden/common»");
    assert_eq!(site.hits("/sveden/common/"), 1);
    // Reached first through the redirect of /sveden/paid_edu; the text of
    // the link to /paid still counts, and /paid is requested once.
    assert_eq!(found(&audit, PAID), site.url("/paid"));
    assert_eq!(
        item(&audit, PAID).evidence,
        "текст ссылки «Платные образовательные услуги»"
    );
    assert_eq!(site.hits("/paid"), 1);
}

#[tokio::test]
async fn whole_site_failures_are_typed_errors_in_russian() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = check_site(
        &format!("http://127.0.0.1:{closed}/"),
        &default_requirements(),
        &fast(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, SiteError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().contains("недоступен"), "{e}");

    let site = serve(vec![("/", pdf(10))]).await;
    let e = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(matches!(e, SiteError::NotHtml { .. }), "{e:?}");
    assert!(e.to_string().contains("не веб-страница"), "{e}");

    let site = serve(vec![("/", Answer::Status(500))]).await;
    let e = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("ошибкой 500"), "{e}");

    let site = serve(vec![(
        "/",
        Answer::Redirect("https://new-school.example/".into()),
    )])
    .await;
    let e = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(matches!(e, SiteError::OtherSite { .. }), "{e:?}");

    let site = serve(vec![
        ("/robots.txt", Answer::Status(503)),
        ("/", Answer::Html(page("Школа", ""))),
    ])
    .await;
    let e = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(
        matches!(e, SiteError::RobotsUnavailable { status: 503, .. }),
        "{e:?}"
    );
    assert_eq!(site.hits("/"), 0);

    let site = serve(vec![
        (
            "/robots.txt",
            Answer::Text("User-agent: *\nDisallow: /\n".into()),
        ),
        ("/", Answer::Html(page("Школа", ""))),
    ])
    .await;
    let e = check_site(&site.url("/"), &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(matches!(e, SiteError::Forbidden { .. }), "{e:?}");
    assert_eq!(site.hits("/"), 0);

    let e = check_site("ftp://school.ru", &default_requirements(), &fast())
        .await
        .unwrap_err();
    assert!(matches!(e, SiteError::BadUrl(_)), "{e:?}");
}
