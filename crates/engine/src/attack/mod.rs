//! Attack-tree analysis (PRODUCT.md section 3): every attribute at every node, the cheapest
//! scenario, the k cheapest scenarios, the cost vs probability Pareto front, what an attacker
//! profile can do, and "what if" a countermeasure were (not) in place.
//!
//! Pure functions of a [`Document`], a tree id and [`AnalysisOptions`]; the document is never
//! changed (what-if toggles are inputs).
//!
//! # Semantics
//!
//! - Gates: OR, the attacker picks one child; AND, all children in any order; SAND, all
//!   children in order. A node without children is a step, whatever its gate.
//! - A *scenario* is a minimal set of attack steps that achieves the goal. A step shared by
//!   several branches (a DAG) is done, and paid for, once per scenario.
//! - Countermeasures (attack-defence trees, as in ADTool): an implemented countermeasure
//!   blocks its node unless the attacker also completes one of the countermeasure's own
//!   counter-attacks (in parallel, as an AND). A defence node that is not implemented blocks
//!   nothing; a defence with an AND (or SAND) refinement falls when any part of it falls, one
//!   with an OR refinement when all parts fall. Counter-attacks can be countered in turn.
//! - Values per node, for the attacker getting past that node (for a defence node: defeating
//!   it): `min_cost` (cheapest scenario), `max_probability` (most likely single scenario:
//!   product of its steps' probabilities), `probability` (ADTool's ProbSucc, the chance the
//!   goal is reached when the attacker tries every option, leaves independent: OR
//!   `1 - prod(1 - p)`, AND/SAND product; on a DAG computed exactly with each shared step
//!   counted once), `min_time` (OR min, AND max, SAND sum), `min_skill` (OR min, AND/SAND
//!   max), `reachable`. A value a step lacks is `None` wherever it matters; an impossible
//!   node has cost `None`, probability 0 and `reachable: false`. Invalid values (a negative
//!   cost, a probability above 1) count as missing: validation reports them.
//!
//! # Algorithms
//!
//! - `formula`: the tree and the defender's configuration become one monotone formula over
//!   the attack steps (constants folded; a DAG exactly where the model shares nodes). The
//!   model is read in one sequential pass into compact records (on large models in two
//!   halves, one per thread), links are resolved by a sort and merge on ids that also gives
//!   every node's parents, and nodes are compiled children first in Kahn's topological
//!   order, a batch of ready nodes at a time: no recursion, and no long chains of dependent
//!   cache misses on large models.
//! - `bottom_up`: one pass, children first, for every attribute at every node: exact on
//!   trees; on DAGs exact for time and skill (min and max do not double-count; time is
//!   defined on the structure, so a step in two sequences counts in each). On large models
//!   a second thread meanwhile finds the sharing and the formula's parents and takes the
//!   page faults of the result's memory (on a 1,000,000-node tree, first writes to fresh
//!   memory are a good part of the time).
//! - `exact`: the nodes of a DAG below which something is shared get cost, most likely
//!   scenario and probability from one binary decision diagram, with independent subtrees
//!   folded into single variables. When the diagram would grow past its budget (random
//!   sharing across a large tree can make it exponential), cost and most likely scenario come
//!   from the branch and bound below, per node, and the probability falls back to the
//!   independence formula with a warning.
//! - `solver`: exact minimum cost (or maximum probability) with the scenario itself, by
//!   best-first branch and bound over the shared steps with an admissible occurrence bound;
//!   on a tree one pass.
//! - `scenarios`: the k cheapest by Lawler's partitioning over the solver; the Pareto
//!   front by merging fronts bottom-up on trees, by the cost-ordered walk with dominance
//!   pruning on DAGs; scenario times and reading order.
//!
//! No input makes these loop or panic: cycles and missing roots are errors, links to missing
//! nodes are skipped with a warning, every search has a budget and says when it ran out.

mod bottom_up;
mod delta;
mod exact;
mod formula;
mod scenarios;
mod solver;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::document::Document;
use crate::error::{Error, Result};
use crate::model::{Gate, Id, Role};

use bottom_up::{Sharing, Values};
use formula::{Compiled, Formula, FALSE, NONE};
use solver::{SubDag, Solver};

pub use delta::{Sent, TreeUpdate, TreeView};
pub use formula::one_line;

/// What an attacker can spend: money, skill (1-5) and time (hours). `None`: no limit.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default, TS)]
#[serde(default)]
#[ts(export)]
pub struct AttackerProfile {
    pub budget: Option<f64>,
    pub skill: Option<u8>,
    pub time: Option<f64>,
}

/// A what-if toggle: analyse as if this defence node's `implemented` flag were `implemented`.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct ImplementedOverride {
    pub node: Id,
    pub implemented: bool,
}

/// What to compute besides the values at every node.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[serde(default)]
#[ts(export)]
pub struct AnalysisOptions {
    /// How many of the cheapest scenarios to list (0: none).
    pub top_k: u32,
    /// Compute the cost vs probability Pareto front.
    pub pareto: bool,
    pub profile: Option<AttackerProfile>,
    /// What-if toggles of countermeasures; the document is not changed.
    pub overrides: Vec<ImplementedOverride>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions { top_k: 5, pareto: true, profile: None, overrides: Vec::new() }
    }
}

/// The values at one node, for the attacker getting past it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct NodeAnalysis {
    pub id: Id,
    pub role: Role,
    /// Cost of the cheapest scenario; `None` if impossible or a step lacks a cost.
    pub min_cost: Option<f64>,
    /// Probability of the most likely single scenario.
    pub max_probability: Option<f64>,
    /// Probability the node is reached when every option is tried (ADTool's ProbSucc).
    pub probability: Option<f64>,
    /// Hours, OR min, AND max, SAND sum.
    pub min_time: Option<f64>,
    /// 1-5 (0 when no step is needed), OR min, AND/SAND max.
    pub min_skill: Option<u8>,
    pub reachable: bool,
    /// With an attacker profile: can that attacker get past this node? Budget, skill and
    /// time are checked together at the root; per node each is checked on its own.
    pub within_profile: Option<bool>,
}

/// A set of attack steps that achieves the goal, with its totals.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct Scenario {
    /// Sum of the steps' costs; each step once.
    pub cost: Option<f64>,
    /// Product of the steps' probabilities.
    pub probability: Option<f64>,
    /// Time to the goal doing these steps (AND in parallel, SAND in sequence).
    pub time: Option<f64>,
    /// The highest skill among the steps.
    pub skill: Option<u8>,
    /// The steps (leaf nodes), in reading order.
    pub steps: Vec<Id>,
    pub labels: Vec<String>,
}

/// What one attacker profile can do.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct ProfileAnalysis {
    pub profile: AttackerProfile,
    /// Some scenario fits the budget, the skill and the time together. Steps lacking a
    /// value the profile limits are assumed to fit (the attacker's best case).
    pub reachable: bool,
    /// The cheapest scenarios that fit (up to `top_k`, at least one).
    pub scenarios: Vec<Scenario>,
    /// False when the search budget ran out before the answer was certain.
    pub complete: bool,
}

/// Everything about one tree.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct TreeAnalysis {
    pub tree: Id,
    pub name: String,
    pub root: NodeAnalysis,
    /// Every node of the tree: the root first, then the others by id. Nodes the root does
    /// not reach are analysed as goals of their own.
    pub nodes: Vec<NodeAnalysis>,
    /// Steps used by more than one parent (0 for a tree).
    pub shared_steps: u32,
    /// The cheapest scenario, if the goal is reachable and every step it may use has a cost.
    pub cheapest: Option<Scenario>,
    /// The nodes to light up for the cheapest scenario: its steps, the gates they achieve on
    /// the way to the root, and the countermeasures they get past.
    pub cheapest_nodes: Vec<Id>,
    /// The `top_k` cheapest scenarios, cheapest first.
    pub top: Vec<Scenario>,
    /// Scenarios no other scenario beats on both cost and probability, by increasing cost.
    pub pareto: Vec<Scenario>,
    pub profile: Option<ProfileAnalysis>,
    /// False when a search ran out of budget: `top`, `pareto` or a value may be approximate
    /// (the warnings say which).
    pub exact: bool,
    pub warnings: Vec<String>,
}

/// The cheapest way in before and after what-if toggles.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct WhatIf {
    pub before_cost: Option<f64>,
    pub before_reachable: bool,
    pub after_cost: Option<f64>,
    pub after_reachable: bool,
    pub after_cheapest: Option<Scenario>,
}

/// For one countermeasure: the cheapest way in if its `implemented` flag were flipped.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct CountermeasureEffect {
    pub node: Id,
    pub label: String,
    /// The flag as analysed now (after the options' overrides).
    pub implemented: bool,
    pub cost_if_toggled: Option<f64>,
    pub reachable_if_toggled: bool,
}

/// Analyse one tree.
pub fn analyze(doc: &Document, tree: Id, options: &AnalysisOptions) -> Result<TreeAnalysis> {
    let overrides = override_map(&options.overrides);
    let compiled = formula::compile(doc, tree, &overrides)?;
    let name = doc.attack_trees.get(&tree).map(|t| t.name.clone()).unwrap_or_default();
    let mut warnings = compiled.warnings.clone();
    let f = &compiled.formula;
    // On a large tree, while the first thread computes the values, a second finds the
    // sharing, the formula's parents (the scenarios need them) and takes the page faults of
    // the result's memory.
    let parallel = f.len() >= formula::PARALLEL;
    let mut nodes: Vec<NodeAnalysis> = Vec::with_capacity(compiled.table.len());
    let (values, (sharing, early_parents)) = formula::join(
        parallel,
        || bottom_up::values(f),
        || {
            let sharing = bottom_up::sharing(f);
            let parents = parallel.then(|| f.parents());
            if parallel {
                formula::touch(&mut nodes, impossible(Id::nil(), Role::Attack));
            }
            (sharing, parents)
        },
    );
    let mut exact = true;
    let core = core_values(f, &values, &sharing, compiled.root, &mut warnings, &mut exact);

    let within = match &options.profile {
        Some(profile) => Some(profile_per_node(f, *profile, &mut warnings, &mut exact)),
        None => None,
    };
    node_analyses(&compiled, &values, &core, within.as_ref(), &mut nodes);
    let root = match nodes.first() {
        Some(r) if r.id == compiled.root_id => r.clone(),
        _ => return Err(Error::InvalidOperation("the tree's root could not be analysed".into())),
    };
    let shared_steps = f.steps.iter().filter(|s| sharing.in_degree.get(s.fnode as usize).is_some_and(|&d| d >= 2)).count() as u32;

    let parents = std::cell::OnceCell::new();
    if let Some(early) = early_parents {
        let _ = parents.set(early);
    }
    let parents = || parents.get_or_init(|| f.parents());
    let scenario = |steps: &[u32]| make_scenario(doc, f, parents(), compiled.root, steps);

    // The cheapest scenario, the k cheapest and the Pareto front.
    let cost_known = root.reachable && root.min_cost.is_some();
    let mut cheapest: Option<Vec<u32>> = None;
    let mut top = Vec::new();
    let mut pareto = Vec::new();
    if cost_known {
        let need_search = sharing.core[compiled.root as usize] || options.top_k > 0 || options.pareto;
        if !need_search {
            cheapest = Some(bottom_up::cheapest_steps(f, &values, compiled.root));
        } else {
            let sub = SubDag::new(f, compiled.root);
            let costs: Vec<f64> = f.steps.iter().map(|s| weight(s.cost)).collect();
            let mut solver = Solver::new(&sub, &costs);
            if let Some(best) = solver.solve(&[]) {
                cheapest = Some(global_steps(&sub, &best.locals));
            }
            if options.top_k > 0 {
                let (list, complete) = scenarios::k_cheapest(&mut solver, options.top_k as usize);
                if !complete {
                    exact = false;
                    warnings.push("the search for the cheapest scenarios ran out of budget; the list may miss some".into());
                }
                top = list.iter().map(|(_, locals)| global_steps(&sub, locals)).collect();
            }
            if solver.inexact {
                exact = false;
                warnings.push("the exact search for the cheapest scenario ran out of budget; the best found is shown".into());
            }
            let tree_front = if options.pareto && root.max_probability.is_some() && !sharing.core[compiled.root as usize] {
                scenarios::pareto_tree(f, compiled.root)
            } else {
                None
            };
            if let Some(front) = tree_front {
                pareto = front.into_iter().map(|(_, _, steps)| steps).collect();
            } else if options.pareto && root.max_probability.is_some() {
                let logs: Vec<f64> = f.steps.iter().map(|s| weight(-s.probability.ln())).collect();
                let mut likely = Solver::new(&sub, &logs);
                let probability: Vec<f64> =
                    (0..sub.len()).map(|v| sub.step[v]).map(|s| if s == NONE { 1.0 } else { f.steps[s as usize].probability }).collect();
                let (front, complete) = scenarios::pareto(&mut solver, &mut likely, &probability);
                if !complete {
                    exact = false;
                    warnings.push("the Pareto front search ran out of budget; the front may miss points".into());
                }
                pareto = front.iter().map(|(_, _, locals)| global_steps(&sub, locals)).collect();
            } else if options.pareto {
                warnings.push("no Pareto front: some steps lack a probability".into());
            }
        }
    } else if root.reachable && (options.top_k > 0 || options.pareto) {
        warnings.push("no cheapest scenario: some steps the goal may use lack a cost".into());
    }

    let profile = match &options.profile {
        Some(p) => Some(profile_root(doc, f, parents(), compiled.root, *p, options.top_k.max(1) as usize, &mut exact, &mut warnings)),
        None => None,
    };
    // The root's mark is the joint, exact verdict.
    let mut root = root;
    if let Some(p) = &profile {
        root.within_profile = Some(p.reachable);
        if let Some(first) = nodes.first_mut() {
            first.within_profile = Some(p.reachable);
        }
    }
    let cheapest_nodes = match &cheapest {
        Some(steps) => light_up(doc, &compiled, &overrides, steps),
        None => Vec::new(),
    };
    Ok(TreeAnalysis {
        tree,
        name,
        root,
        nodes,
        shared_steps,
        cheapest: cheapest.as_deref().map(scenario),
        cheapest_nodes,
        top: top.iter().map(|s| scenario(s)).collect(),
        pareto: pareto.iter().map(|s| scenario(s)).collect(),
        profile,
        exact,
        warnings,
    })
}

/// Analyse every tree of the document, in the order of their names.
pub fn analyze_all(doc: &Document, options: &AnalysisOptions) -> Result<Vec<TreeAnalysis>> {
    let mut trees: Vec<_> = doc.attack_trees.values().collect();
    trees.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    trees.into_iter().map(|t| analyze(doc, t.id, options)).collect()
}

/// The cheapest way in with and without the toggles (on top of the options' own overrides).
pub fn what_if(doc: &Document, tree: Id, options: &AnalysisOptions, toggles: &[ImplementedOverride]) -> Result<WhatIf> {
    let before = cheapest_root(doc, tree, &override_map(&options.overrides))?;
    let mut all = options.overrides.clone();
    all.extend_from_slice(toggles);
    let overrides = override_map(&all);
    let after = cheapest_root(doc, tree, &overrides)?;
    let after_cheapest = match &after.2 {
        Some(steps) => {
            let compiled = formula::compile(doc, tree, &overrides)?;
            let parents = compiled.formula.parents();
            Some(make_scenario(doc, &compiled.formula, &parents, compiled.root, steps))
        }
        None => None,
    };
    Ok(WhatIf { before_cost: before.1, before_reachable: before.0, after_cost: after.1, after_reachable: after.0, after_cheapest })
}

/// The root's cheapest scenario alone (exact: shared steps paid once), without the rest of
/// the analysis. `None` if the goal is unreachable or a step it may use lacks a cost.
pub fn cheapest(doc: &Document, tree: Id, options: &AnalysisOptions) -> Result<Option<Scenario>> {
    let overrides = override_map(&options.overrides);
    let (_, _, steps) = cheapest_root(doc, tree, &overrides)?;
    Ok(match steps {
        Some(steps) => {
            let compiled = formula::compile(doc, tree, &overrides)?;
            let parents = compiled.formula.parents();
            Some(make_scenario(doc, &compiled.formula, &parents, compiled.root, &steps))
        }
        None => None,
    })
}

/// For every defence node of the tree: the cheapest way in if it were toggled.
pub fn countermeasure_effects(doc: &Document, tree: Id, options: &AnalysisOptions) -> Result<Vec<CountermeasureEffect>> {
    let overrides = override_map(&options.overrides);
    let compiled = formula::compile(doc, tree, &overrides)?;
    let mut out = Vec::new();
    for index in compiled.order() {
        let Some(model) = doc.attack_nodes.get(&compiled.table.id(index)) else { continue };
        if model.role != Role::Defense {
            continue;
        }
        let implemented = overrides.get(&model.id).copied().unwrap_or(model.implemented);
        let mut toggled = overrides.clone();
        toggled.insert(model.id, !implemented);
        let (reachable, cost, _) = cheapest_root(doc, tree, &toggled)?;
        out.push(CountermeasureEffect {
            node: model.id,
            label: model.label.clone(),
            implemented,
            cost_if_toggled: cost,
            reachable_if_toggled: reachable,
        });
    }
    Ok(out)
}

fn override_map(overrides: &[ImplementedOverride]) -> HashMap<Id, bool> {
    overrides.iter().map(|o| (o.node, o.implemented)).collect()
}

/// A step weight for the solver: unknown or invalid becomes "never use".
fn weight(w: f64) -> f64 {
    if w.is_nan() || w < 0.0 {
        f64::INFINITY
    } else {
        w.max(0.0)
    }
}

fn global_steps(sub: &SubDag, locals: &[u32]) -> Vec<u32> {
    let mut steps: Vec<u32> = locals.iter().filter_map(|&v| sub.step.get(v as usize).copied()).filter(|&s| s != NONE).collect();
    steps.sort_unstable();
    steps
}

/// Reachable, exact minimum cost, and the cheapest scenario's steps, for the root.
fn cheapest_root(doc: &Document, tree: Id, overrides: &HashMap<Id, bool>) -> Result<(bool, Option<f64>, Option<Vec<u32>>)> {
    let compiled = formula::compile(doc, tree, overrides)?;
    let f = &compiled.formula;
    if compiled.root == FALSE {
        return Ok((false, None, None));
    }
    let values = bottom_up::values(f);
    if values.cost(compiled.root as usize).is_nan() {
        return Ok((true, None, None));
    }
    let sub = SubDag::new(f, compiled.root);
    let costs: Vec<f64> = f.steps.iter().map(|s| weight(s.cost)).collect();
    let mut solver = Solver::new(&sub, &costs);
    Ok(match solver.solve(&[]) {
        Some(best) => (true, Some(best.weight), Some(global_steps(&sub, &best.locals))),
        None => (true, None, None),
    })
}

/// Exact values for the DAG part, by formula node (`NaN`: not computed, the fast pass
/// stands). Empty when the formula is a tree.
struct Core {
    cost: Vec<f64>,
    max_probability: Vec<f64>,
    probability: Vec<f64>,
}

impl Core {
    fn none() -> Core {
        Core { cost: Vec::new(), max_probability: Vec::new(), probability: Vec::new() }
    }

    fn sized(n: usize) -> Core {
        Core { cost: vec![f64::NAN; n], max_probability: vec![f64::NAN; n], probability: vec![f64::NAN; n] }
    }
}

/// Work (node recomputations) the per-node branch and bound fallback may spend in all.
const FALLBACK_WORK: u64 = 30_000_000;
/// Search states per node in the fallback.
const FALLBACK_STATES: usize = 20_000;

fn core_values(f: &Formula, values: &Values, sharing: &Sharing, root: u32, warnings: &mut Vec<String>, exact: &mut bool) -> Core {
    core_values_with_limit(f, values, sharing, root, exact::MAX_BDD_NODES, warnings, exact)
}

fn core_values_with_limit(
    f: &Formula,
    values: &Values,
    sharing: &Sharing,
    root: u32,
    limit: usize,
    warnings: &mut Vec<String>,
    exact: &mut bool,
) -> Core {
    let core_nodes: Vec<u32> = (0..f.len() as u32).filter(|&v| sharing.core[v as usize]).collect();
    if core_nodes.is_empty() {
        return Core::none();
    }
    if let Some(c) = exact::core_values(f, values, sharing, &[root], limit) {
        let mut core = Core::sized(f.len());
        for (v, x) in c.cost {
            core.cost[v as usize] = x;
        }
        for (v, x) in c.max_probability {
            core.max_probability[v as usize] = x;
        }
        for (v, x) in c.probability {
            core.probability[v as usize] = x;
        }
        return core;
    }
    // The diagram is too big: branch and bound per node for cost and the most likely
    // scenario; the probability keeps the independence formula.
    warnings.push(
        "the tree shares too many steps for an exact probability; the probability at nodes above shared steps treats them as independent"
            .into(),
    );
    *exact = false;
    let mut core = Core::sized(f.len());
    let costs: Vec<f64> = f.steps.iter().map(|s| weight(s.cost)).collect();
    let logs: Vec<f64> = f.steps.iter().map(|s| weight(-s.probability.ln())).collect();
    let mut ordered = core_nodes;
    // The root first, then the others from the bottom up (the small ones are cheap), as far
    // as the work budget goes.
    ordered.sort_by_key(|&v| (v != root, v));
    let mut work = 0u64;
    let mut skipped = 0usize;
    let mut cut_short = false;
    for v in ordered {
        if work > FALLBACK_WORK {
            skipped += 1;
            continue;
        }
        let sub = SubDag::new(f, v);
        work += sub.len() as u64;
        if !values.cost(v as usize).is_nan() {
            let mut solver = Solver::new(&sub, &costs);
            solver.max_states = FALLBACK_STATES;
            if let Some(s) = solver.solve(&[]) {
                core.cost[v as usize] = s.weight;
            }
            cut_short |= solver.inexact;
            work += solver.work + sub.len() as u64;
        }
        if !values.max_probability(v as usize).is_nan() {
            let mut solver = Solver::new(&sub, &logs);
            solver.max_states = FALLBACK_STATES;
            let p = solver.solve(&[]).map_or(0.0, |s| {
                s.locals.iter().map(|&x| sub.step[x as usize]).filter(|&s| s != NONE).map(|s| f.steps[s as usize].probability).product()
            });
            core.max_probability[v as usize] = p;
            cut_short |= solver.inexact;
            work += solver.work + sub.len() as u64;
        }
    }
    if cut_short {
        warnings.push("an exact minimum cost or best probability ran out of search budget at some nodes; the best found is shown".into());
    }
    if skipped > 0 {
        warnings.push(format!(
            "{skipped} node(s) above shared steps show the bottom-up values (cost may count a shared step twice): too many to search"
        ));
    }
    core
}

fn opt(v: f64) -> Option<f64> {
    (v.is_finite()).then_some(v)
}

/// The values of every node of the tree, in [`Compiled::order`].
fn node_analyses(compiled: &Compiled, values: &Values, core: &Core, within: Option<&(Vec<u32>, Vec<bool>)>, nodes: &mut Vec<NodeAnalysis>) {
    let t = &compiled.table;
    nodes.extend(compiled.order().map(|index| {
        let fnode = t.fnode[index as usize];
        let mut analysis = node_analysis(fnode, values, core, t.id(index), t.role(index));
        if let Some((rmap, within)) = within {
            let r = rmap.get(fnode as usize).copied().unwrap_or(FALSE);
            analysis.within_profile = Some(within.get(r as usize).copied().unwrap_or(false));
        }
        analysis
    }));
}

/// An impossible node's values.
fn impossible(id: Id, role: Role) -> NodeAnalysis {
    NodeAnalysis {
        id,
        role,
        min_cost: None,
        max_probability: None,
        probability: Some(0.0),
        min_time: None,
        min_skill: None,
        reachable: false,
        within_profile: None,
    }
}

fn node_analysis(fnode: u32, values: &Values, core: &Core, id: Id, role: Role) -> NodeAnalysis {
    if fnode == FALSE || fnode as usize >= values.len() {
        return impossible(id, role);
    }
    let v = fnode as usize;
    let pick = |exact: &[f64], fast: f64| exact.get(v).copied().filter(|x| !x.is_nan()).unwrap_or(fast);
    let cost = pick(&core.cost, values.cost(v));
    let maxp = pick(&core.max_probability, values.max_probability(v));
    let prob = pick(&core.probability, values.probability(v));
    // Unknown stays unknown even where the exact pass found a number.
    let known = |x: f64, fast: f64| if fast.is_nan() { None } else { opt(x) };
    NodeAnalysis {
        id,
        role,
        min_cost: known(cost, values.cost(v)),
        max_probability: known(maxp, values.max_probability(v)),
        probability: known(prob, values.probability(v)),
        min_time: opt(values.time(v)),
        min_skill: opt(values.skill(v)).map(|s| s.round().clamp(0.0, 255.0) as u8),
        reachable: true,
        within_profile: None,
    }
}

fn make_scenario(doc: &Document, f: &Formula, parents: &(Vec<u32>, Vec<u32>), root: u32, steps: &[u32]) -> Scenario {
    let steps = &scenarios::reading_order(f, parents, root, steps)[..];
    let mut cost = 0.0;
    let mut probability = 1.0;
    let mut skill = 0.0f64;
    let mut ids = Vec::with_capacity(steps.len());
    let mut labels = Vec::with_capacity(steps.len());
    let times: Vec<f64> = f.steps.iter().map(|s| s.time).collect();
    for &s in steps {
        let Some(step) = f.steps.get(s as usize) else { continue };
        cost += step.cost;
        probability *= step.probability;
        skill = if skill.is_nan() || step.skill.is_nan() { f64::NAN } else { skill.max(step.skill) };
        ids.push(step.node);
        labels.push(doc.attack_nodes.get(&step.node).map(|n| n.label.clone()).unwrap_or_default());
    }
    let time = scenarios::scenario_time(f, parents, root, steps, &times);
    Scenario {
        cost: opt(cost),
        probability: opt(probability),
        time: opt(time),
        skill: opt(skill).map(|s| s.round().clamp(0.0, 255.0) as u8),
        steps: ids,
        labels,
    }
}

/// Steps a profile rules out (a known skill above the profile's, a known time above its
/// time), and the formula without them with unknown values taken as the attacker's best
/// case (cost 0, time 0).
fn profile_formula(f: &Formula, profile: AttackerProfile) -> (Formula, Vec<u32>) {
    let forbidden: Vec<bool> = f
        .steps
        .iter()
        .map(|s| {
            profile.skill.is_some_and(|k| !s.skill.is_nan() && s.skill > f64::from(k))
                || profile.time.is_some_and(|t| !s.time.is_nan() && s.time > t)
        })
        .collect();
    let (mut r, map) = f.restrict(&forbidden);
    for s in &mut r.steps {
        if s.cost.is_nan() {
            s.cost = 0.0;
        }
        if s.time.is_nan() {
            s.time = 0.0;
        }
        if s.skill.is_nan() {
            s.skill = 0.0;
        }
        if s.probability.is_nan() {
            s.probability = 1.0;
        }
    }
    (r, map)
}

/// Per node (by restricted formula node): within the profile's budget and time, each on its own.
fn profile_per_node(f: &Formula, profile: AttackerProfile, warnings: &mut Vec<String>, exact: &mut bool) -> (Vec<u32>, Vec<bool>) {
    let (r, map) = profile_formula(f, profile);
    let values = bottom_up::values(&r);
    let sharing = bottom_up::sharing(&r);
    let mut local_warnings = Vec::new();
    let core = if profile.budget.is_some() {
        core_values(&r, &values, &sharing, u32::MAX, &mut local_warnings, exact)
    } else {
        Core::none()
    };
    if !local_warnings.is_empty() {
        warnings.push("the attacker profile's marks on nodes above shared steps may be approximate".into());
    }
    let within = (0..r.len() as u32)
        .map(|v| {
            if v == FALSE {
                return false;
            }
            let cost = core.cost.get(v as usize).copied().filter(|x| !x.is_nan()).unwrap_or(values.cost(v as usize));
            profile.budget.is_none_or(|b| cost <= b) && profile.time.is_none_or(|t| values.time(v as usize) <= t)
        })
        .collect();
    (map, within)
}

/// The root against a profile: budget, skill and time together.
#[allow(clippy::too_many_arguments)]
fn profile_root(
    doc: &Document,
    f: &Formula,
    f_parents: &(Vec<u32>, Vec<u32>),
    f_root: u32,
    profile: AttackerProfile,
    k: usize,
    exact: &mut bool,
    warnings: &mut Vec<String>,
) -> ProfileAnalysis {
    let (r, map) = profile_formula(f, profile);
    let root = map.get(f_root as usize).copied().unwrap_or(FALSE);
    let steps_by_node: HashMap<Id, u32> = f.steps.iter().enumerate().map(|(i, s)| (s.node, i as u32)).collect();
    let mut result = ProfileAnalysis { profile, reachable: false, scenarios: Vec::new(), complete: true };
    if root == FALSE {
        return result;
    }
    let values = bottom_up::values(&r);
    let budget = profile.budget.unwrap_or(f64::INFINITY);
    let time_limit = profile.time.unwrap_or(f64::INFINITY);
    let fastest = values.time(root as usize);
    let sub = SubDag::new(&r, root);
    let costs: Vec<f64> = r.steps.iter().map(|s| weight(s.cost)).collect();
    let times: Vec<f64> = r.steps.iter().map(|s| s.time).collect();
    let parents = r.parents();
    let mut solver = Solver::new(&sub, &costs);
    let mut e = scenarios::Enumerator::new(&mut solver, Vec::new());
    if fastest <= time_limit {
        while let Some((cost, locals)) = e.next_scenario() {
            if cost > budget {
                break;
            }
            let steps = global_steps(&sub, &locals);
            if scenarios::scenario_time(&r, &parents, root, &steps, &times) <= time_limit {
                // Back to the full formula's steps, for the real values.
                let original: Vec<u32> = steps
                    .iter()
                    .filter_map(|&s| r.steps.get(s as usize))
                    .filter_map(|s| steps_by_node.get(&s.node).copied())
                    .collect();
                result.scenarios.push(make_scenario(doc, f, f_parents, f_root, &original));
                if result.scenarios.len() >= k {
                    break;
                }
            }
        }
    }
    let truncated = e.truncated || e.solver.inexact;
    // On a tree the fastest way is a scenario's time; on a DAG only a scenario found counts
    // (time is structural, and a step in two sequences counts in each).
    let tree_like = !bottom_up::sharing(&r).core.get(root as usize).copied().unwrap_or(true);
    result.reachable = !result.scenarios.is_empty() || (tree_like && profile.budget.is_none() && fastest <= time_limit);
    result.complete = !truncated || result.scenarios.len() >= k;
    if !result.complete {
        *exact = false;
        warnings.push("the attacker-profile search ran out of budget before finding a fitting scenario".into());
    }
    result
}

/// The nodes to light up for a scenario: from the root, each node the scenario gets past,
/// following at an OR the first child it achieves.
fn light_up(doc: &Document, compiled: &Compiled, overrides: &HashMap<Id, bool>, steps: &[u32]) -> Vec<Id> {
    let f = &compiled.formula;
    let chosen: std::collections::HashSet<u32> = steps.iter().copied().collect();
    let mut sat = vec![false; f.len()];
    for v in 0..f.len() {
        sat[v] = match f.kind[v] {
            formula::Kind::True => true,
            formula::Kind::False => false,
            formula::Kind::Step => chosen.contains(&f.step_of[v]),
            formula::Kind::And | formula::Kind::Sand => f.children(v as u32).iter().all(|&c| sat[c as usize]),
            formula::Kind::Or => f.children(v as u32).iter().any(|&c| sat[c as usize]),
        };
    }
    let ok = |id: &Id| compiled.fnode_of(id).is_some_and(|v| sat.get(v as usize).copied().unwrap_or(false));
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![compiled.root_id];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) || !ok(&id) {
            continue;
        }
        let Some(node) = doc.attack_nodes.get(&id) else { continue };
        let leaf = node.children.is_empty() || node.gate == Gate::Leaf;
        match node.role {
            Role::Attack => {
                out.push(id);
                if !leaf {
                    match node.gate {
                        Gate::Or => stack.extend(node.children.iter().find(|c| ok(c))),
                        _ => stack.extend(node.children.iter().rev()),
                    }
                }
                stack.extend(node.countermeasures.iter().rev());
            }
            Role::Defense => {
                if !overrides.get(&id).copied().unwrap_or(node.implemented) {
                    continue;
                }
                out.push(id);
                if let Some(c) = node.countermeasures.iter().find(|c| ok(c)) {
                    stack.push(*c);
                } else if !leaf {
                    match node.gate {
                        Gate::Or => stack.extend(node.children.iter().rev()),
                        _ => stack.extend(node.children.iter().find(|c| ok(c))),
                    }
                }
            }
        }
    }
    out
}
