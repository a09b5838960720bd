//! Microsoft Threat Modeling Tool models (`.tm7`): WCF DataContractSerializer XML whose root
//! is `<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/ThreatModeling.Model">`.
//!
//! The file is read as an untyped tree of local names (namespaces and prefixes ignored),
//! because templates differ in their stencils and attributes and real files vary.
//!
//! Where things are in a file, and where they go:
//! - `DrawingSurfaceList/DrawingSurfaceModel`: one diagram each (`Header` or its `Name`).
//!   - `Borders`: stencils and box trust boundaries; `Lines`: data flows (`Connector`) and
//!     line trust boundaries (`LineBoundary`). Each entry's kind is its `GenericTypeId`
//!     (`GE.EI` external interactor, `GE.P` process, `GE.DS` data store, `GE.DF` data flow,
//!     `GE.TB.B` border boundary, `GE.TB.L` line boundary, `GE.A` annotation): a template's
//!     own stencil (`SE.P.TMCore.WebAPI`, …) is imported as its base type, and its display
//!     name ("Web API") becomes the element's technology.
//!   - Each entry's `Properties` are typed attributes (string, boolean, list, static list).
//!     Name, out of scope and its reason, and a "Description" string map everywhere; the
//!     typed attributes the rules read map where TMT's meaning matches (see `process_attr`,
//!     `entity_attr`, `store_attr`, `flow_attr`); any other attribute that holds a value is a
//!     counted warning.
//!   - Positions: `Left`/`Top`/`Width`/`Height` for shapes; `SourceX/Y`, `HandleX/Y`,
//!     `TargetX/Y` for lines. A flow keeps its handle as its bend point; a line boundary
//!     keeps its whole course (source, handle, target) in `Layout::points`.
//!   - Containment: the smallest box boundary that encloses an element (its centre for a
//!     stencil, its whole rectangle for a box, its whole course for a line boundary).
//! - `ThreatInstances`: the threats stored in the file (see `Importer::threat`).
//! - `MetaInformation`: name, description, owner, reviewer, contributors, assumptions and
//!   external dependencies; `Notes`: appended to the summary; `Version`: the tool's version.
//!
//! Not imported, on purpose and without a warning: drawing style (`StrokeDashArray`,
//! `StrokeThickness`), connector ports (`PortSource`/`PortTarget`, which follow from the
//! positions), `Zoom`, `ThreatGenerationEnabled`, `Validations` (TMT's own findings; Rampart
//! validates the model itself), `Profile` (TMT's UI state), and per threat the category's
//! stock explanation (`UserThreatShortDescription`), the flow name (`InteractionString`,
//! kept in the notes with the interaction) and the `Wide`/`Upgraded` flags. The embedded
//! template (`KnowledgeBase`) is read only to name threat categories; that its threat
//! rules are not imported is reported once.
//!
//! Robustness: quick-xml reads the file as a stream in linear time (no DTD, only the five
//! predefined entities and character references); the tree is built with an explicit stack,
//! bounded in size and depth, and every walk over it is iterative.
//!
//! Ids are derived from TMT's GUIDs (UUID v5 in a namespace of our own), so importing a
//! file twice gives the same model.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use uuid::Uuid;

use super::{malformed, Imported, Warnings};
use crate::document::Document;
use crate::error::Result;
use crate::model::*;

/// The format name shown to users.
pub const FORMAT: &str = "Microsoft Threat Modeling Tool";

/// The namespace of ids derived from TMT GUIDs.
const NAMESPACE: Uuid = Uuid::from_u128(0x3c5e_91d2_7f04_4a8b_b6e1_52d9_0a7c_e413);

/// Limits that keep a hostile file from exhausting memory. Real files hold about 15,000
/// elements per megabyte (most of it the embedded template) and nest about 12 deep.
const MAX_BYTES: usize = 128 * 1024 * 1024;
const MAX_NODES: usize = 1_000_000;
const MAX_DEPTH: usize = 256;

/// Longest element name used in warnings, threat notes and title matching.
const SHORT: usize = 80;

fn derived_id(parts: &[&str]) -> Id {
    Uuid::new_v5(&NAMESPACE, parts.join("\u{1f}").as_bytes())
}

// ---------------------------------------------------------------------------------------
// Detection and decoding
// ---------------------------------------------------------------------------------------

/// Is this a TMT model? True when the root element (after any XML declaration, comments
/// and a byte-order mark) is `ThreatModel`, with or without a prefix. Looks at the first
/// 64 KiB only, so a truncated file is still recognised (and then reported as damaged).
pub fn detect(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(64 * 1024)).unwrap_or(bytes);
    let text: Cow<str> = match utf16_order(head) {
        Some((little, rest)) => Cow::Owned(decode_utf16_lossy(rest, little)),
        None => String::from_utf8_lossy(head),
    };
    root_name(&text).is_some_and(|name| local(name) == "ThreatModel")
}

/// The name of the first element of an XML text, skipping the prolog.
fn root_name(text: &str) -> Option<&str> {
    let mut s = text.trim_start_matches('\u{feff}');
    loop {
        s = s.trim_start();
        if let Some(rest) = s.strip_prefix("<?") {
            s = rest.split_once("?>")?.1;
        } else if let Some(rest) = s.strip_prefix("<!--") {
            s = rest.split_once("-->")?.1;
        } else if let Some(rest) = s.strip_prefix("<!") {
            // A DOCTYPE, possibly with an internal subset in brackets.
            let rest = match (rest.find('['), rest.find('>')) {
                (Some(open), Some(close)) if open < close => rest.get(open..)?.split_once(']')?.1,
                _ => rest,
            };
            s = rest.split_once('>')?.1;
        } else {
            let rest = s.strip_prefix('<')?;
            let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/').unwrap_or(rest.len());
            return rest.get(..end);
        }
    }
}

/// The part of a qualified name after its prefix.
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// A UTF-16 byte-order mark: (little endian?, the bytes after it).
fn utf16_order(bytes: &[u8]) -> Option<(bool, &[u8])> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        Some((true, rest))
    } else {
        bytes.strip_prefix(&[0xFE, 0xFF]).map(|rest| (false, rest))
    }
}

fn utf16_units(bytes: &[u8], little: bool) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |pair| match pair {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0xFFFD,
    })
}

fn decode_utf16_lossy(bytes: &[u8], little: bool) -> String {
    char::decode_utf16(utf16_units(bytes, little)).map(|c| c.unwrap_or('\u{fffd}')).collect()
}

/// The file's text: UTF-8 (with or without a byte-order mark) or UTF-16 with one.
fn decode(bytes: &[u8]) -> std::result::Result<Cow<'_, str>, String> {
    if let Some((little, rest)) = utf16_order(bytes) {
        if rest.len() % 2 != 0 {
            return Err("the UTF-16 text ends in the middle of a character (truncated?)".into());
        }
        return char::decode_utf16(utf16_units(rest, little))
            .collect::<std::result::Result<String, _>>()
            .map(Cow::Owned)
            .map_err(|_| "it is not valid UTF-16 text".to_string());
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    std::str::from_utf8(body)
        .map(Cow::Borrowed)
        .map_err(|e| format!("it is not UTF-8 text (invalid byte at offset {})", e.valid_up_to()))
}

// ---------------------------------------------------------------------------------------
// A small XML tree
// ---------------------------------------------------------------------------------------

struct XNode {
    /// Local name, without prefix.
    name: Box<str>,
    /// The local part of the value of an attribute named `type` (`i:type`), or "".
    xsi_type: Box<str>,
    text: String,
    children: Vec<usize>,
}

struct Tree {
    nodes: Vec<XNode>,
    root: usize,
}

impl Tree {
    fn parse(text: &str) -> std::result::Result<Tree, String> {
        let mut reader = Reader::from_str(text);
        reader.config_mut().check_end_names = true;
        let mut nodes: Vec<XNode> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut root: Option<usize> = None;
        loop {
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(format!("{e} (at byte {})", reader.error_position())),
            };
            match event {
                Event::Start(start) => {
                    let id = Tree::open(&mut nodes, &stack, &mut root, &start)?;
                    stack.push(id);
                }
                Event::Empty(start) => {
                    Tree::open(&mut nodes, &stack, &mut root, &start)?;
                }
                Event::End(_) => {
                    if stack.pop().is_none() {
                        return Err(format!("a closing tag without an opening one (at byte {})", reader.buffer_position()));
                    }
                }
                Event::Text(t) => Tree::push_text(&mut nodes, &stack, &t.xml10_content())?,
                Event::CData(t) => Tree::push_text(&mut nodes, &stack, &t.xml10_content())?,
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c,
                        Ok(None) => match &*r {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            other => return Err(format!("unknown entity “&{};” (at byte {})", short(other), reader.buffer_position())),
                        },
                        Err(e) => return Err(format!("{e} (at byte {})", reader.buffer_position())),
                    };
                    Tree::push_text(&mut nodes, &stack, c.encode_utf8(&mut [0; 4]))?;
                }
                Event::DocType(_) => return Err("it declares a DTD, which a .tm7 file never has".into()),
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        if let Some(open) = stack.last().and_then(|&id| nodes.get(id)) {
            return Err(format!("the file ends inside <{}>: it is truncated", short(&open.name)));
        }
        let root = root.ok_or("it holds no XML element")?;
        Ok(Tree { nodes, root })
    }

    fn open(nodes: &mut Vec<XNode>, stack: &[usize], root: &mut Option<usize>, start: &BytesStart) -> std::result::Result<usize, String> {
        if nodes.len() >= MAX_NODES {
            return Err(format!("it has more than {MAX_NODES} XML elements"));
        }
        if stack.len() >= MAX_DEPTH {
            return Err(format!("its XML is nested more than {MAX_DEPTH} levels deep"));
        }
        let name: Box<str> = start.local_name().as_ref().into();
        let mut xsi_type: Box<str> = "".into();
        let mut attributes = start.attributes();
        attributes.with_checks(false);
        for attribute in attributes {
            let attribute = attribute.map_err(|e| format!("{e} in <{}>", short(&name)))?;
            if attribute.key.local_name().as_ref() == "type" {
                xsi_type = local(&attribute.value).into();
                break;
            }
        }
        let id = nodes.len();
        match stack.last() {
            Some(&parent) => {
                if let Some(p) = nodes.get_mut(parent) {
                    p.children.push(id);
                }
            }
            None if root.is_some() => return Err(format!("a second root element <{}>", short(&name))),
            None => *root = Some(id),
        }
        nodes.push(XNode { name, xsi_type, text: String::new(), children: Vec::new() });
        Ok(id)
    }

    fn push_text(nodes: &mut [XNode], stack: &[usize], text: &str) -> std::result::Result<(), String> {
        match stack.last().and_then(|&id| nodes.get_mut(id)) {
            Some(node) => node.text.push_str(text),
            None if text.trim().is_empty() => {}
            None => return Err("text outside the root element".into()),
        }
        Ok(())
    }

    fn node(&self, id: usize) -> Option<&XNode> {
        self.nodes.get(id)
    }

    fn name(&self, id: usize) -> &str {
        self.node(id).map_or("", |n| &n.name)
    }

    fn xsi(&self, id: usize) -> &str {
        self.node(id).map_or("", |n| &n.xsi_type)
    }

    /// The element's own text, untrimmed.
    fn text(&self, id: usize) -> &str {
        self.node(id).map_or("", |n| n.text.as_str())
    }

    fn children(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.node(id).map_or(&[][..], |n| n.children.as_slice()).iter().copied()
    }

    fn child(&self, id: usize, name: &str) -> Option<usize> {
        self.children(id).find(|&c| self.name(c) == name)
    }

    fn child_text(&self, id: usize, name: &str) -> &str {
        self.child(id, name).map_or("", |c| self.text(c))
    }

    /// A child's text, trimmed, if it is not empty.
    fn field(&self, id: usize, name: &str) -> Option<&str> {
        Some(self.child_text(id, name).trim()).filter(|t| !t.is_empty())
    }

    fn number(&self, id: usize, name: &str) -> Option<f64> {
        self.field(id, name)?.parse::<f64>().ok().filter(|n| n.is_finite())
    }
}

// ---------------------------------------------------------------------------------------
// Small text helpers
// ---------------------------------------------------------------------------------------

/// At most `SHORT` characters of a text, for warnings and notes.
fn short(text: &str) -> String {
    let text = text.trim();
    let mut out: String = text.chars().take(SHORT).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Lower case, single spaces: how attribute names and values are compared.
fn norm(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// TMT's threat texts carry HTML links (`Refer: <a href="…">…</a>`); Rampart shows plain
/// text, so tags are dropped and a link keeps its address in brackets.
fn plain(text: &str) -> String {
    if !text.contains('<') {
        return text.trim().to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut link: Option<(String, usize)> = None;
    while let Some(start) = rest.find('<') {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start..).unwrap_or("");
        let is_tag = after.chars().nth(1).is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        let end = after.find('>');
        let (Some(end), true) = (end, is_tag) else {
            out.push('<');
            rest = after.get(1..).unwrap_or("");
            continue;
        };
        let tag = norm(after.get(1..end).unwrap_or(""));
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').find(|s| !s.is_empty()).unwrap_or("");
        if tag.starts_with('/') {
            if name == "a" {
                if let Some((href, from)) = link.take() {
                    let shown = out.get(from..).unwrap_or("").trim().to_string();
                    if !href.is_empty() && shown != href {
                        out.push_str(&format!(" ({href})"));
                    }
                }
            } else if matches!(name, "p" | "div" | "li" | "ul" | "ol") {
                out.push('\n');
            }
        } else if name == "a" {
            let raw = after.get(1..end).unwrap_or("");
            let href = raw
                .split_once("href=")
                .map(|(_, v)| v.trim_start().trim_start_matches(['"', '\'']))
                .map(|v| v.split(['"', '\'', ' ', '>']).next().unwrap_or("").to_string())
                .unwrap_or_default();
            link = Some((href, out.len()));
        } else if matches!(name, "br" | "li" | "p") {
            out.push('\n');
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").trim().to_string()
}

/// Splits a free-text list (contributors) into names.
fn names(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

/// An ISO date from a .NET timestamp; TMT writes `0001-01-01T00:00:00` for "never".
fn iso_date(stamp: &str) -> Option<String> {
    let date = stamp.trim().get(..10)?;
    let bytes = date.as_bytes();
    let digits = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| bytes.get(i).is_some_and(u8::is_ascii_digit));
    let dashes = bytes.get(4) == Some(&b'-') && bytes.get(7) == Some(&b'-');
    (digits && dashes && !date.starts_with("0001")).then(|| date.to_string())
}

// ---------------------------------------------------------------------------------------
// Attributes
// ---------------------------------------------------------------------------------------

/// A stencil's typed attribute.
enum Value {
    /// A section title; the first one is the stencil type's display name.
    Header,
    Text(String),
    Flag(Option<bool>),
    /// A list (or static list) attribute: the selected option.
    Choice(Option<String>),
    /// An attribute of a kind this importer does not know, with its text.
    Other(String),
}

struct Attr {
    /// As displayed by TMT, trimmed.
    display: String,
    /// `norm(display)`.
    key: String,
    value: Value,
}

/// Options that say "nothing chosen" rather than a value.
fn is_unset(choice: &str) -> bool {
    matches!(norm(choice).as_str(), "" | "select" | "not selected" | "not applicable" | "none" | "n/a")
}

/// A yes/no option; `Err` for a value that is neither and not unset.
fn yes_no(value: &Value) -> std::result::Result<Option<bool>, String> {
    match value {
        Value::Flag(f) => Ok(*f),
        Value::Choice(Some(c)) | Value::Text(c) => match norm(c).as_str() {
            "yes" | "true" => Ok(Some(true)),
            "no" | "false" => Ok(Some(false)),
            _ if is_unset(c) => Ok(None),
            _ => Err(c.trim().to_string()),
        },
        Value::Choice(None) | Value::Header | Value::Other(_) => Ok(None),
    }
}

/// The chosen option, if one is chosen.
fn choice(value: &Value) -> Option<String> {
    match value {
        Value::Choice(Some(c)) | Value::Text(c) if !is_unset(c) => Some(norm(c)),
        _ => None,
    }
}

/// Does an attribute that has no Rampart equivalent hold a value worth reporting?
fn holds_value(attr: &Attr) -> bool {
    match &attr.value {
        Value::Header => false,
        Value::Flag(f) => *f == Some(true),
        Value::Choice(c) => c.as_deref().is_some_and(|c| !is_unset(c) && norm(c) != "no"),
        // TMT writes a "Dataflow Order" of 0 on every boundary: no value.
        Value::Text(t) => match t.trim() {
            "" => false,
            "0" => attr.key != "dataflow order",
            _ => true,
        },
        Value::Other(t) => !t.trim().is_empty(),
    }
}

/// Sets a flag; a "yes" from one attribute is not undone by a "no" from another.
fn merge(slot: &mut Option<bool>, value: Option<bool>) {
    if let Some(v) = value {
        *slot = Some(slot.unwrap_or(false) || v);
    }
}

/// How an attribute was taken over.
enum Mapped {
    /// Mapped (or unset).
    Yes,
    /// No Rampart property for this attribute.
    No,
    /// A known attribute with a value that has no Rampart equivalent.
    BadValue,
}

fn flag_into(slot: &mut Option<bool>, value: &Value) -> Mapped {
    match yes_no(value) {
        Ok(v) => {
            merge(slot, v);
            Mapped::Yes
        }
        Err(_) => Mapped::BadValue,
    }
}

/// External interactor: "Authenticates Itself" → authenticated; "Type" Human/Code → is_human.
fn entity_attr(p: &mut EntityProperties, attr: &Attr) -> Mapped {
    match attr.key.as_str() {
        "authenticates itself" => flag_into(&mut p.authenticated, &attr.value),
        "type" => match choice(&attr.value).as_deref() {
            None => Mapped::Yes,
            Some("human") => {
                p.is_human = Some(true);
                Mapped::Yes
            }
            Some("code") => {
                p.is_human = Some(false);
                Mapped::Yes
            }
            Some(_) => Mapped::BadValue,
        },
        _ => Mapped::No,
    }
}

/// Process: "Running As" → privilege (Kernel/System = root, Administrator and Standard
/// User With Elevation = admin, Network/Local Service = service, Standard User Without
/// Elevation and Windows Store App = user); "Implements or Uses an Authentication /
/// Authorization Mechanism" → authenticates / authorizes callers; "Sanitizes Input" →
/// validates input; "Accepts Input From" Any Remote User or Entity → internet facing (any
/// local source, or Nothing → not internet facing).
fn process_attr(p: &mut ProcessProperties, attr: &Attr) -> Mapped {
    match attr.key.as_str() {
        "running as" => {
            let privilege = match choice(&attr.value).as_deref() {
                None => return Mapped::Yes,
                Some("kernel" | "system") => Privilege::Root,
                Some("administrator" | "standard user with elevation") => Privilege::Admin,
                Some("network service" | "local service") => Privilege::Service,
                Some("standard user without elevation" | "windows store app") => Privilege::User,
                Some(_) => return Mapped::BadValue,
            };
            p.privilege = Some(privilege);
            Mapped::Yes
        }
        "implements or uses an authentication mechanism" => flag_into(&mut p.authenticates_callers, &attr.value),
        "implements or uses an authorization mechanism" => flag_into(&mut p.authorizes_callers, &attr.value),
        "sanitizes input" => flag_into(&mut p.validates_input, &attr.value),
        "accepts input from" => match choice(&attr.value).as_deref() {
            None => Mapped::Yes,
            Some("any remote user or entity") => {
                merge(&mut p.internet_facing, Some(true));
                Mapped::Yes
            }
            Some(
                "kernel, system, or local admin"
                | "local or network service"
                | "local standard user with elevation"
                | "local standard user without elevation"
                | "windows store apps or app container processes"
                | "nothing",
            ) => {
                merge(&mut p.internet_facing, Some(false));
                Mapped::Yes
            }
            Some(_) => Mapped::BadValue,
        },
        _ => Mapped::No,
    }
}

/// Data store: "Stores Credentials" / "Cached Credentials" → stores credentials; "Stores
/// Log Data" → is an audit log; "Encrypted" → encrypted at rest; "Backup" → backed up; a
/// device's Contacts, Calendar Events, GPS, SMS or Messaging Data → stores PII.
fn store_attr(p: &mut StoreProperties, attr: &Attr) -> Mapped {
    match attr.key.as_str() {
        "stores credentials" | "cached credentials" => flag_into(&mut p.stores_credentials, &attr.value),
        "stores log data" => flag_into(&mut p.is_audit_log, &attr.value),
        "encrypted" => flag_into(&mut p.encrypted_at_rest, &attr.value),
        "backup" => flag_into(&mut p.backed_up, &attr.value),
        "contacts" | "calendar events" | "gps" | "sms messages" | "messaging data (mail, im, sms)" => flag_into(&mut p.stores_pii, &attr.value),
        _ => Mapped::No,
    }
}

/// Data flow: "Provides Confidentiality" → encrypted in transit; "Provides Integrity" →
/// integrity protected; "Source Authenticated" → authenticated (the sender is).
fn flow_attr(p: &mut FlowProperties, attr: &Attr) -> Mapped {
    match attr.key.as_str() {
        "provides confidentiality" => flag_into(&mut p.encrypted_in_transit, &attr.value),
        "provides integrity" => flag_into(&mut p.integrity_protected, &attr.value),
        "source authenticated" => flag_into(&mut p.authenticated, &attr.value),
        _ => Mapped::No,
    }
}

/// TMT's protocol stencils for data flows (the SDL template's `SE.DF.TMCore.*`).
const PROTOCOL_STENCILS: [&str; 10] = ["HTTP", "HTTPS", "Binary", "IPsec", "NamedPipe", "SMB", "RPC", "ALPC", "UDP", "IOCTL"];

// ---------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Actor,
    Process,
    Store,
    Flow,
    BoundaryBox,
    BoundaryLine,
    Annotation,
    Unknown,
}

/// The kind of a `Borders`/`Lines` entry: its generic type, else its serialised class,
/// else its template type's prefix.
fn shape_of(generic: &str, xsi: &str, type_id: &str) -> Shape {
    let by_type = |t: &str| -> Shape {
        let t = t.trim().to_ascii_uppercase();
        let is = |base: &str| t == format!("GE.{base}") || t.starts_with(&format!("SE.{base}."));
        if is("TB.B") {
            Shape::BoundaryBox
        } else if is("TB.L") {
            Shape::BoundaryLine
        } else if is("EI") {
            Shape::Actor
        } else if is("P") {
            Shape::Process
        } else if is("DS") {
            Shape::Store
        } else if is("DF") {
            Shape::Flow
        } else if is("A") {
            Shape::Annotation
        } else {
            Shape::Unknown
        }
    };
    let shape = by_type(generic);
    if shape != Shape::Unknown {
        return shape;
    }
    match xsi {
        "BorderBoundary" => Shape::BoundaryBox,
        "LineBoundary" => Shape::BoundaryLine,
        "Connector" => Shape::Flow,
        "StencilEllipse" => Shape::Process,
        "StencilParallelLines" => Shape::Store,
        _ => by_type(type_id),
    }
}

/// An element placed on a diagram, for containment.
struct Placed {
    id: Id,
    shape: Shape,
    layout: Layout,
}

fn area(l: &Layout) -> f64 {
    l.width * l.height
}

fn inside(b: &Layout, x: f64, y: f64) -> bool {
    x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height
}

/// Does box `b` enclose the element?
fn encloses(b: &Layout, e: &Placed) -> bool {
    let l = &e.layout;
    match e.shape {
        Shape::BoundaryBox => inside(b, l.x, l.y) && inside(b, l.x + l.width, l.y + l.height),
        Shape::BoundaryLine => !l.points.is_empty() && l.points.iter().all(|p| inside(b, p.x, p.y)),
        _ => inside(b, l.x + l.width / 2.0, l.y + l.height / 2.0),
    }
}

/// A line's layout: its course as points, its box the bounding box.
fn line_layout(id: Id, course: Vec<Point>) -> Layout {
    if course.is_empty() {
        return Layout { id, ..Default::default() };
    }
    let (min_x, max_x) = course.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
    let (min_y, max_y) = course.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.y), hi.max(p.y)));
    Layout { id, x: min_x, y: min_y, width: max_x - min_x, height: max_y - min_y, points: course }
}

// ---------------------------------------------------------------------------------------
// The import
// ---------------------------------------------------------------------------------------

/// Import a TMT model; `path` only names it in errors.
pub fn import(bytes: &[u8], path: &Path) -> Result<Imported> {
    let bad = |reason: String| malformed(path, FORMAT, reason);
    if bytes.len() > MAX_BYTES {
        return Err(bad(format!("it is larger than {} MB", MAX_BYTES / (1024 * 1024))));
    }
    let text = decode(bytes).map_err(bad)?;
    let tree = Tree::parse(&text).map_err(bad)?;
    let root = tree.root;
    if tree.name(root) != "ThreatModel" {
        return Err(bad(format!("its root element is <{}>, not <ThreatModel>", short(tree.name(root)))));
    }
    let Some(surfaces) = tree.child(root, "DrawingSurfaceList") else {
        return Err(bad("it has no drawing surfaces (no <DrawingSurfaceList>)".into()));
    };
    let mut importer = Importer::new(&tree);
    importer.run(root, surfaces);
    Ok(Imported { document: importer.doc, format: FORMAT, warnings: importer.warnings.into_list() })
}

struct Importer<'t> {
    tree: &'t Tree,
    doc: Document,
    warnings: Warnings,
    /// TMT drawing-surface GUID → our diagram key.
    diagram_keys: BTreeMap<String, String>,
    /// (diagram key, TMT GUID) → element id.
    by_diagram: BTreeMap<(String, String), Id>,
    /// TMT GUID → element id, over all diagrams (first wins).
    by_guid: BTreeMap<String, Id>,
    /// Ids of elements a flow may connect (entities, processes, stores).
    nodes: BTreeSet<Id>,
    /// From the embedded template: category id → name, threat type id → (category, title).
    kb_categories: BTreeMap<String, String>,
    kb_threat_types: BTreeMap<String, (String, String)>,
    /// Text appended to the model's summary (notes, annotations).
    summary_extra: Vec<String>,
}

impl<'t> Importer<'t> {
    fn new(tree: &'t Tree) -> Self {
        Importer {
            tree,
            doc: Document::default(),
            warnings: Warnings::default(),
            diagram_keys: BTreeMap::new(),
            by_diagram: BTreeMap::new(),
            by_guid: BTreeMap::new(),
            nodes: BTreeSet::new(),
            kb_categories: BTreeMap::new(),
            kb_threat_types: BTreeMap::new(),
            summary_extra: Vec::new(),
        }
    }

    fn run(&mut self, root: usize, surfaces: usize) {
        let tree = self.tree;
        self.doc.metadata.currency = "EUR".to_string();
        if let Some(version) = tree.field(root, "Version") {
            self.doc.metadata.version = format!("Threat Modeling Tool {}", short(version));
        }
        if let Some(kb) = tree.child(root, "KnowledgeBase") {
            self.knowledge_base(kb);
        }
        for (index, surface) in tree.children(surfaces).enumerate() {
            self.diagram(index, surface);
        }
        if let Some(meta) = tree.child(root, "MetaInformation") {
            self.metadata(meta);
        }
        if let Some(notes) = tree.child(root, "Notes") {
            self.notes(notes);
        }
        if let Some(threats) = tree.child(root, "ThreatInstances") {
            for (n, entry) in tree.children(threats).enumerate() {
                self.threat(n, entry);
            }
        }
        for section in tree.children(root) {
            let name = tree.name(section);
            let known = ["DrawingSurfaceList", "MetaInformation", "Notes", "ThreatInstances", "ThreatGenerationEnabled", "Validations", "Version", "KnowledgeBase", "Profile"];
            if !known.contains(&name) {
                self.warnings.add(&format!("the TMT section <{}> was not imported", short(name)));
            }
        }
        if self.doc.metadata.name.is_empty() {
            self.doc.metadata.name = match self.first_diagram_name() {
                Some(name) => name,
                None => "Imported Threat Modeling Tool model".to_string(),
            };
        }
        if !self.summary_extra.is_empty() {
            let mut summary = std::mem::take(&mut self.doc.metadata.summary);
            for part in &self.summary_extra {
                if !summary.is_empty() {
                    summary.push_str("\n\n");
                }
                summary.push_str(part);
            }
            self.doc.metadata.summary = summary;
        }
    }

    fn first_diagram_name(&self) -> Option<String> {
        let tree = self.tree;
        let root = tree.root;
        let first = tree.children(tree.child(root, "DrawingSurfaceList")?).next()?;
        self.diagram_name(first)
    }

    fn diagram_name(&self, surface: usize) -> Option<String> {
        let tree = self.tree;
        let header = tree.field(surface, "Header").map(String::from);
        header.or_else(|| {
            self.attributes(surface).into_iter().find(|a| a.key == "name").and_then(|a| match a.value {
                Value::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
                _ => None,
            })
        })
    }

    fn knowledge_base(&mut self, kb: usize) {
        let tree = self.tree;
        for category in tree.child(kb, "ThreatCategories").into_iter().flat_map(|c| tree.children(c)) {
            if let (Some(id), Some(name)) = (tree.field(category, "Id"), tree.field(category, "Name")) {
                self.kb_categories.insert(id.to_string(), name.to_string());
            }
        }
        let types = tree.child(kb, "ThreatTypes");
        for threat_type in types.into_iter().flat_map(|t| tree.children(t)) {
            if let Some(id) = tree.field(threat_type, "Id") {
                let category = tree.field(threat_type, "Category").unwrap_or("").to_string();
                let title = short(tree.field(threat_type, "ShortTitle").unwrap_or(""));
                self.kb_threat_types.insert(id.to_string(), (category, title));
            }
        }
        if types.is_some_and(|t| tree.children(t).next().is_some()) {
            self.warnings.add("the template embedded in the file (its stencils and threat rules) was not imported; the threats stored in the file were");
        }
    }

    fn metadata(&mut self, meta: usize) {
        let tree = self.tree;
        let m = &mut self.doc.metadata;
        if let Some(name) = tree.field(meta, "ThreatModelName") {
            m.name = name.to_string();
        }
        if let Some(text) = tree.field(meta, "HighLevelSystemDescription") {
            m.summary = text.to_string();
        }
        if let Some(owner) = tree.field(meta, "Owner") {
            m.owner = owner.to_string();
        }
        m.reviewers.extend(names(tree.child_text(meta, "Reviewer")));
        m.reviewers.extend(names(tree.child_text(meta, "Contributors")));
        m.assumptions.extend(tree.child_text(meta, "Assumptions").lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from));
        m.assumptions.extend(
            tree.child_text(meta, "ExternalDependencies").lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| format!("External dependency: {l}")),
        );
    }

    fn notes(&mut self, notes: usize) {
        let tree = self.tree;
        let mut lines = Vec::new();
        for note in tree.children(notes) {
            let message = tree.field(note, "Message").unwrap_or_else(|| tree.text(note).trim());
            if message.is_empty() {
                continue;
            }
            let by = tree.field(note, "AddedBy").map(|a| format!(" ({})", short(a))).unwrap_or_default();
            lines.push(format!("- {message}{by}"));
        }
        if !lines.is_empty() {
            self.summary_extra.push(format!("Notes from the Threat Modeling Tool:\n{}", lines.join("\n")));
        }
    }

    /// The typed attributes of an entry's `Properties`.
    fn attributes(&self, entry: usize) -> Vec<Attr> {
        let tree = self.tree;
        let Some(properties) = tree.child(entry, "Properties") else { return Vec::new() };
        tree.children(properties)
            .map(|a| {
                let kind = tree.xsi(a);
                let display = tree.child_text(a, "DisplayName").trim().to_string();
                let value_node = tree.child(a, "Value");
                let text = value_node.map_or("", |v| tree.text(v)).to_string();
                let value = if kind.contains("Header") {
                    Value::Header
                } else if kind.contains("List") {
                    let options: Vec<usize> = value_node.map(|v| tree.children(v).collect()).unwrap_or_default();
                    let index = tree.field(a, "SelectedIndex").and_then(|i| i.parse::<usize>().ok());
                    Value::Choice(index.and_then(|i| options.get(i)).map(|&o| tree.text(o).trim().to_string()))
                } else if kind.contains("Boolean") {
                    Value::Flag(match norm(&text).as_str() {
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => None,
                    })
                } else if kind.contains("String") {
                    Value::Text(text)
                } else {
                    Value::Other(text)
                };
                Attr { key: norm(&display), display, value }
            })
            .collect()
    }

    fn diagram(&mut self, index: usize, surface: usize) {
        let tree = self.tree;
        let guid = tree.field(surface, "Guid").map(String::from).unwrap_or_else(|| format!("diagram-{index}"));
        let key = if self.diagram_keys.values().any(|k| *k == guid) { format!("{guid}#{index}") } else { guid.clone() };
        self.diagram_keys.entry(guid).or_insert_with(|| key.clone());
        let diagram_id = derived_id(&["diagram", &key]);
        let name = self.diagram_name(surface).unwrap_or_else(|| format!("Diagram {}", index + 1));
        self.doc.diagrams.insert(diagram_id, Diagram { id: diagram_id, name: name.clone() });

        let entries = |part: &str| -> Vec<usize> { tree.child(surface, part).map(|p| tree.children(p).collect()).unwrap_or_default() };
        let borders = entries("Borders");
        let lines = entries("Lines");
        let mut placed: Vec<Placed> = Vec::new();
        let mut flows: Vec<(usize, Id)> = Vec::new();
        for (n, entry) in borders.iter().chain(lines.iter()).enumerate() {
            let value = tree.child(*entry, "Value").unwrap_or(*entry);
            let generic = tree.child_text(value, "GenericTypeId");
            let type_id = tree.child_text(value, "TypeId");
            let shape = shape_of(generic, tree.xsi(value), type_id);
            let attrs = self.attributes(value);
            if shape == Shape::Annotation {
                let text = attrs.iter().find(|a| a.key == "name").and_then(|a| match &a.value {
                    Value::Text(t) => Some(t.trim().to_string()),
                    _ => None,
                });
                if let Some(text) = text.filter(|t| !t.is_empty()) {
                    self.summary_extra.push(format!("Annotation on “{name}”:\n{text}"));
                }
                self.warnings.add("free-text annotations were not drawn (Rampart diagrams have no free text); their text was added to the model summary");
                continue;
            }
            if shape == Shape::Unknown {
                let what = [generic, type_id, tree.xsi(value)].into_iter().map(str::trim).find(|s| !s.is_empty()).unwrap_or("?");
                self.warnings.add(&format!("a TMT stencil of unknown type “{}” was not imported", short(what)));
                continue;
            }
            let tmt_guid = tree
                .field(value, "Guid")
                .or_else(|| tree.field(*entry, "Key"))
                .map(String::from)
                .unwrap_or_else(|| format!("entry-{n}"));
            if self.by_diagram.contains_key(&(key.clone(), tmt_guid.clone())) {
                self.warnings.add("an element GUID appeared twice in one diagram; the later copy was not imported");
                continue;
            }
            let id = derived_id(&[&key, &tmt_guid]);
            self.by_diagram.insert((key.clone(), tmt_guid.clone()), id);
            self.by_guid.entry(tmt_guid).or_insert(id);
            let element = self.element(id, diagram_id, shape, value, &attrs);
            let layout = match shape {
                Shape::Flow | Shape::BoundaryLine => {
                    let point = |x: &str, y: &str| Some(Point { x: tree.number(value, x)?, y: tree.number(value, y)? });
                    let handle = point("HandleX", "HandleY");
                    let course: Vec<Point> = [point("SourceX", "SourceY"), handle, point("TargetX", "TargetY")].into_iter().flatten().collect();
                    let mut layout = line_layout(id, course);
                    if shape == Shape::Flow {
                        // A flow's ends follow its source and target; its handle is the bend.
                        layout.points = handle.into_iter().collect();
                    }
                    layout
                }
                _ => Layout {
                    id,
                    x: tree.number(value, "Left").unwrap_or(0.0),
                    y: tree.number(value, "Top").unwrap_or(0.0),
                    width: tree.number(value, "Width").unwrap_or(100.0).max(0.0),
                    height: tree.number(value, "Height").unwrap_or(100.0).max(0.0),
                    points: Vec::new(),
                },
            };
            if matches!(shape, Shape::Actor | Shape::Process | Shape::Store) {
                self.nodes.insert(id);
            }
            if shape == Shape::Flow {
                flows.push((value, id));
            } else {
                placed.push(Placed { id, shape, layout: layout.clone() });
            }
            self.doc.elements.insert(id, element);
            self.doc.layouts.insert(id, layout);
        }

        // Containment: the smallest box boundary that encloses each element.
        let boxes: Vec<&Placed> = placed.iter().filter(|p| p.shape == Shape::BoundaryBox).collect();
        for element in &placed {
            let own = area(&element.layout);
            let parent = boxes
                .iter()
                .filter(|b| b.id != element.id && area(&b.layout) > own && encloses(&b.layout, element))
                .min_by(|a, b| area(&a.layout).total_cmp(&area(&b.layout)).then(a.id.cmp(&b.id)))
                .map(|b| b.id);
            if let Some(e) = self.doc.elements.get_mut(&element.id) {
                e.parent = parent;
            }
        }

        // Flow ends, now that every shape of the diagram is known.
        for (value, id) in flows {
            let end = |side: &str| -> Option<Id> {
                let guid = tree.field(value, side)?;
                self.by_diagram.get(&(key.clone(), guid.to_string())).copied().filter(|e| self.nodes.contains(e))
            };
            let (source, target) = (end("SourceGuid"), end("TargetGuid"));
            let Some(element) = self.doc.elements.get_mut(&id) else { continue };
            if source.is_none() || target.is_none() {
                let name = short(&element.name);
                self.warnings.add(&format!("flow “{name}” has a loose end in the Threat Modeling Tool; it was imported with the end missing"));
            }
            if let ElementProperties::DataFlow(f) = &mut element.properties {
                f.source = source;
                f.target = target;
            }
        }
    }

    /// An element's common fields and kind properties from its attributes; what does not
    /// map is reported.
    fn element(&mut self, id: Id, diagram: Id, shape: Shape, value: usize, attrs: &[Attr]) -> Element {
        let tree = self.tree;
        let mut element = Element { id, diagram, ..Default::default() };
        let mut properties = match shape {
            Shape::Actor => ElementProperties::ExternalEntity(EntityProperties::default()),
            Shape::Process => ElementProperties::Process(ProcessProperties::default()),
            Shape::Store => ElementProperties::DataStore(StoreProperties::default()),
            Shape::Flow => ElementProperties::DataFlow(FlowProperties::default()),
            _ => ElementProperties::TrustBoundary(BoundaryProperties {}),
        };
        let kinds = match properties.kind() {
            ElementKind::ExternalEntity => "external entities",
            ElementKind::Process => "processes",
            ElementKind::DataStore => "data stores",
            ElementKind::DataFlow => "data flows",
            ElementKind::TrustBoundary => "trust boundaries",
        };
        let type_id = tree.child_text(value, "TypeId").trim();
        let generic_stencil = type_id.is_empty() || type_id.to_ascii_uppercase().starts_with("GE.");
        let mut stencil_name: Option<&str> = None;
        for attr in attrs {
            let mapped = match (attr.key.as_str(), &attr.value) {
                (_, Value::Header) => {
                    stencil_name.get_or_insert(attr.display.as_str());
                    Mapped::Yes
                }
                ("name", Value::Text(t)) => {
                    element.name = t.clone();
                    Mapped::Yes
                }
                ("description", Value::Text(t)) => {
                    element.description = t.clone();
                    Mapped::Yes
                }
                ("out of scope", v) => match yes_no(v) {
                    Ok(v) => {
                        element.out_of_scope = v.unwrap_or(false);
                        Mapped::Yes
                    }
                    Err(_) => Mapped::BadValue,
                },
                ("reason for out of scope", Value::Text(t)) => {
                    element.out_of_scope_reason = t.trim().to_string();
                    Mapped::Yes
                }
                _ => match &mut properties {
                    ElementProperties::ExternalEntity(p) => entity_attr(p, attr),
                    ElementProperties::Process(p) => process_attr(p, attr),
                    ElementProperties::DataStore(p) => store_attr(p, attr),
                    ElementProperties::DataFlow(p) => flow_attr(p, attr),
                    ElementProperties::TrustBoundary(_) => Mapped::No,
                },
            };
            match mapped {
                Mapped::Yes => {}
                Mapped::No if holds_value(attr) => {
                    self.warnings.add(&format!("the TMT attribute “{}” of {kinds} has no Rampart property; its value was not imported", short(&attr.display)));
                }
                Mapped::No => {}
                Mapped::BadValue => {
                    let shown = match &attr.value {
                        Value::Text(t) | Value::Other(t) | Value::Choice(Some(t)) => t.as_str(),
                        Value::Flag(_) | Value::Choice(None) | Value::Header => "",
                    };
                    self.warnings.add(&format!("the TMT value “{}” of “{}” has no Rampart equivalent; it was not imported", short(shown), short(&attr.display)));
                }
            }
        }
        if !generic_stencil {
            if let Some(stencil) = stencil_name {
                element.technology = stencil.to_string();
            }
            if let ElementProperties::DataFlow(f) = &mut properties {
                let suffix = type_id.rsplit('.').next().unwrap_or("");
                if type_id.to_ascii_uppercase().starts_with("SE.DF.") && PROTOCOL_STENCILS.iter().any(|p| p.eq_ignore_ascii_case(suffix)) {
                    f.protocol = stencil_name.unwrap_or(suffix).to_string();
                }
            }
        }
        element.properties = properties;
        element
    }

    /// Finds an element by TMT GUID, first on the threat's own diagram.
    fn lookup(&self, surface: Option<&str>, guid: Option<&str>) -> Option<Id> {
        let guid = guid?;
        let key = surface.and_then(|s| self.diagram_keys.get(s));
        key.and_then(|k| self.by_diagram.get(&(k.clone(), guid.to_string())))
            .or_else(|| self.by_guid.get(guid))
            .copied()
    }

    /// One stored threat.
    ///
    /// - Title: the `Title` property (else the template's short title).
    /// - Category: the `UserThreatCategory` property (else the template's category for the
    ///   threat type), matched to STRIDE by name ("Elevation of Privileges", "Denial Of
    ///   Service", … or the one-letter ids); any other category is filed under Tampering,
    ///   with a warning.
    /// - State: TMT's Not Started (`NotStarted`, and `AutoGenerated`, which TMT shows as Not
    ///   Started) → Open; Needs Investigation → Open, with a note and a warning (Rampart has
    ///   no such status); Not Applicable → Not applicable; Mitigated → Mitigated.
    /// - Justification (`StateInformation`): the rationale of a Mitigated or Not Applicable
    ///   threat (it says why); a note otherwise.
    /// - Priority: High → likelihood 3, impact 4 (score 12, High); Medium → 3 x 3 (9,
    ///   Medium); Low → 2 x 2 (4, Low): the same severity as TMT's priority.
    /// - Target: TMT files a threat under an interaction (source → flow → target). The threat
    ///   targets the source when its title names the source and not the target ("Spoofing
    ///   the X Process"), the flow when its title names the flow and neither end or speaks
    ///   of the "data flow" ("Data Flow Sniffing"), else the interaction's target (as TMT's
    ///   `TargetGuid`). The interaction is kept in the notes.
    /// - Possible mitigations: one proposed mitigation per distinct text, linked to every
    ///   threat that suggests it.
    /// - Who set the state and when (`ChangedBy`, `ModifiedAt`): reviewer and review date.
    /// - Any other property of a custom template: kept in the notes, with a warning.
    fn threat(&mut self, n: usize, entry: usize) {
        let tree = self.tree;
        let value = tree.child(entry, "Value").unwrap_or(entry);
        let key = tree.field(entry, "Key").or_else(|| tree.field(value, "Id")).map(String::from).unwrap_or_else(|| format!("threat-{n}"));
        let mut id = derived_id(&["threat", &key]);
        if self.doc.threats.contains_key(&id) {
            id = derived_id(&["threat", &key, &n.to_string()]);
        }
        let props: Vec<(String, String)> = tree
            .child(value, "Properties")
            .map(|p| tree.children(p).map(|kv| (tree.child_text(kv, "Key").trim().to_string(), tree.child_text(kv, "Value").to_string())).collect())
            .unwrap_or_default();
        let prop = |name: &str| -> Option<String> {
            props
                .iter()
                .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .or_else(|| tree.field(value, name).map(String::from))
        };
        let type_id = tree.field(value, "TypeId").unwrap_or("");
        let template = self.kb_threat_types.get(type_id);
        let mut notes: Vec<String> = Vec::new();
        let number = tree.field(value, "Id").map(|i| format!("threat {}", short(i))).unwrap_or_else(|| "threat".to_string());
        notes.push(if type_id.is_empty() { format!("Threat Modeling Tool {number}") } else { format!("Threat Modeling Tool {number} (type {})", short(type_id)) });

        let title = prop("Title")
            .or_else(|| template.map(|t| t.1.clone()).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| if type_id.is_empty() { "Untitled threat".to_string() } else { format!("TMT threat {}", short(type_id)) });

        let category_name = prop("UserThreatCategory").or_else(|| {
            let id = &template?.0;
            Some(self.kb_categories.get(id).cloned().unwrap_or_else(|| id.clone()))
        });
        let category = match category_name.as_deref().map(stride) {
            Some(Some(c)) => c,
            Some(None) => {
                let c = category_name.as_deref().unwrap_or("");
                self.warnings.add(&format!("threat category “{}” is not a STRIDE category; such threats were filed under Tampering", short(c)));
                StrideCategory::Tampering
            }
            None => {
                self.warnings.add("threats without a category were filed under Tampering");
                StrideCategory::Tampering
            }
        };

        let state = tree.field(value, "State").unwrap_or("");
        let status = match norm(state).replace([' ', '_'], "").as_str() {
            "" | "autogenerated" | "notstarted" => ThreatStatus::Open,
            "needsinvestigation" => {
                self.warnings.add("threats marked Needs Investigation were imported as Open (Rampart has no such status; a note says so)");
                notes.push("State in the Threat Modeling Tool: Needs Investigation".to_string());
                ThreatStatus::Open
            }
            "notapplicable" => ThreatStatus::NotApplicable,
            "mitigated" => ThreatStatus::Mitigated,
            _ => {
                self.warnings.add(&format!("threat state “{}” is unknown; such threats were imported as Open", short(state)));
                ThreatStatus::Open
            }
        };
        let mut rationale = String::new();
        if let Some(justification) = prop("StateInformation") {
            if matches!(status, ThreatStatus::Mitigated | ThreatStatus::NotApplicable) {
                rationale = justification;
            } else {
                notes.push(format!("Justification: {justification}"));
            }
        }

        let priority = prop("Priority");
        let (likelihood, impact) = match priority.as_deref().map(norm).as_deref() {
            Some("high") => (3, 4),
            Some("medium") => (3, 3),
            Some("low") => (2, 2),
            Some(_) => {
                let shown = short(priority.as_deref().unwrap_or(""));
                self.warnings.add(&format!("threat priority “{shown}” is unknown; such threats were scored Medium"));
                (3, 3)
            }
            None => {
                self.warnings.add("threats without a priority were scored Medium");
                (3, 3)
            }
        };

        // The interaction and the target.
        let surface = tree.field(value, "DrawingSurfaceGuid");
        let source = self.lookup(surface, tree.field(value, "SourceGuid"));
        let flow = self.lookup(surface, tree.field(value, "FlowGuid"));
        let target = self.lookup(surface, tree.field(value, "TargetGuid"));
        // Names are copied into every threat's notes: bounded, so that a huge name is not
        // copied thousands of times (a shortened name never matches a title).
        let name_of = |id: Option<Id>| -> String {
            let name = id.and_then(|i| self.doc.elements.get(&i)).map_or("", |e| e.name.trim());
            if name.len() > 4 * SHORT {
                short(name)
            } else {
                name.to_string()
            }
        };
        let (source_name, flow_name, target_name) = (name_of(source), name_of(flow), name_of(target));
        let named = |name: &str| name.chars().count() >= 3 && !name.ends_with('…') && title.len() <= 4096 && title.contains(name);
        let (names_source, names_flow, names_target) = (named(&source_name), named(&flow_name), named(&target_name));
        let target_id = if names_source && !names_target && source.is_some() {
            source
        } else if ((names_flow && !names_source && !names_target) || title.to_lowercase().contains("data flow")) && flow.is_some() {
            flow
        } else {
            target.or(flow).or(source)
        };
        if target_id.is_none() {
            self.warnings.add("threats whose elements are not in the diagrams were imported without a target");
        }
        if flow.is_some() || source.is_some() || target.is_some() {
            let show = |n: &str| if n.is_empty() { "?".to_string() } else { short(n) };
            notes.push(format!("Interaction: {} → {} → {}", show(&source_name), show(&flow_name), show(&target_name)));
        }
        if let Some(phase) = prop("SDLPhase") {
            notes.push(format!("SDL phase: {phase}"));
        }

        let known = ["Title", "UserThreatCategory", "UserThreatShortDescription", "UserThreatDescription", "InteractionString", "PossibleMitigations", "Priority", "SDLPhase", "StateInformation"];
        for (k, v) in &props {
            if v.trim().is_empty() || known.iter().any(|known| known.eq_ignore_ascii_case(k)) {
                continue;
            }
            self.warnings.add(&format!("the TMT threat property “{}” has no Rampart field; it was kept in the threat's notes", short(k)));
            notes.push(format!("{}: {}", short(k), v.trim()));
        }

        let mut mitigations = Vec::new();
        if let Some(text) = prop("PossibleMitigations").map(|t| plain(&t)).filter(|t| !t.is_empty()) {
            let mitigation_id = derived_id(&["mitigation", &text]);
            self.doc.mitigations.entry(mitigation_id).or_insert_with(|| {
                let first = text.split(". ").next().unwrap_or(&text);
                let name = short(first.lines().next().unwrap_or(first)).trim_end_matches('.').to_string();
                Mitigation { id: mitigation_id, name, description: text, status: MitigationStatus::Proposed }
            });
            mitigations.push(mitigation_id);
        }

        let reviewer = tree.field(value, "ChangedBy").map(short).unwrap_or_default();
        let review_date = tree.field(value, "ModifiedAt").and_then(iso_date);
        self.doc.threats.insert(
            id,
            Threat {
                id,
                title,
                category,
                target: target_id,
                rule_id: None,
                description: prop("UserThreatDescription").map(|d| plain(&d)).unwrap_or_default(),
                status,
                likelihood,
                impact,
                mitigations,
                reviewer,
                review_date,
                rationale,
                origin: Origin::Manual,
                notes: notes.join("\n"),
                ..Default::default()
            },
        );
    }
}

/// A STRIDE category from TMT's category names (or their one-letter ids).
fn stride(name: &str) -> Option<StrideCategory> {
    let key: String = name.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    Some(match key.as_str() {
        "s" | "spoofing" => StrideCategory::Spoofing,
        "t" | "tampering" => StrideCategory::Tampering,
        "r" | "repudiation" => StrideCategory::Repudiation,
        "i" | "informationdisclosure" => StrideCategory::InformationDisclosure,
        "d" | "denialofservice" => StrideCategory::DenialOfService,
        "e" | "elevationofprivilege" | "elevationofprivileges" => StrideCategory::ElevationOfPrivilege,
        _ => return None,
    })
}
