//! Exact minimum-weight scenarios on a DAG: best-first branch and bound over the shared steps.
//!
//! The problem: given a goal and a weight per step (cost, or `-ln p` for the most likely
//! scenario), find the set of steps of least total weight that achieves the goal, each step
//! paid once however many branches use it. It is NP-hard in general (set cover is a special
//! case), so the method is exact search with strong bounds:
//!
//! 1. **Occurrences.** For each step `x`, `occ(x)` is the most times `x` can occur in one
//!    *solution tree* of the goal's unfolding (OR: max over children, AND/SAND: sum), worked
//!    out over `x`'s ancestors only. A step with `occ(x) <= 1` is never double-counted by a
//!    bottom-up pass, even when it has several parents (in alternative branches, say). The
//!    other steps are the *shared* ones.
//! 2. **Lower bound.** A bottom-up min-sum pass where each undecided shared step weighs
//!    `w(x) / occ(x)`: any scenario `T` contains a solution tree whose leaves are in `T`, and
//!    that tree counts `x` at most `occ(x)` times, so the pass never exceeds the true weight
//!    of `T`. The bound is admissible.
//! 3. **Branching.** A search state fixes some shared steps as *bought* (weight paid once,
//!    then free: 0 in the pass) or *refused* (infinite). The pass's own argmin solution `S`
//!    is a real scenario; its true weight updates the incumbent. If `S` uses no undecided
//!    shared step, the bound is attained and the state is solved. Otherwise the search
//!    branches on the step of `S` whose weight the bound underestimates most (buy it / refuse
//!    it); the two children partition the state's scenarios.
//! 4. **Best first.** States are taken in order of their bound; the search ends when the
//!    smallest bound reaches the incumbent, which is then optimal.
//! 5. **Incremental.** A state differs from the unconstrained pass only at a few steps, so a
//!    state is evaluated by recomputing only the ancestors of those steps.
//!
//! On a tree (no shared step) the first state is solved at once: one bottom-up pass. The
//! number of states is bounded ([`MAX_STATES`]); when the bound is hit the best scenario
//! found is returned and marked inexact, so no input can make the search run away.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use super::formula::{Formula, Kind, NONE};

/// Most ancestor visits spent on exact occurrence counts for one goal.
const OCCURRENCE_BUDGET: usize = 20_000_000;

/// Most search states one solve may evaluate.
pub(crate) const MAX_STATES: usize = 200_000;

/// A total order on `f64` for heaps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Ord64(pub f64);
impl Eq for Ord64 {}
impl PartialOrd for Ord64 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ord64 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The part of the formula below one goal, renumbered `0..len` children first (the goal is
/// last), with parents and step occurrences.
pub(crate) struct SubDag {
    /// Local node -> formula node.
    pub global: Vec<u32>,
    pub kind: Vec<Kind>,
    ch_start: Vec<u32>,
    ch: Vec<u32>,
    par_start: Vec<u32>,
    par: Vec<u32>,
    /// Local node -> step index (`NONE` if not a step).
    pub step: Vec<u32>,
    /// Per local node: for a step, the most times it occurs in one solution tree.
    pub occ: Vec<f64>,
    /// Some step occurs twice or more in a solution tree.
    pub has_shared: bool,
    /// Some node has two parents (a tie between alternatives can then give a solution
    /// that is not minimal, even without `has_shared`).
    pub dag: bool,
    /// Per local node: every scenario of the goal needs it (a sound under-approximation:
    /// the goal, and every child of a needed AND or SAND).
    pub needed: Vec<bool>,
}

impl SubDag {
    pub fn new(f: &Formula, goal: u32) -> SubDag {
        let n = f.len();
        let mut local = vec![NONE; n];
        let mut nodes = Vec::new();
        let mut stack = vec![goal];
        local[goal as usize] = 0;
        while let Some(v) = stack.pop() {
            nodes.push(v);
            for &c in f.children(v) {
                if local[c as usize] == NONE {
                    local[c as usize] = 0;
                    stack.push(c);
                }
            }
        }
        nodes.sort_unstable();
        for (i, &v) in nodes.iter().enumerate() {
            local[v as usize] = i as u32;
        }
        let m = nodes.len();
        let mut kind = Vec::with_capacity(m);
        let mut ch_start = Vec::with_capacity(m + 1);
        let mut ch = Vec::new();
        let mut step = Vec::with_capacity(m);
        ch_start.push(0u32);
        for &v in &nodes {
            kind.push(f.kind[v as usize]);
            ch.extend(f.children(v).iter().map(|&c| local[c as usize]));
            ch_start.push(ch.len() as u32);
            step.push(f.step_of[v as usize]);
        }
        // Parents.
        let mut par_start = vec![0u32; m + 1];
        for &c in &ch {
            par_start[c as usize + 1] += 1;
        }
        for i in 0..m {
            par_start[i + 1] += par_start[i];
        }
        let mut fill = par_start.clone();
        let mut par = vec![0u32; ch.len()];
        for v in 0..m {
            for k in ch_start[v]..ch_start[v + 1] {
                let c = ch[k as usize] as usize;
                par[fill[c] as usize] = v as u32;
                fill[c] += 1;
            }
        }
        let mut sub = SubDag {
            global: nodes,
            kind,
            ch_start,
            ch,
            par_start,
            par,
            step,
            occ: vec![1.0; m],
            has_shared: false,
            needed: vec![false; m],
            dag: false,
        };
        sub.dag = (0..m).any(|v| sub.par_start[v + 1] - sub.par_start[v] >= 2);
        sub.occurrences();
        if m > 0 {
            sub.needed[m - 1] = true;
            for v in (0..m).rev() {
                if sub.needed[v] && matches!(sub.kind[v], Kind::And | Kind::Sand) {
                    for k in sub.ch_start[v]..sub.ch_start[v + 1] {
                        let c = sub.ch[k as usize] as usize;
                        sub.needed[c] = true;
                    }
                }
            }
        }
        sub
    }

    pub fn len(&self) -> usize {
        self.global.len()
    }

    pub fn goal(&self) -> u32 {
        self.global.len().saturating_sub(1) as u32
    }

    #[inline]
    pub fn children(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.ch[self.ch_start[v] as usize..self.ch_start[v + 1] as usize]
    }

    #[inline]
    pub fn parents(&self, v: u32) -> &[u32] {
        let v = v as usize;
        &self.par[self.par_start[v] as usize..self.par_start[v + 1] as usize]
    }

    /// `occ` for every step with two paths or more from the goal.
    fn occurrences(&mut self) {
        let m = self.len();
        if m == 0 {
            return;
        }
        // Paths from the goal (saturating in f64).
        let mut paths = vec![0.0f64; m];
        paths[m - 1] = 1.0;
        for v in (0..m).rev() {
            let p = paths[v];
            for k in self.ch_start[v]..self.ch_start[v + 1] {
                let c = self.ch[k as usize] as usize;
                paths[c] += p;
            }
        }
        let mut value = vec![0.0f64; m];
        let mut mark = vec![NONE; m];
        let mut ancestors: Vec<u32> = Vec::new();
        // Work budget: past it, the number of paths (never fewer than the occurrences, so
        // the bound stays admissible, only weaker) stands in for `occ`.
        let mut work = 0usize;
        for x in 0..m {
            if self.step[x] == NONE || paths[x] < 2.0 {
                continue;
            }
            if work > OCCURRENCE_BUDGET {
                self.occ[x] = paths[x];
                self.has_shared = true;
                continue;
            }
            ancestors.clear();
            ancestors.push(x as u32);
            mark[x] = x as u32;
            let mut i = 0;
            while i < ancestors.len() {
                let v = ancestors[i];
                for &p in self.parents(v) {
                    if mark[p as usize] != x as u32 {
                        mark[p as usize] = x as u32;
                        ancestors.push(p);
                    }
                }
                i += 1;
            }
            ancestors.sort_unstable();
            work += ancestors.len();
            for &v in &ancestors {
                let v = v as usize;
                value[v] = if v == x {
                    1.0
                } else {
                    let kids = self.ch_start[v] as usize..self.ch_start[v + 1] as usize;
                    let of = |c: u32| if mark[c as usize] == x as u32 { value[c as usize] } else { 0.0 };
                    match self.kind[v] {
                        Kind::Or => self.ch[kids].iter().map(|&c| of(c)).fold(0.0, f64::max),
                        _ => self.ch[kids].iter().map(|&c| of(c)).sum(),
                    }
                };
            }
            self.occ[x] = value[m - 1].max(1.0);
            if self.occ[x] >= 2.0 {
                self.has_shared = true;
            }
        }
    }
}

/// One solution: its true weight and its steps (local nodes, sorted).
#[derive(Clone, Debug)]
pub(crate) struct Solution {
    pub weight: f64,
    pub locals: Vec<u32>,
}

struct State {
    decisions: Vec<(u32, bool)>,
    branch: u32,
}

/// Minimum-weight scenarios below one goal for one weighting of the steps.
pub(crate) struct Solver<'s> {
    pub sub: &'s SubDag,
    /// Per local node: the step's true weight (0 for other nodes).
    weight: Vec<f64>,
    /// Per local node: the weight the lower bound uses.
    lb_weight: Vec<f64>,
    base: Vec<f64>,
    cur: Vec<f64>,
    mark: Vec<u32>,
    epoch: u32,
    seen: Vec<u32>,
    seen_epoch: u32,
    affected: Vec<u32>,
    queue: BinaryHeap<Reverse<u32>>,
    /// Nodes recomputed so far (the enumerations' budget).
    pub work: u64,
    /// Set when a solve stopped at [`MAX_STATES`].
    pub inexact: bool,
    pub max_states: usize,
}

impl<'s> Solver<'s> {
    /// `weight[s]` for each step index `s`: finite and >= 0, or infinite (never use the step).
    pub fn new(sub: &'s SubDag, step_weight: &[f64]) -> Solver<'s> {
        let m = sub.len();
        let mut weight = vec![0.0; m];
        let mut lb_weight = vec![0.0; m];
        for v in 0..m {
            let s = sub.step[v];
            if s != NONE {
                let w = step_weight.get(s as usize).copied().unwrap_or(f64::INFINITY);
                weight[v] = w;
                lb_weight[v] = if sub.occ[v] >= 2.0 { w / sub.occ[v] } else { w };
            }
        }
        let mut solver = Solver {
            sub,
            weight,
            lb_weight,
            base: vec![0.0; m],
            cur: vec![0.0; m],
            mark: vec![0; m],
            epoch: 0,
            seen: vec![0; m],
            seen_epoch: 0,
            affected: Vec::new(),
            queue: BinaryHeap::new(),
            work: 0,
            inexact: false,
            max_states: MAX_STATES,
        };
        for v in 0..m as u32 {
            let value = solver.node_value(v, true);
            solver.base[v as usize] = value;
        }
        solver.cur.clone_from(&solver.base);
        solver
    }

    /// The bound's value at `v` from its children's current values (or, for a step, its
    /// weight in the bound).
    #[inline]
    fn node_value(&self, v: u32, from_base: bool) -> f64 {
        let vals = if from_base { &self.base } else { &self.cur };
        match self.sub.kind[v as usize] {
            Kind::True => 0.0,
            Kind::False => f64::INFINITY,
            Kind::Step => self.lb_weight[v as usize],
            Kind::And | Kind::Sand => self.sub.children(v).iter().map(|&c| vals[c as usize]).sum(),
            Kind::Or => self.sub.children(v).iter().map(|&c| vals[c as usize]).fold(f64::INFINITY, f64::min),
        }
    }

    /// Recompute the ancestors of the overridden steps, children first, stopping wherever a
    /// value does not change. Returns the goal's value.
    fn evaluate(&mut self, overrides: &[(u32, f64)]) -> f64 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
        self.affected.clear();
        self.queue.clear();
        for &(leaf, value) in overrides {
            if self.mark[leaf as usize] != self.epoch {
                self.mark[leaf as usize] = self.epoch;
                self.affected.push(leaf);
            }
            if self.cur[leaf as usize] != value {
                self.cur[leaf as usize] = value;
                for &p in self.sub.parents(leaf) {
                    if self.mark[p as usize] != self.epoch {
                        self.mark[p as usize] = self.epoch;
                        self.queue.push(Reverse(p));
                    }
                }
            }
        }
        while let Some(Reverse(v)) = self.queue.pop() {
            self.affected.push(v);
            self.work += 1;
            let value = self.node_value(v, false);
            if value != self.cur[v as usize] {
                self.cur[v as usize] = value;
                for &p in self.sub.parents(v) {
                    if self.mark[p as usize] != self.epoch {
                        self.mark[p as usize] = self.epoch;
                        self.queue.push(Reverse(p));
                    }
                }
            }
        }
        self.cur[self.sub.goal() as usize]
    }

    fn restore(&mut self) {
        for &v in &self.affected {
            self.cur[v as usize] = self.base[v as usize];
        }
    }

    /// The argmin solution of the current values: local steps, sorted.
    fn extract(&mut self) -> Vec<u32> {
        self.seen_epoch = self.seen_epoch.wrapping_add(1);
        if self.seen_epoch == 0 {
            self.seen.iter_mut().for_each(|m| *m = 0);
            self.seen_epoch = 1;
        }
        let mut out = Vec::new();
        if self.sub.len() == 0 {
            return out;
        }
        let mut stack = vec![self.sub.goal()];
        while let Some(v) = stack.pop() {
            if self.seen[v as usize] == self.seen_epoch {
                continue;
            }
            self.seen[v as usize] = self.seen_epoch;
            match self.sub.kind[v as usize] {
                Kind::Step => out.push(v),
                Kind::And | Kind::Sand => stack.extend_from_slice(self.sub.children(v)),
                Kind::Or => {
                    let best = self.sub.children(v).iter().copied().min_by(|a, b| self.cur[*a as usize].total_cmp(&self.cur[*b as usize]));
                    stack.extend(best);
                }
                Kind::True | Kind::False => {}
            }
        }
        out.sort_unstable();
        out
    }

    pub fn true_weight(&self, locals: &[u32]) -> f64 {
        locals.iter().map(|&v| self.weight[v as usize]).sum()
    }

    /// The least-weight scenario avoiding the steps `out` (local nodes), or `None` when every
    /// scenario avoiding them has infinite weight (or there is none). Minimal on DAGs.
    pub fn solve(&mut self, out: &[u32]) -> Option<Solution> {
        if self.sub.len() == 0 {
            return None;
        }
        let mut overrides: Vec<(u32, f64)> = out.iter().map(|&x| (x, f64::INFINITY)).collect();
        let bound = self.evaluate(&overrides);
        if !bound.is_finite() {
            self.restore();
            return None;
        }
        let first = self.extract();
        self.restore();
        if !self.sub.has_shared {
            let weight = self.true_weight(&first);
            return Some(self.minimize(Solution { weight, locals: first }));
        }
        let mut incumbent = Solution { weight: self.true_weight(&first), locals: first.clone() };
        let mut states: Vec<State> = Vec::new();
        let mut heap: BinaryHeap<Reverse<(Ord64, usize)>> = BinaryHeap::new();
        let root_branch = self.branch_step(&first, &[]);
        states.push(State { decisions: Vec::new(), branch: root_branch });
        heap.push(Reverse((Ord64(bound), 0)));
        let mut evaluated = 1usize;
        while let Some(Reverse((Ord64(lb), index))) = heap.pop() {
            if lb >= incumbent.weight {
                break;
            }
            let (branch, decisions) = match states.get(index) {
                Some(s) if s.branch != NONE => (s.branch, s.decisions.clone()),
                _ => continue,
            };
            for bought in [true, false] {
                if evaluated >= self.max_states {
                    self.inexact = true;
                    return Some(self.minimize(incumbent));
                }
                evaluated += 1;
                let mut d = decisions.clone();
                d.push((branch, bought));
                overrides.truncate(out.len());
                let mut paid = 0.0;
                for &(x, b) in &d {
                    if b {
                        paid += self.weight[x as usize];
                        overrides.push((x, 0.0));
                    } else {
                        overrides.push((x, f64::INFINITY));
                    }
                }
                let value = self.evaluate(&overrides) + paid;
                if !(value < incumbent.weight) {
                    self.restore();
                    continue;
                }
                let solution = self.extract();
                self.restore();
                let weight = self.true_weight(&solution);
                let next = self.branch_step(&solution, &d);
                if weight < incumbent.weight {
                    incumbent = Solution { weight, locals: solution };
                }
                if next != NONE && value < incumbent.weight {
                    states.push(State { decisions: d, branch: next });
                    heap.push(Reverse((Ord64(value), states.len() - 1)));
                }
            }
            if let Some(s) = states.get_mut(index) {
                s.decisions = Vec::new();
            }
        }
        Some(self.minimize(incumbent))
    }

    /// The undecided shared step of `solution` the bound underestimates most, or `NONE`.
    fn branch_step(&self, solution: &[u32], decided: &[(u32, bool)]) -> u32 {
        let mut best = NONE;
        let mut gap = -1.0;
        for &x in solution {
            if self.sub.occ[x as usize] < 2.0 || decided.iter().any(|&(d, _)| d == x) {
                continue;
            }
            let g = self.weight[x as usize] - self.lb_weight[x as usize];
            if g > gap {
                gap = g;
                best = x;
            }
        }
        best
    }

    /// Drop steps the goal does not need (heaviest first). Weights are >= 0, so the weight
    /// never grows. Only DAGs can give non-minimal solutions.
    pub fn minimize(&mut self, solution: Solution) -> Solution {
        if !self.sub.dag || solution.locals.len() <= 1 {
            return solution;
        }
        let m = self.sub.len();
        let mut sat = vec![false; m];
        for &x in &solution.locals {
            sat[x as usize] = true;
        }
        for v in 0..m {
            match self.sub.kind[v] {
                Kind::Step => {}
                Kind::True => sat[v] = true,
                Kind::False => sat[v] = false,
                Kind::And | Kind::Sand => sat[v] = self.sub.children(v as u32).iter().all(|&c| sat[c as usize]),
                Kind::Or => sat[v] = self.sub.children(v as u32).iter().any(|&c| sat[c as usize]),
            }
        }
        let mut order = solution.locals.clone();
        order.sort_by(|a, b| self.weight[*b as usize].total_cmp(&self.weight[*a as usize]).then(a.cmp(b)));
        let mut kept = solution.locals.clone();
        let mut changed: Vec<(u32, bool)> = Vec::new();
        let mut queue: Vec<u32> = Vec::new();
        for x in order {
            changed.clear();
            changed.push((x, true));
            sat[x as usize] = false;
            queue.clear();
            queue.push(x);
            // Ancestors in increasing order: a heap-free sweep since parents have larger
            // indices; gather then sort.
            self.epoch = self.epoch.wrapping_add(1);
            if self.epoch == 0 {
                self.mark.iter_mut().for_each(|m| *m = 0);
                self.epoch = 1;
            }
            self.mark[x as usize] = self.epoch;
            let mut i = 0;
            while i < queue.len() {
                let v = queue[i];
                for &p in self.sub.parents(v) {
                    if self.mark[p as usize] != self.epoch {
                        self.mark[p as usize] = self.epoch;
                        queue.push(p);
                    }
                }
                i += 1;
            }
            queue.sort_unstable();
            for &v in &queue[1..] {
                let old = sat[v as usize];
                let new = match self.sub.kind[v as usize] {
                    Kind::And | Kind::Sand => self.sub.children(v).iter().all(|&c| sat[c as usize]),
                    Kind::Or => self.sub.children(v).iter().any(|&c| sat[c as usize]),
                    _ => old,
                };
                if new != old {
                    sat[v as usize] = new;
                    changed.push((v, old));
                }
            }
            if sat[m - 1] {
                kept.retain(|&k| k != x);
            } else {
                for &(v, old) in &changed {
                    sat[v as usize] = old;
                }
            }
        }
        let weight = self.true_weight(&kept);
        Solution { weight, locals: kept }
    }
}
