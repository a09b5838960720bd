//! Analysis benchmarks against PRODUCT.md section 6:
//! - validation + STRIDE, 10,000 elements / 20,000 flows, full: <= 100 ms
//! - the same after one edit (incremental): <= 5 ms
//!
//! `cargo bench -p rampart-engine --bench analysis`. The model is synthetic
//! (`support/synthetic.rs`): 10,000 non-flow elements (100 trust boundaries, two deep) and
//! 20,000 flows with random properties. "Full" is `Analysis::new` (index, every finding,
//! every generated threat with its id and scores). "One edit" times `Analysis::update` for
//! one operation's patch, alternating the patch and its reverse so the model stays the
//! same. Rendering the whole register (every threat's texts) is measured for reference.

#[path = "support/synthetic.rs"]
mod synthetic;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rampart_engine::analysis::{Analysis, RuleSet};
use rampart_engine::*;

const NODES: usize = 10_000;
const FLOWS: usize = 20_000;

fn rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().expect("the built-in rules load"))
}

/// One operation of each sort a user makes while drawing, as a patch.
fn edits(doc: &Document) -> Vec<(&'static str, Patch)> {
    let flow = doc.elements.values().find(|e| e.flow().is_some()).expect("a flow").clone();
    let process = doc
        .elements
        .values()
        .filter(|e| e.kind() == ElementKind::Process)
        .max_by_key(|e| doc.elements.values().filter(|f| f.flow().is_some_and(|p| p.source == Some(e.id) || p.target == Some(e.id))).count())
        .expect("a process")
        .clone();
    let boundary = doc.elements.values().find(|e| e.kind() == ElementKind::TrustBoundary && e.parent.is_none()).expect("a boundary").id;
    let store = doc.elements.values().find(|e| e.kind() == ElementKind::DataStore).expect("a store").id;

    let mut toggled = flow.clone();
    if let ElementProperties::DataFlow(f) = &mut toggled.properties {
        f.encrypted_in_transit = Some(f.encrypted_in_transit != Some(true));
    }
    let mut new_flow = flow.clone();
    new_flow.id = synthetic::uid(9_999_999);
    new_flow.name = "New flow".into();
    if let ElementProperties::DataFlow(f) = &mut new_flow.properties {
        f.source = Some(process.id);
        f.target = Some(store);
    }
    let plan = |op: Operation| op.plan(doc).expect("a valid operation");
    vec![
        ("toggle a flow property", plan(Operation::Put { records: vec![Record::Element(toggled)] })),
        ("draw a new flow", plan(Operation::Put { records: vec![Record::Element(new_flow)] })),
        ("rename the busiest process", plan(Operation::Rename { key: RecordKey::new(RecordKind::Element, process.id), name: "Renamed".into() })),
        ("move the busiest process into another boundary", plan(Operation::Reparent { ids: vec![process.id], parent: Some(boundary) })),
    ]
}

/// CPU time of this process (all threads), from /proc/self/stat (Linux), in ms.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0) // USER_HZ = 100
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Besides criterion's means: the minimum and median wall time of many runs, and the CPU
/// time per run. On a shared machine the minimum is the run least disturbed by other work,
/// and CPU time does not count the time spent waiting for a core.
fn quiet_figures(doc: &Document, rules: &Arc<RuleSet>) {
    const RUNS: u32 = 30;
    let mut times = Vec::new();
    let cpu = cpu_ms();
    for _ in 0..RUNS {
        let start = Instant::now();
        let a = Analysis::new(doc, rules.clone());
        times.push(start.elapsed());
        drop(a);
    }
    let cpu = cpu.zip(cpu_ms()).map(|(a, b)| (b - a) / f64::from(RUNS));
    times.sort();
    eprintln!(
        "full: min {:.1} ms, median {:.1} ms over {RUNS} runs; CPU {} per run (both threads, drop included)",
        times[0].as_secs_f64() * 1e3,
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        cpu.map_or("?".to_string(), |c| format!("{c:.0} ms"))
    );
    let analysis = Analysis::new(doc, rules.clone());
    for (name, patch) in edits(doc) {
        let reverse = patch.reversed();
        let mut doc = doc.clone();
        let mut analysis = analysis.clone();
        let mut times = Vec::new();
        for i in 0..2_000 {
            let p = if i % 2 == 0 { &patch } else { &reverse };
            p.apply_to(&mut doc);
            let start = Instant::now();
            std::hint::black_box(analysis.update(&doc, p));
            times.push(start.elapsed());
        }
        times.sort();
        eprintln!(
            "one edit ({name}): min {:.3} ms, median {:.3} ms, p99 {:.3} ms, max {:.3} ms over 2,000",
            times[0].as_secs_f64() * 1e3,
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            times[times.len() - 1].as_secs_f64() * 1e3
        );
    }
}

fn bench(c: &mut Criterion) {
    let doc = synthetic::model(NODES, FLOWS, 7);
    let rules = rules();
    quiet_figures(&doc, &rules);
    let mut group = c.benchmark_group("analysis 10k elements + 20k flows");
    group.sample_size(20).measurement_time(Duration::from_secs(10));

    // The result is dropped outside the timing: freeing it is not analysis.
    group.bench_function("full (validation + STRIDE)", |b| b.iter_with_large_drop(|| Analysis::new(&doc, rules.clone())));

    let analysis = Analysis::new(&doc, rules.clone());
    eprintln!(
        "model: {} elements ({} flows); {} findings, {} generated threats",
        doc.elements.len(),
        doc.elements.values().filter(|e| e.flow().is_some()).count(),
        analysis.validation(&doc).findings.len(),
        analysis.generated_count()
    );
    let empty = Arc::new(RuleSet::empty());
    group.bench_function("validation only (full)", |b| b.iter_with_large_drop(|| Analysis::new(&doc, empty.clone())));
    group.bench_function("word and sort every finding (validation())", |b| b.iter_with_large_drop(|| analysis.validation(&doc)));

    for (name, patch) in edits(&doc) {
        let reverse = patch.reversed();
        let mut doc = doc.clone();
        let mut analysis = analysis.clone();
        let mut applied = false;
        group.bench_function(format!("one edit, incremental: {name}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let p = if applied { &reverse } else { &patch };
                    applied = !applied;
                    p.apply_to(&mut doc);
                    let start = Instant::now();
                    std::hint::black_box(analysis.update(&doc, p));
                    spent += start.elapsed();
                }
                spent
            })
        });
    }
    group.sample_size(10);
    group.bench_function("render the whole register (all threat views)", |b| b.iter_with_large_drop(|| analysis.threats(&doc)));
    // What the app asks after every edit: findings and badge counts, no threat worded.
    group.bench_function("overview (findings and badges)", |b| b.iter_with_large_drop(|| analysis.overview(&doc)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
