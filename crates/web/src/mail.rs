//! E-mail of notifications over SMTP (lettre): the settings, one plain-text
//! Russian letter per notification with a link to the site, and the errors
//! of sending, told apart by whether trying again can help.
//!
//! `OPORA_SMTP_URL` is lettre's URL form: `smtp://host:port` (no
//! encryption, for a relay on the same machine or network),
//! `smtp://user:password@host:587?tls=required` (STARTTLS) or
//! `smtps://user:password@host` (TLS from the start; rustls with the
//! Mozilla roots). Unset: no e-mail, notifications stay in the application.

use crate::{env_value, ConfigError};
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use opora_store::notifications::OutgoingEmail;

/// Where and from whom notifications are e-mailed.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://…` or `smtps://…` (may hold a password: never shown whole).
    pub smtp_url: String,
    /// The sender, `Опора <opora@example.ru>` or a bare address.
    pub from: String,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_url", &redact(&self.smtp_url))
            .field("from", &self.from)
            .finish()
    }
}

impl MailConfig {
    /// `OPORA_SMTP_URL` and `OPORA_MAIL_FROM`; `None` when no server is
    /// set. With a server, the sender is required, and so is the public URL
    /// (`has_public_url`): letters link to the site by it.
    pub fn from_env(has_public_url: bool) -> Result<Option<MailConfig>, ConfigError> {
        MailConfig::from_values(
            env_value("OPORA_SMTP_URL"),
            env_value("OPORA_MAIL_FROM"),
            has_public_url,
        )
    }

    /// [`MailConfig::from_env`] over given values (trimmed, `None` when unset).
    pub fn from_values(
        smtp_url: Option<String>,
        from: Option<String>,
        has_public_url: bool,
    ) -> Result<Option<MailConfig>, ConfigError> {
        let Some(url) = smtp_url else {
            return Ok(None);
        };
        if transport(&url).is_err() {
            return Err(ConfigError::new(
                "OPORA_SMTP_URL",
                &redact(&url),
                "адрес почтового сервера вида smtp://host:25, smtp://логин:пароль@host:587?tls=required или smtps://логин:пароль@host",
            ));
        }
        let from = from.unwrap_or_default();
        if from.parse::<Mailbox>().is_err() {
            return Err(ConfigError::new(
                "OPORA_MAIL_FROM",
                &from,
                "адрес отправителя вида «Опора <opora@example.ru>» (он обязателен, когда задан OPORA_SMTP_URL)",
            ));
        }
        if !has_public_url {
            return Err(ConfigError::new(
                "OPORA_PUBLIC_URL",
                "",
                "адрес сервера вида https://opora.example.ru: по нему строятся ссылки в письмах (задан OPORA_SMTP_URL)",
            ));
        }
        Ok(Some(MailConfig {
            smtp_url: url,
            from,
        }))
    }
}

/// The URL with its password (if any) hidden, for messages and logs.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        None => url.to_string(),
    }
}

fn transport(
    url: &str,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build())
}

/// Why a letter was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("настройка почты: {0}")]
    Settings(String),
    /// The user's address cannot be written in a letter.
    #[error("адрес «{email}» не подходит для отправки: {reason}")]
    Address { email: String, reason: String },
    #[error("письмо не удалось составить: {0}")]
    Letter(String),
    /// The server refused this letter for good (5xx): sending it again
    /// will not help.
    #[error("почтовый сервер отказался принять письмо: {0}")]
    Refused(String),
    /// The server could not be reached or asked to try later (4xx): the
    /// letter waits for the next round.
    #[error("почтовый сервер недоступен: {0}")]
    Unavailable(String),
}

impl MailError {
    /// Whether trying the same letter again cannot help (it is taken off
    /// the queue and the reason is logged).
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            MailError::Address { .. } | MailError::Letter(_) | MailError::Refused(_)
        )
    }
}

/// Sends notification letters through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The public URL letters link to, without a trailing slash.
    site: String,
}

impl Mailer {
    /// A mailer for the settings; `public_url` is the site letters link to.
    pub fn new(cfg: &MailConfig, public_url: Option<&str>) -> Result<Mailer, MailError> {
        let transport = transport(&cfg.smtp_url).map_err(|e| {
            MailError::Settings(format!("OPORA_SMTP_URL «{}»: {e}", redact(&cfg.smtp_url)))
        })?;
        let from = cfg
            .from
            .parse::<Mailbox>()
            .map_err(|e| MailError::Settings(format!("OPORA_MAIL_FROM «{}»: {e}", cfg.from)))?;
        let site = public_url
            .map(|u| u.trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
            .ok_or_else(|| {
                MailError::Settings(
                    "для ссылок в письмах нужен адрес сервера (OPORA_PUBLIC_URL)".into(),
                )
            })?;
        Ok(Mailer {
            transport,
            from,
            site,
        })
    }

    /// The letter of one notification: «Опора: <title>», plain text in
    /// Russian with the link to the matter and to the inbox.
    pub fn letter(&self, e: &OutgoingEmail) -> Result<Message, MailError> {
        let to_address =
            e.email
                .trim()
                .parse::<lettre::Address>()
                .map_err(|err| MailError::Address {
                    email: e.email.clone(),
                    reason: err.to_string(),
                })?;
        let to = Mailbox::new(Some(e.display_name.clone()), to_address);
        // Base64 survives every relay (7-bit or not) and reads the same everywhere.
        let body = Body::new_with_encoding(self.text(e), ContentTransferEncoding::Base64)
            .map_err(|_| MailError::Letter("текст письма не закодирован".into()))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(format!("Опора: {}", e.title))
            // Ours, not the relay's: one per notification, in the sender's domain.
            .message_id(Some(format!(
                "<opora.notification.{}.{}@{}>",
                e.id,
                e.created_at
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect::<String>(),
                self.from.email.domain()
            )))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(body),
            )
            .map_err(|err| MailError::Letter(err.to_string()))
    }

    /// The plain text of a letter.
    pub fn text(&self, e: &OutgoingEmail) -> String {
        let mut t = format!("Здравствуйте, {}!\n\n", e.display_name.trim());
        t.push_str(&format!("{}: {}\n", e.kind.title(), e.title.trim()));
        if !e.body.trim().is_empty() {
            t.push('\n');
            t.push_str(e.body.trim());
            t.push('\n');
        }
        t.push('\n');
        if !e.link.is_empty() {
            t.push_str(&format!("Открыть: {}{}\n", self.site, e.link));
        }
        t.push_str(&format!("Все уведомления: {}/notifications\n\n", self.site));
        t.push_str(
            "Письмо отправлено автоматически системой «Опора», отвечать на него не нужно.\n",
        );
        t
    }

    /// Sends one notification's letter.
    pub async fn send(&self, e: &OutgoingEmail) -> Result<(), MailError> {
        let letter = self.letter(e)?;
        self.transport
            .send(letter)
            .await
            .map(|_| ())
            .map_err(|err| {
                if err.is_permanent() {
                    MailError::Refused(err.to_string())
                } else {
                    MailError::Unavailable(err.to_string())
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_server_address_is_never_shown() {
        assert_eq!(
            redact("smtp://opora:secret@mail.example.ru:587?tls=required"),
            "smtp://opora:***@mail.example.ru:587?tls=required"
        );
        assert_eq!(redact("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
        let cfg = MailConfig {
            smtp_url: "smtps://a:b@c".into(),
            from: "x@y.ru".into(),
        };
        assert!(!format!("{cfg:?}").contains(":b@"));
    }

    #[test]
    fn mail_is_off_without_a_server_and_a_server_needs_a_sender_and_the_public_url() {
        let some = |s: &str| Some(s.to_string());
        assert!(MailConfig::from_values(None, some("x@y.ru"), false)
            .unwrap()
            .is_none());
        let ok = MailConfig::from_values(
            some("smtp://127.0.0.1:2525"),
            some("Опора <opora@example.ru>"),
            true,
        )
        .unwrap()
        .unwrap();
        assert_eq!(ok.from, "Опора <opora@example.ru>");
        let err = |url: &str, from: Option<String>, public: bool| {
            MailConfig::from_values(some(url), from, public).unwrap_err()
        };
        assert_eq!(
            err("smtp://127.0.0.1:2525", None, true).name,
            "OPORA_MAIL_FROM"
        );
        assert_eq!(
            err("smtp://127.0.0.1:2525", some("не адрес"), true).name,
            "OPORA_MAIL_FROM"
        );
        assert_eq!(
            err("smtp://127.0.0.1:2525", some("x@y.ru"), false).name,
            "OPORA_PUBLIC_URL"
        );
        let bad = err("mail://user:secret@host", some("x@y.ru"), true);
        assert_eq!(bad.name, "OPORA_SMTP_URL");
        assert!(!bad.to_string().contains("secret"), "{bad}");
    }

    #[test]
    fn server_addresses_in_the_documented_forms_are_accepted() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://user:pass@mail.example.ru:587?tls=required",
            "smtps://user:pass@mail.example.ru",
        ] {
            assert!(transport(url).is_ok(), "{url}");
        }
        assert!(transport("http://mail.example.ru").is_err());
    }
}
