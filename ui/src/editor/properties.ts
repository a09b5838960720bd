// The typed properties of each kind of element (PRODUCT.md §2) as the inspector shows them:
// a label, the control that edits the value, and one line on what the value changes in the
// threat analysis. The rules themselves live in the engine (crates/engine/rules); these
// lines describe them for the user.

import type { Classification } from "../api/bindings/Classification";
import type { Element } from "../api/bindings/Element";
import type { ElementKind } from "../api/bindings/ElementKind";
import type { ElementProperties } from "../api/bindings/ElementProperties";
import type { Privilege } from "../api/bindings/Privilege";

type PropertiesOf<K extends ElementKind> = Extract<ElementProperties, { kind: K }>;

/** The keys of a kind's properties whose values are of type `V` (the ends of a flow are not edited here). */
type KeysWith<K extends ElementKind, V> = {
  [P in keyof PropertiesOf<K>]: P extends "kind" | "source" | "target" ? never : PropertiesOf<K>[P] extends V ? P : never;
}[keyof PropertiesOf<K>] &
  string;

export interface Choice<V extends string> {
  value: V;
  label: string;
}

type Field<Tri, Flag, Text, Pick> = { label: string; explain: string } & (
  | { type: "yes_no_unknown"; key: Tri }
  | { type: "flag"; key: Flag }
  | { type: "text"; key: Text; placeholder: string }
  | { type: "choice"; key: Pick; choices: Choice<string>[] }
);

/** One property of kind `K` and the control that edits it: the key must hold the control's type. */
export type PropertyField<K extends ElementKind> = Field<
  KeysWith<K, boolean | null>,
  KeysWith<K, boolean>,
  KeysWith<K, string>,
  KeysWith<K, string | null>
>;

/** A property field of any kind, for code that handles every kind alike. */
export type AnyPropertyField = Field<string, string, string, string>;

const PRIVILEGES: Choice<Privilege>[] = [
  { value: "user", label: "User" },
  { value: "service", label: "Service account" },
  { value: "admin", label: "Admin" },
  { value: "root", label: "Root" },
];

const CLASSIFICATIONS: Choice<Classification>[] = [
  { value: "public", label: "Public" },
  { value: "internal", label: "Internal" },
  { value: "confidential", label: "Confidential" },
  { value: "secret", label: "Secret" },
];

const PROPERTY_FIELDS: { [K in ElementKind]: PropertyField<K>[] } = {
  external_entity: [
    {
      type: "yes_no_unknown",
      key: "is_human",
      label: "A person",
      explain: "A person adds phishing and stolen-password threats; a system adds a rogue-system impostor threat.",
    },
    {
      type: "yes_no_unknown",
      key: "authenticated",
      label: "Authenticated",
      explain: "Yes lowers the likelihood of impersonation and denial; otherwise its actions cannot be attributed to anyone.",
    },
  ],
  process: [
    {
      type: "choice",
      key: "privilege",
      label: "Runs as",
      choices: PRIVILEGES,
      explain: "Admin or root raises the impact of tampering and code execution, and adds a threat of its own.",
    },
    {
      type: "yes_no_unknown",
      key: "authenticates_callers",
      label: "Authenticates callers",
      explain: "Unless yes, a threat that it acts on requests without knowing who sent them; yes on the internet adds password guessing.",
    },
    {
      type: "yes_no_unknown",
      key: "authorizes_callers",
      label: "Authorizes callers",
      explain: "Unless yes, callers may reach functions or data they are not entitled to (a confused deputy across a boundary).",
    },
    {
      type: "yes_no_unknown",
      key: "validates_input",
      label: "Validates input",
      explain: "Unless yes, adds injection and malformed-input crash threats.",
    },
    {
      type: "yes_no_unknown",
      key: "logs_security_events",
      label: "Logs security events",
      explain: "Unless yes, attacks on it leave no record; yes adds a threat that its log is forged or erased.",
    },
    {
      type: "yes_no_unknown",
      key: "internet_facing",
      label: "Internet-facing",
      explain: "Yes raises the likelihood of spoofing, data leaks, flooding and code execution.",
    },
    {
      type: "yes_no_unknown",
      key: "handles_secrets",
      label: "Handles secrets",
      explain: "Yes adds a threat that the keys, tokens or passwords it holds leak.",
    },
  ],
  data_store: [
    {
      type: "yes_no_unknown",
      key: "stores_credentials",
      label: "Stores credentials",
      explain: "Yes adds credential theft and cracking, and raises the impact of tampering.",
    },
    {
      type: "yes_no_unknown",
      key: "stores_pii",
      label: "Stores personal data",
      explain: "Yes adds a personal-data exposure threat; unencrypted, also an unencrypted-sensitive-data threat.",
    },
    {
      type: "yes_no_unknown",
      key: "stores_payment_data",
      label: "Stores payment data",
      explain: "Yes adds a payment-data theft threat; unencrypted, also an unencrypted-sensitive-data threat.",
    },
    {
      type: "yes_no_unknown",
      key: "encrypted_at_rest",
      label: "Encrypted at rest",
      explain: "Yes lowers the likelihood that its data is read; unless yes, sensitive data in it is a threat of its own.",
    },
    {
      type: "yes_no_unknown",
      key: "is_audit_log",
      label: "Is an audit log",
      explain: "Yes adds threats that entries are forged or erased, or that events go unrecorded.",
    },
    {
      type: "yes_no_unknown",
      key: "backed_up",
      label: "Backed up",
      explain: "Unless yes, adds a threat that its data is lost for good (deletion, corruption, ransomware).",
    },
    {
      type: "yes_no_unknown",
      key: "access_controlled",
      label: "Access controlled",
      explain: "Yes lowers the likelihood of tampering and reading; unless yes, anyone may change its data.",
    },
  ],
  data_flow: [
    {
      type: "text",
      key: "protocol",
      label: "Protocol",
      placeholder: "e.g. HTTPS, gRPC, SQL",
      explain: "A clear-text protocol (HTTP, FTP, Telnet, SMTP, LDAP, MQTT…) adds a threat of its own.",
    },
    {
      type: "flag",
      key: "bidirectional",
      label: "Goes both ways",
      explain: "Boundary-crossing threats are then checked in both directions.",
    },
    {
      type: "yes_no_unknown",
      key: "encrypted_in_transit",
      label: "Encrypted in transit",
      explain: "Yes lowers interception and tampering; unless yes, crossing a boundary adds interception and impostor threats.",
    },
    {
      type: "yes_no_unknown",
      key: "authenticated",
      label: "Authenticated",
      explain: "Unless yes, someone beyond a crossed boundary can send data on it as its source.",
    },
    {
      type: "yes_no_unknown",
      key: "integrity_protected",
      label: "Integrity protected",
      explain: "Yes lowers tampering; with neither this nor encryption, crossing a boundary adds a tampering threat.",
    },
    {
      type: "yes_no_unknown",
      key: "over_public_network",
      label: "Over a public network",
      explain: "Yes raises interception and flooding likelihood, and adds a threat that the traffic is blocked.",
    },
    {
      type: "choice",
      key: "data_classification",
      label: "Data classification",
      choices: CLASSIFICATIONS,
      explain: "Confidential or secret data leaving a boundary adds a disclosure threat.",
    },
    {
      type: "yes_no_unknown",
      key: "carries_credentials",
      label: "Carries credentials",
      explain: "Yes adds a threat that credentials are captured and replayed.",
    },
  ],
  trust_boundary: [],
};

export function propertyFields(kind: ElementKind): AnyPropertyField[] {
  return PROPERTY_FIELDS[kind];
}

type Values = { [key: string]: unknown };

/** The value of a kind's property, by the key a field names. */
export function propertyValue(element: Element, key: string): unknown {
  return (element.properties as unknown as Values)[key];
}

/** `element` with one property replaced; the key comes from the element's own kind's fields. */
export function withProperty(element: Element, key: string, value: unknown): Element {
  return { ...element, properties: { ...element.properties, [key]: value } as ElementProperties };
}
