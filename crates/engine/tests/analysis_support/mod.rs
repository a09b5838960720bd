//! Builders for the analysis tests: a small model, element by element, with fixed ids.

#![allow(dead_code)]

use std::sync::Arc;

use rampart_engine::analysis::{Analysis, RuleSet, ThreatView, Validation};
use rampart_engine::*;
use uuid::Uuid;

pub fn id(n: u64) -> Id {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000u128 | n as u128)
}

pub fn rules() -> Arc<RuleSet> {
    Arc::new(RuleSet::builtin().expect("the built-in rules load"))
}

/// A model under construction. Elements go straight into the document (no operation),
/// so that tests can build what the editor would refuse (a flow with a missing end).
pub struct M {
    pub doc: Document,
    pub diagram: Id,
    next: u64,
}

impl Default for M {
    fn default() -> Self {
        M::new()
    }
}

impl M {
    pub fn new() -> M {
        let mut doc = Document::default();
        doc.metadata.name = "Test".into();
        let diagram = id(1);
        doc.diagrams.insert(diagram, Diagram { id: diagram, name: "Main".into() });
        M { doc, diagram, next: 100 }
    }

    pub fn fresh(&mut self) -> Id {
        self.next += 1;
        id(self.next)
    }

    pub fn add(&mut self, name: &str, parent: Option<Id>, properties: ElementProperties) -> Id {
        let eid = self.fresh();
        self.doc
            .elements
            .insert(eid, Element { id: eid, diagram: self.diagram, name: name.to_string(), parent, properties, ..Default::default() });
        eid
    }

    pub fn entity(&mut self, name: &str, parent: Option<Id>) -> Id {
        self.add(name, parent, ElementProperties::ExternalEntity(EntityProperties::default()))
    }

    pub fn process(&mut self, name: &str, parent: Option<Id>) -> Id {
        self.add(name, parent, ElementProperties::Process(ProcessProperties::default()))
    }

    pub fn store(&mut self, name: &str, parent: Option<Id>) -> Id {
        self.add(name, parent, ElementProperties::DataStore(StoreProperties::default()))
    }

    pub fn boundary(&mut self, name: &str, parent: Option<Id>) -> Id {
        self.add(name, parent, ElementProperties::TrustBoundary(BoundaryProperties::default()))
    }

    pub fn flow(&mut self, name: &str, source: Id, target: Id) -> Id {
        self.add(
            name,
            None,
            ElementProperties::DataFlow(FlowProperties { source: Some(source), target: Some(target), ..Default::default() }),
        )
    }

    pub fn flow_with(&mut self, name: &str, source: Option<Id>, target: Option<Id>, edit: impl FnOnce(&mut FlowProperties)) -> Id {
        let mut props = FlowProperties { source, target, ..Default::default() };
        edit(&mut props);
        self.add(name, None, ElementProperties::DataFlow(props))
    }

    pub fn el(&mut self, id: Id) -> &mut Element {
        self.doc.elements.get_mut(&id).expect("an element of the model")
    }

    pub fn process_props(&mut self, id: Id) -> &mut ProcessProperties {
        match &mut self.el(id).properties {
            ElementProperties::Process(p) => p,
            _ => panic!("not a process"),
        }
    }

    pub fn store_props(&mut self, id: Id) -> &mut StoreProperties {
        match &mut self.el(id).properties {
            ElementProperties::DataStore(p) => p,
            _ => panic!("not a store"),
        }
    }

    pub fn entity_props(&mut self, id: Id) -> &mut EntityProperties {
        match &mut self.el(id).properties {
            ElementProperties::ExternalEntity(p) => p,
            _ => panic!("not an entity"),
        }
    }

    pub fn flow_props(&mut self, id: Id) -> &mut FlowProperties {
        match &mut self.el(id).properties {
            ElementProperties::DataFlow(p) => p,
            _ => panic!("not a flow"),
        }
    }

    pub fn validation(&self) -> Validation {
        rampart_engine::analysis::validate(&self.doc)
    }

    pub fn threats(&self) -> Vec<ThreatView> {
        Analysis::new(&self.doc, rules()).threats(&self.doc)
    }
}

/// The codes of the findings, in order.
pub fn codes(v: &Validation) -> Vec<String> {
    v.findings.iter().map(|f| f.code.clone()).collect()
}

/// Does the validation have a finding with this code that names this element?
pub fn has(v: &Validation, code: &str, element: Id) -> bool {
    v.findings.iter().any(|f| f.code == code && f.element_ids.contains(&element))
}

pub fn has_code(v: &Validation, code: &str) -> bool {
    v.findings.iter().any(|f| f.code == code)
}
