//! Server-side SVG charts, shared by the web pages and the command line: the
//! scatter of an identification run, the school card's line charts and the
//! plan timeline. No scripts and no inline styles (presentation attributes
//! only, so the web's strict CSP allows them); every mark has a `<title>`
//! tooltip. Charts know no URLs: links come from the caller.

mod line;
mod scatter;
mod timeline;

pub use line::{line_chart, Series};
pub use scatter::scatter_svg;
pub use timeline::{timeline_svg, Bar, Timeline, TimelineRow};

/// Escapes text for XML content and attribute values.
pub fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn xml_escapes_markup_and_quotes() {
        assert_eq!(
            super::xml(r#"<a href="x">&</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
