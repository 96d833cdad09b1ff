//! Small line charts (the school card's results over the years).

use super::xml;
use opora_analytics::text::num as fmt_ru;
use std::fmt::Write;

pub struct Series {
    pub label: String,
    pub colour: &'static str,
    pub dashed: bool,
    /// One value per x position.
    pub values: Vec<Option<f64>>,
}

/// A line chart of `series` over `xs` (labels), y from 0 to at least
/// `y_max_hint`; `unit` follows values in tooltips.
pub fn line_chart(
    title: &str,
    xs: &[String],
    series: &[Series],
    y_label: &str,
    unit: &str,
    y_max_hint: f64,
) -> String {
    let (w, h, l, t, b) = (560.0, 260.0, 52.0, 34.0, 58.0);
    // The last x label is centred on the last point: leave it room.
    let r = xs
        .last()
        .map_or(0.0, |x| text_width(x) / 2.0 + 4.0)
        .max(12.0);
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .fold(y_max_hint, f64::max);
    let y_max = nice_ceiling(max.max(1e-9));
    let n = xs.len().max(1);
    let sx = |i: usize| {
        if n == 1 {
            (l + w - r) / 2.0
        } else {
            l + (w - l - r) * i as f64 / (n - 1) as f64
        }
    };
    let sy = |v: f64| h - b - (v / y_max) * (h - t - b);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" class="chart" role="img" aria-label="{}" font-family="sans-serif" font-size="12">"#,
        xml(title)
    );
    let _ = write!(
        s,
        r#"<title>{}</title><text x="{l}" y="18" font-size="13" font-weight="bold">{}</text>"#,
        xml(title),
        xml(title)
    );
    for k in 0..=4 {
        let v = y_max * k as f64 / 4.0;
        let y = sy(v);
        let _ = write!(
            s,
            r##"<line x1="{l}" y1="{y:.1}" x2="{}" y2="{y:.1}" stroke="#e3e7ec"/><text x="{}" y="{y:.1}" text-anchor="end" dominant-baseline="middle" fill="#5b6775">{}</text>"##,
            w - r,
            l - 6.0,
            fmt_ru(v, 0)
        );
    }
    for (i, x) in xs.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#5b6775">{}</text>"##,
            sx(i),
            h - b + 16.0,
            xml(x)
        );
    }
    let _ = write!(
        s,
        r##"<text transform="translate(14 {}) rotate(-90)" text-anchor="middle" fill="#5b6775">{}</text>"##,
        (t + h - b) / 2.0,
        xml(y_label)
    );
    for se in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in se.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        sx(i),
                        sy(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let dash = if se.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        if !path.is_empty() {
            let _ = write!(
                s,
                r#"<path d="{}" fill="none" stroke="{}" stroke-width="2"{dash}/>"#,
                path.trim(),
                se.colour
            );
        }
        for (i, v) in se.values.iter().enumerate() {
            if let Some(v) = v {
                let tip = format!(
                    "{}, {}: {}{unit}",
                    se.label,
                    xs.get(i).map(String::as_str).unwrap_or(""),
                    fmt_ru(*v, 1)
                );
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{}"><title>{}</title></circle>"#,
                    sx(i),
                    sy(*v),
                    se.colour,
                    xml(&tip)
                );
            }
        }
    }
    // Legend under the axis.
    let mut x = l;
    let y = h - 14.0;
    for se in series {
        let dash = if se.dashed {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{y}" x2="{}" y2="{y}" stroke="{}" stroke-width="2"{dash}/><text x="{}" y="{y}" dominant-baseline="middle" fill="#1d2733">{}</text>"##,
            x + 22.0,
            se.colour,
            x + 27.0,
            xml(&se.label)
        );
        x += 40.0 + text_width(&se.label);
    }
    s.push_str("</svg>");
    s
}

/// About how wide `s` is at font size 12, in pixels.
fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * 6.6
}

fn nice_ceiling(v: f64) -> f64 {
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if m * mag >= v {
            return m * mag;
        }
    }
    10.0 * mag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_x_label_fits() {
        let xs: Vec<String> = ["2021-2022", "2022-2023", "2023-2024"]
            .map(String::from)
            .into();
        let svg = line_chart("ВПР", &xs, &[], "%", "%", 100.0);
        let (width, label_x) = (560.0, "<text x=\"");
        let last = svg.rfind("\">2023-2024</text>").unwrap();
        let start = svg[..last].rfind(label_x).unwrap() + label_x.len();
        let x: f64 = svg[start..].split('"').next().unwrap().parse().unwrap();
        assert!(x + text_width("2023-2024") / 2.0 <= width, "{x}");
    }

    #[test]
    fn chart_has_points_with_tooltips_and_no_inline_style() {
        let svg = line_chart(
            "ВПР, Математика",
            &["2022-2023".into(), "2023-2024".into()],
            &[Series {
                label: "Школа".into(),
                colour: "#1f5f99",
                dashed: false,
                values: vec![Some(55.5), None],
            }],
            "% от максимума",
            "%",
            100.0,
        );
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("<title>Школа, 2022-2023: 55,5%</title>"));
        assert!(!svg.contains("style="));
        assert_eq!(nice_ceiling(73.0), 100.0);
        assert_eq!(nice_ceiling(0.3), 0.5);
    }
}
