//! Typesetting the report's blocks onto PDF pages with printpdf.
//!
//! A small layout engine, not HTML: text is measured with the embedded font's own advance
//! widths and wrapped greedily; a table row is kept whole (moved to the next page, with the
//! header repeated) and its cells are cut short when one row would not fit on a page; a
//! section starts a page unless the page before is less than half full. The body is laid out
//! first so that the contents page can give page numbers. Diagrams and attack trees are the
//! engine's SVG drawings converted to vector form (svg2pdf) and placed as form XObjects, with
//! the labels written again as invisible text at the same places so that they can be searched
//! and copied; a drawing wider than tall that would shrink on a portrait page gets a
//! landscape page of its own, with its heading. Colours are chosen to stay distinct in greyscale,
//! and every severity is also written as a word.

use std::cell::{Cell as Flag, OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, Svg, TextItem,
    TextRenderingMode, XObjectTransform,
};

use crate::error::{Error, Result};
use crate::risk::Severity;

use super::content::{Block, Cell, Figure, OutlineLine, Report, Style, Table};
use super::text::{inert, visual};
use super::{fallback_font, needs_fallback, Paper, BOLD_TTF, REGULAR_TTF};


const MARGIN_X: f32 = 54.0;
const BODY_TOP: f32 = 72.0;
const BODY_BOTTOM: f32 = 62.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 7.5;
const H1: f32 = 20.0;
const H2: f32 = 12.5;
const LEADING: f32 = 1.38;
const CELL_PAD: f32 = 4.0;
/// Room kept under a drawing for its caption.
const CAPTION_ROOM: f32 = 30.0;
/// Below this scale a tree's labels are too small to read, so its outline follows the drawing.
const LEGIBLE_SCALE: f32 = 0.45;
/// A section shares the page before when at least this share of the page is still free.
const SHARE_PAGE: f32 = 0.5;

const INK: (f32, f32, f32) = (0.12, 0.14, 0.17);
const MUTED: (f32, f32, f32) = (0.38, 0.41, 0.45);
const ACCENT: (f32, f32, f32) = (0.09, 0.22, 0.40);
const RULE: (f32, f32, f32) = (0.80, 0.82, 0.85);
const HEADER_FILL: (f32, f32, f32) = (0.88, 0.90, 0.93);
const ZEBRA: (f32, f32, f32) = (0.965, 0.97, 0.975);

fn color((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb::new(r, g, b, None))
}

/// Severity tints: light to dark, so that greyscale print keeps them apart (the word is
/// always there as well). Critical is dark with white text.
fn severity_fill(s: Severity) -> ((f32, f32, f32), (f32, f32, f32)) {
    match s {
        Severity::Critical => ((0.55, 0.07, 0.09), (1.0, 1.0, 1.0)),
        Severity::High => ((0.96, 0.62, 0.45), INK),
        Severity::Medium => ((0.99, 0.87, 0.55), INK),
        Severity::Low => ((0.90, 0.95, 0.90), INK),
    }
}

/// An embedded font and the advance widths of the characters used so far.
struct Face {
    id: FontId,
    parsed: ParsedFont,
    units_per_em: f32,
    widths: RefCell<HashMap<char, f32>>,
    /// Where the characters this face lacks come from, if anywhere.
    fallback: Option<Rc<Fallback>>,
}

/// A system font for the characters DejaVu lacks (see `fallback_font`), read on first need
/// and added to the document only if some text used it.
#[derive(Default)]
struct Fallback {
    face: OnceCell<Option<Face>>,
    used: Flag<bool>,
}

impl Fallback {
    fn face(&self) -> Option<&Face> {
        self.face.get_or_init(|| fallback_font().and_then(|bytes| Face::parse(bytes, None).ok())).as_ref()
    }
}

impl Face {
    fn parse(bytes: &[u8], fallback: Option<Rc<Fallback>>) -> Result<Face> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(bytes, 0, &mut warnings).ok_or_else(|| Error::invalid("the report font could not be read"))?;
        let units_per_em = f32::from(parsed.pdf_font_metrics.units_per_em.max(1));
        Ok(Face { id: FontId::new(), parsed, units_per_em, widths: RefCell::new(HashMap::new()), fallback })
    }

    fn load(doc: &mut PdfDocument, bytes: &[u8], fallback: &Rc<Fallback>) -> Result<Face> {
        let face = Face::parse(bytes, Some(Rc::clone(fallback)))?;
        doc.resources.fonts.map.insert(face.id.clone(), PdfFont::new(face.parsed.clone()));
        Ok(face)
    }

    fn has(&self, c: char) -> bool {
        self.parsed.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }

    /// The face that draws `c`: this one, or the fallback when only it has the character.
    fn for_char(&self, c: char) -> &Face {
        if self.has(c) || c.is_whitespace() {
            return self;
        }
        match self.fallback.as_ref().and_then(|f| f.face()) {
            Some(other) if other.has(c) => other,
            _ => self,
        }
    }

    /// Width of `text` at `size` points. A character no font has counts as one em.
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut widths = self.widths.borrow_mut();
        let em: f32 = text
            .chars()
            .map(|c| {
                *widths.entry(c).or_insert_with(|| {
                    let face = self.for_char(c);
                    match face.parsed.lookup_glyph_index(c as u32) {
                        Some(g) => f32::from(face.parsed.get_horizontal_advance(g)) / face.units_per_em,
                        None => 1.0,
                    }
                })
            })
            .sum();
        em * size
    }

    /// The operations that show `text` at `size`, one font run at a time.
    fn show(&self, text: &str, size: f32) -> Vec<Op> {
        let mut runs: Vec<(&Face, String)> = Vec::new();
        for c in text.chars() {
            let face = self.for_char(c);
            match runs.last_mut() {
                Some((f, run)) if std::ptr::eq(*f, face) => run.push(c),
                _ => runs.push((face, c.to_string())),
            }
        }
        if let Some(f) = &self.fallback {
            if runs.iter().any(|(face, _)| !std::ptr::eq(*face, self)) {
                f.used.set(true);
            }
        }
        runs.into_iter()
            .flat_map(|(face, run)| [Op::SetFont { font: PdfFontHandle::External(face.id.clone()), size: Pt(size) }, Op::ShowText { items: vec![TextItem::Text(run)] }])
            .collect()
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
    fallback: Rc<Fallback>,
}

impl Fonts {
    fn face(&self, style: Style) -> &Face {
        if style == Style::Bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

fn size_of(style: Style) -> f32 {
    if style == Style::Muted {
        SMALL
    } else {
        BODY
    }
}

/// Break `text` into lines no wider than `width`; a word wider than a line is split.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let space = face.width(" ", size);
    let mut current_width = 0.0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let w = face.width(word, size);
        if !current.is_empty() && current_width + space + w <= width {
            current.push(' ');
            current.push_str(word);
            current_width += space + w;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if w <= width {
            current = word.to_string();
            current_width = w;
            continue;
        }
        // A word longer than the line: break it between characters.
        let mut piece = String::new();
        let mut piece_width = 0.0;
        for c in word.chars() {
            let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
            if !piece.is_empty() && piece_width + cw > width {
                lines.push(std::mem::take(&mut piece));
                piece_width = 0.0;
            }
            piece.push(c);
            piece_width += cw;
        }
        current = piece;
        current_width = piece_width;
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `text` cut with an ellipsis to fit `width` on one line.
fn fit(face: &Face, text: &str, size: f32, width: f32) -> String {
    if face.width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let limit = width - face.width("…", size);
    let mut w = 0.0;
    for c in text.chars() {
        let cw = face.width(c.encode_utf8(&mut [0; 4]), size);
        if w + cw > limit {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Pages being filled, top to bottom. `y` is measured from the top of the page.
struct Writer<'a> {
    pdf: &'a mut PdfDocument,
    fonts: &'a Fonts,
    /// The paper, portrait; `width` and `height` are the current page's.
    paper: (f32, f32),
    width: f32,
    height: f32,
    pages: Vec<Vec<Op>>,
    /// The section each page belongs to, for its running header.
    page_section: Vec<String>,
    /// Which pages are turned to landscape.
    landscape: Vec<bool>,
    /// The current page is landscape and its drawing is still to come.
    awaiting_drawing: bool,
    y: f32,
    section: String,
    /// Fonts for the SVG converter, which turns diagram text into outlines.
    svg_fonts: BTreeMap<String, Vec<u8>>,
}

impl<'a> Writer<'a> {
    fn new(pdf: &'a mut PdfDocument, fonts: &'a Fonts, paper: Paper, svg_fonts: BTreeMap<String, Vec<u8>>) -> Writer<'a> {
        let (width, height) = paper.size();
        Writer {
            pdf,
            fonts,
            paper: (width, height),
            width,
            height,
            pages: Vec::new(),
            page_section: Vec::new(),
            landscape: Vec::new(),
            awaiting_drawing: false,
            y: BODY_TOP,
            section: String::new(),
            svg_fonts,
        }
    }

    fn body_width(&self) -> f32 {
        self.width - 2.0 * MARGIN_X
    }

    fn bottom(&self) -> f32 {
        self.height - BODY_BOTTOM
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.start_page(false);
    }

    fn start_page(&mut self, landscape: bool) {
        (self.width, self.height) = if landscape { (self.paper.1, self.paper.0) } else { self.paper };
        self.pages.push(Vec::new());
        self.page_section.push(self.section.clone());
        self.landscape.push(landscape);
        self.awaiting_drawing = landscape;
        self.y = BODY_TOP;
    }

    /// Start a landscape page for a wide drawing, unless this one still awaits its drawing.
    fn landscape_page(&mut self) {
        if !self.awaiting_drawing {
            self.start_page(true);
        }
    }

    /// Would this drawing be larger on a landscape page of its own than on a portrait one?
    /// Only for a drawing wider than tall that a portrait page would shrink.
    fn wants_landscape(&self, svg: &str) -> bool {
        let Some((w, h)) = drawing_size(svg) else { return false };
        let (portrait, landscape) = self.page_scales(w, h);
        w > h && portrait < 1.0 && landscape > portrait * 1.15
    }

    /// The scales a drawing of `w` × `h` gets on a portrait and on a landscape page, about.
    fn page_scales(&self, w: f32, h: f32) -> (f32, f32) {
        let (pw, ph) = self.paper;
        let scale = |width: f32, height: f32| ((width - 2.0 * MARGIN_X) / w).min((height - BODY_TOP - BODY_BOTTOM - CAPTION_ROOM - 60.0) / h).min(1.0);
        (scale(pw, ph), scale(ph, pw))
    }

    /// Can the drawing be read on some page? (A tree that cannot is given as a list only.)
    fn legible(&self, svg: &str) -> bool {
        drawing_size(svg).is_none_or(|(w, h)| {
            let (portrait, landscape) = self.page_scales(w, h);
            portrait.max(landscape) >= LEGIBLE_SCALE
        })
    }

    /// Start a new page unless `needed` points still fit on this one.
    fn ensure(&mut self, needed: f32) -> bool {
        if self.pages.is_empty() || (self.y + needed > self.bottom() && self.y > BODY_TOP + 1.0) {
            self.new_page();
            return true;
        }
        false
    }

    /// One line of text with its baseline at `baseline` (from the top).
    fn text_at(&mut self, x: f32, baseline: f32, text: &str, style: Style, size: f32, ink: (f32, f32, f32)) {
        let y = self.height - baseline;
        let shown = self.fonts.face(style).show(&visual(text), size);
        let ops = self.ops();
        ops.extend([Op::StartTextSection, Op::SetFillColor { col: color(ink) }, Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(y) } }]);
        ops.extend(shown);
        ops.push(Op::EndTextSection);
    }

    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, fill: (f32, f32, f32)) {
        let y = self.height - top - h;
        self.ops().extend([
            Op::SetFillColor { col: color(fill) },
            Op::DrawRectangle { rectangle: Rect { x: Pt(x), y: Pt(y), width: Pt(w), height: Pt(h), mode: Some(PaintMode::Fill), winding_order: None } },
        ]);
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, ink: (f32, f32, f32), thickness: f32) {
        let h = self.height;
        let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(h - y) }, bezier: false };
        self.ops().extend([
            Op::SetOutlineColor { col: color(ink) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine { line: Line { points: vec![p(x1, y1), p(x2, y2)], is_closed: false } },
        ]);
    }

    /// Wrapped text flowing across pages, line by line.
    fn flow(&mut self, x: f32, width: f32, text: &str, style: Style, size: f32, ink: (f32, f32, f32)) {
        let lh = size * LEADING;
        for line in wrap(self.fonts.face(style), text, size, width) {
            self.ensure(lh);
            self.text_at(x, self.y + size, &line, style, size, ink);
            self.y += lh;
        }
    }

    /// A section's heading: on a new page (landscape when the section opens with a wide
    /// drawing), or after the section before when most of its last page is free.
    fn section_heading(&mut self, number: usize, title: &str, landscape: bool) {
        self.section = title.to_string();
        let free = self.bottom() - self.y;
        let on_portrait = self.landscape.last() == Some(&false);
        if landscape {
            self.start_page(true);
        } else if on_portrait && self.y > BODY_TOP + 1.0 && free > (self.bottom() - BODY_TOP) * SHARE_PAGE {
            self.y += 28.0;
        } else {
            self.new_page();
        }
        let y = self.y;
        self.text_at(MARGIN_X, y + H1, &format!("{number}  {title}"), Style::Bold, H1, ACCENT);
        self.rule(MARGIN_X, y + H1 + 10.0, self.width - MARGIN_X, y + H1 + 10.0, ACCENT, 1.2);
        self.y = y + H1 + 26.0;
    }

    /// Typeset one block; `svg` is the drawing of a `Drawing` block and `wide` whether it
    /// goes on a landscape page.
    fn block(&mut self, block: &Block, svg: Option<&str>, wide: bool) -> Result<()> {
        let width = self.body_width();
        match block {
            Block::Subheading(text) => {
                // Keep the heading with a few lines of what follows.
                self.ensure(H2 * 2.0 + BODY * LEADING * 4.0);
                if self.y > BODY_TOP + 1.0 {
                    self.y += 8.0;
                }
                self.flow(MARGIN_X, width, text, Style::Bold, H2, ACCENT);
                self.y += 4.0;
            }
            Block::Paragraph(text) => {
                self.flow(MARGIN_X, width, text, Style::Normal, BODY, INK);
                self.y += 6.0;
            }
            Block::Note(text) => {
                self.flow(MARGIN_X, width, text, Style::Muted, SMALL, MUTED);
                self.y += 6.0;
            }
            Block::Bullets(items) => {
                for item in items {
                    self.ensure(BODY * LEADING * 2.0);
                    self.text_at(MARGIN_X + 4.0, self.y + BODY, "•", Style::Normal, BODY, ACCENT);
                    self.flow(MARGIN_X + 16.0, width - 16.0, item, Style::Normal, BODY, INK);
                    self.y += 3.0;
                }
                self.y += 4.0;
            }
            Block::Facts(facts) => {
                let label_width = 130.0;
                for (label, value) in facts {
                    let lines = wrap(&self.fonts.regular, value, BODY, width - label_width);
                    self.ensure(lines.len().max(1) as f32 * BODY * LEADING);
                    self.text_at(MARGIN_X, self.y + BODY, label, Style::Bold, BODY, MUTED);
                    for line in lines {
                        self.text_at(MARGIN_X + label_width, self.y + BODY, &line, Style::Normal, BODY, INK);
                        self.y += BODY * LEADING;
                    }
                }
                self.y += 8.0;
            }
            Block::Table(table) => self.table(table),
            Block::Drawing { figure, caption } => {
                let Some(svg) = svg else {
                    let Figure::AttackTree { outline, .. } = figure else { return Err(Error::invalid("a drawing is missing")) };
                    self.flow(MARGIN_X, self.body_width(), "The tree is too large to draw legibly on a page (export it as SVG: File > Attack tree as SVG…, or rampart export --format svg --tree); its steps follow as a list.", Style::Muted, SMALL, MUTED);
                    self.outline(outline);
                    return Ok(());
                };
                if wide {
                    self.landscape_page();
                }
                let scale = self.drawing(svg)?;
                self.flow(MARGIN_X, self.body_width(), caption, Style::Muted, SMALL, MUTED);
                self.y += 8.0;
                if let Figure::AttackTree { outline, .. } = figure {
                    if scale < LEGIBLE_SCALE {
                        if wide {
                            self.new_page();
                        }
                        self.flow(MARGIN_X, self.body_width(), "The tree is too large to read at this size; its steps follow as a list.", Style::Muted, SMALL, MUTED);
                        self.outline(outline);
                    }
                }
            }
        }
        Ok(())
    }

    fn table(&mut self, table: &Table) {
        let width = self.body_width();
        let total: f32 = table.columns.iter().map(|(_, w)| w).sum::<f32>().max(0.01);
        let widths: Vec<f32> = table.columns.iter().map(|(_, w)| w / total * width).collect();
        let lh = |style: Style| size_of(style) * LEADING;
        // The header: titles in bold, wrapped if narrow.
        let header: Vec<Vec<String>> = table.columns.iter().zip(&widths).map(|((t, _), w)| wrap(&self.fonts.bold, t, SMALL, w - 2.0 * CELL_PAD)).collect();
        let header_height = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * SMALL * LEADING + 2.0 * CELL_PAD;
        let max_row = self.bottom() - BODY_TOP - header_height - 4.0;

        let draw_header = |w: &mut Self| {
            let top = w.y;
            w.fill_rect(MARGIN_X, top, width, header_height, HEADER_FILL);
            let mut x = MARGIN_X;
            for (lines, cw) in header.iter().zip(&widths) {
                for (i, line) in lines.iter().enumerate() {
                    w.text_at(x + CELL_PAD, top + CELL_PAD + SMALL + i as f32 * SMALL * LEADING, line, Style::Bold, SMALL, INK);
                }
                x += cw;
            }
            w.y = top + header_height;
        };

        // Keep the header with at least the first row.
        let first_row_height = table.rows.first().map(|r| self.row_lines(r, &widths, max_row).1).unwrap_or(0.0);
        self.ensure(header_height + first_row_height.min(max_row));
        draw_header(self);
        for (i, row) in table.rows.iter().enumerate() {
            let (cells, height) = self.row_lines(row, &widths, max_row);
            if self.ensure(height) {
                draw_header(self);
            }
            let top = self.y;
            if i % 2 == 1 {
                self.fill_rect(MARGIN_X, top, width, height, ZEBRA);
            }
            let mut x = MARGIN_X;
            for ((cell, lines), cw) in row.iter().zip(&cells).zip(&widths) {
                let mut ink_default = INK;
                if let Some(s) = cell.severity {
                    // A badge behind the cell's text, not the whole cell: lighter on the page.
                    let (fill, ink) = severity_fill(s);
                    let text_height: f32 = lines.iter().map(|(_, style)| lh(*style)).sum();
                    self.fill_rect(x + 2.0, top + 2.0, cw - 4.0, text_height + 2.0 * CELL_PAD - 4.0, fill);
                    ink_default = ink;
                }
                let mut y = top + CELL_PAD;
                for (line, style) in lines {
                    let size = size_of(*style);
                    let ink = if *style == Style::Muted && cell.severity.is_none() { MUTED } else { ink_default };
                    self.text_at(x + CELL_PAD, y + size, line, *style, size, ink);
                    y += lh(*style);
                }
                x += cw;
            }
            self.y = top + height;
            self.rule(MARGIN_X, self.y, MARGIN_X + width, self.y, RULE, 0.5);
        }
        self.y += 10.0;
    }

    /// The wrapped lines of each cell of a row and the row's height, cells cut short (with
    /// an ellipsis) so that the row fits on one page.
    fn row_lines(&self, row: &[Cell], widths: &[f32], max_height: f32) -> (Vec<Vec<(String, Style)>>, f32) {
        let mut height: f32 = 0.0;
        let cells: Vec<Vec<(String, Style)>> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| {
                let mut lines = Vec::new();
                let mut h = 2.0 * CELL_PAD;
                'cell: for (text, style) in &cell.lines {
                    let size = size_of(*style);
                    let face = self.fonts.face(*style);
                    for line in wrap(face, text, size, w - 2.0 * CELL_PAD) {
                        if h + size * LEADING > max_height {
                            if let Some((last, s)) = lines.pop() {
                                let f = self.fonts.face(s);
                                lines.push((fit(f, &format!("{last} …"), size_of(s), w - 2.0 * CELL_PAD), s));
                            }
                            break 'cell;
                        }
                        h += size * LEADING;
                        lines.push((line, *style));
                    }
                }
                height = height.max(h);
                lines
            })
            .collect();
        (cells, height.max(BODY * LEADING + 2.0 * CELL_PAD))
    }

    fn outline(&mut self, lines: &[OutlineLine]) {
        let width = self.body_width();
        self.y += 2.0;
        for line in lines {
            let indent = 16.0 * line.depth.min(12) as f32;
            let x = MARGIN_X + indent + 12.0;
            let style = if line.marked { Style::Bold } else { Style::Normal };
            let wrapped = wrap(self.fonts.face(style), &line.label, BODY, width - indent - 12.0);
            let detail = if line.detail.is_empty() { Vec::new() } else { wrap(&self.fonts.regular, &line.detail, SMALL, width - indent - 12.0) };
            let height = wrapped.len() as f32 * BODY * LEADING + detail.len() as f32 * SMALL * LEADING + 2.0;
            self.ensure(height);
            if line.depth > 0 {
                let guide = MARGIN_X + indent - 10.0;
                self.rule(guide, self.y, guide, self.y + BODY * 0.9, RULE, 0.6);
                self.rule(guide, self.y + BODY * 0.9, guide + 6.0, self.y + BODY * 0.9, RULE, 0.6);
            }
            let marker = if line.marked { "▶" } else { "•" };
            self.text_at(MARGIN_X + indent, self.y + BODY, marker, Style::Normal, if line.marked { BODY } else { SMALL }, if line.marked { ACCENT } else { MUTED });
            for l in wrapped {
                self.text_at(x, self.y + BODY, &l, style, BODY, INK);
                self.y += BODY * LEADING;
            }
            for l in detail {
                self.text_at(x, self.y + SMALL, &l, Style::Muted, SMALL, MUTED);
                self.y += SMALL * LEADING;
            }
            self.y += 2.0;
        }
        self.y += 8.0;
    }

    /// The drawing as vectors, scaled to fit the page (on a landscape page, the room left
    /// under its heading), in a thin frame; its labels written again as invisible text at the
    /// same places, so that they are searchable. Returns the scale.
    fn drawing(&mut self, svg: &str) -> Result<f32> {
        // Warnings here are about fonts for SVG text; the report supplies its own.
        let mut warnings = Vec::new();
        // svg2pdf draws text as outlines from these fonts, falling back to any that has a
        // character; the large CJK font joins them only for a drawing that needs it.
        let with_fallback;
        let fonts = match fallback_font().filter(|_| needs_fallback(svg)) {
            Some(font) => {
                with_fallback = self.svg_fonts.clone().into_iter().chain([("Fallback".to_string(), font.to_vec())]).collect();
                &with_fallback
            }
            None => &self.svg_fonts,
        };
        let mut xobject = Svg::parse_with_fonts(svg, fonts, &mut warnings).map_err(|e| Error::invalid(format!("a diagram could not be drawn: {e}")))?;
        // printpdf leaves the converted drawing uncompressed; its text as outlines is bulky.
        xobject.stream.compress = true;
        let (w, h) = match (xobject.width, xobject.height) {
            (Some(w), Some(h)) => (w.0 as f32, h.0 as f32),
            _ => return Err(Error::invalid("a diagram has no size")),
        };
        let max_w = self.body_width();
        let own_page = std::mem::take(&mut self.awaiting_drawing);
        let max_h = if own_page { self.bottom() - self.y - CAPTION_ROOM } else { self.bottom() - BODY_TOP - 40.0 };
        let scale = (max_w / w).min(max_h / h).min(1.0);
        let (dw, dh) = (w * scale, h * scale);
        if !own_page {
            self.ensure(dh + CAPTION_ROOM);
        }
        let x = MARGIN_X + (max_w - dw) / 2.0;
        let top = self.y;
        let id = self.pdf.add_xobject(&xobject);
        let bottom_y = self.height - top - dh;
        self.ops().push(Op::UseXobject {
            id,
            transform: XObjectTransform { translate_x: Some(Pt(x)), translate_y: Some(Pt(bottom_y)), scale_x: Some(scale), scale_y: Some(scale), dpi: Some(72.0), ..Default::default() },
        });
        for (x1, y1, x2, y2) in [(x, top, x + dw, top), (x + dw, top, x + dw, top + dh), (x + dw, top + dh, x, top + dh), (x, top + dh, x, top)] {
            self.rule(x1, y1, x2, y2, RULE, 0.6);
        }
        self.searchable_labels(svg, x, top, scale);
        self.y = top + dh + 6.0;
        Ok(scale)
    }

    /// Every `<text>` of the drawing as invisible PDF text at its place.
    fn searchable_labels(&mut self, svg: &str, x0: f32, top: f32, scale: f32) {
        let Ok(xml) = roxmltree::Document::parse(svg) else { return };
        let root = xml.root_element();
        let view: Vec<f32> = root.attribute("viewBox").unwrap_or("0 0 0 0").split([' ', ',']).filter_map(|v| v.parse().ok()).collect();
        let (vx, vy) = (view.first().copied().unwrap_or(0.0), view.get(1).copied().unwrap_or(0.0));
        for node in xml.descendants().filter(|n| n.has_tag_name("text")) {
            let text = inert(node.text().unwrap_or(""), 400);
            let (Some(x), Some(y)) = (node.attribute("x").and_then(|v| v.parse::<f32>().ok()), node.attribute("y").and_then(|v| v.parse::<f32>().ok())) else { continue };
            if text.is_empty() {
                continue;
            }
            let size = node.attribute("font-size").and_then(|v| v.parse::<f32>().ok()).unwrap_or(12.0) * scale;
            let width = self.fonts.regular.width(&text, size);
            let left = match node.attribute("text-anchor") {
                Some("middle") => x0 + (x - vx) * scale - width / 2.0,
                Some("end") => x0 + (x - vx) * scale - width,
                _ => x0 + (x - vx) * scale,
            };
            let baseline = top + (y - vy) * scale + size * 0.35;
            let y_pdf = self.height - baseline;
            let shown = self.fonts.regular.show(&visual(&text), size.max(1.0));
            let ops = self.ops();
            ops.extend([Op::StartTextSection, Op::SetTextRenderingMode { mode: TextRenderingMode::Invisible }, Op::SetTextCursor { pos: Point { x: Pt(left), y: Pt(y_pdf) } }]);
            ops.extend(shown);
            ops.extend([Op::SetTextRenderingMode { mode: TextRenderingMode::Fill }, Op::EndTextSection]);
        }
    }
}

/// The drawing of a figure.
fn figure_svg(report: &Report, figure: &Figure) -> Result<String> {
    match figure {
        Figure::Diagram(id) => crate::render::svg::diagram(report.doc, *id),
        Figure::AttackTree { tree, .. } => crate::render::tree_svg::attack_tree(report.doc, *tree),
    }
}

/// The width and height a drawing declares.
fn drawing_size(svg: &str) -> Option<(f32, f32)> {
    let xml = roxmltree::Document::parse(svg).ok()?;
    let root = xml.root_element();
    let number = |name: &str| root.attribute(name).and_then(|v| v.parse::<f32>().ok()).filter(|v| v.is_finite() && *v > 0.0);
    Some((number("width")?, number("height")?))
}

/// The whole document as PDF bytes; `cancelled` is asked between sections and before the
/// file is put together, and ends the work with `Error::Cancelled`.
pub fn render(report: &Report, paper: Paper, cancelled: &dyn Fn() -> bool) -> Result<Vec<u8>> {
    let (width, height) = paper.size();
    let mut pdf = PdfDocument::new(&report.title);
    let fallback = Rc::new(Fallback::default());
    let fonts = Fonts { regular: Face::load(&mut pdf, REGULAR_TTF, &fallback)?, bold: Face::load(&mut pdf, BOLD_TTF, &fallback)?, fallback };
    let svg_fonts = BTreeMap::from([("DejaVu Sans".to_string(), REGULAR_TTF.to_vec()), ("DejaVu Sans Bold".to_string(), BOLD_TTF.to_vec())]);

    // The body first: each section's first page (counted from the body's first page).
    let mut writer = Writer::new(&mut pdf, &fonts, paper, svg_fonts);
    let mut starts = Vec::new();
    for (i, (section, blocks)) in report.sections.iter().enumerate() {
        if cancelled() {
            return Err(Error::Cancelled);
        }
        // A tree too large to read on any page is listed instead, which also spares the
        // costly conversion of its drawing.
        let svgs = blocks
            .iter()
            .map(|b| match b {
                Block::Drawing { figure: figure @ Figure::AttackTree { .. }, .. } => figure_svg(report, figure).map(|svg| Some(svg).filter(|svg| writer.legible(svg))),
                Block::Drawing { figure, .. } => figure_svg(report, figure).map(Some),
                _ => Ok(None),
            })
            .collect::<Result<Vec<_>>>()?;
        let wide: Vec<bool> = svgs.iter().map(|s| s.as_deref().is_some_and(|s| writer.wants_landscape(s))).collect();
        // A wide drawing takes its subheading to its landscape page; a section that opens with
        // one (after notes and that subheading) starts there too.
        let starts_wide = |k: usize| wide.get(k) == Some(&true) || (matches!(blocks.get(k), Some(Block::Subheading(_))) && wide.get(k + 1) == Some(&true));
        let opens_wide = (0..blocks.len()).find(|&k| !matches!(blocks[k], Block::Note(_))).is_some_and(starts_wide);
        writer.section_heading(i + 1, section.title(), opens_wide);
        starts.push((format!("{}  {}", i + 1, section.title()), writer.pages.len()));
        for (k, block) in blocks.iter().enumerate() {
            if starts_wide(k) && !wide[k] {
                writer.landscape_page();
            } else if writer.landscape.last() == Some(&true) && !writer.awaiting_drawing {
                // A landscape page holds one drawing; what follows goes on a portrait page.
                writer.new_page();
            }
            writer.block(block, svgs[k].as_deref(), wide[k])?;
        }
    }
    let Writer { pages: body, page_section, landscape, .. } = writer;

    // Cover (page 1) and contents (page 2) come before the body.
    const FRONT: usize = 2;
    let total = FRONT + body.len();
    let mut front = Writer::new(&mut pdf, &fonts, paper, BTreeMap::new());
    cover(&mut front, report);
    front.section = "Contents".into();
    front.new_page();
    front.text_at(MARGIN_X, front.y + H1, "Contents", Style::Bold, H1, ACCENT);
    front.rule(MARGIN_X, front.y + H1 + 10.0, width - MARGIN_X, front.y + H1 + 10.0, ACCENT, 1.2);
    front.y += H1 + 30.0;
    for (title, page) in &starts {
        let number = (page + FRONT).to_string();
        let y = front.y + 11.0;
        let title_width = fonts.regular.width(title, 11.0);
        let number_width = fonts.regular.width(&number, 11.0);
        front.text_at(MARGIN_X, y, title, Style::Normal, 11.0, INK);
        front.text_at(width - MARGIN_X - number_width, y, &number, Style::Normal, 11.0, INK);
        let dot = fonts.regular.width(" .", 11.0).max(1.0);
        let gap = width - 2.0 * MARGIN_X - title_width - number_width - 16.0;
        if gap > dot {
            let dots = " .".repeat((gap / dot) as usize);
            let x = width - MARGIN_X - number_width - 8.0 - fonts.regular.width(&dots, 11.0);
            front.text_at(x, y, &dots, Style::Normal, 11.0, RULE);
        }
        front.y += 22.0;
    }
    let mut sections = front.page_section.clone();
    let mut turned = front.landscape.clone();
    let mut pages = std::mem::take(&mut front.pages);
    pages.extend(body);
    sections.extend(page_section);
    turned.extend(landscape);
    let size_of_page = |i: usize| if turned.get(i) == Some(&true) { (height, width) } else { (width, height) };

    // Running header and footer on every page but the cover.
    let short_title = fit(&fonts.regular, &report.title, SMALL, width / 2.0 - MARGIN_X);
    for (i, ops) in pages.iter_mut().enumerate().skip(1) {
        if cancelled() {
            return Err(Error::Cancelled);
        }
        let (width, height) = size_of_page(i);
        let mut page = Writer::new(&mut pdf, &fonts, paper, BTreeMap::new());
        (page.width, page.height) = (width, height);
        page.pages.push(std::mem::take(ops));
        let section = fit(&fonts.regular, sections.get(i).map(String::as_str).unwrap_or(""), SMALL, width / 2.0 - MARGIN_X);
        page.text_at(MARGIN_X, 40.0, &short_title, Style::Normal, SMALL, MUTED);
        page.text_at(width - MARGIN_X - fonts.regular.width(&section, SMALL), 40.0, &section, Style::Normal, SMALL, MUTED);
        page.rule(MARGIN_X, 46.0, width - MARGIN_X, 46.0, RULE, 0.5);
        let footer_y = height - 34.0;
        page.rule(MARGIN_X, footer_y - 12.0, width - MARGIN_X, footer_y - 12.0, RULE, 0.5);
        let left = format!("Threat model · {}", report.date);
        page.text_at(MARGIN_X, footer_y, &left, Style::Normal, SMALL, MUTED);
        let number = format!("Page {} of {total}", i + 1);
        page.text_at(width - MARGIN_X - fonts.regular.width(&number, SMALL), footer_y, &number, Style::Normal, SMALL, MUTED);
        *ops = page.pages.pop().unwrap_or_default();
    }

    for (title, page) in &starts {
        pdf.add_bookmark(title, page + FRONT);
    }
    if let Some(face) = fonts.fallback.face.get().and_then(Option::as_ref).filter(|_| fonts.fallback.used.get()) {
        pdf.resources.fonts.map.insert(face.id.clone(), PdfFont::new(face.parsed.clone()));
    }
    pdf.metadata.info.document_title = report.title.clone();
    pdf.metadata.info.author = report.cover.iter().find(|(k, _)| k == "Owner").map(|(_, v)| v.clone()).unwrap_or_default();
    pdf.metadata.info.creator = "Rampart".into();
    pdf.metadata.info.subject = "Threat model".into();
    // printpdf leaves the dates at 1970 on this platform; a reader's "created" should be true.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    if let Ok(date) = printpdf::OffsetDateTime::from_unix_timestamp(now) {
        pdf.metadata.info.creation_date = date.clone();
        pdf.metadata.info.modification_date = date.clone();
        pdf.metadata.info.metadata_date = date;
    }
    let pages = pages
        .into_iter()
        .enumerate()
        .map(|(i, ops)| {
            let (width, height) = size_of_page(i);
            PdfPage::new(Pt(width).into(), Pt(height).into(), ops)
        })
        .collect();
    if cancelled() {
        return Err(Error::Cancelled);
    }
    pdf.with_pages(pages);
    let mut warnings = Vec::new();
    Ok(pdf.save(&PdfSaveOptions::default(), &mut warnings))
}

/// The cover: the model's name large, what the document is, the facts a reader checks
/// first, and the summary.
fn cover(w: &mut Writer, report: &Report) {
    w.new_page();
    let width = w.body_width();
    w.fill_rect(0.0, 0.0, w.width, 10.0, ACCENT);
    w.y = w.height * 0.22;
    w.text_at(MARGIN_X, w.y, "THREAT MODEL", Style::Bold, 11.0, MUTED);
    w.y += 18.0;
    let title: Vec<String> = wrap(&w.fonts.bold, &report.title, 28.0, width).into_iter().take(4).collect();
    for line in title {
        w.text_at(MARGIN_X, w.y + 28.0, &line, Style::Bold, 28.0, ACCENT);
        w.y += 28.0 * 1.25;
    }
    w.y += 14.0;
    w.rule(MARGIN_X, w.y, MARGIN_X + 120.0, w.y, ACCENT, 2.0);
    w.y += 24.0;
    for (label, value) in &report.cover {
        let lines: Vec<String> = wrap(&w.fonts.regular, value, 11.0, width - 100.0).into_iter().take(3).collect();
        w.text_at(MARGIN_X, w.y + 11.0, label, Style::Bold, 11.0, MUTED);
        for line in lines {
            w.text_at(MARGIN_X + 100.0, w.y + 11.0, &line, Style::Normal, 11.0, INK);
            w.y += 11.0 * LEADING;
        }
        w.y += 4.0;
    }
    w.y += 20.0;
    let mut left = 12usize;
    for p in &report.summary {
        for line in wrap(&w.fonts.regular, p, 10.5, width) {
            if left == 0 {
                break;
            }
            left -= 1;
            w.text_at(MARGIN_X, w.y + 10.5, &line, Style::Normal, 10.5, INK);
            w.y += 10.5 * LEADING;
        }
        w.y += 5.0;
    }
    let footer = format!("Prepared with Rampart on {}. Threats ranked by likelihood × impact.", report.date);
    w.text_at(MARGIN_X, w.height - 50.0, &footer, Style::Normal, SMALL, MUTED);
}
