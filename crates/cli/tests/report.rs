//! `rampart report` and the picture and CSV exports, run as a user runs them; the PDF is
//! read back with poppler (installed by scripts/setup.sh).

use std::path::{Path, PathBuf};
use std::process::Command as Process;

fn rampart() -> assert_cmd::Command {
    assert_cmd::cargo::cargo_bin_cmd!("rampart")
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop.rampart.json")
}

fn pdftotext(pdf: &Path) -> String {
    let out = Process::new("pdftotext").arg(pdf).arg("-").output().expect("pdftotext is needed (poppler-utils, see scripts/setup.sh)");
    assert!(out.status.success(), "pdftotext rejected the PDF: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn report_writes_a_pdf_with_the_chosen_sections_and_paper() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("webshop.pdf");
    let run = rampart().arg("report").arg(example()).arg("-o").arg(&out).args(["--paper", "letter", "--sections", "summary,threats", "--date", "2026-05-01"]).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("wrote"));
    let info = Process::new("pdfinfo").arg(&out).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.contains("(letter)"), "{info}");
    let text = pdftotext(&out);
    assert!(text.contains("1 Executive summary") && text.contains("2 Threat register"));
    assert!(text.contains("Date 2026-05-01"), "the cover date");
    assert!(!text.contains("Data-flow diagrams"));
}

#[test]
fn report_to_a_md_file_writes_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("webshop.md");
    rampart().arg("report").arg(example()).arg("-o").arg(&out).assert().success();
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.starts_with("# Webshop\n"));
    assert!(md.contains("## 6. Threat register"));
}

#[test]
fn report_refuses_an_unknown_section_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.pdf");
    let run = rampart().arg("report").arg(example()).arg("-o").arg(&out).args(["--sections", "summary,nonsense"]).output().unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("no section named “nonsense”") && err.contains("attack_trees"), "{err}");
    assert!(!out.exists());
}

#[test]
fn export_png_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("d.png");
    rampart().arg("export").arg(example()).args(["--format", "png", "--diagram", "Checkout and payment", "-o"]).arg(&png).assert().success();
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    let csv = dir.path().join("t.csv");
    rampart().arg("export").arg(example()).args(["--format", "csv", "-o"]).arg(&csv).assert().success();
    let from_threats = rampart().arg("threats").arg(example()).args(["--format", "csv"]).output().unwrap();
    assert_eq!(std::fs::read(&csv).unwrap(), from_threats.stdout, "one CSV writer for both commands");
}

#[test]
fn export_draws_an_attack_tree_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("tree.svg");
    let run = rampart().arg("export").arg(example()).args(["--format", "svg", "--tree", "Steal customer card data", "-o"]).arg(&svg).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("<title>Steal customer card data</title>") && text.contains("Heavy outline: the cheapest scenario (300 EUR)"), "the tree, not a diagram");
    let png = dir.path().join("tree.png");
    let run = rampart().arg("export").arg(example()).args(["--format", "png", "--tree", "Steal customer card data", "-o"]).arg(&png).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let run = rampart().arg("export").arg(example()).args(["--format", "svg", "--tree", "No such tree", "-o"]).arg(dir.path().join("x.svg")).output().unwrap();
    assert_ne!(run.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&run.stderr).contains("no attack tree named"));
}
