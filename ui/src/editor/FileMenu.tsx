// The File menu: new, open or import, save as, the exports, close.

import { useState } from "react";

import type { Document } from "../api/bindings/Document";
import { MenuButton, separator, type MenuEntry } from "../components/Menu";
import { closeModel, exportModel, IMPORT_FORMATS, newModel, openModel, saveAs } from "../state/actions";
import { useUi } from "../state/ui";
import { ReportDialog } from "./ReportDialog";

function quoted(name: string): string {
  return `“${name.trim() || "unnamed"}”`;
}

/**
 * The menu's entries for the open model, `diagram` being the one on screen and `shownTree`
 * the attack tree on screen, if a tree tab is active (the tree exports take it, else the first).
 */
function fileMenuEntries(doc: Document, diagram: string | null, shownTree: string | null, openReport: () => void): MenuEntry[] {
  const tree = shownTree && doc.attack_trees[shownTree] ? shownTree : Object.keys(doc.attack_trees).sort()[0];
  const diagramName = diagram ? doc.diagrams[diagram]?.name : undefined;
  const treeName = tree ? doc.attack_trees[tree]?.name : undefined;
  return [
    { kind: "item", label: "New model", testId: "menu-new-model", run: () => void newModel() },
    { kind: "item", label: "Open / Import…", hint: `Rampart models, or ${IMPORT_FORMATS} files`, testId: "menu-open-model", run: () => void openModel() },
    { kind: "item", label: "Save as…", testId: "save-as", run: () => void saveAs() },
    separator,
    { kind: "heading", label: "Export" },
    {
      kind: "item",
      label: "Report as PDF…",
      hint: "The threat-model document for reviewers: choose sections and paper",
      testId: "export-pdf",
      run: openReport,
    },
    {
      kind: "item",
      label: "Report as Markdown…",
      hint: "The same document as text, for wikis and pull requests",
      testId: "export-markdown",
      run: () => void exportModel({ format: "markdown", diagram: null, tree: null }),
    },
    {
      kind: "item",
      label: "Threats as CSV…",
      hint: "The threat register, for a spreadsheet",
      testId: "export-csv",
      run: () => void exportModel({ format: "csv", diagram: null, tree: null }),
    },
    {
      kind: "item",
      label: "Diagram as SVG…",
      hint: diagram ? `The drawing of ${quoted(diagramName ?? "")}` : "The model has no diagram",
      disabled: !diagram,
      testId: "export-svg",
      run: () => void exportModel({ format: "svg", diagram, tree: null }),
    },
    {
      kind: "item",
      label: "Diagram as PNG…",
      hint: diagram ? `A picture of ${quoted(diagramName ?? "")}` : "The model has no diagram",
      disabled: !diagram,
      testId: "export-png",
      run: () => void exportModel({ format: "png", diagram, tree: null }),
    },
    {
      kind: "item",
      label: "Attack tree as SVG…",
      hint: tree ? `The drawing of the tree ${quoted(treeName ?? "")}, its cheapest scenario marked` : "The model has no attack tree",
      disabled: !tree,
      testId: "export-tree-svg",
      run: () => void exportModel({ format: "svg", diagram: null, tree: tree ?? null }),
    },
    {
      kind: "item",
      label: "Attack tree as PNG…",
      hint: tree ? `A picture of the tree ${quoted(treeName ?? "")}` : "The model has no attack tree",
      disabled: !tree,
      testId: "export-tree-png",
      run: () => void exportModel({ format: "png", diagram: null, tree: tree ?? null }),
    },
    {
      kind: "item",
      label: "Threat Dragon JSON…",
      hint: "The diagrams and threats, for OWASP Threat Dragon",
      testId: "export-threat_dragon",
      run: () => void exportModel({ format: "threat_dragon", diagram: null, tree: null }),
    },
    {
      kind: "item",
      label: "Attack tree as ADTool XML…",
      hint: tree ? `The tree ${quoted(treeName ?? "")}` : "The model has no attack tree",
      disabled: !tree,
      testId: "export-adtool",
      run: () => void exportModel({ format: "adtool", diagram: null, tree: tree ?? null }),
    },
    {
      kind: "item",
      label: "Rampart JSON…",
      hint: "The whole model as text, for Git",
      testId: "export-rampart_json",
      run: () => void exportModel({ format: "rampart_json", diagram: null, tree: null }),
    },
    separator,
    { kind: "item", label: "Close", testId: "close-model", run: () => void closeModel() },
  ];
}

export function FileMenu({ doc, diagram }: { doc: Document; diagram: string | null }) {
  const [reportOpen, setReportOpen] = useState(false);
  const shownTree = useUi((s) => s.tree);
  return (
    <>
      <MenuButton label="File" testId="file-menu" entries={() => fileMenuEntries(doc, diagram, shownTree, () => setReportOpen(true))}>
        File
        <span className="caret" aria-hidden="true" />
      </MenuButton>
      {reportOpen && <ReportDialog onClose={() => setReportOpen(false)} />}
    </>
  );
}
