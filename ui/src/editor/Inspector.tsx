// The inspector: the selected elements' fields and typed properties, each with what it
// changes in the threat analysis. An edit sends one `put` of the whole elements; with
// several elements selected, a field edits all of them at once.

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { ElementKind } from "../api/bindings/ElementKind";
import { ElementThreats } from "../analysis/ElementThreats";
import { ChoiceField, FlagField, MIXED, TextField, YesNoUnknown, type Shown } from "../components/fields";
import { useUi } from "../state/ui";
import { editElements } from "./commands";
import { KIND_LABELS } from "./elements";
import { propertyFields, propertyValue, withProperty, type AnyPropertyField } from "./properties";

/** The value all `elements` share, or MIXED. */
function shared<T>(elements: Element[], read: (e: Element) => T): Shown<T> {
  const first = elements[0];
  if (!first) return MIXED;
  const value = read(first);
  const text = JSON.stringify(value);
  return elements.every((e) => JSON.stringify(read(e)) === text) ? value : MIXED;
}

const PLURALS: { [K in ElementKind]: string } = {
  external_entity: "external entities",
  process: "processes",
  data_store: "data stores",
  data_flow: "flows",
  trust_boundary: "trust boundaries",
};

function nameOf(doc: Document, id: string | null): string {
  if (!id) return "(missing)";
  return doc.elements[id]?.name.trim() || "(unnamed)";
}

/** "Flow from API to Ledger", "Process", "3 processes", "4 elements". */
function heading(doc: Document, elements: Element[], kind: ElementKind | null): { title: string; detail: string | null } {
  const [only] = elements;
  if (elements.length === 1 && only) {
    const p = only.properties;
    const detail = p.kind === "data_flow" ? `From ${nameOf(doc, p.source)} to ${nameOf(doc, p.target)}` : null;
    return { title: KIND_LABELS[p.kind], detail };
  }
  return { title: `${elements.length} ${kind ? PLURALS[kind] : "elements"}`, detail: "Edits apply to all of them" };
}

function parseTags(text: string): string[] {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

type TextProps = { value: Shown<string>; onEdit: (value: string, coalesce: string) => void; testId: string };

const EXPLAIN = {
  name: "Threats and findings name the element by it; an empty or repeated name in a diagram is a finding.",
  description: "What it is and does, for reviewers; it goes into the report.",
  technology: "What it is built with, e.g. PostgreSQL 16 or a Go service; shown in the report.",
  owner: "Who answers for it and its threats.",
  tags: "Comma-separated labels, to group and filter elements.",
  outOfScope: "No threats are generated for an element out of scope; the reason goes into the report.",
  reason: "Why it is out of scope, for reviewers.",
};

function PropertyControl({ field, elements }: { field: AnyPropertyField; elements: Element[] }) {
  const ids = elements.map((e) => e.id);
  const set = (value: unknown, coalesce: string | null = null) => void editElements(ids, (e) => withProperty(e, field.key, value), coalesce);
  const value = shared(elements, (e) => propertyValue(e, field.key));
  const common = { label: field.label, explain: field.explain, testId: `prop-${field.key}` };
  switch (field.type) {
    case "yes_no_unknown":
      return <YesNoUnknown {...common} value={value as Shown<boolean | null>} onEdit={set} />;
    case "flag":
      return <FlagField {...common} value={value as Shown<boolean>} onEdit={set} />;
    case "choice":
      return <ChoiceField {...common} value={value as Shown<string | null>} choices={field.choices} onEdit={set} />;
    case "text":
      return <TextField {...common} value={value as Shown<string>} placeholder={field.placeholder} onEdit={set} />;
  }
}

export function Inspector({ doc, diagram }: { doc: Document; diagram: string | null }) {
  const selection = useUi((s) => s.selection);
  const elements = selection.flatMap((id) => {
    const e = doc.elements[id];
    return e && e.diagram === diagram ? [e] : [];
  });
  const ids = elements.map((e) => e.id);
  const kind = shared(elements, (e) => e.properties.kind);
  const sameKind = kind === MIXED ? null : kind;
  const single = elements.length === 1;

  if (elements.length === 0) {
    return (
      <aside className="inspector" aria-label="Inspector" data-testid="inspector" data-own-keys>
        <p className="inspector__empty">Select an element to see and edit its properties. Shift-click or Shift-drag selects several.</p>
      </aside>
    );
  }

  const edit = (change: (e: Element) => Element) => (coalesce: string | null) => void editElements(ids, change, coalesce);
  const text = (field: "name" | "description" | "technology" | "owner" | "out_of_scope_reason"): TextProps => ({
    value: shared(elements, (e) => e[field]),
    onEdit: (value: string, coalesce: string) => edit((e) => ({ ...e, [field]: value }))(coalesce),
    testId: `field-${field}`,
  });
  const outOfScope = shared(elements, (e) => e.out_of_scope);
  const { title, detail } = heading(doc, elements, sameKind);
  const fields = sameKind ? propertyFields(sameKind) : [];

  return (
    // A new selection starts with fresh fields, scrolled to the top (and sends what the old one still had).
    <aside className="inspector" aria-label="Inspector" data-testid="inspector" data-own-keys key={ids.join(",")}>
      <div className="inspector__content">
        <header className="inspector__header">
          <h2 className="inspector__title" data-testid="inspector-title">
            {title}
          </h2>
          {detail && <p className="inspector__detail">{detail}</p>}
        </header>
        <section className="inspector__section" aria-label="General">
          {single && <TextField label="Name" explain={EXPLAIN.name} {...text("name")} />}
          {single && <TextField label="Description" explain={EXPLAIN.description} multiline {...text("description")} />}
          <TextField label="Technology" explain={EXPLAIN.technology} {...text("technology")} />
          <TextField label="Owner" explain={EXPLAIN.owner} {...text("owner")} />
          <TextField
            label="Tags"
            explain={EXPLAIN.tags}
            testId="field-tags"
            value={shared(elements, (e) => e.tags.join(", "))}
            onEdit={(value, coalesce) => edit((e) => ({ ...e, tags: parseTags(value) }))(coalesce)}
          />
          <FlagField label="Out of scope" explain={EXPLAIN.outOfScope} testId="field-out_of_scope" value={outOfScope} onEdit={(value) => edit((e) => ({ ...e, out_of_scope: value }))(null)} />
          {outOfScope !== false && <TextField label="Why it is out of scope" explain={EXPLAIN.reason} {...text("out_of_scope_reason")} />}
        </section>
        {fields.length > 0 && (
          <section className="inspector__section" aria-label="Properties">
            <h3 className="inspector__section-title">What the threat analysis reads</h3>
            {fields.map((field) => (
              <PropertyControl key={field.key} field={field} elements={elements} />
            ))}
          </section>
        )}
        {sameKind === "trust_boundary" && (
          <p className="inspector__note">A trust boundary has no properties of its own: flows that cross it get the boundary-crossing threats.</p>
        )}
        {!sameKind && <p className="inspector__note">Select elements of one kind to edit the properties of that kind together.</p>}
        {single && elements[0] && <ElementThreats element={elements[0].id} />}
      </div>
    </aside>
  );
}
