//! Exact values at every node of the shared part of a DAG, with one binary decision diagram.
//!
//! A node whose subformula is a tree is exact in the fast pass. The others (the *core*: a
//! node below which some node has two parents) are handled here:
//!
//! 1. **Independent parts become variables.** A child of a core node that is not itself core
//!    is a tree underneath, and its steps occur nowhere else (two such parts sharing a node
//!    would make that node shared and the parts core). So each is one independent variable
//!    whose cost, best probability and probability the fast pass already knows exactly.
//! 2. **One reduced ordered BDD** for all core nodes at once (variables in depth-first order
//!    from the root; AND, SAND and OR by the classic `apply` with a unique table and a
//!    computed table, iterative so deep diagrams cannot overflow the stack). A BDD node stands
//!    for the same function whichever core node reaches it.
//! 3. **Values in one sweep** over the BDD nodes, children first. With `v` the node's
//!    variable, `lo`/`hi` its branches:
//!    - probability (the goal is reached when every step is tried; exact, shared steps
//!      counted once): `P = p(v) P(hi) + (1 - p(v)) P(lo)`;
//!    - minimum cost (a shortest path to the 1 terminal where taking `hi` pays for `v`;
//!      variables off the path are not done): `C = min(C(lo), c(v) + C(hi))`;
//!    - most likely scenario: `M = max(M(lo), m(v) M(hi))`.
//!    For a monotone function the best path's true variables form a scenario, so these are
//!    exact over scenarios.
//!
//! The diagram can grow exponentially on adversarial shapes; past [`MAX_BDD_NODES`] the
//! build stops and the caller falls back (branch and bound for cost, the independence
//! formula for probability, with a warning).

use std::collections::HashMap;

use super::bottom_up::{Sharing, Values};
use super::formula::{Formula, Kind, NONE};

pub(crate) const MAX_BDD_NODES: usize = 200_000;
const ZERO: u32 = 0;
const ONE: u32 = 1;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Op {
    And,
    Or,
}

struct Bdd {
    var: Vec<u32>,
    lo: Vec<u32>,
    hi: Vec<u32>,
    unique: HashMap<(u32, u32, u32), u32>,
    cache: HashMap<(Op, u32, u32), u32>,
    limit: usize,
}

struct TooBig;

enum Task {
    Call(u32, u32),
    Build(u32, u32, u32),
}

impl Bdd {
    fn new(limit: usize) -> Bdd {
        Bdd {
            var: vec![u32::MAX, u32::MAX],
            lo: vec![ZERO, ONE],
            hi: vec![ZERO, ONE],
            unique: HashMap::new(),
            cache: HashMap::new(),
            limit,
        }
    }

    fn mk(&mut self, var: u32, lo: u32, hi: u32) -> Result<u32, TooBig> {
        if lo == hi {
            return Ok(lo);
        }
        if let Some(&n) = self.unique.get(&(var, lo, hi)) {
            return Ok(n);
        }
        if self.var.len() >= self.limit {
            return Err(TooBig);
        }
        let n = self.var.len() as u32;
        self.var.push(var);
        self.lo.push(lo);
        self.hi.push(hi);
        self.unique.insert((var, lo, hi), n);
        Ok(n)
    }

    fn terminal_case(op: Op, a: u32, b: u32) -> Option<u32> {
        match op {
            Op::And => {
                if a == ZERO || b == ZERO {
                    Some(ZERO)
                } else if a == ONE {
                    Some(b)
                } else if b == ONE || a == b {
                    Some(a)
                } else {
                    None
                }
            }
            Op::Or => {
                if a == ONE || b == ONE {
                    Some(ONE)
                } else if a == ZERO {
                    Some(b)
                } else if b == ZERO || a == b {
                    Some(a)
                } else {
                    None
                }
            }
        }
    }

    fn apply(&mut self, op: Op, a: u32, b: u32) -> Result<u32, TooBig> {
        let mut tasks = vec![Task::Call(a, b)];
        let mut results: Vec<u32> = Vec::new();
        while let Some(task) = tasks.pop() {
            match task {
                Task::Call(a, b) => {
                    let (a, b) = if a <= b { (a, b) } else { (b, a) };
                    if let Some(r) = Bdd::terminal_case(op, a, b) {
                        results.push(r);
                        continue;
                    }
                    if let Some(&r) = self.cache.get(&(op, a, b)) {
                        results.push(r);
                        continue;
                    }
                    let (va, vb) = (self.var[a as usize], self.var[b as usize]);
                    let v = va.min(vb);
                    let (a0, a1) = if va == v { (self.lo[a as usize], self.hi[a as usize]) } else { (a, a) };
                    let (b0, b1) = if vb == v { (self.lo[b as usize], self.hi[b as usize]) } else { (b, b) };
                    tasks.push(Task::Build(v, a, b));
                    tasks.push(Task::Call(a1, b1));
                    tasks.push(Task::Call(a0, b0));
                }
                Task::Build(v, a, b) => {
                    // Results: lo was pushed first, then hi.
                    let hi = results.pop().unwrap_or(ZERO);
                    let lo = results.pop().unwrap_or(ZERO);
                    let r = self.mk(v, lo, hi)?;
                    if self.cache.len() > 4 * self.limit {
                        self.cache.clear();
                    }
                    self.cache.insert((op, a, b), r);
                    results.push(r);
                }
            }
        }
        Ok(results.pop().unwrap_or(ZERO))
    }
}

/// Exact cost, most likely scenario and probability for every core node (by formula node).
pub(crate) struct CoreValues {
    pub cost: HashMap<u32, f64>,
    pub max_probability: HashMap<u32, f64>,
    pub probability: HashMap<u32, f64>,
}

/// `None` when the diagram would exceed `limit` nodes.
pub(crate) fn core_values(f: &Formula, values: &Values, sharing: &Sharing, roots: &[u32], limit: usize) -> Option<CoreValues> {
    let n = f.len();
    // Variables: non-core children of core nodes, numbered in depth-first order.
    let mut var_of = vec![NONE; n];
    let mut var_node: Vec<u32> = Vec::new();
    let mut visited = vec![false; n];
    let mut starts: Vec<u32> = roots.iter().copied().filter(|&r| (r as usize) < n && sharing.core[r as usize]).collect();
    starts.extend((0..n as u32).rev().filter(|&v| sharing.core[v as usize]));
    for s in starts {
        if visited[s as usize] {
            continue;
        }
        visited[s as usize] = true;
        // Depth-first, children in reading order: (node, next child).
        let mut stack: Vec<(u32, usize)> = vec![(s, 0)];
        while let Some(top) = stack.last_mut() {
            let (v, i) = *top;
            let Some(&c) = f.children(v).get(i) else {
                stack.pop();
                continue;
            };
            top.1 += 1;
            if sharing.core[c as usize] {
                if !visited[c as usize] {
                    visited[c as usize] = true;
                    stack.push((c, 0));
                }
            } else if var_of[c as usize] == NONE {
                var_of[c as usize] = var_node.len() as u32;
                var_node.push(c);
            }
        }
    }
    let mut bdd = Bdd::new(limit);
    let mut root_of: HashMap<u32, u32> = HashMap::new();
    let mut var_bdd: Vec<u32> = vec![NONE; var_node.len()];
    for v in 0..n as u32 {
        if !sharing.core[v as usize] {
            continue;
        }
        let op = if f.kind[v as usize] == Kind::Or { Op::Or } else { Op::And };
        let mut acc = if op == Op::Or { ZERO } else { ONE };
        for &c in f.children(v) {
            let b = if sharing.core[c as usize] {
                root_of.get(&c).copied().unwrap_or(ZERO)
            } else {
                let x = var_of[c as usize];
                if x == NONE {
                    return None;
                }
                if var_bdd[x as usize] == NONE {
                    var_bdd[x as usize] = bdd.mk(x, ZERO, ONE).ok()?;
                }
                var_bdd[x as usize]
            };
            acc = bdd.apply(op, acc, b).ok()?;
        }
        root_of.insert(v, acc);
    }
    // One sweep: children were made before parents.
    let size = bdd.var.len();
    let mut p = vec![0.0f64; size];
    let mut c = vec![f64::INFINITY; size];
    let mut m = vec![0.0f64; size];
    p[ONE as usize] = 1.0;
    c[ONE as usize] = 0.0;
    m[ONE as usize] = 1.0;
    for i in 2..size {
        let x = bdd.var[i] as usize;
        let Some(&node) = var_node.get(x) else { continue };
        let node = node as usize;
        let (lo, hi) = (bdd.lo[i] as usize, bdd.hi[i] as usize);
        let pv = values.probability(node);
        p[i] = pv * p[hi] + (1.0 - pv) * p[lo];
        let cv = values.cost(node);
        c[i] = if cv.is_nan() || c[lo].is_nan() || c[hi].is_nan() { f64::NAN } else { c[lo].min(cv + c[hi]) };
        let mv = values.max_probability(node);
        m[i] = if mv.is_nan() || m[lo].is_nan() || m[hi].is_nan() { f64::NAN } else { m[lo].max(mv * m[hi]) };
    }
    let mut out = CoreValues { cost: HashMap::new(), max_probability: HashMap::new(), probability: HashMap::new() };
    for (&v, &r) in &root_of {
        out.cost.insert(v, c[r as usize]);
        out.max_probability.insert(v, m[r as usize]);
        out.probability.insert(v, p[r as usize]);
    }
    Some(out)
}
