//! Notifications over HTTP and SMTP, on SQLite and PostgreSQL.
//!
//! - A user sees only their own notifications (page and API); another
//!   user's cannot be marked read (404); a form without the CSRF token is
//!   refused (403); the navigation shows «Уведомления (N)» while N are unread.
//! - The daily check tells the demo municipality of its overdue activity, once.
//! - A school's activity marked done asks its curator to confirm; returned
//!   or confirmed, it is told to the school's administrator.
//! - An administrator sets the address letters go to; a bad one is a Russian 400.
//! - E-mail: a real SMTP conversation with a listener of the test's own
//!   (EHLO, MAIL FROM, RCPT TO, DATA, QUIT): the notifier started as the
//!   server starts it delivers the letter to the user's address, with a
//!   Russian subject and the link to the site; a server that refuses the
//!   letter takes it off the queue, one that cannot be reached leaves it there.

mod common;

use base64::Engine;
use common::*;
use opora_store::notifications::{Notice, NoticeKind};
use opora_store::users::{NewUser, Role};
use opora_store::Db;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

async fn user_id(db: &Db, login: &str) -> i64 {
    db.user_for_login(login).await.unwrap().unwrap().0.id
}

fn notice(kind: NoticeKind, title: &str, link: &str) -> Notice {
    Notice {
        kind,
        title: title.into(),
        body: "Куратор просит дополнить отчёт протоколом заседания.".into(),
        link: link.into(),
        dedup: None,
    }
}

/// The navigation link of the inbox, as the page shows it.
fn inbox_link(body: &str) -> &str {
    let start = body
        .find("href=\"/notifications\"")
        .expect("the navigation links the inbox");
    let rest = &body[start..];
    &rest[..rest.find("</a>").unwrap()]
}

#[tokio::test]
async fn a_user_sees_and_marks_only_their_own_notifications() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let (school1, teacher1) = (
            user_id(&t.db, "school1").await,
            user_id(&t.db, "teacher1").await,
        );
        t.db.notify(
            &[school1],
            &notice(
                NoticeKind::Returned,
                "Отчёт возвращён на доработку",
                "/tasks",
            ),
        )
        .await
        .unwrap();
        t.db.notify(
            &[teacher1],
            &notice(NoticeKind::Reminder, "Открытый урок в пятницу", "/plans"),
        )
        .await
        .unwrap();
        let theirs = t.db.notifications_for(teacher1, 1).await.unwrap()[0].id;
        let mine = t.db.notifications_for(school1, 1).await.unwrap()[0].id;

        let mut c = logged_in(&base, "school1").await;
        // The navigation counts the unread one on every page.
        let home = c.get("/").await;
        assert!(
            inbox_link(&home.body).ends_with("Уведомления (1)"),
            "{}",
            inbox_link(&home.body)
        );
        let page = c.get("/notifications").await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("Отчёт возвращён на доработку"));
        assert!(
            page.body.contains("Возвращено на доработку"),
            "the kind in Russian"
        );
        assert!(page.body.contains("class=\"card notice unread\""));
        let today = opora_plans::Date::today().ru();
        assert!(page.body.contains(&today), "a date dd.mm.yyyy: {today}");
        assert!(
            !page.body.contains("Открытый урок"),
            "another user's notification is not shown"
        );
        let (status, api) = c.json("/api/notifications").await;
        assert_eq!(status, 200);
        assert_eq!(api["unread"], 1);
        let items = api["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["kind"], "returned");
        assert_eq!(items[0]["kind_title"], "Возвращено на доработку");
        assert_eq!(items[0]["read"], false);

        // Another user's notification: not found, and it stays unread.
        let p = c.post(&format!("/notifications/{theirs}/read"), &[]).await;
        assert_eq!(p.status, 404);
        assert_eq!(t.db.unread_count(teacher1).await.unwrap(), 1);
        assert_eq!(c.post("/notifications/999999/read", &[]).await.status, 404);
        // Without the form's token: refused, nothing marked.
        let p = c
            .post_raw(&format!("/notifications/{mine}/read"), &[], &[])
            .await;
        assert_eq!(p.status, 403);
        assert_eq!(t.db.unread_count(school1).await.unwrap(), 1);

        // «Открыть»: read, and on to the notification's own page.
        c.get("/notifications").await;
        let p = c
            .post(&format!("/notifications/{mine}/read"), &[("open", "1")])
            .await;
        assert_eq!((p.status, p.location.as_str()), (303, "/tasks"));
        let home = c.get("/").await;
        assert!(
            inbox_link(&home.body).ends_with("Уведомления"),
            "no count once read: {}",
            inbox_link(&home.body)
        );
        let page = c.get("/notifications").await;
        assert!(page.body.contains("Все уведомления прочитаны"));
        assert!(!page.body.contains("notice unread"));
        assert_eq!(
            c.json("/api/notifications").await.1["items"][0]["read"],
            true
        );

        // The teacher marks all of theirs; the page says so.
        let mut teacher = logged_in(&base, "teacher1").await;
        assert!(inbox_link(&teacher.get("/").await.body).ends_with("Уведомления (1)"));
        let p = teacher.post("/notifications/read-all", &[]).await;
        assert_eq!((p.status, p.location.as_str()), (303, "/notifications"));
        assert_eq!(t.db.unread_count(teacher1).await.unwrap(), 0);

        // Signed out: the API answers 401, the page sends to the login form.
        let mut anonymous = Client::new(&base);
        assert_eq!(anonymous.get("/api/notifications").await.status, 401);
        assert_eq!(anonymous.get("/notifications").await.status, 303);
    });
}

#[tokio::test]
async fn the_daily_check_tells_the_municipality_of_its_overdue_activity_once() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let notifier = opora_web::Notifier::new(t.db.clone(), &test_config()).unwrap();
        let today = opora_plans::Date::today();
        let round = notifier.run_once(today).await;
        assert!(
            round.overdue >= 1,
            "the demo plan has an overdue activity: {round:?}"
        );
        assert_eq!(round.emailed, 0, "no mail configured");
        // The same day again: nothing new (and a second server would add nothing either).
        assert_eq!(notifier.run_once(today).await.overdue, 0);
        let other_server = opora_web::Notifier::new(t.db.clone(), &test_config()).unwrap();
        assert_eq!(other_server.run_once(today).await.overdue, 0);

        let mut mo = logged_in(&base, "mo1").await;
        let page = mo.get("/notifications").await;
        assert!(
            page.body.contains("Просрочено мероприятие"),
            "{}",
            page.body
        );
        assert!(page.body.contains("href=\"/activities/"));
        let (_, api) = mo.json("/api/notifications").await;
        let item = &api["items"][0];
        assert_eq!(item["kind"], "overdue_activity");
        let link = item["link"].as_str().unwrap().to_string();
        assert_eq!(
            mo.get(&link).await.status,
            200,
            "the link opens the activity"
        );
    });
}

#[tokio::test]
async fn an_administrator_sets_the_address_notifications_are_emailed_to() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let school = &schools(&t.db, cast.municipality_id).await[0];
        let teacher1 = user_id(&t.db, "teacher1").await;
        let mut mo = logged_in(&base, "mo1").await;
        let edit = mo.get(&format!("/users/{teacher1}")).await;
        assert!(edit.body.contains("Электронная почта для уведомлений"));
        let municipality = cast.municipality_id.to_string();
        let form = |email: &'static str| {
            vec![
                ("display_name", "Петрова Мария Ивановна"),
                ("role", "teacher"),
                ("municipality", municipality.as_str()),
                ("school", school.code.as_str()),
                ("curated", ""),
                ("email", email),
            ]
        };
        let p = mo
            .post(&format!("/users/{teacher1}"), &form("не-адрес"))
            .await;
        assert_eq!(p.status, 400);
        assert!(
            p.body
                .contains("Адрес электронной почты «не-адрес» указан неверно"),
            "{}",
            p.body
        );
        assert_eq!(
            t.db.user_by_id(teacher1).await.unwrap().unwrap().email,
            None
        );

        let p = mo
            .post(
                &format!("/users/{teacher1}"),
                &form("petrova@school.example.ru"),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let u = t.db.user_by_id(teacher1).await.unwrap().unwrap();
        assert_eq!(u.email.as_deref(), Some("petrova@school.example.ru"));
        assert!(mo
            .get(&format!("/users/{teacher1}"))
            .await
            .body
            .contains("value=\"petrova@school.example.ru\""));
    });
}

#[tokio::test]
async fn a_school_activity_done_returned_and_confirmed_tells_the_curator_and_the_school() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let today = opora_plans::Date::today();
        let open =
            t.db.activity_rows(
                &opora_store::scope::Scope::School(cast.school_id),
                opora_store::plans::ActivityQuery::Open,
                today,
            )
            .await
            .unwrap();
        let a = open
            .first()
            .expect("the demo school has open activities")
            .activity_id;
        let (metod1, school1, teacher1) = (
            user_id(&t.db, "metod1").await,
            user_id(&t.db, "school1").await,
            user_id(&t.db, "teacher1").await,
        );
        let status =
            |to: &'static str, comment: &'static str| [("status", to), ("comment", comment)];
        let latest = |user: i64| {
            let db = t.db.clone();
            async move { db.notifications_for(user, 10).await.unwrap() }
        };

        // The teacher marks it done: the school's curator is asked to confirm.
        let mut teacher = logged_in(&base, "teacher1").await;
        teacher.get(&format!("/activities/{a}")).await;
        let p = teacher
            .post(&format!("/activities/{a}/status"), &status("done", ""))
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let got = latest(metod1).await;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, NoticeKind::Submitted);
        assert_eq!(got[0].link, format!("/activities/{a}"));
        assert!(
            got[0].title.starts_with("Отправлено на проверку"),
            "{}",
            got[0].title
        );
        assert!(
            latest(teacher1).await.is_empty(),
            "not told of one's own action"
        );
        assert!(latest(school1).await.is_empty());

        // The curator returns it with a reason: the school's administrator hears why.
        let mut curator = logged_in(&base, "metod1").await;
        curator.get(&format!("/activities/{a}")).await;
        let p = curator
            .post(
                &format!("/activities/{a}/status"),
                &status("in_progress", "Нет протокола заседания"),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let got = latest(school1).await;
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, NoticeKind::Returned);
        assert!(
            got[0].body.contains("Комментарий: Нет протокола заседания"),
            "{}",
            got[0].body
        );

        // Done again and confirmed: the administrator hears it was accepted.
        teacher.get(&format!("/activities/{a}")).await;
        teacher
            .post(&format!("/activities/{a}/status"), &status("done", ""))
            .await;
        assert_eq!(t.db.unread_count(metod1).await.unwrap(), 2);
        curator.get(&format!("/activities/{a}")).await;
        let p = curator
            .post(&format!("/activities/{a}/status"), &status("verified", ""))
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let got = latest(school1).await;
        assert_eq!(got[0].kind, NoticeKind::Accepted);
        assert!(latest(teacher1).await.is_empty());
        // The curator's inbox shows it in the navigation.
        assert!(inbox_link(&curator.get("/").await.body).ends_with("Уведомления (2)"));
    });
}

/// What the test's SMTP listener received in one conversation.
#[derive(Debug)]
struct Letter {
    mail_from: String,
    rcpt_to: Vec<String>,
    data: String,
}

/// A minimal SMTP server on 127.0.0.1:0: every conversation that ends a
/// DATA is sent down the channel. With `refuse`, every recipient is
/// refused for good (550).
async fn smtp_listener(refuse: bool) -> (u16, mpsc::UnboundedReceiver<Letter>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 smtp.test ESMTP\r\n").await.unwrap();
                let mut letter = Letter {
                    mail_from: String::new(),
                    rcpt_to: vec![],
                    data: String::new(),
                };
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250-smtp.test\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        letter.mail_from = line[10..].trim().to_string();
                        b"250 2.1.0 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        if refuse {
                            b"550 5.1.1 no such mailbox\r\n"
                        } else {
                            letter.rcpt_to.push(line[8..].trim().to_string());
                            b"250 2.1.5 OK\r\n"
                        }
                    } else if upper == "DATA" {
                        w.write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                            .await
                            .unwrap();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            letter.data.push_str(l.strip_prefix('.').unwrap_or(&l));
                            letter.data.push_str("\r\n");
                        }
                        let done = std::mem::replace(
                            &mut letter,
                            Letter {
                                mail_from: String::new(),
                                rcpt_to: vec![],
                                data: String::new(),
                            },
                        );
                        let _ = tx.send(done);
                        b"250 2.0.0 queued\r\n"
                    } else if upper == "RSET" || upper == "NOOP" {
                        b"250 2.0.0 OK\r\n"
                    } else if upper == "QUIT" {
                        w.write_all(b"221 2.0.0 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"502 5.5.2 not implemented\r\n"
                    };
                    w.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, rx)
}

/// A header's value, unfolded, with its RFC 2047 words (`=?utf-8?b?…?=`) decoded.
fn header(data: &str, name: &str) -> String {
    let head = &data[..data.find("\r\n\r\n").expect("headers end")];
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let line = unfolded
        .lines()
        .find(|l| {
            l.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .unwrap_or_else(|| panic!("no {name} in {head}"));
    let value = line[name.len() + 1..].trim();
    let mut out = String::new();
    let mut last_encoded = false;
    for word in value.split(' ') {
        let lower = word.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && lower.ends_with("?=") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&word[10..word.len() - 2])
                .unwrap();
            out.push_str(&String::from_utf8(bytes).unwrap());
            last_encoded = true;
        } else {
            if !out.is_empty() || last_encoded {
                out.push(' ');
            }
            out.push_str(word);
            last_encoded = false;
        }
    }
    out
}

/// The text of a single-part letter (base64, as the mailer writes it).
fn body(data: &str) -> String {
    assert!(
        header(data, "Content-Transfer-Encoding").eq_ignore_ascii_case("base64"),
        "{data}"
    );
    let encoded: String = data[data.find("\r\n\r\n").unwrap() + 4..]
        .split_whitespace()
        .collect();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap()
}

fn mail_config(port: u16) -> opora_web::Config {
    opora_web::Config {
        public_url: Some("http://opora.test".into()),
        mail: Some(opora_web::mail::MailConfig {
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            from: "Опора <opora@example.ru>".into(),
        }),
        ..test_config()
    }
}

/// A user with an address, and a notice for them waiting to be e-mailed.
async fn director_with_a_notice(db: &Db) -> i64 {
    let id = db
        .create_user(&NewUser {
            login: "director",
            display_name: "Иванова Анна Петровна",
            role: Role::Region,
            municipality_id: None,
            school_id: None,
            password_hash: None,
            curated_schools: &[],
        })
        .await
        .unwrap();
    db.set_user_email(id, Some("director@school1.example.ru"))
        .await
        .unwrap();
    db.notify(
        &[id],
        &notice(
            NoticeKind::Returned,
            "Мероприятие возвращено на доработку",
            "/activities/42",
        ),
    )
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn a_notification_is_emailed_over_smtp_with_a_russian_subject_and_the_link() {
    for_each_db!(|t| {
        let (port, mut received) = smtp_listener(false).await;
        director_with_a_notice(&t.db).await;
        // Started as `serve` starts it: the first round runs at once.
        let notifier = opora_web::Notifier::new(t.db.clone(), &mail_config(port)).unwrap();
        let task = notifier.clone().spawn();
        let letter = tokio::time::timeout(std::time::Duration::from_secs(120), received.recv())
            .await
            .expect("a letter (the notifier's first round)")
            .expect("the listener is running");
        task.abort();

        assert_eq!(letter.mail_from, "<opora@example.ru>");
        assert_eq!(letter.rcpt_to, ["<director@school1.example.ru>"]);
        assert_eq!(
            header(&letter.data, "Subject"),
            "Опора: Мероприятие возвращено на доработку"
        );
        assert!(header(&letter.data, "To").contains("<director@school1.example.ru>"));
        assert!(header(&letter.data, "From").contains("<opora@example.ru>"));
        let text = body(&letter.data);
        assert!(
            text.starts_with("Здравствуйте, Иванова Анна Петровна!"),
            "{text}"
        );
        assert!(
            text.contains("Возвращено на доработку: Мероприятие возвращено на доработку"),
            "{text}"
        );
        assert!(text.contains("Куратор просит дополнить отчёт"), "{text}");
        assert!(
            text.contains("Открыть: http://opora.test/activities/42"),
            "{text}"
        );
        assert!(text.contains("http://opora.test/notifications"), "{text}");

        // Sent once: the queue is empty, the next round sends nothing.
        assert!(t.db.unsent_emails(10).await.unwrap().is_empty());
        let round = notifier.run_once(opora_plans::Date::today()).await;
        assert_eq!(round.emailed, 0);
        assert!(received.try_recv().is_err());
    });
}

#[tokio::test]
async fn a_letter_refused_for_good_leaves_the_queue_and_an_unreachable_server_keeps_it() {
    for_each_db!(|t| {
        let director = director_with_a_notice(&t.db).await;
        let today = opora_plans::Date::today();

        // Nothing listens on this port: the letter waits for the next round.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let notifier = opora_web::Notifier::new(t.db.clone(), &mail_config(closed)).unwrap();
        let round = notifier.run_once(today).await;
        assert!(round.unavailable && round.emailed == 0, "{round:?}");
        assert_eq!(t.db.unsent_emails(10).await.unwrap().len(), 1);

        // A server that refuses the recipient (550): taken off the queue.
        let (port, mut received) = smtp_listener(true).await;
        let notifier = opora_web::Notifier::new(t.db.clone(), &mail_config(port)).unwrap();
        let round = notifier.run_once(today).await;
        assert_eq!(
            (round.emailed, round.refused, round.unavailable),
            (0, 1, false)
        );
        assert!(t.db.unsent_emails(10).await.unwrap().is_empty());
        assert!(received.try_recv().is_err());
        // The inbox still has it, unread.
        assert_eq!(t.db.unread_count(director).await.unwrap(), 1);
    });
}
