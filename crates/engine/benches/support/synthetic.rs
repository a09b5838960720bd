//! A large synthetic model for the analysis benchmark and the incremental property test:
//! the same model for the same seed, every run.

#![allow(dead_code)]

use rampart_engine::*;
use uuid::Uuid;

pub fn uid(n: u64) -> Id {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000u128 | n as u128)
}

/// xorshift64*: deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    /// `None`, `Some(true)` or `Some(false)`, a third each.
    pub fn tri(&mut self) -> Option<bool> {
        match self.next() % 3 {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        }
    }
}

pub const DIAGRAM: u64 = 1;

/// `nodes` non-flow elements (1% trust boundaries, nested two deep; the rest external
/// entities, processes and stores, 80% of them inside a boundary) and `flows` data flows
/// between random pairs, all with random properties.
pub fn model(nodes: usize, flows: usize, seed: u64) -> Document {
    let mut rng = Rng::new(seed);
    let d = uid(DIAGRAM);
    let mut doc = Document::default();
    doc.metadata.name = "Synthetic".into();
    doc.diagrams.insert(d, Diagram { id: d, name: "Everything".into() });
    let mut next = 100u64;
    let mut id = || {
        next += 1;
        uid(next)
    };
    let boundaries_wanted = (nodes / 100).max(1);
    let mut boundaries: Vec<Id> = Vec::new();
    for b in 0..boundaries_wanted {
        let bid = id();
        let parent = if b % 4 != 0 { boundaries.get(b / 4 * 4).copied() } else { None };
        doc.elements.insert(
            bid,
            Element {
                id: bid,
                diagram: d,
                name: format!("Zone {b}"),
                parent,
                properties: ElementProperties::TrustBoundary(BoundaryProperties::default()),
                ..Default::default()
            },
        );
        boundaries.push(bid);
    }
    let mut ends = Vec::new();
    for n in 0..nodes.saturating_sub(boundaries_wanted) {
        let eid = id();
        let properties = random_properties(match rng.below(10) {
            0 => ElementKind::ExternalEntity,
            1..=5 => ElementKind::Process,
            _ => ElementKind::DataStore,
        }, &mut rng);
        let parent = if rng.chance(80) { Some(boundaries[rng.below(boundaries.len())]) } else { None };
        let name = if rng.chance(1) { String::new() } else { format!("Element {n}") };
        doc.elements.insert(eid, Element { id: eid, diagram: d, name, parent, properties, ..Default::default() });
        ends.push(eid);
    }
    for n in 0..flows {
        if ends.len() < 2 {
            break;
        }
        let fid = id();
        let source = ends[rng.below(ends.len())];
        let mut target = ends[rng.below(ends.len())];
        if target == source {
            target = ends[(ends.iter().position(|e| *e == source).unwrap_or(0) + 1) % ends.len()];
        }
        let properties = ElementProperties::DataFlow(FlowProperties {
            source: Some(source),
            target: Some(target),
            bidirectional: rng.chance(10),
            protocol: ["", "HTTPS", "HTTP", "gRPC", "SQL"][rng.below(5)].to_string(),
            encrypted_in_transit: rng.tri(),
            authenticated: rng.tri(),
            integrity_protected: rng.tri(),
            over_public_network: rng.tri(),
            data_classification: match rng.below(5) {
                0 => None,
                1 => Some(Classification::Public),
                2 => Some(Classification::Internal),
                3 => Some(Classification::Confidential),
                _ => Some(Classification::Secret),
            },
            carries_credentials: rng.tri(),
        });
        doc.elements.insert(fid, Element { id: fid, diagram: d, name: format!("Flow {n}"), properties, ..Default::default() });
    }
    doc
}

/// Random typed properties for a shape of `kind` (a third each of every fact unknown,
/// true, false); any other kind gets its defaults.
pub fn random_properties(kind: ElementKind, rng: &mut Rng) -> ElementProperties {
    match kind {
        ElementKind::ExternalEntity => ElementProperties::ExternalEntity(EntityProperties { is_human: rng.tri(), authenticated: rng.tri() }),
        ElementKind::Process => ElementProperties::Process(ProcessProperties {
            privilege: match rng.below(5) {
                0 => None,
                1 => Some(Privilege::User),
                2 => Some(Privilege::Service),
                3 => Some(Privilege::Admin),
                _ => Some(Privilege::Root),
            },
            authenticates_callers: rng.tri(),
            authorizes_callers: rng.tri(),
            validates_input: rng.tri(),
            logs_security_events: rng.tri(),
            internet_facing: rng.tri(),
            handles_secrets: rng.tri(),
        }),
        ElementKind::DataStore => ElementProperties::DataStore(StoreProperties {
            stores_credentials: rng.tri(),
            stores_pii: rng.tri(),
            stores_payment_data: rng.tri(),
            encrypted_at_rest: rng.tri(),
            is_audit_log: rng.tri(),
            backed_up: rng.tri(),
            access_controlled: rng.tri(),
        }),
        ElementKind::TrustBoundary => ElementProperties::TrustBoundary(BoundaryProperties::default()),
        ElementKind::DataFlow => ElementProperties::DataFlow(FlowProperties::default()),
    }
}
