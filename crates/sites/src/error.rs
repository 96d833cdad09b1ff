//! Failures of a whole check. A broken link or a missing page is not an
//! error: it is recorded in the [`Audit`](crate::Audit).

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SiteError {
    #[error("«{0}» — не адрес сайта (ожидается, например, https://school.ru)")]
    BadUrl(String),
    #[error("сайт {url} недоступен: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("главная страница {url} отвечает ошибкой {status}")]
    HttpStatus { url: String, status: u16 },
    #[error("по адресу {url} не веб-страница ({content_type})")]
    NotHtml { url: String, content_type: String },
    #[error("главная страница {url} перенаправляет на другой сайт: {to} (проверьте этот адрес)")]
    OtherSite { url: String, to: String },
    #[error("слишком много перенаправлений с главной страницы {url}")]
    RedirectLoop { url: String },
    #[error("сайт {url} запрещает обход роботам (robots.txt закрывает главную страницу)")]
    Forbidden { url: String },
    #[error(
        "robots.txt сайта {url} отвечает ошибкой сервера {status}; по правилам обхода \
         (RFC 9309) сайт в таком случае не проверяется — повторите позже"
    )]
    RobotsUnavailable { url: String, status: u16 },
    #[error("список требований: {0}")]
    Requirements(String),
    #[error("не удалось подготовить HTTP-клиент: {0}")]
    Client(String),
}
