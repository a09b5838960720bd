//! The PDF report against PRODUCT.md section 6: "PDF: 300 threats, 3 diagrams, 2 trees:
//! <= 1.5 s, <= 3 MB". `cargo bench -p rampart-engine --bench report`.
//!
//! The model is `support/report_model.rs`. One run is the whole export as the app and the
//! CLI do it: the threat analysis, the attack-tree analyses, layout, the diagrams converted
//! to vectors, font subsetting and compression. Before criterion runs, the bench prints the
//! minimum and median of a series of runs and the file size; the Markdown report is timed
//! for reference.

#[path = "support/report_model.rs"]
mod report_model;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rampart_engine::report::{self, ReportOptions};

fn figures(name: &str, runs: usize, mut f: impl FnMut() -> usize) {
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        size = f();
        times.push(start.elapsed());
    }
    times.sort();
    println!("{name}: min {:?}, median {:?} over {runs} runs, {size} bytes", times[0], times[runs / 2]);
}

fn bench(c: &mut Criterion) {
    let doc = report_model::model();
    let options = ReportOptions { date: Some("2026-05-01".into()), ..Default::default() };
    let pdf = |doc: &rampart_engine::Document| report::pdf(black_box(doc), &options).map(|b| b.len()).unwrap_or(0);
    figures("report/pdf (300 threats, 3 diagrams, 2 trees)", 10, || pdf(&doc));
    figures("report/markdown (same model)", 10, || report::markdown(&doc, &options).map(|m| m.len()).unwrap_or(0));

    let mut group = c.benchmark_group("report");
    group.sample_size(10).measurement_time(Duration::from_secs(15));
    group.bench_function("pdf_300_threats_3_diagrams_2_trees", |b| b.iter(|| pdf(&doc)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
