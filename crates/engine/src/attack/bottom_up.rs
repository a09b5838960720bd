//! The fast pass: every attribute at every node in one sweep over the formula, children
//! before parents. Exact wherever a node's subformula is a tree; on the parts of a DAG that
//! share steps, cost, the most likely scenario and the probability are recomputed exactly
//! elsewhere (see [`super::exact`]); time and skill are exact here on DAGs too (min and max
//! do not double-count, and time is defined on the structure).

use super::formula::{Formula, Kind};

/// Per formula node: cost, most likely scenario, probability, time, skill. `NaN` when a
/// step the value depends on lacks it. One record per node (read together, and out of order
/// when nodes are listed depth-first).
pub(crate) struct Values {
    v: Vec<[f64; 5]>,
}

impl Values {
    pub fn len(&self) -> usize {
        self.v.len()
    }
    #[inline]
    fn get(&self, i: usize, k: usize) -> f64 {
        self.v.get(i).map_or(f64::NAN, |r| r[k])
    }
    pub fn cost(&self, i: usize) -> f64 {
        self.get(i, 0)
    }
    pub fn max_probability(&self, i: usize) -> f64 {
        self.get(i, 1)
    }
    pub fn probability(&self, i: usize) -> f64 {
        self.get(i, 2)
    }
    pub fn time(&self, i: usize) -> f64 {
        self.get(i, 3)
    }
    pub fn skill(&self, i: usize) -> f64 {
        self.get(i, 4)
    }
}

#[inline]
fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

#[inline]
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// Cost: OR min, AND/SAND sum. Most likely scenario: OR max, AND/SAND product. Probability
/// (ADTool's ProbSucc, exact on trees): OR `1 - prod(1 - p)`, AND/SAND product. Time: OR
/// min, AND max, SAND sum. Skill: OR min, AND/SAND max.
pub(crate) fn values(f: &Formula) -> Values {
    let n = f.len();
    let mut out: Vec<[f64; 5]> = Vec::with_capacity(n);
    for v in 0..n {
        let record = match f.kind[v] {
            Kind::True => [0.0, 1.0, 1.0, 0.0, 0.0],
            Kind::False => [f64::INFINITY, 0.0, 0.0, f64::INFINITY, f64::INFINITY],
            Kind::Step => {
                let st = &f.steps[f.step_of[v] as usize];
                [st.cost, st.probability, st.probability, st.time, st.skill]
            }
            Kind::And | Kind::Sand => {
                let sequential = f.kind[v] == Kind::Sand;
                let (mut c, mut m, mut p, mut t, mut s) = (0.0, 1.0, 1.0, 0.0, 0.0);
                for &k in f.children(v as u32) {
                    let [kc, km, kp, kt, ks] = out[k as usize];
                    c += kc;
                    m *= km;
                    p *= kp;
                    t = if sequential { t + kt } else { nan_max(t, kt) };
                    s = nan_max(s, ks);
                }
                [c, m, p, t, s]
            }
            Kind::Or => {
                let (mut c, mut m, mut q, mut t, mut s) = (f64::INFINITY, 0.0, 1.0, f64::INFINITY, f64::INFINITY);
                for &k in f.children(v as u32) {
                    let [kc, km, kp, kt, ks] = out[k as usize];
                    c = nan_min(c, kc);
                    m = nan_max(m, km);
                    q *= 1.0 - kp;
                    t = nan_min(t, kt);
                    s = nan_min(s, ks);
                }
                [c, m, 1.0 - q, t, s]
            }
        };
        out.push(record);
    }
    Values { v: out }
}

/// Which nodes need the exact (scenario) treatment: those below which some node is used by
/// two parents. Everything else is a tree underneath, where the fast pass is exact.
pub(crate) struct Sharing {
    /// Number of parents per node.
    pub in_degree: Vec<u32>,
    /// `core[v]`: some node strictly below `v` has two parents or more.
    pub core: Vec<bool>,
}

pub(crate) fn sharing(f: &Formula) -> Sharing {
    let n = f.len();
    let mut in_degree = vec![0u32; n];
    for &c in &f.edges {
        in_degree[c as usize] = in_degree[c as usize].saturating_add(1);
    }
    let mut core = vec![false; n];
    for v in 0..n {
        core[v] = f.children(v as u32).iter().any(|&c| in_degree[c as usize] >= 2 || core[c as usize]);
    }
    Sharing { in_degree, core }
}

/// A minimum-cost solution of a node whose subformula is a tree, read off the values: the
/// cheapest child at each OR, every child at an AND. Returns step indices.
pub(crate) fn cheapest_steps(f: &Formula, values: &Values, goal: u32) -> Vec<u32> {
    let mut steps = Vec::new();
    let mut stack = vec![goal];
    let mut seen = std::collections::HashSet::new();
    while let Some(v) = stack.pop() {
        if !seen.insert(v) {
            continue;
        }
        match f.kind[v as usize] {
            Kind::Step => steps.push(f.step_of[v as usize]),
            Kind::And | Kind::Sand => stack.extend(f.children(v).iter().rev()),
            Kind::Or => {
                let best = f
                    .children(v)
                    .iter()
                    .copied()
                    .min_by(|a, b| values.cost(*a as usize).total_cmp(&values.cost(*b as usize)));
                stack.extend(best);
            }
            Kind::True | Kind::False => {}
        }
    }
    steps.sort_unstable();
    steps
}
