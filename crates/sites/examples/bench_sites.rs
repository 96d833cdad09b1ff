//! Crawl speed: serves a local site of N pages (default 2,000) on 127.0.0.1
//! and checks it with the default requirements at each given delay,
//! printing page requests per second. Nothing on the site satisfies a
//! requirement, so the crawler visits every page (plus the usual
//! `/sveden/…` addresses, which answer 404).
//!
//! ```sh
//! scripts/bench_sites.sh                      # 2,000 pages at 0 and 200 ms
//! bench_sites --pages 2000 --delays 0,200
//! ```

#[path = "../tests/common/mod.rs"]
mod common;

use common::{page, serve, Answer};
use std::time::{Duration, Instant};

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

#[tokio::main]
async fn main() {
    let mut pages = 2000usize;
    let mut delays = vec![0u64, 200];
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--pages" => pages = args.next().and_then(|v| v.parse().ok()).expect("--pages N"),
            "--delays" => {
                delays = args
                    .next()
                    .expect("--delays 0,200")
                    .split(',')
                    .map(|d| d.parse().expect("milliseconds"))
                    .collect()
            }
            other => panic!("unknown argument {other}"),
        }
    }
    // Each page: a menu, some text, links to the next pages and back.
    let filler = "<p>Учебный процесс, внеурочная деятельность, новости школы. </p>".repeat(40);
    let answers: Vec<(String, Answer)> = (0..pages)
        .map(|i| {
            let path = if i == 0 {
                "/".to_string()
            } else {
                format!("/p/{i}")
            };
            let mut links =
                String::from("<nav><a href=\"/\">Главная</a> <a href=\"/p/1\">Начало</a></nav>");
            for j in [i + 1, i + 2, i + 3, i / 2] {
                if j > 0 && j < pages {
                    links.push_str(&format!("<a href=\"/p/{j}\">Страница {j}</a> "));
                }
            }
            (
                path,
                Answer::Html(page(&format!("Страница {i}"), &format!("{links}{filler}"))),
            )
        })
        .collect();
    let site = serve(
        answers
            .iter()
            .map(|(p, a)| (p.as_str(), a.clone()))
            .collect(),
    )
    .await;
    println!(
        "site: {pages} pages of {} KB on {} (served from memory); load average {}",
        answers[1].1.len_kb(),
        site.addr,
        load()
    );
    for delay in delays {
        let options = opora_sites::Options {
            delay: Duration::from_millis(delay),
            max_pages: pages + 100,
            ..opora_sites::Options::default()
        };
        let t = Instant::now();
        let audit = opora_sites::check_site(
            &site.url("/"),
            &opora_sites::default_requirements(),
            &options,
        )
        .await
        .expect("the local site");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "delay {delay} ms: {} page requests in {secs:.2} s = {:.1} pages/s (found {}, load average {})",
            audit.pages_visited,
            audit.pages_visited as f64 / secs,
            audit.found_count(),
            load()
        );
    }
}

trait Size {
    fn len_kb(&self) -> usize;
}

impl Size for Answer {
    fn len_kb(&self) -> usize {
        match self {
            Answer::Html(h) => h.len() / 1024,
            _ => 0,
        }
    }
}
