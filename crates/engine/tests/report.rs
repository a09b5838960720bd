//! The threat-model document, read back by an independent reader (poppler's `pdfinfo` and
//! `pdftotext`, installed by scripts/setup.sh): every section where the contents says it
//! is, every threat title, page numbers that add up, fonts embedded as subsets, the paper
//! size asked for, and hostile text that stays text.

#[path = "../benches/support/report_model.rs"]
mod report_model;

use std::path::Path;
use std::process::Command;

use rampart_engine::analysis::Analysis;
use rampart_engine::export::{self, export, ExportFormat, ExportRequest};
use rampart_engine::model::*;
use rampart_engine::report::{self, Paper, ReportOptions, Section};
use rampart_engine::{files, Document, Record};

fn webshop() -> Document {
    files::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop.rampart.json")).expect("the example model loads")
}

fn options() -> ReportOptions {
    ReportOptions { date: Some("2026-05-01".into()), ..Default::default() }
}

/// Run a poppler tool on `pdf` and return its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool).args(args).arg(pdf).arg("-").output().unwrap_or_else(|e| panic!("{tool} is needed (poppler-utils, see scripts/setup.sh): {e}"));
    assert!(out.status.success(), "{tool} rejected the PDF: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn info(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo is needed (poppler-utils, see scripts/setup.sh)");
    assert!(out.status.success(), "pdfinfo rejected the PDF: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(pdf: &Path) -> usize {
    info(pdf).lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("a page count")
}

/// Text with every run of white space as one space, so that wrapped lines compare.
fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_pdf(doc: &Document, options: &ReportOptions, dir: &Path) -> std::path::PathBuf {
    let bytes = report::pdf(doc, options).expect("a report");
    let path = dir.join("report.pdf");
    std::fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn every_section_is_on_the_page_the_contents_gives() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&webshop(), &options(), dir.path());
    let total = pages(&pdf);
    assert!(total >= 2 + Section::ALL.len(), "cover, contents and one page per section at least: {total}");
    assert!(info(&pdf).contains("Title:           Webshop"));

    // In layout mode each contents line reads "1  Executive summary . . . . 3".
    let contents = poppler("pdftotext", &["-layout", "-f", "2", "-l", "2"], &pdf);
    assert!(contents.contains("Contents"));
    for (i, section) in Section::ALL.iter().enumerate() {
        let entry = format!("{}  {}", i + 1, section.title());
        let line = contents.lines().map(squash).find(|l| l.starts_with(&squash(&entry))).unwrap_or_else(|| panic!("{entry} is not in the contents: {contents}"));
        let page: usize = line.split_whitespace().last().and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("no page number in {line}"));
        let text = squash(&poppler("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string()], &pdf));
        assert!(text.contains(&squash(&entry)), "page {page} should open with {entry}: {text}");
        assert!(text.contains(&format!("Page {page} of {total}")), "page {page} says its number and the total");
    }
}

#[test]
fn the_register_holds_every_threat_title_and_the_diagram_its_names() {
    let doc = webshop();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &options(), dir.path());
    let text = squash(&poppler("pdftotext", &["-raw"], &pdf));
    let threats = Analysis::with_builtin_rules(&doc).unwrap().threats(&doc);
    assert!(threats.len() > 20);
    for t in &threats {
        assert!(text.contains(&squash(&t.title)), "threat title missing: {}", t.title);
    }
    // The diagram page: the drawing's labels are searchable text, not only outlines.
    for name in ["Payment provider", "Shop API", "Sessions cache", "Charge card token"] {
        assert!(doc.elements.values().any(|e| e.name == name), "{name} is in the example");
    }
    let diagrams_page = text.split("4 Data-flow diagrams").nth(2).expect("the diagrams section");
    let figure = diagrams_page.split("Figure 1.").next().unwrap_or("");
    for name in ["Payment provider", "Shop API", "Sessions cache", "Charge card token"] {
        assert!(figure.contains(name), "{name} is not searchable on the diagram page: {figure}");
    }
    // The attack tree's cheapest scenario and the executive summary's plain words.
    assert!(text.contains("Cheapest scenario (300 EUR): Phish the payment provider dashboard login."));
    assert!(text.contains("The cheapest way to reach “Steal customer card data” costs the attacker 300 EUR"));

    let fonts = Command::new("pdffonts").arg(&pdf).output().expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let embedded: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
    assert_eq!(embedded.len(), 2, "regular and bold: {fonts}");
    assert!(embedded.iter().all(|l| l.contains("+DejaVuSans") && l.contains(" yes yes yes ")), "embedded, subset, with Unicode maps: {fonts}");
}

#[test]
fn chosen_sections_on_letter_paper() {
    let dir = tempfile::tempdir().unwrap();
    let options = ReportOptions { paper: Paper::Letter, sections: vec![Section::Threats, Section::Summary], ..options() };
    let pdf = write_pdf(&webshop(), &options, dir.path());
    assert!(info(&pdf).contains("612 x 792.001 pts (letter)"), "{}", info(&pdf));
    let text = squash(&poppler("pdftotext", &[], &pdf));
    assert!(text.contains("1 Executive summary") && text.contains("2 Threat register"), "in document order, renumbered");
    let contents = squash(&poppler("pdftotext", &["-f", "2", "-l", "2"], &pdf));
    for absent in [Section::Diagrams, Section::AttackTrees, Section::Findings] {
        assert!(!contents.contains(absent.title()), "{} was not asked for", absent.title());
    }
    assert!(!text.contains("Checkout and payment"), "no diagram or inventory");
}

#[test]
fn three_hundred_threats_fit_in_three_megabytes() {
    let doc = report_model::model();
    let threats = Analysis::with_builtin_rules(&doc).unwrap().threats(&doc);
    assert!(threats.len() >= report_model::THREATS);
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &options(), dir.path());
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size <= 3 * 1024 * 1024, "{size} bytes");
    let text = squash(&poppler("pdftotext", &["-raw"], &pdf));
    for t in &threats {
        assert!(text.contains(&squash(&t.title)), "threat title missing: {}", t.title);
    }
    let total = pages(&pdf);
    assert!(text.contains(&format!("Page {total} of {total}")));
}

/// A model whose names are markup, direction overrides, control characters and 100 KB.
fn hostile() -> Document {
    let mut doc = Document::new_model("<script>alert(1)</script> \u{202e}gnp.exe\u{202c} & \"quotes\"");
    doc.metadata.summary = format!("Line one\u{0000}\u{0007}\nشبكة الدفع and עברית\n{}", "long ".repeat(20_000));
    let diagram = *doc.diagrams.keys().next().unwrap();
    let huge = "A".repeat(100 * 1024);
    let names = [huge.as_str(), "<img src=x onerror=alert(1)>", "\u{202e}evil\u{202c} | pipe `code` [link](http://x)", "Zoë 日本語 café", "\u{0008}\u{001b}[31mred"];
    let mut records = Vec::new();
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let e = Element { id: new_id(), diagram, name: name.to_string(), description: huge.clone(), properties: ElementProperties::Process(Default::default()), ..Default::default() };
        records.push(Record::Layout(Layout { id: e.id, x: 150.0 * i as f64, y: 0.0, width: 120.0, height: 60.0, points: vec![] }));
        ids.push(e.id);
        records.push(Record::Element(e));
    }
    records.push(Record::Element(Element {
        id: new_id(),
        diagram,
        name: huge.clone(),
        properties: ElementProperties::DataFlow(FlowProperties { source: Some(ids[0]), target: Some(ids[1]), protocol: huge.clone(), ..Default::default() }),
        ..Default::default()
    }));
    records.push(Record::Threat(Threat { id: new_id(), title: huge.clone(), description: huge.clone(), rationale: huge.clone(), status: ThreatStatus::Accepted, target: Some(ids[1]), ..Default::default() }));
    rampart_engine::Operation::Put { records }.apply(&mut doc).unwrap();
    doc
}

#[test]
fn hostile_text_gives_a_valid_pdf_svg_and_markdown() {
    let doc = hostile();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &options(), dir.path());
    assert!(pages(&pdf) < 100, "a 100 KB name is cut, not set over hundreds of pages");
    let text = poppler("pdftotext", &["-raw"], &pdf);
    assert!(text.contains("<script>alert(1)</script>"), "markup is shown as text");
    assert!(text.contains("Zoë") && text.contains("café"));
    assert!(!text.contains('\u{202e}') && !text.contains('\u{0007}') && !text.contains('\u{001b}'), "no direction override or control character reaches the page");
    assert!(std::fs::metadata(&pdf).unwrap().len() < 3 * 1024 * 1024);

    let diagram = *doc.diagrams.keys().next().unwrap();
    let svg = export(&doc, &ExportRequest { format: ExportFormat::Svg, diagram: Some(diagram), tree: None, report: None }).unwrap();
    let svg = String::from_utf8(svg.bytes).unwrap();
    let xml = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert!(!xml.descendants().any(|n| n.has_tag_name("script") || n.has_tag_name("img")));

    let md = report::markdown(&doc, &options()).unwrap();
    // Every < is escaped (or a Mermaid entity), so no tag can open.
    let bare = md.match_indices('<').find(|(i, _)| !md[..*i].ends_with('\\') && !md[*i..].starts_with("<br>"));
    assert!(bare.is_none(), "markup is escaped in Markdown: {:?}", bare.map(|(i, _)| &md[i.saturating_sub(60)..(i + 30).min(md.len())]));
    assert!(md.contains("\\<script\\>"));
    assert!(md.len() < 400 * 1024, "long text is cut in Markdown too: {}", md.len());
}

#[test]
fn markdown_has_the_same_sections_and_a_mermaid_diagram() {
    let doc = webshop();
    let md = report::markdown(&doc, &options()).unwrap();
    for (i, section) in Section::ALL.iter().enumerate() {
        assert!(md.contains(&format!("## {}. {}\n", i + 1, section.title())), "{} missing", section.title());
    }
    assert!(md.contains("```mermaid\nflowchart LR\n"));
    assert!(md.contains("subgraph") && md.contains("-->|\"Charge card token\"|"));
    let plain: Vec<_> = Analysis::with_builtin_rules(&doc).unwrap().threats(&doc).into_iter().filter(|t| !t.title.contains(['_', '*', '[', ']', '<', '>', '#', '!', '&', '|', '\\', '`', '~'])).collect();
    assert!(plain.len() > 20);
    for t in plain {
        assert!(md.contains(&format!("**{}**", t.title)), "{}", t.title);
    }
}

#[test]
fn png_of_a_diagram_and_csv_of_threats() {
    let doc = webshop();
    let png = export(&doc, &ExportRequest { format: ExportFormat::Png, diagram: None, tree: None, report: None }).unwrap();
    assert_eq!(&png.bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png.bytes[16..20].try_into().unwrap());
    assert!(width > 1000, "drawn at twice the drawing's size: {width}");
    let csv = export(&doc, &ExportRequest { format: ExportFormat::Csv, diagram: None, tree: None, report: None }).unwrap();
    let csv = String::from_utf8(csv.bytes).unwrap();
    let threats = Analysis::with_builtin_rules(&doc).unwrap().threats(&doc);
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), threats.len() + 1);
}

#[test]
fn attack_trees_are_drawn_with_searchable_labels_and_wide_drawings_get_landscape_pages() {
    let doc = webshop();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &ReportOptions { sections: vec![Section::Diagrams, Section::AttackTrees], ..options() }, dir.path());
    let text = squash(&poppler("pdftotext", &[], &pdf));
    // The drawing's labels, values and legend can be found; the table of top scenarios stays.
    for label in ["Phish the payment provider dashboard login", "Strict CSP with subresource integrity", "Export card tokens and replay them", "blocked by a countermeasure", "Heavy outline: the cheapest scenario (300 EUR)"] {
        assert!(text.contains(label), "{label} is not in the PDF: {text}");
    }
    assert!(text.contains("Scenario (steps)"), "the table of top scenarios");
    // The example's diagram and tree are wider than tall: each has a landscape page.
    let sizes: Vec<(f32, f32)> = info_pages(&pdf);
    let landscape = sizes.iter().filter(|(w, h)| w > h).count();
    assert_eq!(landscape, 2, "{sizes:?}");
    let diagram_page = 1 + sizes.iter().position(|(w, h)| w > h).unwrap();
    let page = squash(&poppler("pdftotext", &["-f", &diagram_page.to_string(), "-l", &diagram_page.to_string()], &pdf));
    assert!(page.contains("1 Data-flow diagrams") && page.contains("Checkout and payment") && page.contains("Figure 1."), "the section's heading, the diagram's name and its caption share its page: {page}");
}

/// Width and height of every page, in points.
fn info_pages(pdf: &Path) -> Vec<(f32, f32)> {
    let out = Command::new("pdfinfo").args(["-f", "1", "-l", "9999"]).arg(pdf).output().expect("pdfinfo");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .filter_map(|l| {
            let mut numbers = l.split(':').nth(1)?.split_whitespace().filter_map(|w| w.parse::<f32>().ok());
            Some((numbers.next()?, numbers.next()?))
        })
        .collect()
}

#[test]
fn short_sections_share_a_page_and_the_contents_still_points_at_them() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&webshop(), &ReportOptions { sections: vec![Section::Scope, Section::Assets, Section::AcceptedRisks, Section::Findings], ..options() }, dir.path());
    assert_eq!(pages(&pdf), 4, "cover, contents and two pages for four short sections");
    for (page, titles) in [(3, ["1 Scope and assumptions", "2 Assets"]), (4, ["3 Accepted risks", "4 Open validation findings"])] {
        let text = squash(&poppler("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string()], &pdf));
        for title in titles {
            assert!(text.contains(title), "{title} on page {page}: {text}");
        }
    }
    let contents = poppler("pdftotext", &["-layout", "-f", "2", "-l", "2"], &pdf);
    assert!(contents.lines().map(squash).any(|l| l.starts_with("4 Open validation findings") && l.ends_with(" 4")), "{contents}");
}

#[test]
fn a_cancelled_report_stops_between_sections() {
    let doc = webshop();
    let asked = std::cell::Cell::new(0);
    let cancel_at_third = || {
        asked.set(asked.get() + 1);
        asked.get() >= 3
    };
    let result = report::pdf_cancellable(&doc, &options(), &cancel_at_third);
    assert!(matches!(result, Err(rampart_engine::Error::Cancelled)), "{:?}", result.map(|b| b.len()));
    assert_eq!(asked.get(), 3, "it stopped at the first question answered yes");
    let cancelled = export::export_cancellable(&doc, &ExportRequest { format: ExportFormat::Pdf, diagram: None, tree: None, report: Some(options()) }, &|| true);
    assert!(cancelled.is_err());
    assert!(report::pdf_cancellable(&doc, &options(), &|| false).is_ok());
}

/// CJK text is set with a system CJK font when one is installed (fonts-noto-cjk and the like,
/// never shipped nor required), embedded as a subset; without one the report is still made,
/// the rest of the text intact.
#[test]
fn cjk_text_uses_a_system_font_when_there_is_one() {
    let mut doc = webshop();
    doc.metadata.name = "決済システム Webshop".into();
    for e in doc.elements.values_mut().filter(|e| e.name == "Shop API") {
        e.name = "注文API Shop".into();
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &ReportOptions { sections: vec![Section::Summary, Section::Diagrams], ..options() }, dir.path());
    let text = poppler("pdftotext", &[], &pdf);
    let fonts = Command::new("pdffonts").arg(&pdf).output().expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let cjk_installed = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"].iter().any(|p| Path::new(p).exists());
    let embedded = fonts.lines().skip(2).count();
    if cjk_installed {
        assert!(text.contains("決済システム Webshop") && text.contains("注文API Shop"), "CJK is searchable text: {text}");
        assert_eq!(embedded, 3, "DejaVu regular and bold, and the CJK fallback: {fonts}");
        assert!(fonts.lines().skip(2).all(|l| l.split_whitespace().filter(|w| *w == "yes").count() >= 2), "all embedded as subsets: {fonts}");
        let size = std::fs::metadata(&pdf).unwrap().len();
        assert!(size < 1024 * 1024, "a subset of the 19 MB CJK font, not the whole: {size} bytes");
    } else {
        assert!(text.contains("Webshop") && text.contains("API Shop"), "the Latin text around it is intact: {text}");
        assert_eq!(embedded, 2, "no CJK font here: DejaVu only, {fonts}");
    }
}

#[test]
fn a_tree_too_wide_to_read_on_a_page_is_listed_instead() {
    // The benchmark's trees: 8 branches of 5 steps side by side, 40 steps wide.
    let doc = report_model::model();
    let dir = tempfile::tempdir().unwrap();
    let pdf = write_pdf(&doc, &ReportOptions { sections: vec![Section::AttackTrees], ..options() }, dir.path());
    let text = squash(&poppler("pdftotext", &[], &pdf));
    assert!(text.contains("too large to draw legibly on a page"), "{text}");
    assert!(!text.contains("Heavy outline"), "no postage-stamp drawing");
    assert!(text.contains("Branch 7") && text.contains("Scenario (steps)"), "the steps as a list, and the top scenarios");
    assert!(info_pages(&pdf).iter().all(|(w, h)| w < h), "no landscape page for a drawing that is not there");
}
