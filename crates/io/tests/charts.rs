//! The shared charts: the scatter of a small run is byte for byte what the
//! engine used to write (with the web's links), and no chart shows a NaN.

use opora_analytics::{
    identify, Config, ContextRow, ContextTable, Input, Run, SchoolInfo, SchoolResult,
    StatsAccumulator,
};

/// A region of `n` schools over `years`, school-level with SDs; poverty
/// drives results. Ids and names hold characters that need escaping.
fn region(n: usize, years: &[i32], with_context: bool) -> (Run, Vec<SchoolInfo>) {
    let mut acc = StatsAccumulator::new();
    let mut rows = vec![];
    let mut infos = vec![];
    for i in 0..n {
        let id = if i == 3 {
            "шк 3&<".to_string()
        } else {
            format!("s{i:02}")
        };
        let poverty = (i * 37 % 50) as f64;
        let noise = ((i * 7919) % 23) as f64 / 23.0 - 0.5;
        for (k, &year) in years.iter().enumerate() {
            let wobble = ((i * 31 + k * 17) % 11) as f64 / 11.0 - 0.5;
            acc.add_school(&SchoolResult {
                year,
                school_id: id.clone(),
                procedure: "ОГЭ".into(),
                subject: "математика".into(),
                grade: 9,
                n: 20 + (i % 7) as u64,
                mean_score: 20.0 - 0.1 * poverty + 2.0 * noise + wobble,
                sd_score: Some(4.0),
                ..Default::default()
            });
        }
        rows.push(ContextRow {
            school_id: id.clone(),
            year: None,
            values: vec![Some(poverty), Some((i % 5) as f64)],
        });
        infos.push(SchoolInfo {
            school_id: id,
            name: format!("Школа «{i}» \"A&B\" <x>"),
            is_lyceum_or_gymnasium: false,
        });
    }
    let context = if with_context {
        ContextTable {
            factors: vec!["poverty".into(), "other".into()],
            rows,
        }
    } else {
        ContextTable::default()
    };
    let stats = acc.into_table();
    let input = Input {
        stats: &stats,
        context: &context,
        schools: &infos,
        checklist: &[],
    };
    (identify(&input, &Config::default()).expect("run"), infos)
}

/// The web's link: the school card.
fn card(id: &str) -> String {
    let seg: String = id
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/schools/{seg}")
}

#[test]
fn scatter_with_links_is_what_the_engine_wrote() {
    let (run, infos) = region(30, &[2022, 2023], true);
    let svg = opora_io::charts::scatter_svg(&run, &infos, Some(&card));
    assert_eq!(svg, include_str!("fixtures/scatter_small.svg"));
}

#[test]
fn scatter_links_every_fitted_school_only_when_asked() {
    let (run, infos) = region(30, &[2022, 2023], true);
    let svg = opora_io::charts::scatter_svg(&run, &infos, Some(&card));
    assert_eq!(
        svg.matches("<a href=\"/schools/").count(),
        run.model.n_schools
    );
    assert!(svg.contains("<a href=\"/schools/%D1%88%D0%BA%203%26%3C\">"));
    assert!(svg.contains("Школа «5» &quot;A&amp;B&quot; &lt;x&gt; (s05)"));
    let bare = opora_io::charts::scatter_svg(&run, &infos, None);
    assert!(!bare.contains("<a "));
    assert_eq!(
        bare.matches("<circle").count(),
        svg.matches("<circle").count()
    );
}

#[test]
fn scatter_has_no_nan_at_the_edges() {
    for (n, with_context) in [(2, true), (20, false)] {
        let (run, infos) = region(n, &[2023], with_context);
        let svg = opora_io::charts::scatter_svg(&run, &infos, None);
        assert!(!svg.contains("NaN"), "{svg}");
    }
}
