//! The reports' metric charts, drawn with `plotters` into in-memory SVG.
//!
//! Only the SVG backend is used, without font libraries: plotters
//! estimates text extents itself and writes text as SVG `<text>`, leaving
//! the browser to pick the font. plotters escapes text and attribute
//! values itself, so labels are handed to it raw (escaping them here too
//! would show `&lt;` on the page); the title and caption around the
//! plot are written here and escaped here.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::report::{color, esc};

/// What a chart function draws on: the whole SVG canvas.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Any drawing failure; the SVG target is a string, so in practice none.
pub(crate) type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Palette entry `i` as a plotters colour.
pub(crate) fn rgb(i: usize) -> RGBColor {
    hex(color(i))
}

/// A `#rrggbb` colour (black if malformed, which the palette is not).
pub(crate) fn hex(s: &str) -> RGBColor {
    let c = |k: usize| {
        s.get(k..k + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0)
    };
    RGBColor(c(1), c(3), c(5))
}

/// The axis and label font, at `size` pixels on the page (plotters'
/// SVG text comes out at its nominal size / 1.24).
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    ("sans-serif", f64::from(size) * 1.24)
        .into_font()
        .color(&BLACK)
}

/// Draws a `w`×`h` chart with `draw` and wraps it in a `<figure>`: the
/// `<svg>` gets the chart class, an accessible name and a `<title>`, and
/// the caption goes below. A drawing error leaves an empty chart with the
/// error as its caption rather than failing the whole report.
pub(crate) fn figure(
    w: u32,
    h: u32,
    title: &str,
    caption: &str,
    draw: impl FnOnce(&Area<'_>) -> DrawResult,
) -> String {
    let mut buf = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        draw(&root).and_then(|()| root.present().map_err(Into::into))
    };
    let caption = match result {
        Ok(()) => esc(caption),
        Err(e) => {
            buf = format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"></svg>");
            format!("{} (not drawn: {})", esc(caption), esc(&e.to_string()))
        }
    };
    let t = esc(title);
    let body = buf.strip_prefix("<svg ").unwrap_or(&buf);
    let (open, rest) = body.split_once('>').unwrap_or((body, ""));
    // inline SVG in HTML needs no namespace, and a page that names no URL
    // is plainly self-contained
    let open = open.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    format!(
        "<figure><svg class=\"chart\" role=\"img\" aria-label=\"{t}\" {open}><title>{t}</title>{rest}<figcaption>{caption}</figcaption></figure>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_plotters_output_with_escaped_title_and_raw_labels_escaped_once() {
        let html = figure(200, 100, "a<b", "c&d", |root| {
            root.fill(&WHITE)?;
            root.draw(&Text::new("<script>x</script>", (10, 10), font(11)))?;
            Ok(())
        });
        assert!(html.starts_with("<figure><svg class=\"chart\" role=\"img\" aria-label=\"a&lt;b\" width=\"200\" height=\"100\""), "{html}");
        assert!(html.contains("><title>a&lt;b</title>"), "{html}");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(
            !html.contains("<script") && !html.contains("&amp;lt;"),
            "{html}"
        );
        assert!(
            html.ends_with("</svg>\n<figcaption>c&amp;d</figcaption></figure>"),
            "{html}"
        );
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(!html.contains("http"), "{html}");
    }

    #[test]
    fn palette_parses() {
        assert_eq!(hex("#4e79a7"), RGBColor(0x4e, 0x79, 0xa7));
        assert_eq!(rgb(1), RGBColor(0xf2, 0x8e, 0x2b));
    }
}
