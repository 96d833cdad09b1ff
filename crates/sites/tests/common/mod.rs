//! Local websites for the crawler's tests (and the benchmark): an axum
//! server on 127.0.0.1:0 serving a fixed set of answers by path, with a log
//! of every request it received.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One answer of the site.
#[derive(Clone)]
pub enum Answer {
    /// UTF-8 HTML with `text/html; charset=utf-8`.
    Html(String),
    /// HTML encoded in Windows-1251; `charset` in the header or not.
    Html1251 {
        html: String,
        header_charset: bool,
    },
    /// A file of this type and size (answers HEAD with its length).
    File {
        content_type: String,
        bytes: usize,
    },
    /// A huge file served as a stream; refuses HEAD (405) and ignores
    /// `Range`, so only the client can stop the download. Bytes actually
    /// produced are counted in [`Site::streamed`].
    Endless {
        content_type: String,
        bytes: u64,
    },
    Text(String),
    Status(u16),
    Redirect(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// Percent-decoded path (with the query, if any).
    pub path: String,
}

pub struct Site {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<Request>>>,
    pub streamed: Arc<AtomicU64>,
}

impl Site {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    /// Requests for a path (decoded), any method.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    /// GET requests for pages (everything but robots.txt and files).
    pub fn page_gets(&self) -> usize {
        const FILES: &[&str] = &[".pdf", ".doc", ".docx", ".odt", ".png", ".jpg"];
        self.requests()
            .iter()
            .filter(|r| {
                let path = r.path.split('?').next().unwrap_or("").to_ascii_lowercase();
                r.method == "GET"
                    && path != "/robots.txt"
                    && !FILES.iter().any(|ext| path.ends_with(ext))
            })
            .count()
    }
}

struct State {
    answers: HashMap<String, Answer>,
    log: Arc<Mutex<Vec<Request>>>,
    streamed: Arc<AtomicU64>,
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

async fn answer(
    axum::extract::State(st): axum::extract::State<Arc<State>>,
    method: Method,
    uri: Uri,
    _headers: HeaderMap,
) -> Response {
    let path = decode(uri.path());
    let full = match uri.query() {
        Some(q) => format!("{path}?{}", decode(q)),
        None => path.clone(),
    };
    st.log.lock().unwrap().push(Request {
        method: method.to_string(),
        path: full.clone(),
    });
    let found = st.answers.get(&full).or_else(|| st.answers.get(&path));
    let Some(a) = found.cloned() else {
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><head><title>404</title></head><body>Нет такой страницы</body></html>",
        )
            .into_response();
    };
    match a {
        Answer::Html(h) => {
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], h).into_response()
        }
        Answer::Html1251 {
            html,
            header_charset,
        } => {
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&html);
            let ct = if header_charset {
                "text/html; charset=windows-1251"
            } else {
                "text/html"
            };
            ([(header::CONTENT_TYPE, ct)], bytes.into_owned()).into_response()
        }
        Answer::File {
            content_type,
            bytes,
        } => {
            let body = if method == Method::HEAD {
                Body::empty()
            } else {
                Body::from(vec![b'%'; bytes])
            };
            Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .header(header::CONTENT_LENGTH, bytes)
                .body(body)
                .unwrap()
        }
        Answer::Endless {
            content_type,
            bytes,
        } => {
            if method == Method::HEAD {
                return StatusCode::METHOD_NOT_ALLOWED.into_response();
            }
            const CHUNK: usize = 64 * 1024;
            let counter = st.streamed.clone();
            let stream = futures_util::stream::unfold(0u64, move |sent| {
                let counter = counter.clone();
                async move {
                    if sent >= bytes {
                        return None;
                    }
                    let n = CHUNK.min((bytes - sent) as usize);
                    counter.fetch_add(n as u64, Ordering::SeqCst);
                    let chunk = bytes::Bytes::from(vec![b'x'; n]);
                    Some((Ok::<_, std::io::Error>(chunk), sent + n as u64))
                }
            });
            Response::builder()
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from_stream(stream))
                .unwrap()
        }
        Answer::Text(t) => ([(header::CONTENT_TYPE, "text/plain")], t).into_response(),
        Answer::Status(code) => StatusCode::from_u16(code).unwrap().into_response(),
        Answer::Redirect(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
    }
}

/// Serves the answers on 127.0.0.1 (a free port) until the test ends.
pub async fn serve(answers: Vec<(&str, Answer)>) -> Site {
    let log = Arc::new(Mutex::new(Vec::new()));
    let streamed = Arc::new(AtomicU64::new(0));
    let state = Arc::new(State {
        answers: answers
            .into_iter()
            .map(|(p, a)| (p.to_string(), a))
            .collect(),
        log: log.clone(),
        streamed: streamed.clone(),
    });
    let app = Router::new().fallback(answer).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Site {
        addr,
        log,
        streamed,
    }
}

/// A page with a title and a body.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

pub fn pdf(bytes: usize) -> Answer {
    Answer::File {
        content_type: "application/pdf".into(),
        bytes,
    }
}

/// Options for tests: no pause.
pub fn fast() -> opora_sites::Options {
    opora_sites::Options {
        delay: std::time::Duration::ZERO,
        ..opora_sites::Options::default()
    }
}
