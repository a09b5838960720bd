//! `examples/webshop.rampart.json`, the model users open first: it must be canonical (what
//! `rampart convert` writes), valid, and drawn sensibly. `regenerate_webshop_example`
//! (ignored) rewrites it from the builder below after a deliberate format change:
//! `cargo test -p rampart-engine --test webshop_example -- --ignored`.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use rampart_engine::*;
use uuid::Uuid;

fn example_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/webshop.rampart.json")
}

fn example_text() -> String {
    std::fs::read_to_string(example_path()).expect("examples/webshop.rampart.json")
}

fn example() -> Document {
    canonical::from_str(&example_text(), &example_path()).unwrap()
}

#[test]
fn the_example_is_canonical_text() {
    let text = example_text();
    assert_eq!(canonical::to_string(&example()).unwrap(), text, "the example is byte for byte what Rampart writes");
}

#[test]
fn the_example_round_trips_through_a_database_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("webshop.rampart");
    let back = dir.path().join("webshop.rampart.json");
    files::save(&files::load(&example_path()).unwrap(), &db).unwrap();
    files::save(&files::load(&db).unwrap(), &back).unwrap();
    assert_eq!(std::fs::read(&back).unwrap(), example_text().into_bytes());
}

#[test]
fn the_example_passes_every_integrity_check() {
    let doc = example();
    let mut rebuilt = Document { metadata: doc.metadata.clone(), ..Default::default() };
    let records: Vec<Record> = doc.records().filter(|r| r.kind() != RecordKind::Metadata).collect();
    put(records).apply(&mut rebuilt).expect("every record of the example is valid");
    assert_doc_eq(&rebuilt, &doc, "the example rebuilt through operations");
}

#[test]
fn every_shape_of_the_example_is_laid_out_inside_its_boundary() {
    let doc = example();
    for e in doc.elements.values() {
        if e.kind() == ElementKind::DataFlow {
            continue;
        }
        let l = doc.layouts.get(&e.id).unwrap_or_else(|| panic!("{} has no layout", e.name));
        assert!(l.width > 0.0 && l.height > 0.0, "{} has no size", e.name);
        if let Some(parent) = e.parent {
            let p = &doc.layouts[&parent];
            let inside = l.x >= p.x && l.y >= p.y && l.x + l.width <= p.x + p.width && l.y + l.height <= p.y + p.height;
            assert!(inside, "{} sticks out of {}", e.name, doc.elements[&parent].name);
        }
    }
    // Shapes that do not contain each other do not overlap.
    let shapes: Vec<&Element> = doc.elements.values().filter(|e| e.kind() != ElementKind::DataFlow).collect();
    let contains = |outer: &Element, inner: &Element| {
        let mut p = inner.parent;
        while let Some(id) = p {
            if id == outer.id {
                return true;
            }
            p = doc.elements[&id].parent;
        }
        false
    };
    for a in &shapes {
        for b in &shapes {
            if a.id >= b.id || contains(a, b) || contains(b, a) {
                continue;
            }
            let (la, lb) = (&doc.layouts[&a.id], &doc.layouts[&b.id]);
            let overlap = la.x < lb.x + lb.width && lb.x < la.x + la.width && la.y < lb.y + lb.height && lb.y < la.y + la.height;
            assert!(!overlap, "{} overlaps {}", a.name, b.name);
        }
    }
}

#[test]
#[ignore = "rewrites examples/webshop.rampart.json; run by hand after a deliberate format change"]
fn regenerate_webshop_example() {
    let doc = build();
    canonical::write(&doc, &example_path()).unwrap();
}

// ---------------------------------------------------------------- the builder

/// Fixed ids that look like uuid v7 (version 7, RFC 4122 variant), one range per kind so
/// that each list in the file reads in a sensible order.
fn wid(n: u64) -> Id {
    Uuid::from_u128(0x0193_a6f0_7c00_7000_8000_0000_0000_0000u128 | n as u128)
}

fn with(mut e: Element, technology: &str, owner: &str, description: &str, tags: &[&str]) -> Element {
    e.technology = technology.into();
    e.owner = owner.into();
    e.description = description.into();
    e.tags = tags.iter().map(|t| t.to_string()).collect();
    e
}

fn build() -> Document {
    let mut doc = Document {
        metadata: Metadata {
            name: "Webshop".into(),
            summary: "The online shop: customers browse the catalogue, check out and pay by card. Orders are stored, \
                      paid through an external payment provider by a background worker, and every security event \
                      goes to an audit log."
                .into(),
            scope_in: "Web frontend, shop API, order worker, their data stores and the flows to the payment provider.".into(),
            scope_out: "The payment provider's own systems, the warehouse system, corporate IT.".into(),
            assumptions: vec![
                "Card numbers are entered in the payment provider's hosted fields and never reach our servers.".into(),
                "The data centre network is managed by the platform team; only the load balancer is reachable from the internet.".into(),
                "Administrators reach the internal network over the corporate VPN only.".into(),
            ],
            owner: "Dana Fischer (Platform team)".into(),
            reviewers: vec!["Sam Okafor (Security)".into(), "Lea Brandt (Payments)".into()],
            version: "1.0".into(),
            currency: "EUR".into(),
        },
        ..Default::default()
    };

    let d = wid(0x001);
    let internet = wid(0x101);
    let datacentre = wid(0x102);
    let dmz = wid(0x103);
    let internal = wid(0x104);
    let customer = wid(0x201);
    let psp = wid(0x202);
    let web = wid(0x301);
    let api = wid(0x302);
    let worker = wid(0x303);
    let orders = wid(0x401);
    let sessions = wid(0x402);
    let audit = wid(0x403);
    let platform = "Platform team";
    let shop = "Shop team";

    let proc_props = |p: ProcessProperties| ElementProperties::Process(p);
    let store_props = |p: StoreProperties| ElementProperties::DataStore(p);
    let mut records = vec![
        Record::Diagram(Diagram { id: d, name: "Checkout and payment".into() }),
        Record::Element(with(boundary(internet, d, "Internet", None), "", "", "Anything outside our network.", &[])),
        Record::Element(with(boundary(datacentre, d, "Shop data centre", None), "", platform, "Hosted racks, one VLAN per zone.", &[])),
        Record::Element(with(boundary(dmz, d, "DMZ", Some(datacentre)), "", platform, "Reachable from the internet through the load balancer.", &[])),
        Record::Element(with(boundary(internal, d, "Internal network", Some(datacentre)), "", platform, "No route from the internet.", &[])),
        Record::Element(with(
            element(customer, d, "Customer", Some(internet), ElementProperties::ExternalEntity(EntityProperties { is_human: Some(true), authenticated: Some(false) })),
            "Web browser",
            "",
            "A shopper, signed in or a guest.",
            &["user"],
        )),
        Record::Element(with(
            element(psp, d, "Payment provider", Some(internet), ElementProperties::ExternalEntity(EntityProperties { is_human: Some(false), authenticated: Some(true) })),
            "Card payments API",
            "Payments team",
            "Charges cards against tokens from its hosted fields; calls back with a signed webhook.",
            &["third-party", "pci"],
        )),
        Record::Element(with(
            element(web, d, "Web frontend", Some(dmz), proc_props(ProcessProperties {
                privilege: Some(Privilege::Service),
                authenticates_callers: Some(false),
                authorizes_callers: Some(false),
                validates_input: Some(true),
                logs_security_events: Some(false),
                internet_facing: Some(true),
                handles_secrets: Some(false),
            })),
            "Next.js 15 behind nginx",
            shop,
            "Server-rendered catalogue and checkout pages.",
            &["internet-facing"],
        )),
        Record::Element(with(
            element(api, d, "Shop API", Some(internal), proc_props(ProcessProperties {
                privilege: Some(Privilege::Service),
                authenticates_callers: Some(true),
                authorizes_callers: Some(true),
                validates_input: Some(true),
                logs_security_events: Some(true),
                internet_facing: Some(false),
                handles_secrets: Some(true),
            })),
            "Rust, axum",
            shop,
            "Carts, customers and orders; receives the payment provider's webhook.",
            &[],
        )),
        Record::Element(with(
            element(worker, d, "Order worker", Some(internal), proc_props(ProcessProperties {
                privilege: Some(Privilege::Service),
                authenticates_callers: None,
                authorizes_callers: None,
                validates_input: Some(true),
                logs_security_events: Some(true),
                internet_facing: Some(false),
                handles_secrets: Some(true),
            })),
            "Rust, background job",
            shop,
            "Picks up new orders and charges them with the payment provider's API key.",
            &["pci"],
        )),
        Record::Element(with(
            element(orders, d, "Orders DB", Some(internal), store_props(StoreProperties {
                stores_credentials: Some(false),
                stores_pii: Some(true),
                stores_payment_data: Some(true),
                encrypted_at_rest: Some(true),
                is_audit_log: Some(false),
                backed_up: Some(true),
                access_controlled: Some(true),
            })),
            "PostgreSQL 16",
            platform,
            "Customers, addresses, orders and card tokens (never card numbers).",
            &["pii"],
        )),
        Record::Element(with(
            element(sessions, d, "Sessions cache", Some(internal), store_props(StoreProperties {
                stores_credentials: Some(true),
                stores_pii: Some(false),
                stores_payment_data: Some(false),
                encrypted_at_rest: Some(false),
                is_audit_log: Some(false),
                backed_up: Some(false),
                access_controlled: Some(true),
            })),
            "Redis 7",
            platform,
            "Session tokens and carts, 24-hour expiry.",
            &[],
        )),
        Record::Element(with(
            element(audit, d, "Audit log", Some(internal), store_props(StoreProperties {
                stores_credentials: Some(false),
                stores_pii: Some(true),
                stores_payment_data: Some(false),
                encrypted_at_rest: Some(true),
                is_audit_log: Some(true),
                backed_up: Some(true),
                access_controlled: Some(true),
            })),
            "Loki, append-only bucket",
            platform,
            "Sign-ins, permission changes, payment events; kept 400 days.",
            &["compliance"],
        )),
    ];

    let fl = |n: u64, name: &str, source: Id, target: Id, f: FlowProperties| {
        let mut e = flow(wid(n), d, name, source, target);
        e.properties = ElementProperties::DataFlow(FlowProperties { source: Some(source), target: Some(target), ..f });
        Record::Element(e)
    };
    let tls = |protocol: &str, classification: Classification| FlowProperties {
        protocol: protocol.into(),
        encrypted_in_transit: Some(true),
        authenticated: Some(true),
        integrity_protected: Some(true),
        over_public_network: Some(false),
        data_classification: Some(classification),
        carries_credentials: Some(false),
        ..Default::default()
    };
    let f_browse = 0x501;
    let f_api = 0x502;
    let f_session = 0x503;
    let f_write = 0x504;
    let f_read = 0x505;
    let f_charge = 0x506;
    let f_webhook = 0x507;
    let f_audit_api = 0x508;
    let f_audit_worker = 0x509;
    records.extend([
        fl(f_browse, "Browse, sign in and check out", customer, web, FlowProperties {
            bidirectional: true,
            authenticated: Some(false),
            over_public_network: Some(true),
            carries_credentials: Some(true),
            ..tls("HTTPS (TLS 1.3)", Classification::Confidential)
        }),
        fl(f_api, "API calls", web, api, FlowProperties { bidirectional: true, carries_credentials: Some(true), ..tls("HTTPS, mTLS", Classification::Confidential) }),
        fl(f_session, "Session lookup", api, sessions, FlowProperties {
            bidirectional: true,
            encrypted_in_transit: Some(false),
            integrity_protected: Some(false),
            carries_credentials: Some(true),
            ..tls("RESP (Redis), plain TCP", Classification::Confidential)
        }),
        fl(f_write, "Save order", api, orders, tls("PostgreSQL wire protocol, TLS", Classification::Confidential)),
        fl(f_read, "New orders", orders, worker, tls("PostgreSQL wire protocol, TLS", Classification::Confidential)),
        fl(f_charge, "Charge card token", worker, psp, FlowProperties {
            bidirectional: true,
            over_public_network: Some(true),
            carries_credentials: Some(true),
            ..tls("HTTPS (TLS 1.2+), API key", Classification::Secret)
        }),
        fl(f_webhook, "Payment result webhook", psp, api, FlowProperties {
            over_public_network: Some(true),
            integrity_protected: Some(false),
            ..tls("HTTPS, HMAC signature", Classification::Confidential)
        }),
        fl(f_audit_api, "Security events", api, audit, tls("syslog over TLS", Classification::Internal)),
        fl(f_audit_worker, "Payment events", worker, audit, tls("syslog over TLS", Classification::Internal)),
    ]);

    // Absolute coordinates; each boundary encloses what it contains.
    for (id, x, y, w, h) in [
        (internet, 20.0, 60.0, 240.0, 460.0),
        (customer, 70.0, 130.0, 140.0, 70.0),
        (psp, 70.0, 400.0, 140.0, 70.0),
        (datacentre, 320.0, 20.0, 900.0, 560.0),
        (dmz, 350.0, 80.0, 230.0, 200.0),
        (web, 395.0, 145.0, 140.0, 70.0),
        (internal, 620.0, 60.0, 570.0, 490.0),
        (api, 660.0, 140.0, 140.0, 70.0),
        (worker, 660.0, 400.0, 140.0, 70.0),
        (sessions, 1000.0, 100.0, 150.0, 60.0),
        (orders, 1000.0, 270.0, 150.0, 60.0),
        (audit, 1000.0, 440.0, 150.0, 60.0),
    ] {
        records.push(Record::Layout(layout(id, x, y, w, h)));
    }

    records.extend([
        Record::Asset(Asset {
            id: wid(0x601),
            name: "Payment card tokens".into(),
            description: "Tokens the payment provider issues for a customer's card; enough to charge it again.".into(),
            classification: Some(Classification::Secret),
        }),
        Record::Asset(Asset {
            id: wid(0x602),
            name: "Customer personal data".into(),
            description: "Names, postal and e-mail addresses, order history.".into(),
            classification: Some(Classification::Confidential),
        }),
        Record::Asset(Asset {
            id: wid(0x603),
            name: "Session tokens".into(),
            description: "Whoever holds one is signed in as the customer.".into(),
            classification: Some(Classification::Confidential),
        }),
    ]);

    let m_tls = wid(0x801);
    let m_tokens = wid(0x802);
    let m_webhook = wid(0x803);
    let m_redis_tls = wid(0x804);
    let m_csp = wid(0x805);
    records.extend([
        Record::Mitigation(Mitigation {
            id: m_tls,
            name: "TLS 1.3 and HSTS on every public endpoint".into(),
            description: "Terminated at the load balancer; HSTS preload; TLS 1.0/1.1 disabled.".into(),
            status: MitigationStatus::Verified,
        }),
        Record::Mitigation(Mitigation {
            id: m_tokens,
            name: "Card numbers only in the provider's hosted fields".into(),
            description: "Our servers see card tokens, never card numbers; workers log token ids only.".into(),
            status: MitigationStatus::Implemented,
        }),
        Record::Mitigation(Mitigation {
            id: m_webhook,
            name: "Verify webhook signatures and replay window".into(),
            description: "Check the HMAC signature and reject events older than five minutes.".into(),
            status: MitigationStatus::Proposed,
        }),
        Record::Mitigation(Mitigation {
            id: m_redis_tls,
            name: "TLS and ACLs for Redis".into(),
            description: "Redis 7 TLS port only; one ACL user per service.".into(),
            status: MitigationStatus::Proposed,
        }),
        Record::Mitigation(Mitigation {
            id: m_csp,
            name: "Strict Content Security Policy with subresource integrity".into(),
            description: "Checkout pages load scripts from our origin only, each pinned by hash.".into(),
            status: MitigationStatus::Implemented,
        }),
    ]);

    records.extend([
        Record::Threat(Threat {
            id: wid(0x701),
            title: "Session tokens read on the way to the cache".into(),
            category: StrideCategory::InformationDisclosure,
            target: Some(wid(f_session)),
            description: "The API talks to Redis over plain TCP; anyone on the internal network can read session tokens \
                          and sign in as a customer."
                .into(),
            status: ThreatStatus::Open,
            likelihood: 2,
            impact: 4,
            detectability: Some(4),
            mitigations: vec![m_redis_tls],
            owner: "Platform team".into(),
            due_date: Some("2026-03-31".into()),
            decision: Some(Decision::Mitigate),
            rationale: "Cheap to fix with the Redis upgrade planned for Q1.".into(),
            references: vec!["CWE-319".into()],
            ..Default::default()
        }),
        Record::Threat(Threat {
            id: wid(0x702),
            title: "Forged payment webhook marks unpaid orders as paid".into(),
            category: StrideCategory::Spoofing,
            target: Some(wid(f_webhook)),
            description: "The webhook endpoint is reachable from the internet; without a signature check anyone can post \
                          a \"payment succeeded\" event for their own order."
                .into(),
            status: ThreatStatus::Open,
            likelihood: 3,
            impact: 5,
            detectability: Some(3),
            mitigations: vec![m_webhook],
            owner: "Shop team".into(),
            due_date: Some("2026-01-15".into()),
            decision: Some(Decision::FixNow),
            rationale: "Direct financial loss; the fix is small.".into(),
            references: vec!["CWE-345".into(), "CAPEC-151".into()],
            ..Default::default()
        }),
        Record::Threat(Threat {
            id: wid(0x703),
            title: "Card data written to the order worker's logs".into(),
            category: StrideCategory::InformationDisclosure,
            target: Some(worker),
            description: "A failed charge could log the request, card data included.".into(),
            status: ThreatStatus::Mitigated,
            likelihood: 1,
            impact: 5,
            mitigations: vec![m_tokens],
            owner: "Payments team".into(),
            decision: Some(Decision::Mitigate),
            rationale: "The worker only ever holds tokens.".into(),
            reviewer: "Sam Okafor".into(),
            review_date: Some("2025-11-20".into()),
            references: vec!["CWE-532".into()],
            notes: "Re-check if we ever move away from hosted fields.".into(),
            ..Default::default()
        }),
    ]);

    let tree = wid(0x901);
    let goal = wid(0xA01);
    let skim = wid(0xA02);
    let supply_chain = wid(0xA03);
    let inject = wid(0xA04);
    let phish = wid(0xA05);
    let breach = wid(0xA06);
    let sqli = wid(0xA07);
    let exfiltrate = wid(0xA08);
    let csp = wid(0xA09);
    let step = |id: Id, label: &str, description: &str, cost: f64, probability: f64, time: f64, skill: u8, links: Vec<Id>| {
        Record::AttackNode(AttackNode {
            description: description.into(),
            attributes: Attributes { cost: Some(cost), probability: Some(probability), time: Some(time), skill: Some(skill), detectability: None },
            links,
            ..node(id, tree, label, Gate::Leaf, &[])
        })
    };
    records.extend([
        Record::AttackNode(AttackNode { description: "Any one of these gets card data out.".into(), ..node(goal, tree, "Steal customer card data", Gate::Or, &[skim, phish, breach]) }),
        Record::AttackNode(node(skim, tree, "Skim cards in the browser", Gate::And, &[supply_chain, inject])),
        step(supply_chain, "Compromise a front-end dependency", "Publish a poisoned version of an npm package the checkout uses.", 8000.0, 0.1, 200.0, 4, vec![]),
        Record::AttackNode(AttackNode {
            countermeasures: vec![csp],
            ..match step(inject, "Inject a skimmer into the checkout page", "The poisoned package adds a script that copies the hosted fields' input.", 500.0, 0.6, 16.0, 3, vec![web]) {
                Record::AttackNode(n) => n,
                _ => unreachable!(),
            }
        }),
        Record::AttackNode(AttackNode {
            role: Role::Defense,
            implemented: true,
            mitigation: Some(m_csp),
            description: "The browser refuses scripts that are not ours and pinned.".into(),
            ..node(csp, tree, "Strict CSP with subresource integrity", Gate::Leaf, &[])
        }),
        step(phish, "Phish the payment provider dashboard login", "A payments-team member enters credentials on a look-alike page.", 300.0, 0.2, 40.0, 2, vec![psp]),
        Record::AttackNode(AttackNode { description: "First get in, then take the data out.".into(), ..node(breach, tree, "Breach the orders database", Gate::Sand, &[sqli, exfiltrate]) }),
        step(sqli, "Find an SQL injection in the shop API", "", 2000.0, 0.15, 80.0, 4, vec![api]),
        step(exfiltrate, "Export card tokens and replay them", "Tokens can be charged only through our merchant account.", 100.0, 0.05, 4.0, 3, vec![orders]),
        Record::AttackTree(AttackTree {
            id: tree,
            name: "Steal customer card data".into(),
            description: "How an attacker could get card data out of the shop, and what it would cost them.".into(),
            root: goal,
        }),
    ]);

    put(records).apply(&mut doc).expect("the example is a valid model");
    doc
}
