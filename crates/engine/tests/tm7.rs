//! Microsoft Threat Modeling Tool (`.tm7`) import: faithfulness on every real fixture
//! (counts per kind, names, flow ends, containment, threat states and categories, all
//! computed here from the source XML with a streaming reader, independently of the
//! importer), a small TMT model written here that exercises every mapping and every
//! warning, hostile inputs, and a bounded mutation fuzz.

mod fixtures;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use quick_xml::events::Event;
use quick_xml::Reader;
use rampart_engine::interop;
use rampart_engine::model::*;
use rampart_engine::Document;

const FIXTURE_DIRS: [&str; 2] = ["../../../shared/fixtures/mtmt-startleft", "../../../shared/fixtures/mtmt-akri"];



// ---------------------------------------------------------------------------------------
// The source, read independently: a streaming pass that tracks the element path.
// ---------------------------------------------------------------------------------------

/// One `Borders`/`Lines` entry as the source has it.
#[derive(Default, Debug, Clone)]
struct SourceEntry {
    generic: String,
    guid: String,
    name: Option<String>,
    rect: [Option<f64>; 4],
    source_guid: String,
    target_guid: String,
}

#[derive(Default, Debug)]
struct Source {
    diagrams: usize,
    entries: Vec<SourceEntry>,
    threats: usize,
    threat_states: BTreeMap<String, usize>,
    threat_categories: Vec<String>,
    threat_priorities: Vec<String>,
}

impl Source {
    fn count(&self, generic: &str) -> usize {
        self.entries.iter().filter(|e| e.generic == generic).count()
    }
}

fn read_source(text: &str) -> Source {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut source = Source::default();
    let mut entry: Option<SourceEntry> = None;
    let mut display = String::new();
    let mut property_key = String::new();
    let is_entry = |path: &[String]| path.len() >= 3 && path[path.len() - 1] == "Value" && matches!(path[path.len() - 3].as_str(), "Borders" | "Lines");
    loop {
        let event = reader.read_event().expect("the fixture is well-formed XML");
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).to_string();
                path.push(name);
                texts.push(String::new());
                let n = path.len();
                if n == 3 && path[1] == "DrawingSurfaceList" {
                    source.diagrams += 1;
                }
                if n == 3 && path[1] == "ThreatInstances" {
                    source.threats += 1;
                }
                if n >= 3 && is_entry(&path) && path.iter().any(|p| p == "DrawingSurfaceList") {
                    entry = Some(SourceEntry::default());
                }
                if matches!(event, Event::Empty(_)) {
                    close(&mut path, &mut texts, &mut source, &mut entry, &mut display, &mut property_key);
                }
            }
            Event::End(_) => close(&mut path, &mut texts, &mut source, &mut entry, &mut display, &mut property_key),
            Event::Text(t) => texts.last_mut().into_iter().for_each(|s| s.push_str(&t.xml10_content())),
            Event::CData(t) => texts.last_mut().into_iter().for_each(|s| s.push_str(&t.xml10_content())),
            Event::GeneralRef(r) => {
                let c = r.resolve_char_ref().unwrap().unwrap_or(match &*r {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "apos" => '\'',
                    _ => '"',
                });
                texts.last_mut().into_iter().for_each(|s| s.push(c));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    source
}

/// An element ends: file what it said.
fn close(path: &mut Vec<String>, texts: &mut Vec<String>, source: &mut Source, entry: &mut Option<SourceEntry>, display: &mut String, property_key: &mut String) {
    let text = texts.pop().unwrap_or_default();
    let n = path.len();
    let name = path[n - 1].clone();
    let parent = if n >= 2 { path[n - 2].as_str() } else { "" };
    let in_threats = path.get(1).is_some_and(|p| p == "ThreatInstances");
    if let Some(e) = entry.as_mut() {
        // Direct children of the entry's Value.
        if parent == "Value" && n >= 4 && matches!(path[n - 4].as_str(), "Borders" | "Lines") {
            match name.as_str() {
                "GenericTypeId" => e.generic = text.trim().to_string(),
                "Guid" => e.guid = text.trim().to_string(),
                "Left" => e.rect[0] = text.trim().parse().ok(),
                "Top" => e.rect[1] = text.trim().parse().ok(),
                "Width" => e.rect[2] = text.trim().parse().ok(),
                "Height" => e.rect[3] = text.trim().parse().ok(),
                "SourceGuid" => e.source_guid = text.trim().to_string(),
                "TargetGuid" => e.target_guid = text.trim().to_string(),
                _ => {}
            }
        }
        if parent == "anyType" && name == "DisplayName" {
            *display = text.trim().to_string();
        }
        if parent == "anyType" && name == "Value" && display == "Name" && e.name.is_none() {
            e.name = Some(text.clone());
        }
    }
    if in_threats && parent == "KeyValueOfstringstring" {
        if name == "Key" {
            *property_key = text.trim().to_string();
        } else if name == "Value" && property_key == "UserThreatCategory" {
            source.threat_categories.push(text.trim().to_string());
        } else if name == "Value" && property_key == "Priority" {
            source.threat_priorities.push(text.trim().to_string());
        }
    }
    if in_threats && name == "State" && n == 5 {
        *source.threat_states.entry(text.trim().to_string()).or_default() += 1;
    }
    if n >= 3 && name == "Value" && matches!(path[n - 3].as_str(), "Borders" | "Lines") {
        if let Some(e) = entry.take() {
            source.entries.push(e);
        }
    }
    path.pop();
}

fn stride(name: &str) -> StrideCategory {
    match name.to_lowercase().replace(' ', "").as_str() {
        "spoofing" => StrideCategory::Spoofing,
        "tampering" => StrideCategory::Tampering,
        "repudiation" => StrideCategory::Repudiation,
        "informationdisclosure" => StrideCategory::InformationDisclosure,
        "denialofservice" => StrideCategory::DenialOfService,
        "elevationofprivilege" | "elevationofprivileges" => StrideCategory::ElevationOfPrivilege,
        other => panic!("the fixtures hold only STRIDE categories, not {other}"),
    }
}

fn element_named<'d>(doc: &'d Document, name: &str) -> &'d Element {
    doc.elements.values().find(|e| e.name == name).unwrap_or_else(|| panic!("no element named {name}"))
}

fn name_of(doc: &Document, id: Option<Id>) -> Option<String> {
    id.and_then(|i| doc.elements.get(&i)).map(|e| e.name.clone())
}

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

/// The counts SOURCES.md states for each fixture (external interactors, processes, data
/// stores, flows, box + line boundaries, threats), a second check beside the source XML.
const STATED: [(&str, [usize; 6]); 5] = [
    ("MTMT_MVP.tm7", [1, 1, 2, 6, 2, 43]),
    ("MTMT_nested_tz.tm7", [0, 2, 2, 3, 3, 16]),
    ("SDL_all_components.tm7", [4, 7, 13, 0, 2, 0]),
    ("unmapped-trustzone.tm7", [0, 1, 0, 0, 1, 0]),
    ("AkriThreatModel_Sept23.tm7", [8, 3, 2, 27, 11, 117]),
];

#[test]
fn every_tm7_fixture_imports_with_its_counts_names_ends_containment_and_threats() {
    let Some(files) = fixtures::fixture_files(&FIXTURE_DIRS, &["tm7"]) else { return };
    let mut checked = 0;
    eprintln!("| fixture | diagrams | external entities | processes | data stores | flows | trust boundaries (box + line) | threats | mitigations | warnings |");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        if bytes.starts_with(b"PK") {
            continue; // the ZIP archive; see the next test
        }
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let source = read_source(std::str::from_utf8(&bytes).unwrap());
        let imported = interop::import(&bytes, &path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(imported.format, "Microsoft Threat Modeling Tool");
        let doc = &imported.document;

        // Counts per kind, from the generic type ids in the source.
        let got = [
            doc.count(ElementKind::ExternalEntity),
            doc.count(ElementKind::Process),
            doc.count(ElementKind::DataStore),
            doc.count(ElementKind::DataFlow),
            doc.count(ElementKind::TrustBoundary),
            doc.threats.len(),
        ];
        let expected = [
            source.count("GE.EI"),
            source.count("GE.P"),
            source.count("GE.DS"),
            source.count("GE.DF"),
            source.count("GE.TB.B") + source.count("GE.TB.L"),
            source.threats,
        ];
        assert_eq!(got, expected, "{file}: [entities, processes, stores, flows, boundaries, threats]");
        assert_eq!(doc.diagrams.len(), source.diagrams, "{file}: diagrams");
        if let Some((_, stated)) = STATED.iter().find(|(f, _)| *f == file) {
            assert_eq!(&got, stated, "{file}: the counts SOURCES.md states");
        }
        let lines = doc.layouts.values().filter(|l| doc.elements.get(&l.id).is_some_and(|e| e.kind() == ElementKind::TrustBoundary) && l.points.len() == 3).count();
        assert_eq!(lines, source.count("GE.TB.L"), "{file}: line boundaries keep their course");

        // Names survive, for every kind.
        let mut want: Vec<String> = source.entries.iter().filter(|e| e.generic != "GE.A").filter_map(|e| e.name.clone()).filter(|n| !n.is_empty()).collect();
        let mut have: Vec<String> = doc.elements.values().map(|e| e.name.clone()).filter(|n| !n.is_empty()).collect();
        want.sort();
        have.sort();
        assert_eq!(have, want, "{file}: names");

        // Flow ends, by the names of the source's GUIDs.
        let guid_name: BTreeMap<&str, &str> = source.entries.iter().map(|e| (e.guid.as_str(), e.name.as_deref().unwrap_or(""))).collect();
        for e in source.entries.iter().filter(|e| e.generic == "GE.DF") {
            let flow = doc.elements.values().find(|f| f.kind() == ElementKind::DataFlow && Some(f.name.as_str()) == e.name.as_deref()
                && name_of(doc, f.flow().unwrap().source).as_deref() == guid_name.get(e.source_guid.as_str()).copied()
                && name_of(doc, f.flow().unwrap().target).as_deref() == guid_name.get(e.target_guid.as_str()).copied());
            assert!(flow.is_some(), "{file}: flow {:?} from {} to {} not found with its ends", e.name, e.source_guid, e.target_guid);
        }

        // Containment from the geometry: the smallest box boundary around a stencil's centre.
        let boxes: Vec<&SourceEntry> = source.entries.iter().filter(|e| e.generic == "GE.TB.B").collect();
        let rect = |e: &SourceEntry| e.rect.map(|v| v.unwrap());
        for e in source.entries.iter().filter(|e| matches!(e.generic.as_str(), "GE.EI" | "GE.P" | "GE.DS")) {
            let [x, y, w, h] = rect(e);
            let (cx, cy) = (x + w / 2.0, y + h / 2.0);
            let parent = boxes
                .iter()
                .filter(|b| {
                    let [bx, by, bw, bh] = rect(b);
                    bx <= cx && cx <= bx + bw && by <= cy && cy <= by + bh && bw * bh > w * h
                })
                .min_by(|a, b| (rect(a)[2] * rect(a)[3]).total_cmp(&(rect(b)[2] * rect(b)[3])));
            let imported = doc
                .elements
                .values()
                .find(|i| Some(&i.name) == e.name.as_ref() && matches!(i.kind(), ElementKind::ExternalEntity | ElementKind::Process | ElementKind::DataStore))
                .unwrap();
            let layout = &doc.layouts[&imported.id];
            assert_eq!([layout.x, layout.y, layout.width, layout.height], [x, y, w, h], "{file}: {:?} position and size", e.name);
            // Boxes may share a name (Akri has four "Container Trust Boundary Border"s): compare by geometry.
            let got_rect = imported.parent.map(|p| &doc.layouts[&p]).map(|l| [l.x, l.y, l.width, l.height]);
            assert_eq!(got_rect, parent.map(|b| rect(b)), "{file}: parent of {:?}", e.name);
        }

        // Threats: states, categories and priorities as the source has them.
        let status_count = |s: ThreatStatus| doc.threats.values().filter(|t| t.status == s).count();
        let state = |s: &str| source.threat_states.get(s).copied().unwrap_or(0);
        assert_eq!(status_count(ThreatStatus::Mitigated), state("Mitigated"), "{file}: mitigated");
        assert_eq!(status_count(ThreatStatus::NotApplicable), state("NotApplicable"), "{file}: not applicable");
        assert_eq!(status_count(ThreatStatus::Open), state("AutoGenerated") + state("NotStarted") + state("NeedsInvestigation"), "{file}: open");
        let mut want: Vec<StrideCategory> = source.threat_categories.iter().map(|c| stride(c)).collect();
        let mut have: Vec<StrideCategory> = doc.threats.values().map(|t| t.category).collect();
        want.sort();
        have.sort();
        assert_eq!(have, want, "{file}: categories");
        let mut want: Vec<u8> = source.threat_priorities.iter().map(|p| match p.as_str() { "High" => 12, "Medium" => 9, _ => 4 }).collect();
        let mut have: Vec<u8> = doc.threats.values().map(|t| t.likelihood * t.impact).collect();
        want.sort();
        have.sort();
        assert_eq!(have, want, "{file}: priorities as likelihood x impact");
        assert!(doc.threats.values().all(|t| t.target.is_some_and(|id| doc.elements.contains_key(&id))), "{file}: every threat has a target");

        eprintln!(
            "| {file} | {} | {} | {} | {} | {} | {} ({} + {}) | {} | {} | {} |",
            doc.diagrams.len(), got[0], got[1], got[2], got[3], got[4], source.count("GE.TB.B"), source.count("GE.TB.L"), got[5], doc.mitigations.len(), imported.warnings.len()
        );
        for w in &imported.warnings {
            eprintln!("    {file}: {w}");
        }
        checked += 1;
    }
    assert_eq!(checked, 5, "the five .tm7 fixtures that are XML");
}

#[test]
fn known_elements_sit_in_the_boxes_their_geometry_puts_them_in() {
    let Some(files) = fixtures::fixture_files(&FIXTURE_DIRS, &["tm7"]) else { return };
    let load = |name: &str| {
        let path = files.iter().find(|p| p.ends_with(name)).unwrap();
        interop::import(&std::fs::read(path).unwrap(), path).unwrap().document
    };
    // MTMT_MVP: the Web API (765,243 100x100) lies in "Private Secured Cloud" (744,142 371x308),
    // the mobile client (433,240) in "Internet" (332,136 320x311).
    let mvp = load("MTMT_MVP.tm7");
    assert_eq!(element_named(&mvp, "Public API v2").parent, Some(element_named(&mvp, "Private Secured Cloud").id));
    assert_eq!(element_named(&mvp, "Mobile Client").parent, Some(element_named(&mvp, "Internet").id));
    // MTMT_nested_tz: "Sandbox environment" (131,121 174x168) nests in the generic border
    // (76,82 435x445); "Sandbox Mongo" (160,161) is in the inner box, "Production Mongo"
    // (158,345) only in the outer one, the web client (740,257) in none.
    let nested = load("MTMT_nested_tz.tm7");
    let outer = element_named(&nested, "Generic Trust Border Boundary").id;
    let inner = element_named(&nested, "Sandbox environment");
    assert_eq!(inner.parent, Some(outer));
    assert_eq!(element_named(&nested, "Sandbox Mongo").parent, Some(inner.id));
    assert_eq!(element_named(&nested, "Production Mongo").parent, Some(outer));
    assert_eq!(element_named(&nested, "Customer web client").parent, None);
    let internet = &nested.layouts[&element_named(&nested, "Internet Boundary").id];
    assert_eq!(internet.points, vec![Point { x: 723.0, y: 125.0 }, Point { x: 661.0, y: 318.0 }, Point { x: 731.0, y: 487.0 }]);
    let https = element_named(&nested, "HTTPS");
    assert_eq!(https.flow().unwrap().protocol, "HTTPS");
    assert_eq!(https.flow().unwrap().encrypted_in_transit, Some(true), "the HTTPS stencil's static attribute");
}

#[test]
fn the_zip_archive_named_tm7_is_refused_with_the_file_named() {
    let Some(files) = fixtures::fixture_files(&FIXTURE_DIRS, &["tm7"]) else { return };
    let path = files.iter().find(|p| p.ends_with("mtmt-invalid-format-zip.tm7")).expect("the ZIP fixture");
    let err = interop::import(&std::fs::read(path).unwrap(), path).unwrap_err().to_string();
    assert!(err.contains("mtmt-invalid-format-zip.tm7") && err.contains("not a Rampart model") && err.contains("Threat Modeling Tool"), "{err}");
}

// ---------------------------------------------------------------------------------------
// A small model written for this test
// ---------------------------------------------------------------------------------------

fn header(display: &str) -> String {
    format!(r#"<a:anyType i:type="b:HeaderDisplayAttribute"><b:DisplayName>{display}</b:DisplayName><b:Name/><b:Value i:nil="true"/></a:anyType>"#)
}
fn string(display: &str, value: &str) -> String {
    format!(r#"<a:anyType i:type="b:StringDisplayAttribute"><b:DisplayName>{display}</b:DisplayName><b:Name/><b:Value i:type="c:string">{value}</b:Value></a:anyType>"#)
}
fn boolean(display: &str, value: bool) -> String {
    format!(r#"<a:anyType i:type="b:BooleanDisplayAttribute"><b:DisplayName>{display}</b:DisplayName><b:Name>x</b:Name><b:Value i:type="c:boolean">{value}</b:Value></a:anyType>"#)
}
fn list(display: &str, options: &[&str], selected: usize) -> String {
    let options: String = options.iter().map(|o| format!("<a:string>{o}</a:string>")).collect();
    format!(r#"<a:anyType i:type="b:ListDisplayAttribute"><b:DisplayName>{display}</b:DisplayName><b:Name>g</b:Name><b:Value i:type="a:ArrayOfstring">{options}</b:Value><b:SelectedIndex>{selected}</b:SelectedIndex></a:anyType>"#)
}
fn fixed(display: &str, value: &str) -> String {
    format!(r#"<a:anyType i:type="b:StaticListDisplayAttribute"><b:DisplayName>{display}</b:DisplayName><b:Name>s</b:Name><b:Value i:type="a:ArrayOfstring"><a:string>{value}</a:string></b:Value><b:SelectedIndex>0</b:SelectedIndex></a:anyType>"#)
}
const YES_NO: [&str; 2] = ["No", "Yes"];

fn stencil(xsi: &str, generic: &str, type_id: &str, guid: &str, attrs: &[String], rect: [i32; 4]) -> String {
    let [left, top, width, height] = rect;
    format!(
        r#"<a:KeyValueOfguidanyType><a:Key>{guid}</a:Key><a:Value z:Id="{guid}" i:type="{xsi}"><GenericTypeId xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{generic}</GenericTypeId><Guid xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{guid}</Guid><Properties xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{}</Properties><TypeId xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{type_id}</TypeId><Height xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{height}</Height><Left xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{left}</Left><StrokeThickness xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">1</StrokeThickness><Top xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{top}</Top><Width xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{width}</Width></a:Value></a:KeyValueOfguidanyType>"#,
        attrs.concat()
    )
}

fn line(xsi: &str, generic: &str, type_id: &str, guid: &str, attrs: &[String], ends: [&str; 2], course: [i32; 6]) -> String {
    let [sx, sy, hx, hy, tx, ty] = course;
    let ns = r#"xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts""#;
    format!(
        r#"<a:KeyValueOfguidanyType><a:Key>{guid}</a:Key><a:Value z:Id="{guid}" i:type="{xsi}"><GenericTypeId {ns}>{generic}</GenericTypeId><Guid {ns}>{guid}</Guid><Properties {ns}>{}</Properties><TypeId {ns}>{type_id}</TypeId><HandleX {ns}>{hx}</HandleX><HandleY {ns}>{hy}</HandleY><PortSource {ns}>East</PortSource><PortTarget {ns}>West</PortTarget><SourceGuid {ns}>{}</SourceGuid><SourceX {ns}>{sx}</SourceX><SourceY {ns}>{sy}</SourceY><TargetGuid {ns}>{}</TargetGuid><TargetX {ns}>{tx}</TargetX><TargetY {ns}>{ty}</TargetY></a:Value></a:KeyValueOfguidanyType>"#,
        attrs.concat(),
        ends[0],
        ends[1]
    )
}

/// A stored threat: (key, state, [source, flow, target] GUIDs, properties, changed by, modified at, type id).
fn threat(key: &str, state: &str, guids: [&str; 3], properties: &[(&str, &str)], changed: (&str, &str), type_id: &str) -> String {
    let props: String = properties.iter().map(|(k, v)| format!("<a:KeyValueOfstringstring><a:Key>{k}</a:Key><a:Value>{v}</a:Value></a:KeyValueOfstringstring>")).collect();
    let [source, flow, target] = guids;
    let priority = properties.iter().find(|(k, _)| *k == "Priority").map(|(_, v)| format!("<b:Priority>{v}</b:Priority>")).unwrap_or_default();
    let (by, at) = changed;
    let changed_by = if by.is_empty() { r#"<b:ChangedBy i:nil="true"/>"#.to_string() } else { format!("<b:ChangedBy>{by}</b:ChangedBy>") };
    format!(
        r#"<a:KeyValueOfstringThreatpc_P0_PhOB><a:Key>{key}</a:Key><a:Value xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase">{changed_by}<b:DrawingSurfaceGuid>d1</b:DrawingSurfaceGuid><b:FlowGuid>{flow}</b:FlowGuid><b:Id>{key}</b:Id><b:InteractionKey>{source}:{flow}:{target}</b:InteractionKey><b:ModifiedAt>{at}</b:ModifiedAt>{priority}<b:Properties>{props}</b:Properties><b:SourceGuid>{source}</b:SourceGuid><b:State>{state}</b:State><b:StateInformation i:nil="true"/><b:TargetGuid>{target}</b:TargetGuid><b:Title i:nil="true"/><b:TypeId>{type_id}</b:TypeId><b:Upgraded>false</b:Upgraded><b:Wide>false</b:Wide></a:Value></a:KeyValueOfstringThreatpc_P0_PhOB>"#
    )
}

const MITIGATION: &str = r#"Use TLS everywhere. Refer: &lt;a href="https://aka.ms/tmt-th1"&gt;the guide&lt;/a&gt;"#;

/// Two diagrams; one of every stencil kind, generic and template ones; nested boxes, a
/// line boundary, a flow with a bend and one with a loose end; an annotation, an unknown
/// stencil and a duplicated GUID; threats in every state, with and without priority and
/// category; the metadata, notes, a custom section and a small template.
fn sample() -> String {
    let user = stencil(
        "StencilRectangle", "GE.EI", "GE.EI", "u1",
        &[header("Generic External Interactor"), string("Name", "Customer &amp; Co"), boolean("Out Of Scope", true), string("Reason For Out Of Scope", "Outside our control"),
          header("Configurable Attributes"), list("Type", &["Not Selected", "Code", "Human"], 2), list("Authenticates Itself", &["Not Applicable", "No", "Yes"], 2),
          list("Microsoft", &YES_NO, 1)],
        [40, 60, 100, 100],
    );
    let api = stencil(
        "StencilEllipse", "GE.P", "SE.P.TMCore.WebAPI", "p1",
        &[header("Web API"), string("Name", "Orders API"), boolean("Out Of Scope", false), string("Reason For Out Of Scope", ""),
          list("Running As", &["Not Selected", "Kernel", "System", "Network Service", "Local Service", "Administrator"], 5),
          list("Implements or Uses an Authentication Mechanism", &YES_NO, 1), list("Implements or Uses an Authorization Mechanism", &YES_NO, 0),
          list("Sanitizes Input", &["Not Selected", "Yes", "No"], 1), list("Accepts Input From", &["Not Selected", "Any Remote User or Entity", "Other"], 1),
          list("Isolation Level", &["Not Selected", "AppContainer", "Sandbox"], 2), fixed("Code Type", "Managed")],
        [300, 300, 100, 100],
    );
    let worker = stencil(
        "StencilEllipse", "GE.P", "GE.P", "p2",
        &[string("Name", "Worker"), list("Running As", &["Not Selected", "Kernel", "Standard User Without Elevation"], 2),
          list("Accepts Input From", &["Not Selected", "Any Remote User or Entity", "Other"], 2)],
        [500, 500, 100, 100],
    );
    let store = stencil(
        "StencilParallelLines", "GE.DS", "SE.DS.TMCore.SQL", "s1",
        &[header("SQL Database"), string("Name", "Orders DB"), string("Description", "All orders"), list("Stores Credentials", &YES_NO, 1),
          list("Stores Log Data", &YES_NO, 0), list("Encrypted", &YES_NO, 1), list("Backup", &YES_NO, 1), list("GPS", &YES_NO, 1),
          list("Write Access", &YES_NO, 1), fixed("Store Type", "SQL Relational Database")],
        [330, 330, 60, 60],
    );
    let outer = stencil("BorderBoundary", "GE.TB.B", "GE.TB.B", "b1", &[header("Generic Trust Border Boundary"), string("Name", "Datacenter"), string("Dataflow Order", "0")], [250, 250, 500, 500]);
    let inner = stencil("BorderBoundary", "GE.TB.B", "SE.TB.B.TMCore.Sandbox", "b2", &[header("Sandbox Trust Boundary Border"), string("Name", "DMZ"), list("JavaScript Sandbox", &YES_NO, 1)], [280, 280, 200, 200]);
    let note = stencil("StencilRectangle", "GE.A", "GE.A", "a1", &[string("Name", "Assume the network is hostile")], [0, 600, 200, 50]);
    let alien = stencil("StencilRectangle", "GE.ZZ", "SE.ZZ.Alien", "x1", &[string("Name", "Alien")], [0, 0, 10, 10]);
    let twin = stencil("StencilEllipse", "GE.P", "GE.P", "p2", &[string("Name", "Worker copy")], [0, 0, 10, 10]);
    let odd = stencil("StencilRectangle", "GE.EI", "GE.EI", "u2", &[string("Name", "Partner"), boolean("Imported", true), r#"<a:anyType i:type="b:MysteryAttribute"><b:DisplayName>Mystery</b:DisplayName><b:Value>42</b:Value></a:anyType>"#.to_string()], [40, 400, 100, 100]);
    let https = line(
        "Connector", "GE.DF", "SE.DF.TMCore.HTTPS", "f1",
        &[header("HTTPS"), string("Name", "Place order"), string("Dataflow Order", "3"), fixed("Provides Confidentiality", "Yes"), fixed("Provides Integrity", "Yes"),
          list("Source Authenticated", &["Not Selected", "No", "Yes"], 2), list("Physical Network", &["Not Selected", "Wire", "Wi-Fi"], 2), boolean("Out Of Scope", false)],
        ["u1", "p1"],
        [140, 110, 220, 90, 300, 350],
    );
    let write = line("Connector", "GE.DF", "GE.DF", "f2", &[string("Name", "Write order"), list("Provides Confidentiality", &YES_NO, 0)], ["p1", "s1"], [400, 350, 380, 360, 330, 360]);
    let loose = line("Connector", "GE.DF", "GE.DF", "f3", &[string("Name", "Dangling")], ["p1", "00000000-0000-0000-0000-000000000000"], [400, 400, 450, 450, 500, 480]);
    let wall = line("LineBoundary", "GE.TB.L", "SE.TB.L.TMCore.Internet", "l1", &[header("Internet Boundary"), string("Name", "Internet edge")], ["00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"], [200, 0, 210, 300, 205, 700]);
    let threats = [
        threat("T1", "Mitigated", ["u1", "f1", "p1"],
            &[("Title", "Spoofing the Customer &amp; Co External Entity"), ("UserThreatCategory", "Spoofing"), ("UserThreatDescription", "Someone may pose as &lt;b&gt;the customer&lt;/b&gt;."),
              ("PossibleMitigations", MITIGATION), ("Priority", "High"), ("SDLPhase", "Design"), ("StateInformation", "mTLS is in place"), ("InteractionString", "Place order"),
              ("UserThreatShortDescription", "Spoofing is when…")],
            ("CORP\\ana", "2024-03-05T10:00:00.123-07:00"), "TH1"),
        threat("T2", "NotApplicable", ["u1", "f1", "p1"], &[("Title", "Data Flow Sniffing"), ("UserThreatCategory", "Information Disclosure"), ("Priority", "Low"), ("PossibleMitigations", MITIGATION)], ("", "0001-01-01T00:00:00"), "TH2"),
        threat("T3", "NeedsInvestigation", ["p1", "f2", "s1"], &[("Title", "Weak access control for Orders DB"), ("UserThreatCategory", "Elevation of Privileges"), ("Priority", "Medium"), ("StateInformation", "Ask the DBA")], ("", ""), "TH3"),
        threat("T4", "AutoGenerated", ["p1", "f2", "s1"], &[("Title", "Misuse of the API"), ("UserThreatCategory", "Abuse"), ("Priority", "Urgent"), ("Team", "Blue")], ("", ""), "TH4"),
        threat("T5", "Frozen", ["p1", "f2", "s1"], &[("UserThreatDescription", "Floods")], ("", ""), "TH9"),
        threat("T6", "NotStarted", ["gone", "gone2", "gone3"], &[("Title", "Orphan")], ("", ""), "TH404"),
    ];
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><!-- written for Rampart's tests -->
<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model" xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:a="http://schemas.microsoft.com/2003/10/Serialization/Arrays" xmlns:b="http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase" xmlns:c="http://www.w3.org/2001/XMLSchema" xmlns:z="http://schemas.microsoft.com/2003/10/Serialization/"><DrawingSurfaceList><DrawingSurfaceModel z:Id="d1"><GenericTypeId xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">DRAWINGSURFACE</GenericTypeId><Guid xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">d1</Guid><Properties xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">{}</Properties><TypeId xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts">DRAWINGSURFACE</TypeId><Borders>{}</Borders><Header>Checkout</Header><Lines>{}</Lines><Zoom>1</Zoom></DrawingSurfaceModel><DrawingSurfaceModel><Guid>d2</Guid><Properties>{}</Properties><Borders>{}</Borders></DrawingSurfaceModel></DrawingSurfaceList><MetaInformation><Assumptions>The cloud is trusted
Staff are vetted</Assumptions><Contributors>Ben, Cy</Contributors><ExternalDependencies>Payment provider</ExternalDependencies><HighLevelSystemDescription>A web shop</HighLevelSystemDescription><Owner>Ana</Owner><Reviewer>Dee</Reviewer><ThreatModelName>Shop</ThreatModelName></MetaInformation><Notes><Note><AddedBy>Ana</AddedBy><Id>1</Id><Message>Review again in May</Message></Note><Note><Id>2</Id><Message/></Note></Notes><ThreatInstances>{}</ThreatInstances><ThreatGenerationEnabled>true</ThreatGenerationEnabled><Validations/><Version>4.3</Version><KnowledgeBase><ThreatCategories><ThreatCategory><Id>D</Id><Name>Denial Of Service</Name></ThreatCategory></ThreatCategories><ThreatTypes><ThreatType><Category>D</Category><Id>TH9</Id><ShortTitle>Flood the store</ShortTitle></ThreatType></ThreatTypes></KnowledgeBase><Profile><PromptedKb/></Profile><Extras><Thing>1</Thing></Extras></ThreatModel>
"#,
        [header("Diagram"), string("Name", "Checkout")].concat(),
        [user, api, worker, store, outer, inner, note, alien, twin, odd].concat(),
        [https, write, loose, wall].concat(),
        string("Name", "Back office"),
        stencil("StencilParallelLines", "GE.DS", "GE.DS", "s9", &[string("Name", "Archive")], [10, 10, 100, 100]),
        threats.concat(),
    )
}

#[test]
fn a_small_tmt_model_maps_every_field_and_reports_every_loss() {
    let imported = interop::import(sample().as_bytes(), Path::new("small.tm7")).unwrap();
    assert_eq!(imported.format, "Microsoft Threat Modeling Tool");
    let doc = &imported.document;

    // Metadata.
    let m = &doc.metadata;
    assert_eq!((m.name.as_str(), m.owner.as_str(), m.version.as_str()), ("Shop", "Ana", "Threat Modeling Tool 4.3"));
    assert_eq!(m.reviewers, ["Dee", "Ben", "Cy"]);
    assert_eq!(m.assumptions, ["The cloud is trusted", "Staff are vetted", "External dependency: Payment provider"]);
    assert!(m.summary.starts_with("A web shop"), "{}", m.summary);
    assert!(m.summary.contains("- Review again in May (Ana)") && m.summary.contains("Annotation on “Checkout”:\nAssume the network is hostile"), "{}", m.summary);

    // Diagrams: by header, then by the Name attribute.
    let mut diagrams: Vec<&str> = doc.diagrams.values().map(|d| d.name.as_str()).collect();
    diagrams.sort();
    assert_eq!(diagrams, ["Back office", "Checkout"]);
    assert_eq!(element_named(doc, "Archive").diagram, doc.diagrams.values().find(|d| d.name == "Back office").unwrap().id);

    // Kinds: 2 entities, 2 processes, 2 stores, 3 flows, 3 boundaries; the annotation, the
    // unknown stencil and the duplicated GUID are not elements.
    let counts = ElementKind::ALL.map(|k| doc.count(k));
    assert_eq!(counts, [2, 2, 2, 3, 3]);
    assert!(doc.elements.values().all(|e| !["Alien", "Worker copy", "Assume the network is hostile"].contains(&e.name.as_str())));

    // Entity.
    let user = element_named(doc, "Customer & Co");
    assert!(user.out_of_scope);
    assert_eq!(user.out_of_scope_reason, "Outside our control");
    assert_eq!(user.technology, "", "a generic stencil has no technology");
    assert_eq!(user.properties, ElementProperties::ExternalEntity(EntityProperties { is_human: Some(true), authenticated: Some(true) }));
    // Process: a template stencil keeps its type as technology.
    let api = element_named(doc, "Orders API");
    assert_eq!(api.technology, "Web API");
    assert_eq!(
        api.properties,
        ElementProperties::Process(ProcessProperties {
            privilege: Some(Privilege::Admin),
            authenticates_callers: Some(true),
            authorizes_callers: Some(false),
            validates_input: Some(true),
            internet_facing: Some(true),
            ..Default::default()
        })
    );
    let worker = element_named(doc, "Worker");
    assert_eq!(worker.properties, ElementProperties::Process(ProcessProperties { privilege: Some(Privilege::User), ..Default::default() }));
    // Store.
    let db = element_named(doc, "Orders DB");
    assert_eq!((db.description.as_str(), db.technology.as_str()), ("All orders", "SQL Database"));
    assert_eq!(
        db.properties,
        ElementProperties::DataStore(StoreProperties {
            stores_credentials: Some(true),
            is_audit_log: Some(false),
            encrypted_at_rest: Some(true),
            backed_up: Some(true),
            stores_pii: Some(true),
            ..Default::default()
        })
    );
    // Flows: protocol stencil, static attributes, ends, bend point; a loose end.
    let order = element_named(doc, "Place order");
    let f = order.flow().unwrap();
    assert_eq!((f.source, f.target), (Some(user.id), Some(api.id)));
    assert_eq!((f.protocol.as_str(), f.encrypted_in_transit, f.integrity_protected, f.authenticated), ("HTTPS", Some(true), Some(true), Some(true)));
    assert!(!f.bidirectional);
    assert_eq!(doc.layouts[&order.id].points, vec![Point { x: 220.0, y: 90.0 }], "the handle is the bend");
    let write = element_named(doc, "Write order").flow().unwrap();
    assert_eq!((write.source, write.target, write.encrypted_in_transit), (Some(api.id), Some(db.id), Some(false)));
    let dangling = element_named(doc, "Dangling").flow().unwrap();
    assert_eq!((dangling.source, dangling.target), (Some(api.id), None));

    // Boundaries: nesting by geometry, the line keeps its course.
    let (outer, inner) = (element_named(doc, "Datacenter"), element_named(doc, "DMZ"));
    assert_eq!((outer.parent, inner.parent), (None, Some(outer.id)));
    assert_eq!(api.parent, Some(inner.id), "the smallest enclosing box");
    assert_eq!(db.parent, Some(inner.id));
    assert_eq!(worker.parent, Some(outer.id));
    assert_eq!(user.parent, None);
    assert_eq!(order.parent, None, "flows have no parent");
    let wall = element_named(doc, "Internet edge");
    assert_eq!(wall.kind(), ElementKind::TrustBoundary);
    let course = &doc.layouts[&wall.id];
    assert_eq!(course.points, vec![Point { x: 200.0, y: 0.0 }, Point { x: 210.0, y: 300.0 }, Point { x: 205.0, y: 700.0 }]);
    assert_eq!((course.x, course.y, course.width, course.height), (200.0, 0.0, 10.0, 700.0));
    assert_eq!(wall.parent, None, "the line leaves every box");
    let l = &doc.layouts[&api.id];
    assert_eq!((l.x, l.y, l.width, l.height), (300.0, 300.0, 100.0, 100.0));

    // Threats.
    assert_eq!(doc.threats.len(), 6);
    let threat = |title: &str| doc.threats.values().find(|t| t.title == title).unwrap_or_else(|| panic!("no threat {title}"));
    let t1 = threat("Spoofing the Customer & Co External Entity");
    assert_eq!((t1.category, t1.status, t1.likelihood, t1.impact), (StrideCategory::Spoofing, ThreatStatus::Mitigated, 3, 4));
    assert_eq!(t1.target, Some(user.id), "the title names the source");
    assert_eq!(t1.rationale, "mTLS is in place");
    assert_eq!(t1.description, "Someone may pose as the customer.", "HTML is dropped");
    assert_eq!((t1.reviewer.as_str(), t1.review_date.as_deref()), ("CORP\\ana", Some("2024-03-05")));
    assert!(t1.notes.contains("Threat Modeling Tool threat T1 (type TH1)") && t1.notes.contains("Interaction: Customer & Co → Place order → Orders API") && t1.notes.contains("SDL phase: Design"), "{}", t1.notes);
    assert_eq!(t1.origin, Origin::Manual);
    let mitigation = &doc.mitigations[&t1.mitigations[0]];
    assert_eq!(mitigation.description, "Use TLS everywhere. Refer: the guide (https://aka.ms/tmt-th1)");
    assert_eq!((mitigation.name.as_str(), mitigation.status), ("Use TLS everywhere", MitigationStatus::Proposed));
    let t2 = threat("Data Flow Sniffing");
    assert_eq!((t2.category, t2.status, t2.likelihood * t2.impact), (StrideCategory::InformationDisclosure, ThreatStatus::NotApplicable, 4));
    assert_eq!(t2.target, Some(order.id), "a data-flow threat targets the flow");
    assert_eq!(t2.mitigations, t1.mitigations, "one mitigation per distinct text");
    assert_eq!(doc.mitigations.len(), 1);
    assert_eq!((t2.reviewer.as_str(), t2.review_date.as_deref()), ("", None), "0001-01-01 means never");
    let t3 = threat("Weak access control for Orders DB");
    assert_eq!((t3.category, t3.status, t3.likelihood * t3.impact), (StrideCategory::ElevationOfPrivilege, ThreatStatus::Open, 9));
    assert_eq!(t3.target, Some(db.id));
    assert_eq!(t3.rationale, "");
    assert!(t3.notes.contains("Needs Investigation") && t3.notes.contains("Justification: Ask the DBA"), "{}", t3.notes);
    let t4 = threat("Misuse of the API");
    assert_eq!((t4.category, t4.status, t4.likelihood * t4.impact), (StrideCategory::Tampering, ThreatStatus::Open, 9));
    assert!(t4.notes.contains("Team: Blue"), "{}", t4.notes);
    let t5 = threat("Flood the store");
    assert_eq!((t5.category, t5.status, t5.description.as_str()), (StrideCategory::DenialOfService, ThreatStatus::Open, "Floods"), "title and category from the template");
    let t6 = threat("Orphan");
    assert_eq!((t6.target, t6.category), (None, StrideCategory::Tampering));

    // Every loss, once, counted.
    let warnings = imported.warnings.join("\n");
    for loss in [
        "the TMT attribute “Microsoft” of external entities has no Rampart property",
        "the TMT attribute “Isolation Level” of processes",
        "the TMT attribute “Code Type” of processes",
        "the TMT attribute “Write Access” of data stores",
        "the TMT attribute “Store Type” of data stores",
        "the TMT attribute “JavaScript Sandbox” of trust boundaries",
        "the TMT attribute “Physical Network” of data flows",
        "the TMT attribute “Dataflow Order” of data flows",
        "the TMT attribute “Imported” of external entities",
        "the TMT attribute “Mystery” of external entities",
        "the TMT value “Other” of “Accepts Input From” has no Rampart equivalent",
        "free-text annotations were not drawn",
        "a TMT stencil of unknown type “GE.ZZ” was not imported",
        "an element GUID appeared twice in one diagram",
        "flow “Dangling” has a loose end",
        "the TMT section <Extras> was not imported",
        "the template embedded in the file",
        "threat category “Abuse” is not a STRIDE category; such threats were filed under Tampering",
        "threats marked Needs Investigation were imported as Open",
        "threat state “Frozen” is unknown",
        "threat priority “Urgent” is unknown",
        "threats without a priority were scored Medium (2 times)",
        "threats without a category were filed under Tampering",
        "the TMT threat property “Team” has no Rampart field",
        "threats whose elements are not in the diagrams were imported without a target",
    ] {
        assert!(warnings.contains(loss), "missing warning {loss:?} in:\n{warnings}");
    }
    assert!(!warnings.contains("“Dataflow Order” of trust"), "an order of 0 is no value:\n{warnings}");
    assert!(!warnings.contains("“Stores Log Data”") && !warnings.contains("Provides Confidentiality"), "mapped attributes are not losses:\n{warnings}");
    assert_eq!(imported.warnings.len(), 25, "{warnings}");
}

#[test]
fn importing_the_same_file_twice_gives_the_same_ids_and_utf16_reads_the_same() {
    let text = sample();
    let a = interop::import(text.as_bytes(), Path::new("a.tm7")).unwrap().document;
    let b = interop::import(text.as_bytes(), Path::new("b.tm7")).unwrap().document;
    let canonical = |d: &Document| rampart_engine::canonical::to_string(d).unwrap();
    assert_eq!(canonical(&a), canonical(&b));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let c = interop::import(&utf16, Path::new("c.tm7")).unwrap().document;
    assert_eq!(canonical(&a), canonical(&c));
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend(text.as_bytes());
    assert_eq!(canonical(&a), canonical(&interop::import(&bom, Path::new("d.tm7")).unwrap().document));
}

#[test]
fn damaged_tmt_files_are_refused_with_the_file_named() {
    let text = sample();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.tm7", text.as_bytes()[..text.len() / 2].to_vec()),
        ("no-surfaces.tm7", br#"<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model"><Version>4.3</Version></ThreatModel>"#.to_vec()),
        ("dtd.tm7", b"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><ThreatModel><DrawingSurfaceList/></ThreatModel>".to_vec()),
        ("entity.tm7", b"<ThreatModel><DrawingSurfaceList/><Notes>&lol;</Notes></ThreatModel>".to_vec()),
        ("latin1.tm7", b"<ThreatModel><DrawingSurfaceList/><Notes>caf\xe9</Notes></ThreatModel>".to_vec()),
        ("two-roots.tm7", b"<ThreatModel><DrawingSurfaceList/></ThreatModel><ThreatModel/>".to_vec()),
        ("mismatch.tm7", b"<ThreatModel><DrawingSurfaceList></Borders></ThreatModel>".to_vec()),
    ];
    for (name, bytes) in cases {
        let err = interop::import(&bytes, Path::new(name)).unwrap_err().to_string();
        assert!(err.contains(name) && err.contains("damaged Microsoft Threat Modeling Tool file"), "{name}: {err}");
    }
    // Not TMT: another XML root is not claimed.
    let err = interop::import(b"<Model><DrawingSurfaceList/></Model>", Path::new("other.xml")).unwrap_err().to_string();
    assert!(err.contains("other.xml") && err.contains("not a Rampart model"), "{err}");
}

#[test]
fn huge_and_deeply_nested_inputs_end_quickly_without_blowing_the_stack() {
    let deadline = Duration::from_secs(20);
    // 200,000 levels deep: refused at the depth limit, no recursion anywhere.
    let deep = format!("<ThreatModel><DrawingSurfaceList/>{}{}</ThreatModel>", "<a>".repeat(200_000), "</a>".repeat(200_000));
    let started = Instant::now();
    let err = interop::import(deep.as_bytes(), Path::new("deep.tm7")).unwrap_err().to_string();
    assert!(err.contains("nested more than"), "{err}");
    eprintln!("deep: {:?}", started.elapsed());
    assert!(started.elapsed() < deadline);
    // 200,000 attributes on one element, namespace declarations nested 200 deep and
    // 100,000 more (quadratic or worse in some XML parsers): linear here.
    let attrs: String = (0..200_000).map(|i| format!(" a{i}=\"v\"")).collect();
    let spaces: String = (0..200).map(|i| format!("<n xmlns:p{i}=\"urn:{i}\">")).collect::<String>() + &"</n>".repeat(200) + &(0..100_000).map(|i| format!("<m xmlns:q{i}=\"urn:{i}\"/>")).collect::<String>();
    let wide = format!("<ThreatModel{attrs}><DrawingSurfaceList/><Notes>{spaces}</Notes></ThreatModel>");
    let started = Instant::now();
    assert!(interop::import(wide.as_bytes(), Path::new("wide.tm7")).is_ok());
    eprintln!("wide: {:?}", started.elapsed());
    assert!(started.elapsed() < deadline, "{:?}", started.elapsed());
    // 30,000 threats against one process with a megabyte name: bounded work per threat.
    let big_name = "P".repeat(1_000_000);
    let entry = format!(r#"<a:KeyValueOfguidanyType><a:Value i:type="StencilEllipse"><GenericTypeId>GE.P</GenericTypeId><Guid>p</Guid><Properties><a:anyType i:type="b:StringDisplayAttribute"><b:DisplayName>Name</b:DisplayName><b:Value>{big_name}</b:Value></a:anyType></Properties></a:Value></a:KeyValueOfguidanyType>"#);
    let threat = "<t><Value><SourceGuid>p</SourceGuid><TargetGuid>p</TargetGuid><Properties><kv><Key>Title</Key><Value>x</Value></kv></Properties></Value></t>".repeat(30_000);
    let many = format!(r#"<ThreatModel xmlns:a="a" xmlns:b="b" xmlns:i="i"><DrawingSurfaceList><DrawingSurfaceModel><Borders>{entry}</Borders></DrawingSurfaceModel></DrawingSurfaceList><ThreatInstances>{threat}</ThreatInstances></ThreatModel>"#);
    let started = Instant::now();
    let imported = interop::import(many.as_bytes(), Path::new("many.tm7")).unwrap();
    assert_eq!(imported.document.threats.len(), 30_000);
    assert!(imported.document.threats.values().all(|t| t.notes.len() < 1_000), "names are shortened in notes");
    eprintln!("many threats: {:?}", started.elapsed());
    assert!(started.elapsed() < deadline, "{:?}", started.elapsed());
}

// ---------------------------------------------------------------------------------------
// Fuzz: mutations of the sample, and random bytes
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..=255u8).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), prop::sample::select(b"<>/&;\"'=:x0 \n\xff".to_vec())).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1..400usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match *m {
        Mutation::Flip(at, b) => {
            if let Some(x) = bytes.get_mut(at % len) {
                *x ^= b;
            }
        }
        Mutation::Insert(at, b) => bytes.insert(at % (bytes.len() + 1), b),
        Mutation::Delete(at, n) => {
            let start = at % len;
            let end = (start + n).min(bytes.len());
            if start < end {
                bytes.drain(start..end);
            }
        }
        Mutation::Duplicate(at, n) => {
            let start = at % len;
            let end = (start + n).min(bytes.len());
            if start < end {
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
        Mutation::Truncate(at) => bytes.truncate(at % len),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_tmt_files_import_or_fail_cleanly(mutations in prop::collection::vec(mutation(), 1..6)) {
        let mut bytes = sample().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        match interop::import(&bytes, Path::new("fuzz.tm7")) {
            Ok(imported) => prop_assert!(imported.document.elements.len() <= 40),
            Err(e) => prop_assert!(e.to_string().contains("fuzz.tm7")),
        }
    }

    #[test]
    fn random_bytes_import_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..2048), prefixed in any::<bool>()) {
        let mut input = if prefixed { b"<ThreatModel><DrawingSurfaceList>".to_vec() } else { Vec::new() };
        input.extend(bytes);
        if let Err(e) = interop::import(&input, Path::new("random.tm7")) {
            prop_assert!(e.to_string().contains("random.tm7"));
        }
    }
}
