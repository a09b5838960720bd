//! Scenarios in order of cost (the k cheapest), the cost vs probability Pareto front, and
//! the scenarios an attacker profile can afford.
//!
//! **k cheapest: Lawler's partitioning with exclusions.** A *cell* is the set of scenarios
//! that avoid some steps `OUT`; its best scenario comes from the exact minimum-weight solver
//! ([`super::solver`]), made minimal. Taking cells in order of their best cost, each popped
//! cell with best scenario `S = {y1..ym}` adds the cells `OUT + {yi}`. Every minimal scenario
//! `T` other than `S` avoids some `yi` (two distinct minimal sets never contain one another),
//! so `T` stays in some added cell, whose best costs no more than `T`: scenarios come out in
//! order of cost, each once (repeated cells and repeated scenarios are skipped). On a tree
//! each cell is one bottom-up pass recomputed only along the paths above the excluded steps,
//! so the k cheapest of a 10,000-node tree take a few milliseconds.
//!
//! **Pareto front (cost vs probability).** On a tree, scenarios are the solution trees and
//! combine independently, so fronts merge bottom-up ([`pareto_tree`]): a step is one point,
//! an OR keeps the non-dominated points of its children, an AND the non-dominated sums and
//! products over its children, each point remembering where it came from. On a DAG, the
//! enumeration above in order of cost, keeping a scenario when it is more likely than every
//! cheaper one; a cell is dropped, not expanded, when its most likely scenario (the solver
//! again, on `-ln p`) is no more likely than the best found so far: everything in it is
//! dominated. The walk stops when the most likely scenario overall has been reached.
//!
//! Every walk has a budget ([`MAX_CELLS`], [`MAX_WORK`]); a result cut short says so.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use super::formula::{Formula, Kind, NONE};
use super::solver::{Ord64, Solution, Solver};

/// Most cells one enumeration may solve.
pub(crate) const MAX_CELLS: usize = 20_000;
/// Most node recomputations one enumeration may do (a deep tree makes each cell dearer).
pub(crate) const MAX_WORK: u64 = 50_000_000;
/// Most node recomputations the Pareto walk on a DAG may do (two solvers).
const PARETO_WORK: u64 = 10_000_000;

pub(crate) struct Cell {
    pub weight: f64,
    /// Local steps of the cell's best scenario, sorted.
    pub locals: Vec<u32>,
    out: Vec<u32>,
}

pub(crate) struct Enumerator<'a, 's> {
    pub solver: &'a mut Solver<'s>,
    heap: BinaryHeap<Reverse<(Ord64, Vec<u32>, usize)>>,
    cells: Vec<Option<Cell>>,
    seen_cells: HashSet<Vec<u32>>,
    seen_sets: HashSet<Vec<u32>>,
    solves: usize,
    /// The cell budget ran out: what was returned is right but may be incomplete.
    pub truncated: bool,
    pub max_cells: usize,
}

impl<'a, 's> Enumerator<'a, 's> {
    /// Scenarios avoiding `base_out` (local steps).
    pub fn new(solver: &'a mut Solver<'s>, base_out: Vec<u32>) -> Self {
        let mut e = Enumerator {
            solver,
            heap: BinaryHeap::new(),
            cells: Vec::new(),
            seen_cells: HashSet::new(),
            seen_sets: HashSet::new(),
            solves: 0,
            truncated: false,
            max_cells: MAX_CELLS,
        };
        let mut out = base_out;
        out.sort_unstable();
        out.dedup();
        e.seen_cells.insert(out.clone());
        e.add(out);
        e
    }

    fn add(&mut self, out: Vec<u32>) {
        if self.solves >= self.max_cells || self.solver.work >= MAX_WORK {
            self.truncated = true;
            return;
        }
        self.solves += 1;
        if let Some(Solution { weight, locals }) = self.solver.solve(&out) {
            let index = self.cells.len();
            self.heap.push(Reverse((Ord64(weight), locals.clone(), index)));
            self.cells.push(Some(Cell { weight, locals, out }));
        }
    }

    /// The next cell in order of cost (possibly with a scenario seen before).
    pub fn pop_cell(&mut self) -> Option<Cell> {
        let Reverse((_, _, index)) = self.heap.pop()?;
        self.cells.get_mut(index).and_then(Option::take)
    }

    /// Split the rest of `cell` into the cells that each avoid one more of its steps.
    pub fn expand(&mut self, cell: &Cell) {
        for &y in &cell.locals {
            // A step every scenario needs leaves an empty cell.
            if self.solver.sub.needed.get(y as usize).copied().unwrap_or(false) {
                continue;
            }
            let mut out = cell.out.clone();
            if let Err(at) = out.binary_search(&y) {
                out.insert(at, y);
            } else {
                continue;
            }
            if self.seen_cells.insert(out.clone()) {
                self.add(out);
            }
        }
    }

    /// Record a scenario; false if it was seen before.
    pub fn first_time(&mut self, locals: &[u32]) -> bool {
        self.seen_sets.insert(locals.to_vec())
    }

    /// The next scenario in order of cost.
    pub fn next_scenario(&mut self) -> Option<(f64, Vec<u32>)> {
        loop {
            let cell = self.pop_cell()?;
            self.expand(&cell);
            if self.first_time(&cell.locals) {
                return Some((cell.weight, cell.locals));
            }
        }
    }
}

/// The `k` cheapest scenarios (local steps), cheapest first, and whether the list is
/// certainly right (the budget did not run out before `k` were found).
pub(crate) fn k_cheapest(solver: &mut Solver, k: usize) -> (Vec<(f64, Vec<u32>)>, bool) {
    let mut out = Vec::new();
    if k == 0 {
        return (out, true);
    }
    let mut e = Enumerator::new(solver, Vec::new());
    while out.len() < k {
        match e.next_scenario() {
            Some(s) => out.push(s),
            None => break,
        }
    }
    let complete = out.len() == k || !e.truncated;
    let inexact = e.solver.inexact;
    (out, complete && !inexact)
}

/// The Pareto front of scenarios for cost (lower is better) and probability (higher is
/// better): `(cost, probability, local steps)`, by increasing cost. `likely` is a solver on
/// the same sub-DAG with weights `-ln p`; `probability[local]` is each step's probability.
pub(crate) fn pareto(cost: &mut Solver, likely: &mut Solver, probability: &[f64]) -> (Vec<(f64, f64, Vec<u32>)>, bool) {
    let product = |locals: &[u32]| locals.iter().map(|&x| probability.get(x as usize).copied().unwrap_or(0.0)).product::<f64>();
    let best_overall = likely.solve(&[]).map_or(0.0, |s| product(&s.locals));
    let mut e = Enumerator::new(cost, Vec::new());
    let mut best = -1.0f64;
    let mut found: Vec<(f64, f64, Vec<u32>)> = Vec::new();
    let mut truncated = false;
    while let Some(cell) = e.pop_cell() {
        if best >= best_overall {
            break;
        }
        if e.solver.work + likely.work > PARETO_WORK {
            truncated = true;
            break;
        }
        if best >= 0.0 {
            let most_likely = likely.solve(&cell.out).map_or(0.0, |s| product(&s.locals));
            if most_likely <= best {
                continue;
            }
        }
        e.expand(&cell);
        if e.first_time(&cell.locals) {
            let p = product(&cell.locals);
            if p > best {
                best = p;
                found.push((cell.weight, p, cell.locals));
            }
        }
    }
    let complete = !truncated && !e.truncated && !e.solver.inexact && !likely.inexact;
    // Later points are more likely; a point is dominated only by a later one as cheap.
    let mut front: Vec<(f64, f64, Vec<u32>)> = Vec::with_capacity(found.len());
    for (i, point) in found.iter().enumerate() {
        if found.get(i + 1).is_some_and(|next| next.0 <= point.0) {
            continue;
        }
        front.push(point.clone());
    }
    (front, complete)
}

/// The time a scenario takes (steps by index): the structure evaluated with only these
/// steps done (OR: the fastest done child, AND: the slowest, SAND: the sum). `time[s]` per
/// step; `parents` from [`Formula::parents`].
pub(crate) fn scenario_time(f: &Formula, parents: &(Vec<u32>, Vec<u32>), goal: u32, steps: &[u32], time: &[f64]) -> f64 {
    if f.kind.get(goal as usize) == Some(&Kind::True) {
        return 0.0;
    }
    let (start, list) = parents;
    let mut value: std::collections::HashMap<u32, f64> = std::collections::HashMap::new();
    let mut nodes: Vec<u32> = Vec::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for &s in steps {
        let Some(step) = f.steps.get(s as usize) else { continue };
        if seen.insert(step.fnode) {
            nodes.push(step.fnode);
        }
        value.insert(step.fnode, time.get(s as usize).copied().unwrap_or(f64::NAN));
    }
    let mut i = 0;
    while i < nodes.len() {
        let v = nodes[i] as usize;
        if let (Some(&a), Some(&b)) = (start.get(v), start.get(v + 1)) {
            for &p in list.get(a as usize..b as usize).unwrap_or(&[]) {
                if p <= goal && seen.insert(p) {
                    nodes.push(p);
                }
            }
        }
        i += 1;
    }
    nodes.sort_unstable();
    for &v in &nodes {
        let t = match f.kind[v as usize] {
            Kind::Step => continue,
            Kind::True => 0.0,
            Kind::False => f64::INFINITY,
            Kind::And | Kind::Sand => {
                let sequential = f.kind[v as usize] == Kind::Sand;
                let mut t = 0.0f64;
                for &c in f.children(v) {
                    let x = value.get(&c).copied().unwrap_or(f64::INFINITY);
                    t = if x.is_nan() || t.is_nan() {
                        f64::NAN
                    } else if sequential {
                        t + x
                    } else {
                        t.max(x)
                    };
                }
                t
            }
            Kind::Or => {
                let mut t = f64::INFINITY;
                for &c in f.children(v) {
                    let x = value.get(&c).copied().unwrap_or(f64::INFINITY);
                    t = if x.is_nan() || t.is_nan() { f64::NAN } else { t.min(x) };
                }
                t
            }
        };
        value.insert(v, t);
    }
    value.get(&goal).copied().unwrap_or(f64::INFINITY)
}

/// The steps in reading order: as a depth-first walk from the goal meets them (children
/// in order, an attack before the counter-attacks it needs), over the scenario's ancestors
/// only.
pub(crate) fn reading_order(f: &Formula, parents: &(Vec<u32>, Vec<u32>), goal: u32, steps: &[u32]) -> Vec<u32> {
    let (start, list) = parents;
    let wanted: HashSet<u32> = steps.iter().filter_map(|&s| f.steps.get(s as usize)).map(|s| s.fnode).collect();
    let mut support: HashSet<u32> = wanted.clone();
    let mut queue: Vec<u32> = wanted.iter().copied().collect();
    while let Some(v) = queue.pop() {
        let v = v as usize;
        if let (Some(&a), Some(&b)) = (start.get(v), start.get(v + 1)) {
            for &p in list.get(a as usize..b as usize).unwrap_or(&[]) {
                if p <= goal && support.insert(p) {
                    queue.push(p);
                }
            }
        }
    }
    let mut out = Vec::with_capacity(steps.len());
    let mut seen: HashSet<u32> = HashSet::new();
    let mut stack = vec![goal];
    while let Some(v) = stack.pop() {
        if !support.contains(&v) || !seen.insert(v) {
            continue;
        }
        if f.kind.get(v as usize) == Some(&Kind::Step) {
            out.push(f.step_of[v as usize]);
        }
        stack.extend(f.children(v).iter().rev());
    }
    // Anything the walk missed (cannot happen for a scenario of the goal) keeps its place.
    let placed: HashSet<u32> = out.iter().copied().collect();
    out.extend(steps.iter().copied().filter(|s| !placed.contains(s)));
    out
}

/// Does the scenario (steps by index) achieve `goal`? Used to check results.
#[allow(dead_code)]
pub(crate) fn achieves(f: &Formula, goal: u32, steps: &[u32]) -> bool {
    let set: HashSet<u32> = steps.iter().copied().collect();
    let mut sat = vec![false; (goal as usize + 1).min(f.len())];
    for v in 0..sat.len() {
        sat[v] = match f.kind[v] {
            Kind::True => true,
            Kind::False => false,
            Kind::Step => set.contains(&f.step_of[v]),
            Kind::And | Kind::Sand => f.children(v as u32).iter().all(|&c| sat[c as usize]),
            Kind::Or => f.children(v as u32).iter().any(|&c| sat[c as usize]),
        };
    }
    sat.get(goal as usize).copied().unwrap_or(false) && goal != NONE
}

/// Most point combinations the tree Pareto pass may try before giving way to the walk.
const PARETO_TREE_BUDGET: usize = 20_000_000;

#[derive(Clone, Copy)]
enum Origin {
    Step(u32),
    /// A point of another front (an OR's child).
    Child(u32, u32),
    /// A pair of points: of the fold so far and of the next child (AND, SAND).
    Pair(u32, u32, u32, u32),
}

#[derive(Clone, Copy)]
struct Point {
    cost: f64,
    probability: f64,
    origin: Origin,
}

/// Keep the points no other point beats (cheaper or as cheap, and likelier or as likely),
/// one per (cost, probability), by increasing cost.
fn pareto_filter(points: &mut Vec<Point>) {
    points.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(b.probability.total_cmp(&a.probability)));
    let mut best = f64::NEG_INFINITY;
    points.retain(|p| {
        if p.probability > best {
            best = p.probability;
            true
        } else {
            false
        }
    });
}

/// The Pareto front of a goal whose subformula is a tree, bottom-up: a step is one point;
/// an OR's front is the front of its children's points; an AND's (or SAND's) is the front of
/// all sums of costs and products of probabilities, child by child. Exact on trees, where
/// scenarios are exactly the solution trees and combine independently. `None` when the
/// fronts grow past the budget.
pub(crate) fn pareto_tree(f: &Formula, goal: u32) -> Option<Vec<(f64, f64, Vec<u32>)>> {
    let mut nodes = Vec::new();
    let mut stack = vec![goal];
    let mut seen = HashSet::new();
    while let Some(v) = stack.pop() {
        if seen.insert(v) {
            nodes.push(v);
            stack.extend_from_slice(f.children(v));
        }
    }
    nodes.sort_unstable();
    let mut fronts: Vec<Vec<Point>> = Vec::new();
    let mut front_of: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    let mut work = 0usize;
    for &v in &nodes {
        let front: Vec<Point> = match f.kind[v as usize] {
            Kind::True => vec![Point { cost: 0.0, probability: 1.0, origin: Origin::Step(NONE) }],
            Kind::False => Vec::new(),
            Kind::Step => {
                let s = f.step_of[v as usize];
                let step = f.steps.get(s as usize)?;
                vec![Point { cost: step.cost, probability: step.probability, origin: Origin::Step(s) }]
            }
            Kind::Or => {
                let mut points = Vec::new();
                for &c in f.children(v) {
                    let id = *front_of.get(&c)?;
                    points.extend(fronts[id as usize].iter().enumerate().map(|(i, p)| Point { origin: Origin::Child(id, i as u32), ..*p }));
                }
                work += points.len();
                pareto_filter(&mut points);
                points
            }
            Kind::And | Kind::Sand => {
                let kids = f.children(v);
                let first = *front_of.get(kids.first()?)?;
                let mut acc = first;
                for &c in &kids[1..] {
                    let next = *front_of.get(&c)?;
                    let (a, b) = (&fronts[acc as usize], &fronts[next as usize]);
                    work += a.len() * b.len();
                    if work > PARETO_TREE_BUDGET {
                        return None;
                    }
                    let mut points = Vec::with_capacity(a.len() * b.len());
                    for (i, p) in a.iter().enumerate() {
                        for (j, q) in b.iter().enumerate() {
                            points.push(Point {
                                cost: p.cost + q.cost,
                                probability: p.probability * q.probability,
                                origin: Origin::Pair(acc, i as u32, next, j as u32),
                            });
                        }
                    }
                    pareto_filter(&mut points);
                    fronts.push(points);
                    acc = fronts.len() as u32 - 1;
                }
                front_of.insert(v, acc);
                continue;
            }
        };
        fronts.push(front);
        front_of.insert(v, fronts.len() as u32 - 1);
    }
    let root = *front_of.get(&goal)?;
    let mut out = Vec::new();
    for point in fronts.get(root as usize)? {
        let mut steps = Vec::new();
        let mut todo = vec![point.origin];
        while let Some(o) = todo.pop() {
            match o {
                Origin::Step(s) => {
                    if s != NONE {
                        steps.push(s);
                    }
                }
                Origin::Child(front, i) => todo.push(fronts.get(front as usize)?.get(i as usize)?.origin),
                Origin::Pair(a, i, b, j) => {
                    todo.push(fronts.get(a as usize)?.get(i as usize)?.origin);
                    todo.push(fronts.get(b as usize)?.get(j as usize)?.origin);
                }
            }
        }
        steps.sort_unstable();
        out.push((point.cost, point.probability, steps));
    }
    Some(out)
}
