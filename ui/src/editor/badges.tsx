// Small badges on a shape or a flow: how many threats it has, coloured by the highest
// severity among them, and how many validation findings. What they count comes from the
// engine's analysis, passed to the canvas as annotations; the canvas never counts itself.

import type { FindingSeverity } from "../api/bindings/FindingSeverity";
import type { Severity } from "../api/bindings/Severity";

export interface ElementAnnotation {
  /** The element's open threats and the highest severity among them. */
  threats?: { count: number; highest: Severity };
  /** The validation findings about the element and the most severe kind among them. */
  findings?: { count: number; highest: FindingSeverity };
}

/** Annotations by element id. */
export type Annotations = ReadonlyMap<string, ElementAnnotation>;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Whether there is anything to show. */
export function hasBadges(annotation: ElementAnnotation | undefined): boolean {
  return !!(annotation?.threats?.count || annotation?.findings?.count);
}

export function Badges({ annotation }: { annotation: ElementAnnotation | undefined }) {
  if (!hasBadges(annotation)) return null;
  const { threats, findings } = annotation ?? {};
  return (
    <div className="badges" data-testid="badges">
      {threats && threats.count > 0 && (
        <span
          className={`badge badge--threat badge--${threats.highest.toLowerCase()}`}
          data-testid="threat-badge"
          title={`${plural(threats.count, "open threat", "open threats")}, the highest ${threats.highest}`}
        >
          {threats.count}
        </span>
      )}
      {findings && findings.count > 0 && (
        <span
          className={`badge badge--finding badge--${findings.highest}`}
          data-testid="finding-badge"
          title={plural(findings.count, "validation finding", "validation findings")}
        >
          !{findings.count}
        </span>
      )}
    </div>
  );
}
