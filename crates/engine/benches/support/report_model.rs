//! The report benchmark's model (PRODUCT.md section 6: "PDF: 300 threats, 3 diagrams,
//! 2 trees"), also used by the report tests to check the file size: three diagrams of
//! twelve placed elements each (their generated threats), manual threats up to 300 in all
//! with decisions, owners and mitigations, and two attack trees of 40 steps.

#![allow(dead_code)]

use rampart_engine::analysis::Analysis;
use rampart_engine::*;

pub const THREATS: usize = 300;

pub fn model() -> Document {
    let mut doc = Document::new_model("Payments platform");
    doc.metadata.summary = "Card payments for the web shop and the mobile app: checkout, the payment service, settlement and the back office.".into();
    doc.metadata.owner = "Platform team".into();
    doc.metadata.version = "2.3".into();
    doc.metadata.assumptions = vec!["The cloud provider's network is trusted.".into(), "Staff laptops are managed.".into()];
    doc.diagrams.clear();
    for d in 0..3u32 {
        let diagram = Diagram { id: new_id(), name: format!("Diagram {}: {}", d + 1, ["Checkout", "Settlement", "Back office"][d as usize]) };
        let zone = Element { id: new_id(), diagram: diagram.id, name: format!("Zone {d}"), properties: ElementProperties::TrustBoundary(BoundaryProperties {}), ..Default::default() };
        doc.put(Record::Layout(Layout { id: zone.id, x: 200.0, y: 0.0, width: 700.0, height: 420.0, points: vec![] }));
        let mut nodes = Vec::new();
        for i in 0..8u32 {
            let properties = match i % 3 {
                0 => ElementProperties::ExternalEntity(EntityProperties { is_human: Some(i % 2 == 0), authenticated: Some(false) }),
                1 => ElementProperties::Process(ProcessProperties { internet_facing: Some(i < 4), validates_input: Some(false), ..Default::default() }),
                _ => ElementProperties::DataStore(StoreProperties { stores_pii: Some(true), encrypted_at_rest: Some(false), ..Default::default() }),
            };
            let inside = i % 3 != 0;
            let e = Element { id: new_id(), diagram: diagram.id, name: format!("Element {d}.{i}"), parent: inside.then_some(zone.id), properties, ..Default::default() };
            let (x, y) = if inside { (240.0 + f64::from(i % 4) * 160.0, 40.0 + f64::from(i / 4) * 200.0) } else { (20.0, 40.0 + f64::from(i) * 50.0) };
            doc.put(Record::Layout(Layout { id: e.id, x, y, width: 120.0, height: 60.0, points: vec![] }));
            nodes.push(e);
        }
        for (n, pair) in nodes.windows(2).enumerate() {
            let flow = Element {
                id: new_id(),
                diagram: diagram.id,
                name: format!("Flow {d}.{n}"),
                properties: ElementProperties::DataFlow(FlowProperties { source: Some(pair[0].id), target: Some(pair[1].id), encrypted_in_transit: Some(n % 2 == 0), ..Default::default() }),
                ..Default::default()
            };
            doc.put(Record::Element(flow));
        }
        doc.put(Record::Element(zone));
        nodes.into_iter().for_each(|e| doc.put(Record::Element(e)));
        doc.put(Record::Diagram(diagram));
    }
    let mitigation = Mitigation { id: new_id(), name: "Mutual TLS between services".into(), description: String::new(), status: MitigationStatus::Implemented };
    doc.put(Record::Mitigation(mitigation.clone()));
    let generated = Analysis::with_builtin_rules(&doc).map(|a| a.threats(&doc).len()).unwrap_or(0);
    let targets: Vec<Id> = doc.elements.keys().copied().collect();
    for i in 0..THREATS.saturating_sub(generated) {
        let threat = Threat {
            id: new_id(),
            title: format!("Manual threat {i}: an attacker replays a captured request"),
            category: StrideCategory::Spoofing,
            target: targets.get(i % targets.len().max(1)).copied(),
            description: "A captured request is sent again later; the server cannot tell it from the original and repeats its effect.".into(),
            likelihood: (i % 5) as u8 + 1,
            impact: ((i / 5) % 5) as u8 + 1,
            status: if i % 7 == 0 { ThreatStatus::Accepted } else { ThreatStatus::Open },
            decision: (i % 3 == 0).then_some(if i % 7 == 0 { Decision::Accept } else { Decision::Mitigate }),
            rationale: if i % 7 == 0 { "Replays are idempotent here; the cost of a nonce store is not justified.".into() } else { String::new() },
            owner: "Payments team".into(),
            due_date: Some("2026-12-31".into()),
            mitigations: if i % 2 == 0 { vec![mitigation.id] } else { Vec::new() },
            ..Default::default()
        };
        doc.put(Record::Threat(threat));
    }
    for t in 0..2u32 {
        let tree = AttackTree { id: new_id(), name: format!("Goal {}: {}", t + 1, ["Steal card data", "Issue refunds to self"][t as usize]), description: String::new(), root: new_id() };
        let mut root = AttackNode { id: tree.root, tree: tree.id, label: tree.name.clone(), gate: Gate::Or, ..Default::default() };
        for b in 0..8u32 {
            let mut branch = AttackNode { id: new_id(), tree: tree.id, label: format!("Branch {b}"), gate: if b % 2 == 0 { Gate::And } else { Gate::Sand }, ..Default::default() };
            for s in 0..5u32 {
                let step = AttackNode {
                    id: new_id(),
                    tree: tree.id,
                    label: format!("Step {b}.{s}"),
                    attributes: Attributes { cost: Some(f64::from(100 * (b + 1) + 10 * s)), probability: Some(0.5), time: Some(f64::from(s + 1)), skill: Some((s % 5) as u8 + 1), detectability: None },
                    ..Default::default()
                };
                branch.children.push(step.id);
                doc.put(Record::AttackNode(step));
            }
            root.children.push(branch.id);
            doc.put(Record::AttackNode(branch));
        }
        doc.put(Record::AttackNode(root));
        doc.put(Record::AttackTree(tree));
    }
    doc
}
