//! The scatter of an identification run: result index against social index,
//! the fitted line, the categories in colour.

use super::xml;
use opora_analytics::export::counts;
use opora_analytics::text::{self, n2};
use opora_analytics::{Run, SchoolInfo, SchoolOutcome};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Colour and legend label of a school's category (one colour per point).
fn colour(o: &SchoolOutcome) -> (&'static str, &'static str) {
    if o.is_resilient {
        ("#2ca02c", "резильентная")
    } else if o.is_shnor {
        ("#d62728", "ШНОР")
    } else if o.is_shnsu {
        ("#ff7f0e", "ШНСУ")
    } else if o.is_low_results {
        ("#9467bd", "низкие результаты")
    } else {
        ("#9e9e9e", "норма")
    }
}

/// Round tick positions covering [lo, hi].
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = (hi - lo).max(1e-9);
    let raw = span / 6.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + 1e-12 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

/// scatter.svg: result index against social index, the fitted line, the
/// categories in colour, a `<title>` per point. With `href` (school id → URL)
/// each point is a link to its school.
pub fn scatter_svg(
    run: &Run,
    schools: &[SchoolInfo],
    href: Option<&dyn Fn(&str) -> String>,
) -> String {
    let names: BTreeMap<&str, &str> = schools
        .iter()
        .map(|s| (s.school_id.as_str(), s.name.as_str()))
        .collect();
    let pts: Vec<(&SchoolOutcome, f64, f64)> = run
        .schools
        .iter()
        .filter(|o| o.rank.is_some())
        .filter_map(|o| Some((o, o.social_index.unwrap_or(0.0), o.result_index?)))
        .collect();
    let (w, h, l, r, t, b) = (900.0, 600.0, 70.0, 190.0, 50.0, 60.0);
    let span = |v: Vec<f64>| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !lo.is_finite() {
            (-1.0, 1.0)
        } else {
            let pad = ((hi - lo) * 0.05).max(0.1);
            (lo - pad, hi + pad)
        }
    };
    let (x0, x1) = span(pts.iter().map(|p| p.1).collect());
    let (y0, y1) = span(pts.iter().map(|p| p.2).collect());
    let sx = |x: f64| l + (x - x0) / (x1 - x0) * (w - l - r);
    let sy = |y: f64| h - b - (y - y0) / (y1 - y0) * (h - t - b);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="12">"#
    );
    let title = format!(
        "ИПР и социальные условия, {}; R² = {}",
        text::years(&run.years),
        run.model.r2.map(n2).unwrap_or_else(|| "—".into())
    );
    let _ = writeln!(
        s,
        r#"<title>{}</title><rect width="{w}" height="{h}" fill="white"/>"#,
        xml(&title)
    );
    let _ = writeln!(
        s,
        r#"<text x="{l}" y="28" font-size="15">{}</text>"#,
        xml(&title)
    );
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="plot"><rect x="{l}" y="{t}" width="{}" height="{}"/></clipPath></defs>"#,
        w - l - r,
        h - t - b
    );
    axes(&mut s, (x0, x1, y0, y1), &sx, &sy, (w, h, l, r, t, b));
    if let Some(c) = run.model.coefficients.first() {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#333" stroke-width="1.5" stroke-dasharray="6 4" clip-path="url(#plot)"><title>Ожидаемый результат: ИПР = {} + ИСУ</title></line>"##,
            sx(x0),
            sy(c.estimate + x0),
            sx(x1),
            sy(c.estimate + x1),
            n2(c.estimate)
        );
    }
    for (o, x, y) in &pts {
        let (fill, label) = colour(o);
        let name = names.get(o.school_id.as_str()).copied().unwrap_or("");
        let tip = format!(
            "{} ({})\nИПР {}; социальный индекс {}; ожидаемый {}; эффект {}; место {}\n{}",
            if name.is_empty() { "Школа" } else { name },
            o.school_id,
            o.result_index.map(n2).unwrap_or_default(),
            o.social_index.map(n2).unwrap_or_else(|| "—".into()),
            o.expected.map(n2).unwrap_or_default(),
            o.effect.map(n2).unwrap_or_default(),
            o.rank.unwrap_or(0),
            if o.category.is_empty() {
                label
            } else {
                &o.category
            }
        );
        let stroke = if o.is_shnor && o.is_shnsu {
            r##" stroke="#ff7f0e" stroke-width="2""##
        } else {
            ""
        };
        let circle = format!(
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" fill-opacity="0.85"{stroke}><title>{}</title></circle>"#,
            sx(*x),
            sy(*y),
            xml(&tip)
        );
        let _ = match href {
            Some(url) => writeln!(s, r#"<a href="{}">{circle}</a>"#, xml(&url(&o.school_id))),
            None => writeln!(s, "{circle}"),
        };
    }
    legend(&mut s, run, w - r + 15.0, t + 10.0);
    s.push_str("</svg>\n");
    s
}

type Frame = (f64, f64, f64, f64, f64, f64);

fn axes(
    s: &mut String,
    (x0, x1, y0, y1): (f64, f64, f64, f64),
    sx: &dyn Fn(f64) -> f64,
    sy: &dyn Fn(f64) -> f64,
    f: Frame,
) {
    let (w, h, l, r, t, b) = f;
    let _ = writeln!(
        s,
        r##"<rect x="{l}" y="{t}" width="{}" height="{}" fill="none" stroke="#999"/>"##,
        w - l - r,
        h - t - b
    );
    for v in ticks(x0, x1) {
        let _ = writeln!(
            s,
            r##"<line x1="{0:.1}" y1="{1}" x2="{0:.1}" y2="{2}" stroke="#eee"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4}</text>"##,
            sx(v),
            t,
            h - b,
            h - b + 16.0,
            xml(&text::num(v, 1))
        );
    }
    for v in ticks(y0, y1) {
        let _ = writeln!(
            s,
            r##"<line x1="{1}" y1="{0:.1}" x2="{2}" y2="{0:.1}" stroke="#eee"/><text x="{3}" y="{0:.1}" text-anchor="end" dominant-baseline="middle">{4}</text>"##,
            sy(v),
            l,
            w - r,
            l - 6.0,
            xml(&text::num(v, 1))
        );
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">Социальный индекс (ИСУ): левее — неблагоприятнее условия</text>"#,
        (l + w - r) / 2.0,
        h - 18.0
    );
    let _ = writeln!(
        s,
        r#"<text transform="translate(18 {}) rotate(-90)" text-anchor="middle">Интегральный показатель результатов (ИПР)</text>"#,
        (t + h - b) / 2.0
    );
}

fn legend(s: &mut String, run: &Run, x: f64, y: f64) {
    let c = counts(run);
    let rows = [
        ("#d62728", "ШНОР", c.shnor),
        ("#ff7f0e", "ШНСУ", c.shnsu),
        ("#2ca02c", "резильентная", c.resilient),
        ("#9467bd", "низкие результаты", c.low),
        ("#9e9e9e", "норма", c.normal),
    ];
    for (i, (col, label, n)) in rows.iter().enumerate() {
        let yy = y + i as f64 * 20.0;
        let _ = writeln!(
            s,
            r#"<circle cx="{x}" cy="{yy}" r="5" fill="{col}"/><text x="{}" y="{yy}" dominant-baseline="middle">{label}: {n}</text>"#,
            x + 10.0
        );
    }
    let yy = y + rows.len() as f64 * 20.0 + 10.0;
    let _ = writeln!(
        s,
        r##"<line x1="{}" y1="{yy}" x2="{}" y2="{yy}" stroke="#333" stroke-dasharray="6 4"/><text x="{}" y="{yy}" dominant-baseline="middle">ожидаемый</text>"##,
        x - 6.0,
        x + 6.0,
        x + 10.0
    );
    if run.model.factors.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{}" font-size="11">факторы не отобраны:</text><text x="{x}" y="{}" font-size="11">ИСУ = 0 у всех</text>"#,
            yy + 24.0,
            yy + 38.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(-1.0, 1.0), vec![-1.0, -0.5, 0.0, 0.5, 1.0]);
    }
}
