//! An analysis sent to a view that already shows an earlier one: only the node values that
//! changed. Every node's values of a 5,000-node tree are about 1 MB of JSON, and moving that
//! into a webview after each edit took far longer than the analysis itself; an edit to one
//! step changes the values on its way up to the goal, a few hundred bytes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{analyze, AnalysisOptions, NodeAnalysis, TreeAnalysis};
use crate::document::Document;
use crate::error::Result;
use crate::model::Id;

/// A tree shown in a view: what to analyse, and the revision of the values the view holds.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct TreeView {
    pub tree: Id,
    pub options: AnalysisOptions,
    /// The revision of the last update the view applied; `None` for a view that holds none.
    pub known: Option<u32>,
}

/// An analysis as a view receives it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, TS)]
#[ts(export)]
pub struct TreeUpdate {
    /// Names this update: a view that applied it passes it back to be sent only what
    /// changes after it.
    pub revision: u32,
    /// True when `changed` holds every node and the view drops what it held.
    pub full: bool,
    /// The analysis, with `nodes` left empty: the node values are in `changed`.
    pub analysis: TreeAnalysis,
    /// The values of the nodes that are new or differ from the view's.
    pub changed: Vec<NodeAnalysis>,
    /// Nodes the view holds values for that are no longer in the tree.
    pub removed: Vec<Id>,
}

/// The node values last sent to a view, to send it only what differs next time.
#[derive(Debug, Default)]
pub struct Sent {
    revision: u32,
    tree: Option<Id>,
    values: HashMap<Id, NodeAnalysis>,
}

impl Sent {
    /// The update that brings `view` to the analysis of its tree in `doc`.
    pub fn view(&mut self, doc: &Document, view: &TreeView) -> Result<TreeUpdate> {
        Ok(self.update(view.known, analyze(doc, view.tree, &view.options)?))
    }

    /// The update that brings a view to `analysis`. `known` is the revision the view last
    /// applied; anything else than the revision sent last (a view that dropped an answer,
    /// a new view, another tree) gets every node. A delta's revision is always one more
    /// than the revision it applies to.
    pub fn update(&mut self, known: Option<u32>, mut analysis: TreeAnalysis) -> TreeUpdate {
        let nodes = std::mem::take(&mut analysis.nodes);
        let full = known != Some(self.revision) || self.tree != Some(analysis.tree);
        let before = std::mem::take(&mut self.values);
        let mut changed = Vec::new();
        for node in nodes {
            if full || before.get(&node.id) != Some(&node) {
                changed.push(node.clone());
            }
            self.values.insert(node.id, node);
        }
        let removed = if full { Vec::new() } else { before.into_keys().filter(|id| !self.values.contains_key(id)).collect() };
        self.revision = self.revision.wrapping_add(1);
        self.tree = Some(analysis.tree);
        TreeUpdate { revision: self.revision, full, analysis, changed, removed }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{RecordKey, RecordKind};
    use crate::document::Record;
    use crate::model::{new_id, AttackNode, AttackTree, Gate};

    fn step(tree: Id, label: &str, cost: f64) -> AttackNode {
        let mut n = AttackNode { id: new_id(), tree, label: label.into(), gate: Gate::Leaf, ..AttackNode::default() };
        n.attributes.cost = Some(cost);
        n
    }

    /// A goal (OR) over two ANDs of two steps each; returns the document, the tree and the steps.
    fn model() -> (Document, Id, Vec<AttackNode>) {
        let tree = new_id();
        let steps: Vec<AttackNode> = (0..4).map(|i| step(tree, &format!("step {i}"), 10.0 * (i + 1) as f64)).collect();
        let and = |kids: &[&AttackNode]| AttackNode {
            id: new_id(),
            tree,
            gate: Gate::And,
            children: kids.iter().map(|k| k.id).collect(),
            ..AttackNode::default()
        };
        let (a, b) = (and(&[&steps[0], &steps[1]]), and(&[&steps[2], &steps[3]]));
        let goal = AttackNode { id: new_id(), tree, gate: Gate::Or, children: vec![a.id, b.id], ..AttackNode::default() };
        let mut doc = Document::default();
        doc.put(Record::AttackTree(AttackTree { id: tree, name: "t".into(), description: String::new(), root: goal.id }));
        for n in steps.iter().chain([&a, &b, &goal]) {
            doc.put(Record::AttackNode(n.clone()));
        }
        (doc, tree, steps)
    }

    fn run(doc: &Document, tree: Id) -> TreeAnalysis {
        analyze(doc, tree, &AnalysisOptions::default()).unwrap_or_else(|e| panic!("analysis failed: {e}"))
    }

    /// What a view holds after applying updates in order.
    fn apply(view: &mut HashMap<Id, NodeAnalysis>, update: &TreeUpdate) {
        if update.full {
            view.clear();
        }
        for id in &update.removed {
            view.remove(id);
        }
        view.extend(update.changed.iter().map(|n| (n.id, n.clone())));
    }

    #[test]
    fn an_edit_sends_only_the_values_on_its_way_to_the_goal() {
        let (mut doc, tree, steps) = model();
        let mut sent = Sent::default();
        let first = sent.update(None, run(&doc, tree));
        assert!(first.full);
        assert_eq!(first.changed.len(), 7);
        assert!(first.analysis.nodes.is_empty());

        // The second AND's step gets dearer: that step, its AND; the goal still takes the first AND (30 < 70+).
        let mut dearer = steps[3].clone();
        dearer.attributes.cost = Some(100.0);
        doc.put(Record::AttackNode(dearer.clone()));
        let second = sent.update(Some(first.revision), run(&doc, tree));
        assert!(!second.full);
        let mut ids: Vec<Id> = second.changed.iter().map(|n| n.id).collect();
        ids.sort();
        let and = doc.attack_nodes.values().find(|n| n.children.contains(&dearer.id)).map(|n| n.id);
        let mut expected = vec![dearer.id, and.unwrap_or_default()];
        expected.sort();
        assert_eq!(ids, expected);

        let mut view = HashMap::new();
        apply(&mut view, &first);
        apply(&mut view, &second);
        let now = run(&doc, tree);
        assert_eq!(view.len(), now.nodes.len());
        assert!(now.nodes.iter().all(|n| view.get(&n.id) == Some(n)), "the view holds the new values");
    }

    #[test]
    fn a_view_that_missed_an_update_gets_every_node_again() {
        let (doc, tree, _) = model();
        let mut sent = Sent::default();
        let first = sent.update(None, run(&doc, tree));
        let _missed = sent.update(Some(first.revision), run(&doc, tree));
        let third = sent.update(Some(first.revision), run(&doc, tree));
        assert!(third.full);
        assert_eq!(third.changed.len(), 7);
    }

    #[test]
    fn deleted_nodes_are_named_so_the_view_forgets_them() {
        let (mut doc, tree, steps) = model();
        let mut sent = Sent::default();
        let first = sent.update(None, run(&doc, tree));
        let parent = doc.attack_nodes.values().find(|n| n.children.contains(&steps[0].id)).cloned();
        let Some(mut parent) = parent else { panic!("no parent") };
        parent.children.retain(|c| *c != steps[0].id);
        doc.put(Record::AttackNode(parent));
        doc.remove(&RecordKey::new(RecordKind::AttackNode, steps[0].id));
        let second = sent.update(Some(first.revision), run(&doc, tree));
        assert_eq!(second.removed, vec![steps[0].id]);
    }
}
