//! Attack-tree analysis against PRODUCT.md section 6:
//! - all attributes on a 1,000,000-node tree <= 500 ms
//! - the 10 cheapest scenarios of a 10,000-node tree <= 100 ms
//! - exact minimum cost on a DAG with 200 shared steps <= 1 s
//!
//! `cargo bench -p rampart-engine --bench attack`. The models are random but the same every
//! run (fixed seeds): OR levels alternate with AND/SAND levels, 2 to 5 children, steps with
//! every attribute, one countermeasure (implemented, with a counter-attack) per 50 nodes.
//!
//! Before criterion runs, each benchmark prints its own figures: the minimum and median wall
//! time of a series of runs and the CPU time per run (`/proc/thread-self/stat`; the analysis
//! is single-threaded), since on a shared machine the minimum is the least disturbed run and
//! CPU time does not count waiting for a core. It also prints the machine's random memory
//! latency at that moment (a pointer chase over 128 MB): the large-tree figure is mostly
//! cache misses, so it scales with that latency.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rampart_engine::attack::{self, AnalysisOptions};
use rampart_engine::*;
use uuid::Uuid;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Gen {
    doc: Document,
    tree: Id,
    rng: Rng,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let mut doc = Document::default();
        let tree = Uuid::from_u128(1);
        doc.attack_trees.insert(tree, AttackTree { id: tree, name: "bench".into(), description: String::new(), root: Uuid::nil() });
        Gen { doc, tree, rng: Rng(seed) }
    }

    fn id(&mut self) -> Id {
        Uuid::from_u128((self.rng.next() as u128) << 64 | self.rng.next() as u128)
    }

    fn add(&mut self, node: AttackNode) -> Id {
        let id = node.id;
        self.doc.attack_nodes.insert(id, node);
        id
    }

    fn step(&mut self, label: String) -> Id {
        let id = self.id();
        let attributes = Attributes {
            cost: Some((1 + self.rng.below(1000)) as f64),
            probability: Some((1 + self.rng.below(100)) as f64 / 100.0),
            time: Some((1 + self.rng.below(48)) as f64),
            skill: Some(1 + self.rng.below(5) as u8),
            detectability: None,
        };
        let tree = self.tree;
        self.add(AttackNode { id, tree, label, attributes, ..Default::default() })
    }

    /// A random tree of about `nodes` nodes, built top-down breadth-first: OR levels (the
    /// attacker's alternatives) alternate with AND/SAND levels (the steps of one way in).
    fn tree(&mut self, nodes: usize) -> Id {
        let root = self.id();
        let tree = self.tree;
        self.add(AttackNode { id: root, tree, label: "goal".into(), gate: Gate::Or, ..Default::default() });
        let mut frontier = std::collections::VecDeque::from([root]);
        let mut count = 1usize;
        while let Some(parent) = frontier.pop_front() {
            let parent_or = self.doc.attack_nodes[&parent].gate == Gate::Or;
            let fanout = 2 + self.rng.below(4) as usize;
            if count + fanout > nodes {
                // The rest of the frontier stays as steps.
                let n = self.doc.attack_nodes.get_mut(&parent).unwrap();
                if n.children.is_empty() {
                    n.gate = Gate::Leaf;
                    n.attributes = Attributes { cost: Some(10.0), probability: Some(0.5), time: Some(1.0), skill: Some(2), detectability: None };
                }
                continue;
            }
            for i in 0..fanout {
                count += 1;
                let id = self.id();
                let gate = match (parent_or, self.rng.below(10)) {
                    (true, 0..=6) => Gate::And,
                    (true, _) => Gate::Sand,
                    (false, 0..=7) => Gate::Or,
                    (false, _) => Gate::And,
                };
                self.add(AttackNode { id, tree, label: format!("node {count}.{i}"), gate, ..Default::default() });
                self.doc.attack_nodes.get_mut(&parent).unwrap().children.push(id);
                frontier.push_back(id);
            }
        }
        // Whatever ended up without children is a step with values.
        let childless: Vec<Id> = self.doc.attack_nodes.values().filter(|n| n.children.is_empty()).map(|n| n.id).collect();
        for id in childless {
            let attributes = Attributes {
                cost: Some((1 + self.rng.below(1000)) as f64),
                probability: Some((1 + self.rng.below(100)) as f64 / 100.0),
                time: Some((1 + self.rng.below(48)) as f64),
                skill: Some(1 + self.rng.below(5) as u8),
                detectability: None,
            };
            let n = self.doc.attack_nodes.get_mut(&id).unwrap();
            n.gate = Gate::Leaf;
            n.attributes = attributes;
        }
        // Countermeasures: one per 50 nodes, implemented, each with a counter-attack.
        let targets: Vec<Id> = self.doc.attack_nodes.keys().copied().collect();
        for (i, target) in targets.iter().enumerate() {
            if i % 50 != 7 {
                continue;
            }
            let d = self.id();
            self.add(AttackNode { id: d, tree, label: format!("control {i}"), role: Role::Defense, implemented: true, ..Default::default() });
            let counter = self.step(format!("bypass {i}"));
            self.doc.attack_nodes.get_mut(&d).unwrap().countermeasures.push(counter);
            self.doc.attack_nodes.get_mut(target).unwrap().countermeasures.push(d);
        }
        self.doc.attack_trees.get_mut(&tree).unwrap().root = root;
        root
    }

    /// `shared` steps, each added as one more child to 2 to 4 random gates of the lowest
    /// level (gates whose children are all steps): a step that several ways in have in
    /// common, as ADTool trees share steps by label.
    fn share(&mut self, shared: usize) {
        let gates: Vec<Id> = self
            .doc
            .attack_nodes
            .values()
            .filter(|n| n.role == Role::Attack && !n.children.is_empty())
            .filter(|n| n.children.iter().all(|c| self.doc.attack_nodes[c].children.is_empty()))
            .map(|n| n.id)
            .collect();
        for s in 0..shared {
            let step = self.step(format!("shared {s}"));
            let uses = 2 + self.rng.below(3) as usize;
            for _ in 0..uses {
                let g = gates[self.rng.below(gates.len() as u64) as usize];
                let n = self.doc.attack_nodes.get_mut(&g).unwrap();
                if !n.children.contains(&step) {
                    n.children.push(step);
                }
            }
        }
    }
}

/// Seconds of CPU this thread has used.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/thread-self/stat") else { return f64::NAN };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else { return f64::NAN };
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// Min and median wall time and mean CPU time over `runs` runs of `f`.
fn series(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut walls = Vec::with_capacity(runs);
    let cpu0 = cpu_seconds();
    for _ in 0..runs {
        let t = Instant::now();
        f();
        walls.push(t.elapsed());
    }
    let cpu = (cpu_seconds() - cpu0) / runs as f64;
    walls.sort();
    eprintln!("{name}: min {:.1?}, median {:.1?} of {runs} runs; CPU {:.0} ms per run", walls[0], walls[runs / 2], cpu * 1000.0);
}

/// Random memory latency now: a pointer chase through 128 MB.
fn memory_latency() {
    let n = 16 * 1024 * 1024usize;
    let mut next: Vec<u32> = (0..n as u32).collect();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in (1..n).rev() {
        let j = rng.below(i as u64) as usize;
        next.swap(i, j);
    }
    let mut p = 0u32;
    let steps = 2_000_000;
    let t = Instant::now();
    for _ in 0..steps {
        p = next[p as usize];
    }
    eprintln!("memory latency now: {:.0} ns per random access ({})", t.elapsed().as_nanos() as f64 / steps as f64, p % 2);
}

fn attributes_only() -> AnalysisOptions {
    AnalysisOptions { top_k: 0, pareto: false, profile: None, overrides: Vec::new() }
}

pub fn tree_1m(c: &mut Criterion) {
    let mut g = Gen::new(0x5EED_0001);
    g.tree(1_000_000);
    let (doc, tree) = (g.doc, g.tree);
    let r = attack::analyze(&doc, tree, &attributes_only()).unwrap();
    eprintln!("1M tree: {} nodes, root cost {:?}, cheapest scenario {} steps", r.nodes.len(), r.root.min_cost, r.cheapest.map_or(0, |s| s.steps.len()));
    memory_latency();
    series("all attributes, 1M-node tree", 10, || {
        black_box(attack::analyze(&doc, tree, &attributes_only()).unwrap());
    });
    let mut group = c.benchmark_group("attack");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("all attributes, 1,000,000-node tree", |b| b.iter(|| black_box(attack::analyze(&doc, tree, &attributes_only()).unwrap())));
    group.finish();
}

pub fn top10_10k(c: &mut Criterion) {
    let mut g = Gen::new(0x5EED_0002);
    g.tree(10_000);
    let (doc, tree) = (g.doc, g.tree);
    let options = AnalysisOptions { top_k: 10, pareto: false, profile: None, overrides: Vec::new() };
    let r = attack::analyze(&doc, tree, &options).unwrap();
    eprintln!(
        "10k tree: {} nodes, top costs {:?}, scenario sizes {:?}",
        r.nodes.len(),
        r.top.iter().map(|s| s.cost.unwrap_or(f64::NAN)).collect::<Vec<_>>(),
        r.top.iter().map(|s| s.steps.len()).collect::<Vec<_>>()
    );
    series("10 cheapest scenarios (whole analysis), 10k-node tree", 50, || {
        black_box(attack::analyze(&doc, tree, &options).unwrap());
    });
    let mut group = c.benchmark_group("attack");
    group.bench_function("10 cheapest scenarios (whole analysis), 10,000-node tree", |b| b.iter(|| black_box(attack::analyze(&doc, tree, &options).unwrap())));
    let all = AnalysisOptions::default();
    group.bench_function("whole analysis with top 5 and Pareto front, 10,000-node tree", |b| b.iter(|| black_box(attack::analyze(&doc, tree, &all).unwrap())));
    group.finish();
}

pub fn dag_200_shared(c: &mut Criterion) {
    let mut g = Gen::new(0x5EED_0003);
    g.tree(5_000);
    g.share(200);
    let (doc, tree) = (g.doc, g.tree);
    let r = attack::analyze(&doc, tree, &attributes_only()).unwrap();
    let cheapest = attack::cheapest(&doc, tree, &attributes_only()).unwrap();
    eprintln!(
        "DAG: {} nodes, {} shared steps, exact root cost {:?} (cheapest scenario {:?}, {} steps), exact: {}",
        r.nodes.len(),
        r.shared_steps,
        r.root.min_cost,
        cheapest.as_ref().and_then(|s| s.cost),
        cheapest.as_ref().map_or(0, |s| s.steps.len()),
        r.exact
    );
    series("exact min cost + cheapest scenario, DAG 200 shared", 50, || {
        black_box(attack::cheapest(&doc, tree, &attributes_only()).unwrap());
    });
    series("all attributes at every node, DAG 200 shared", 20, || {
        black_box(attack::analyze(&doc, tree, &attributes_only()).unwrap());
    });
    let top10 = AnalysisOptions { top_k: 10, pareto: false, profile: None, overrides: Vec::new() };
    series("10 cheapest scenarios, DAG 200 shared", 10, || {
        black_box(attack::analyze(&doc, tree, &top10).unwrap());
    });
    let mut group = c.benchmark_group("attack");
    group.sample_size(20);
    group.bench_function("exact min cost and cheapest scenario (branch and bound), DAG with 200 shared steps", |b| {
        b.iter(|| black_box(attack::cheapest(&doc, tree, &attributes_only()).unwrap()))
    });
    group.bench_function("all attributes at every node, DAG with 200 shared steps", |b| {
        b.iter(|| black_box(attack::analyze(&doc, tree, &attributes_only()).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, tree_1m, top10_10k, dag_200_shared);
criterion_main!(benches);
