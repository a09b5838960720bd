//! SVG drawings of data-flow diagrams, from the model alone. The app's image export and the
//! PDF report use this same drawing.
//!
//! Model text is inert here: it only ever goes into text nodes (escaped by the `svg` crate),
//! never into attributes; characters XML cannot carry are dropped; each label is a bidi
//! isolate, so direction controls in a name cannot reorder anything around it; long text is
//! cut with an ellipsis.

use std::collections::BTreeMap;

use svg::node::element::{Circle, Definitions, Group, Line, Marker, Path, Polygon, Rectangle, Text as TextElement, Title};
use svg::node::Text;
use svg::Document as Svg;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::*;

pub(super) const MARGIN: f64 = 40.0;
const FONT: &str = "DejaVu Sans, Helvetica, Arial, sans-serif";
pub(super) const FONT_SIZE: f64 = 12.0;
/// Average glyph width at FONT_SIZE, for wrapping.
pub(super) const CHAR_WIDTH: f64 = 6.8;
const MAX_LINES: usize = 3;
pub(super) const INK: &str = "#1f2933";
const BOUNDARY: &str = "#b42318";
/// Room above the drawing for its name.
pub(super) const TITLE_ROOM: f64 = 20.0;

/// Make text safe and short for a drawing: no control characters, at most `max` characters.
pub fn inert_text(text: &str, max: usize) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control() && !matches!(*c, '\u{fffe}' | '\u{ffff}'))
        .collect();
    let clean = clean.trim();
    if clean.chars().count() <= max {
        clean.to_string()
    } else {
        let cut: String = clean.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Wrap a label into at most MAX_LINES lines of about `width` pixels.
pub(super) fn wrap(text: &str, width: f64) -> Vec<String> {
    let per_line = ((width / CHAR_WIDTH).floor() as usize).max(6);
    let text = inert_text(text, per_line * MAX_LINES);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        while word.chars().count() > per_line {
            let head: String = word.chars().take(per_line).collect();
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            lines.push(head);
            word = word.chars().skip(per_line).collect();
        }
        if current.is_empty() {
            current = word;
        } else if current.chars().count() + 1 + word.chars().count() <= per_line {
            current.push(' ');
            current.push_str(&word);
        } else {
            lines.push(std::mem::replace(&mut current, word));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(last) = lines.last_mut() {
            let keep: String = last.chars().take(per_line.saturating_sub(1)).collect();
            *last = format!("{keep}…");
        }
    }
    lines
}

/// A label centred on (x, y), one `<tspan>`-free text element per line.
pub(super) fn label(lines: &[String], x: f64, y: f64, anchor: &str, weight: &str) -> Group {
    text_lines(lines, x, y, anchor, weight, FONT_SIZE, INK)
}

/// Lines of text centred vertically on `y`, at `size` in `fill`.
pub(super) fn text_lines(lines: &[String], x: f64, y: f64, anchor: &str, weight: &str, size: f64, fill: &str) -> Group {
    let top = y - (lines.len() as f64 - 1.0) * size * 0.6;
    lines.iter().enumerate().fold(Group::new(), |group, (i, line)| {
        group.add(
            TextElement::new("")
                .set("x", x)
                .set("y", top + i as f64 * size * 1.2)
                .set("text-anchor", anchor)
                .set("dominant-baseline", "middle")
                .set("font-family", FONT)
                .set("font-size", size)
                .set("font-weight", weight)
                .set("fill", fill)
                // First-strong isolate ... pop isolate: the label's own bidi stays inside.
                .add(Text::new(format!("\u{2068}{line}\u{2069}"))),
        )
    })
}

/// An empty drawing around `extent` (min x, min y, max x, max y) with a margin: its title,
/// the arrowheads (`arrow`, `arrow-start`), a white background and the name at the top left.
pub(super) fn canvas(name: &str, extent: (f64, f64, f64, f64)) -> Svg {
    let (x0, y0) = (extent.0 - MARGIN, extent.1 - MARGIN - TITLE_ROOM);
    let (width, height) = (extent.2 - extent.0 + 2.0 * MARGIN, extent.3 - extent.1 + 2.0 * MARGIN + TITLE_ROOM);
    let arrow = |id: &str, orient: &str| {
        Marker::new()
            .set("id", id)
            .set("viewBox", "0 0 10 10")
            .set("refX", 9)
            .set("refY", 5)
            .set("markerWidth", 8)
            .set("markerHeight", 8)
            .set("orient", orient)
            .add(Path::new().set("d", "M 0 0 L 10 5 L 0 10 z").set("fill", INK))
    };
    Svg::new()
        .set("xmlns", "http://www.w3.org/2000/svg")
        .set("viewBox", (x0, y0, width, height))
        .set("width", width)
        .set("height", height)
        .add(Title::new("").add(Text::new(inert_text(name, 200))))
        .add(Definitions::new().add(arrow("arrow", "auto")).add(arrow("arrow-start", "auto-start-reverse")))
        .add(Rectangle::new().set("x", x0).set("y", y0).set("width", width).set("height", height).set("fill", "#ffffff"))
        .add(label(&[inert_text(name, 120)], x0 + 16.0, y0 + 22.0, "start", "bold"))
}

/// A rectangle with corners rounded by `rx`, to be filled and stroked by the caller.
pub(super) fn rounded_rect(x: f64, y: f64, width: f64, height: f64, rx: f64) -> Rectangle {
    Rectangle::new().set("x", x).set("y", y).set("width", width).set("height", height).set("rx", rx)
}

struct Shape<'a> {
    element: &'a Element,
    layout: &'a Layout,
}

impl Shape<'_> {
    fn centre(&self) -> (f64, f64) {
        (self.layout.x + self.layout.width / 2.0, self.layout.y + self.layout.height / 2.0)
    }

    /// Where the segment from the centre towards (tx, ty) leaves the shape.
    fn border_towards(&self, tx: f64, ty: f64) -> (f64, f64) {
        let (cx, cy) = self.centre();
        let (dx, dy) = (tx - cx, ty - cy);
        if dx == 0.0 && dy == 0.0 {
            return (cx, cy);
        }
        let (hw, hh) = (self.layout.width / 2.0, self.layout.height / 2.0);
        let t = if self.element.kind() == ElementKind::Process && (hw - hh).abs() < 1.0 {
            hw / (dx * dx + dy * dy).sqrt()
        } else {
            let tx = if dx != 0.0 { hw / dx.abs() } else { f64::INFINITY };
            let ty = if dy != 0.0 { hh / dy.abs() } else { f64::INFINITY };
            tx.min(ty)
        };
        (cx + dx * t.min(1.0), cy + dy * t.min(1.0))
    }
}

/// The SVG drawing of one diagram.
pub fn diagram(doc: &Document, diagram: Id) -> Result<String> {
    let name = doc.diagrams.get(&diagram).map(|d| d.name.clone()).ok_or_else(|| Error::invalid(format!("no diagram with id {diagram}")))?;
    let elements: Vec<&Element> = doc.elements.values().filter(|e| e.diagram == diagram).collect();
    let shapes: BTreeMap<Id, Shape> = elements
        .iter()
        .filter(|e| e.kind() != ElementKind::DataFlow)
        .filter_map(|e| doc.layouts.get(&e.id).map(|layout| (e.id, Shape { element: e, layout })))
        .collect();

    // The drawing's extent: every shape and every bend point.
    let mut extent = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |x: f64, y: f64| extent = (extent.0.min(x), extent.1.min(y), extent.2.max(x), extent.3.max(y));
    for s in shapes.values() {
        grow(s.layout.x, s.layout.y);
        grow(s.layout.x + s.layout.width, s.layout.y + s.layout.height);
        s.layout.points.iter().for_each(|p| grow(p.x, p.y));
    }
    for e in &elements {
        doc.layouts.get(&e.id).into_iter().flat_map(|l| &l.points).for_each(|p| grow(p.x, p.y));
    }
    if extent.0 > extent.2 {
        extent = (0.0, 0.0, 400.0, 200.0);
    }
    let mut svg = canvas(&name, extent);

    // Boundaries first, outermost first, so that inner ones and shapes draw over them.
    let depth = |e: &Element| {
        let mut d = 0;
        let mut p = e.parent;
        while let Some(id) = p.filter(|_| d < 64) {
            d += 1;
            p = doc.elements.get(&id).and_then(|b| b.parent);
        }
        d
    };
    let mut boundaries: Vec<&Shape> = shapes.values().filter(|s| s.element.kind() == ElementKind::TrustBoundary).collect();
    boundaries.sort_by_key(|s| depth(s.element));
    for s in boundaries {
        let l = s.layout;
        let text = wrap(&s.element.name, (l.width - 16.0).max(60.0));
        if l.points.len() >= 2 {
            let d = l.points.iter().enumerate().map(|(i, p)| format!("{} {} {}", if i == 0 { "M" } else { "L" }, p.x, p.y)).collect::<Vec<_>>().join(" ");
            svg = svg.add(Path::new().set("d", d).set("fill", "none").set("stroke", BOUNDARY).set("stroke-width", 2).set("stroke-dasharray", "8 5"));
            let first = l.points[0];
            svg = svg.add(label(&text, first.x + 6.0, first.y + 12.0, "start", "bold"));
        } else {
            svg = svg.add(
                rounded_rect(l.x, l.y, l.width, l.height, 8.0)
                    .set("fill", BOUNDARY)
                    .set("fill-opacity", 0.04)
                    .set("stroke", BOUNDARY)
                    .set("stroke-width", 1.5)
                    .set("stroke-dasharray", "8 5"),
            );
            let lines = text.len() as f64;
            svg = svg.add(label(&text, l.x + 10.0, l.y + 14.0 + (lines - 1.0) * FONT_SIZE * 0.6, "start", "bold"));
        }
    }

    // Flows under the shapes they join.
    let mut flow_labels = Vec::new();
    for e in elements.iter().filter(|e| e.kind() == ElementKind::DataFlow) {
        let Some(f) = e.flow() else { continue };
        let (Some(source), Some(target)) = (f.source.and_then(|s| shapes.get(&s)), f.target.and_then(|t| shapes.get(&t))) else { continue };
        let bends: Vec<(f64, f64)> = doc.layouts.get(&e.id).map(|l| l.points.iter().map(|p| (p.x, p.y)).collect()).unwrap_or_default();
        let (toward_first, toward_last) = (bends.first().copied().unwrap_or(target.centre()), bends.last().copied().unwrap_or(source.centre()));
        let start = source.border_towards(toward_first.0, toward_first.1);
        let end = target.border_towards(toward_last.0, toward_last.1);
        let mut points = vec![start];
        points.extend(bends);
        points.push(end);
        let d = points.iter().enumerate().map(|(i, (x, y))| format!("{} {x} {y}", if i == 0 { "M" } else { "L" })).collect::<Vec<_>>().join(" ");
        let mut path = Path::new().set("d", d).set("fill", "none").set("stroke", INK).set("stroke-width", 1.4).set("marker-end", "url(#arrow)");
        if f.bidirectional {
            path = path.set("marker-start", "url(#arrow-start)");
        }
        svg = svg.add(path);
        let mid = points.len() / 2;
        let (a, b) = (points[mid - 1], points[mid]);
        flow_labels.push((e.name.clone(), (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
    }

    for s in shapes.values().filter(|s| s.element.kind() != ElementKind::TrustBoundary) {
        let l = s.layout;
        let (cx, cy) = s.centre();
        let stroke = (INK, 1.6);
        svg = match s.element.kind() {
            ElementKind::Process if (l.width - l.height).abs() < 1.0 => {
                svg.add(Circle::new().set("cx", cx).set("cy", cy).set("r", l.width / 2.0).set("fill", "#e8f1fb").set("stroke", stroke.0).set("stroke-width", stroke.1))
            }
            ElementKind::Process => svg.add(
                Rectangle::new().set("x", l.x).set("y", l.y).set("width", l.width).set("height", l.height).set("rx", l.width.min(l.height) / 2.0)
                    .set("fill", "#e8f1fb").set("stroke", stroke.0).set("stroke-width", stroke.1),
            ),
            ElementKind::ExternalEntity => svg.add(
                Rectangle::new().set("x", l.x).set("y", l.y).set("width", l.width).set("height", l.height)
                    .set("fill", "#f4f4f5").set("stroke", stroke.0).set("stroke-width", stroke.1),
            ),
            _ => svg
                .add(Polygon::new().set("points", format!("{},{} {},{} {},{} {},{}", l.x, l.y, l.x + l.width, l.y, l.x + l.width, l.y + l.height, l.x, l.y + l.height)).set("fill", "#fdf6e3").set("stroke", "none"))
                .add(Line::new().set("x1", l.x).set("y1", l.y).set("x2", l.x + l.width).set("y2", l.y).set("stroke", stroke.0).set("stroke-width", stroke.1))
                .add(Line::new().set("x1", l.x).set("y1", l.y + l.height).set("x2", l.x + l.width).set("y2", l.y + l.height).set("stroke", stroke.0).set("stroke-width", stroke.1)),
        };
        svg = svg.add(label(&wrap(&s.element.name, (l.width - 12.0).max(48.0)), cx, cy, "middle", "normal"));
    }

    // Flow labels last, on a white halo, so that lines never cross their text.
    for (name, x, y) in flow_labels {
        let lines = wrap(&name, 140.0);
        if lines.is_empty() {
            continue;
        }
        let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0) as f64 * CHAR_WIDTH;
        let h = lines.len() as f64 * FONT_SIZE * 1.2;
        svg = svg
            .add(Rectangle::new().set("x", x - widest / 2.0 - 4.0).set("y", y - h / 2.0 - 2.0).set("width", widest + 8.0).set("height", h + 4.0).set("rx", 3).set("fill", "#ffffff").set("fill-opacity", 0.9))
            .add(label(&lines, x, y, "middle", "normal"));
    }
    Ok(svg.to_string())
}
