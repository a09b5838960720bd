//! `rampart analyze`: attack-tree analysis (PRODUCT.md sections 3 and 4). The JSON shape is
//! `schemas/analyze.schema.json`; scripts rely on its keys.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use rampart_engine::attack::{self, one_line, AnalysisOptions, AttackerProfile, NodeAnalysis, Scenario, TreeAnalysis};
use rampart_engine::model::{Id, Role};
use rampart_engine::{files, Document};
use serde_json::{json, Map, Value};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// A model (`.rampart`, `.rampart.json`) or any importable file, e.g. an ADTool XML tree.
    pub model: PathBuf,
    /// Analyse only the attack tree with this name (default: every tree).
    #[arg(long)]
    pub tree: Option<String>,
    #[arg(long, value_enum, default_value_t = AnalyzeFormat::Text)]
    pub format: AnalyzeFormat,
    /// Attacker profile: the most money the attacker spends.
    #[arg(long)]
    pub budget: Option<f64>,
    /// Attacker profile: the attacker's skill, 1-5.
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub skill: Option<u8>,
    /// Attacker profile: the most hours the attacker takes.
    #[arg(long)]
    pub time: Option<f64>,
    /// How many of the cheapest scenarios to list.
    #[arg(long, default_value_t = 5)]
    pub top: u32,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum AnalyzeFormat {
    Text,
    Json,
}

/// Exit codes: 0 analysed; 2 unreadable input, no such tree, or a tree that cannot be
/// analysed (a cycle).
pub fn analyze(args: AnalyzeArgs) -> ExitCode {
    match run(&args) {
        Ok(out) => match crate::analysis::emit(&format!("{out}\n")) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(message) => {
            eprintln!("rampart: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &AnalyzeArgs) -> Result<String, String> {
    for (name, value) in [("budget", args.budget), ("time", args.time)] {
        if value.is_some_and(|v| !v.is_finite() || v < 0.0) {
            return Err(format!("--{name} must be a number of at least 0"));
        }
    }
    let doc = files::load(&args.model).map_err(|e| e.to_string())?;
    let profile = (args.budget.is_some() || args.skill.is_some() || args.time.is_some())
        .then_some(AttackerProfile { budget: args.budget, skill: args.skill, time: args.time });
    let options = AnalysisOptions { top_k: args.top, pareto: true, profile, overrides: Vec::new() };
    let results = match &args.tree {
        Some(name) => {
            let tree = doc
                .attack_trees
                .values()
                .find(|t| &t.name == name || one_line(&t.name) == *name)
                .ok_or_else(|| format!("the model has no attack tree named “{name}”"))?;
            vec![attack::analyze(&doc, tree.id, &options).map_err(|e| e.to_string())?]
        }
        None => attack::analyze_all(&doc, &options).map_err(|e| e.to_string())?,
    };
    Ok(match args.format {
        AnalyzeFormat::Json => {
            let trees: Vec<Value> = results.iter().map(|t| tree_json(&doc, t, profile.is_some())).collect();
            serde_json::to_string_pretty(&json!({ "trees": trees })).map_err(|e| e.to_string())?
        }
        AnalyzeFormat::Text => text(&doc, &results),
    })
}

fn label(doc: &Document, n: &NodeAnalysis) -> String {
    doc.attack_nodes.get(&n.id).map(|m| m.label.clone()).unwrap_or_default()
}

/// The nodes in reading order: depth-first from the root (children, then countermeasures),
/// then the nodes the root does not reach, as the engine lists them.
fn reading_order<'a>(doc: &Document, t: &'a TreeAnalysis) -> Vec<&'a NodeAnalysis> {
    let by_id: HashMap<Id, &NodeAnalysis> = t.nodes.iter().map(|n| (n.id, n)).collect();
    let mut out = Vec::with_capacity(t.nodes.len());
    let mut seen = HashSet::new();
    let mut stack = vec![t.root.id];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(n) = by_id.get(&id) else { continue };
        out.push(*n);
        if let Some(model) = doc.attack_nodes.get(&id) {
            stack.extend(model.countermeasures.iter().rev());
            stack.extend(model.children.iter().rev());
        }
    }
    out.extend(t.nodes.iter().filter(|n| !seen.contains(&n.id)));
    out
}

fn node_json(doc: &Document, n: &NodeAnalysis, with_profile: bool) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(n.id));
    o.insert("label".into(), json!(label(doc, n)));
    o.insert("role".into(), json!(n.role));
    o.insert("min_cost".into(), json!(n.min_cost));
    o.insert("max_probability".into(), json!(n.max_probability));
    o.insert("probability".into(), json!(n.probability));
    o.insert("min_time".into(), json!(n.min_time));
    o.insert("min_skill".into(), json!(n.min_skill));
    o.insert("reachable".into(), json!(n.reachable));
    if with_profile {
        o.insert("within_profile".into(), json!(n.within_profile));
    }
    Value::Object(o)
}

fn scenario_json(s: &Scenario) -> Value {
    json!({
        "cost": s.cost,
        "probability": s.probability,
        "time": s.time,
        "skill": s.skill,
        "steps": s.labels,
        "step_ids": s.steps,
    })
}

fn tree_json(doc: &Document, t: &TreeAnalysis, with_profile: bool) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), json!(t.name));
    o.insert("id".into(), json!(t.tree));
    o.insert("root".into(), node_json(doc, &t.root, with_profile));
    o.insert("nodes".into(), Value::Array(reading_order(doc, t).into_iter().map(|n| node_json(doc, n, with_profile)).collect()));
    o.insert("cheapest_scenario".into(), json!(t.cheapest.as_ref().map_or(&Vec::new(), |s| &s.labels)));
    o.insert("cheapest_cost".into(), json!(t.cheapest.as_ref().and_then(|s| s.cost)));
    o.insert("top".into(), Value::Array(t.top.iter().map(scenario_json).collect()));
    o.insert("pareto".into(), Value::Array(t.pareto.iter().map(scenario_json).collect()));
    if let Some(p) = &t.profile {
        o.insert(
            "profile".into(),
            json!({
                "budget": p.profile.budget,
                "skill": p.profile.skill,
                "time": p.profile.time,
                "reachable": p.reachable,
                "complete": p.complete,
                "scenarios": p.scenarios.iter().map(scenario_json).collect::<Vec<_>>(),
            }),
        );
    }
    o.insert("shared_steps".into(), json!(t.shared_steps));
    o.insert("exact".into(), json!(t.exact));
    o.insert("warnings".into(), json!(t.warnings));
    Value::Object(o)
}

/// A number without trailing zeros, at most `decimals` decimals.
fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

fn money(v: Option<f64>, currency: &str) -> String {
    or_dash(v.map(|v| if currency.is_empty() { num(v, 2) } else { format!("{} {currency}", num(v, 2)) }))
}

fn steps(s: &Scenario) -> String {
    s.labels.iter().map(|l| one_line(l)).collect::<Vec<_>>().join(", ")
}

fn text(doc: &Document, results: &[TreeAnalysis]) -> String {
    let currency = doc.metadata.currency.as_str();
    let mut out = Vec::new();
    if results.is_empty() {
        out.push("The model has no attack trees.".to_string());
    }
    for t in results {
        let shared = match t.shared_steps {
            0 => String::new(),
            1 => ", 1 shared step".into(),
            n => format!(", {n} shared steps"),
        };
        out.push(format!("Attack tree “{}” ({} nodes{shared})", one_line(&t.name), t.nodes.len()));
        let r = &t.root;
        out.push(format!("  Goal: {}", one_line(&label(doc, r))));
        out.push(format!("    reachable        {}", if r.reachable { "yes" } else { "no" }));
        out.push(format!("    min cost         {}", money(r.min_cost, currency)));
        out.push(format!("    max probability  {}", or_dash(r.max_probability.map(|p| num(p, 4)))));
        out.push(format!("    probability      {}", or_dash(r.probability.map(|p| num(p, 4)))));
        out.push(format!("    min time         {}", or_dash(r.min_time.map(|h| format!("{} h", num(h, 2))))));
        out.push(format!("    min skill        {}", or_dash(r.min_skill.map(|s| s.to_string()))));
        match &t.cheapest {
            Some(s) => out.push(format!("  Cheapest scenario ({}): {}", money(s.cost, currency), steps(s))),
            None => out.push("  Cheapest scenario: none".into()),
        }
        if !t.top.is_empty() {
            out.push(format!("  Top {} scenarios:", t.top.len()));
            for (i, s) in t.top.iter().enumerate() {
                out.push(format!("    {:>2}. {:<14} p {:<8} {}", i + 1, money(s.cost, currency), or_dash(s.probability.map(|p| num(p, 4))), steps(s)));
            }
        }
        if !t.pareto.is_empty() {
            out.push("  Pareto front (cost vs probability):".into());
            for s in &t.pareto {
                out.push(format!("        {:<14} p {:<8} {}", money(s.cost, currency), or_dash(s.probability.map(|p| num(p, 4))), steps(s)));
            }
        }
        if let Some(p) = &t.profile {
            let limit = |v: Option<String>| v.unwrap_or_else(|| "any".into());
            out.push(format!(
                "  Attacker (budget {}, skill {}, time {}): {}{}",
                limit(p.profile.budget.map(|b| money(Some(b), currency))),
                limit(p.profile.skill.map(|s| s.to_string())),
                limit(p.profile.time.map(|h| format!("{} h", num(h, 2)))),
                if p.reachable { "the goal is reachable" } else { "the goal is out of reach" },
                if p.complete { "" } else { " (search cut short)" }
            ));
            for s in &p.scenarios {
                out.push(format!("        {:<14} {:<8} {}", money(s.cost, currency), or_dash(s.time.map(|h| format!("{} h", num(h, 2)))), steps(s)));
            }
        }
        out.push("  Nodes:".into());
        out.push(format!("    {:<40} {:<8} {:>12} {:>8} {:>8} {:>8} {:>5} {:>9}", "node", "role", "min cost", "max p", "p", "time", "skill", "reachable"));
        for n in reading_order(doc, t) {
            let mut name = one_line(&label(doc, n));
            if name.chars().count() > 40 {
                name = name.chars().take(39).collect::<String>() + "…";
            }
            let mark = match n.within_profile {
                Some(false) => " (out of the attacker's reach)",
                _ => "",
            };
            out.push(format!(
                "    {:<40} {:<8} {:>12} {:>8} {:>8} {:>8} {:>5} {:>9}{mark}",
                name,
                if n.role == Role::Defense { "defence" } else { "attack" },
                or_dash(n.min_cost.map(|c| num(c, 2))),
                or_dash(n.max_probability.map(|p| num(p, 4))),
                or_dash(n.probability.map(|p| num(p, 4))),
                or_dash(n.min_time.map(|h| num(h, 2))),
                or_dash(n.min_skill.map(|s| s.to_string())),
                if n.reachable { "yes" } else { "no" },
            ));
        }
        for w in &t.warnings {
            out.push(format!("  warning: {w}"));
        }
        out.push(String::new());
    }
    out.join("\n").trim_end().to_string()
}
