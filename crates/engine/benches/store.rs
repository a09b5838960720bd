//! Store benchmarks against PRODUCT.md section 6:
//! - apply + persist one operation on a 5,000-element model, p99 <= 5 ms
//! - open a 5,000-element model <= 300 ms
//!
//! plus canonical JSON and save/load of the same model, for reference.
//!
//! `cargo bench -p rampart-engine --bench store`. Besides criterion's figures, the apply
//! benchmark prints p50/p99/max over 1,000 individually timed operations, since the target
//! is a tail latency. Durability is as shipped: WAL, synchronous=FULL.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rampart_engine::store::Store;
use rampart_engine::*;
use uuid::Uuid;

const ELEMENTS: usize = 5_000;

fn uid(n: u64) -> Id {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000u128 | n as u128)
}

fn element(id: Id, diagram: Id, name: String, parent: Option<Id>, properties: ElementProperties) -> Element {
    Element {
        id,
        diagram,
        description: format!("{name}: part of the benchmark system, with a description of ordinary length."),
        technology: "Rust".into(),
        owner: "Team".into(),
        tags: vec!["bench".into()],
        name,
        parent,
        properties,
        ..Default::default()
    }
}

/// 5,000 elements on one diagram: 50 trust boundaries (10 zones of 5, nested), 1,500
/// processes, 1,000 data stores, 450 external entities, 2,000 flows; a layout for every
/// shape (3,000). The same every run.
fn model() -> Document {
    let d = uid(1);
    let mut doc = Document::default();
    doc.metadata.name = "Benchmark".into();
    doc.diagrams.insert(d, Diagram { id: d, name: "Everything".into() });
    let mut next = 100u64;
    let mut id = || {
        next += 1;
        uid(next)
    };
    let mut boundaries = Vec::new();
    for zone in 0..10 {
        let outer = id();
        doc.elements.insert(outer, element(outer, d, format!("Zone {zone}"), None, ElementProperties::TrustBoundary(BoundaryProperties::default())));
        doc.layouts.insert(outer, Layout { id: outer, x: zone as f64 * 3000.0, y: 0.0, width: 2900.0, height: 9000.0, ..Default::default() });
        boundaries.push(outer);
        for sub in 0..4 {
            let inner = id();
            doc.elements.insert(inner, element(inner, d, format!("Zone {zone}.{sub}"), Some(outer), ElementProperties::TrustBoundary(BoundaryProperties::default())));
            doc.layouts.insert(inner, Layout { id: inner, x: zone as f64 * 3000.0 + 50.0, y: sub as f64 * 2200.0 + 50.0, width: 2800.0, height: 2100.0, ..Default::default() });
            boundaries.push(inner);
        }
    }
    let mut shapes = Vec::new();
    for i in 0..2_950usize {
        let e = id();
        let properties = match i % 6 {
            0..=2 => ElementProperties::Process(ProcessProperties { privilege: Some(Privilege::Service), validates_input: Some(i.is_multiple_of(2)), ..Default::default() }),
            3 | 4 => ElementProperties::DataStore(StoreProperties { stores_pii: Some(i % 3 == 0), encrypted_at_rest: Some(true), ..Default::default() }),
            _ => ElementProperties::ExternalEntity(EntityProperties { is_human: Some(true), authenticated: Some(false) }),
        };
        let parent = (i % 5 != 0).then(|| boundaries[i % boundaries.len()]);
        doc.elements.insert(e, element(e, d, format!("Element {i}"), parent, properties));
        doc.layouts.insert(e, Layout { id: e, x: (i % 100) as f64 * 150.0, y: (i / 100) as f64 * 90.0, width: 120.0, height: 60.0, ..Default::default() });
        shapes.push(e);
    }
    for i in 0..2_000usize {
        let f = id();
        let (s, t) = (shapes[i % shapes.len()], shapes[(i * 7 + 13) % shapes.len()]);
        let properties = ElementProperties::DataFlow(FlowProperties {
            source: Some(s),
            target: Some(t),
            protocol: "HTTPS".into(),
            encrypted_in_transit: Some(true),
            ..Default::default()
        });
        doc.elements.insert(f, element(f, d, format!("Flow {i}"), None, properties));
    }
    assert_eq!(doc.elements.len(), ELEMENTS);
    doc
}

fn fresh_file(dir: &Path, name: &str, doc: &Document) -> PathBuf {
    let path = dir.join(name);
    drop(Editor::create(&path, doc.clone()).unwrap());
    path
}

fn percentiles(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| ms(samples[((samples.len() as f64 * q).ceil() as usize).min(samples.len()) - 1]);
    (at(0.50), at(0.99), ms(*samples.last().unwrap()))
}

/// 1,000 individually timed applies of one kind of operation, on a fresh copy of the model.
/// Each is interleaved with the smallest durable SQLite transaction on the same disk (one
/// row, WAL, synchronous=FULL: one fsync), the floor any durable apply stands on, so that the
/// figures say how much is the engine's and how much the disk's at that moment.
fn tail(dir: &Path, label: &str, make: impl Fn(usize) -> Operation) {
    let path = fresh_file(dir, &format!("tail-{label}.rampart"), &model());
    let mut editor = Editor::open(&path).unwrap();
    let floor = rusqlite::Connection::open(dir.join(format!("floor-{label}.db"))).unwrap();
    floor.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, '');").unwrap();
    let (mut total, mut plan, mut fsync) = (Vec::with_capacity(1000), Vec::with_capacity(1000), Vec::with_capacity(1000));
    for i in 0..1000 {
        let op = make(i);
        let t = Instant::now();
        op.plan(editor.document()).unwrap();
        plan.push(t.elapsed());
        let t = Instant::now();
        editor.apply(&op, None).unwrap();
        total.push(t.elapsed());
        let t = Instant::now();
        floor.execute("UPDATE t SET v = ?1 WHERE k = 1", [i.to_string()]).unwrap();
        fsync.push(t.elapsed());
    }
    let (p50, p99, max) = percentiles(total);
    let (plan50, plan99, _) = percentiles(plan);
    let (floor50, floor99, _) = percentiles(fsync);
    println!(
        "apply+persist {label}: p50 {p50:.3} ms, p99 {p99:.3} ms, max {max:.3} ms over 1000 \
         (planning in memory: p50 {plan50:.3} ms, p99 {plan99:.3} ms; \
         one-row durable SQLite commit on the same disk: p50 {floor50:.3} ms, p99 {floor99:.3} ms)"
    );
}

fn one_process() -> Id {
    uid(100 + 50 + 1) // the first shape after the 50 boundaries
}

/// A top-level boundary: moving it carries 5 boundaries and about 240 shapes.
fn a_zone() -> Id {
    uid(101)
}

fn apply_and_persist(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    tail(dir.path(), "translate", |i| Operation::Translate { ids: vec![one_process()], dx: if i.is_multiple_of(2) { 1.5 } else { -1.5 }, dy: 0.25 });
    tail(dir.path(), "rename", |i| Operation::Rename { key: RecordKey::new(RecordKind::Element, one_process()), name: format!("Renamed {i}") });
    tail(dir.path(), "translate-boundary", |i| Operation::Translate { ids: vec![a_zone()], dx: if i.is_multiple_of(2) { 1.5 } else { -1.5 }, dy: 0.25 });

    let path = fresh_file(dir.path(), "apply.rampart", &model());
    let mut editor = Editor::open(&path).unwrap();
    let mut i = 0u64;
    c.bench_function("apply+persist translate (5,000 elements)", |b| {
        b.iter(|| {
            i += 1;
            let dx = if i.is_multiple_of(2) { 1.5 } else { -1.5 };
            editor.apply(&Operation::Translate { ids: vec![one_process()], dx, dy: 0.25 }, None).unwrap()
        })
    });
    c.bench_function("apply+persist rename (5,000 elements)", |b| {
        b.iter(|| {
            i += 1;
            editor.apply(&Operation::Rename { key: RecordKey::new(RecordKind::Element, one_process()), name: format!("Renamed {i}") }, None).unwrap()
        })
    });
}

fn open(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = fresh_file(dir.path(), "open.rampart", &model());
    let len = std::fs::metadata(&path).unwrap().len();
    println!("5,000-element model: {:.1} MB as .rampart", len as f64 / 1e6);
    c.bench_function("open (Editor::open, 5,000 elements)", |b| b.iter(|| Editor::open(&path).unwrap()));
}

fn canonical_json(c: &mut Criterion) {
    let doc = model();
    let text = canonical::to_string(&doc).unwrap();
    println!("5,000-element model: {:.1} MB as .rampart.json", text.len() as f64 / 1e6);
    c.bench_function("canonical::to_string (5,000 elements)", |b| b.iter(|| canonical::to_string(&doc).unwrap()));
    c.bench_function("canonical::from_str (5,000 elements)", |b| {
        b.iter(|| canonical::from_str(&text, Path::new("bench.rampart.json")).unwrap())
    });
}

fn save_and_load(c: &mut Criterion) {
    let doc = model();
    let dir = tempfile::tempdir().unwrap();
    let mut n = 0u64;
    c.bench_function("save (Store::create, 5,000 elements)", |b| {
        b.iter_batched(
            || {
                n += 1;
                dir.path().join(format!("save-{n}.rampart"))
            },
            |path| {
                Store::create(&path, &doc).unwrap();
                path
            },
            BatchSize::PerIteration,
        )
    });
    let path = fresh_file(dir.path(), "load.rampart", &doc);
    c.bench_function("load (files::load, 5,000 elements)", |b| b.iter(|| files::load(&path).unwrap()));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(4));
    targets = apply_and_persist, open, canonical_json, save_and_load
}
criterion_main!(benches);
