// The keyboard shortcut cheat sheet ("?"): the editor's shortcut table and what the mouse does.

import { Dialog } from "../components/Dialog";
import { GESTURES, type Group, type Shortcut } from "./keymap";

const GROUPS: Group[] = ["Edit", "Arrange", "View"];

export function CheatSheet({ shortcuts, onClose }: { shortcuts: Shortcut[]; onClose: () => void }) {
  return (
    <Dialog
      title="Keyboard shortcuts"
      onClose={onClose}
      testId="cheat-sheet"
      wide
      actions={
        <button type="button" className="button" data-autofocus onClick={onClose}>
          Close
        </button>
      }
    >
      <div className="cheat-sheet">
        {GROUPS.map((group) => (
          <section key={group} className="cheat-sheet__group">
            <h3 className="cheat-sheet__title">{group}</h3>
            <dl>
              {shortcuts
                .filter((s) => s.group === group)
                .map((s) => (
                  <div key={s.label} className="cheat-sheet__row" data-testid="shortcut">
                    <dt>
                      {s.chords.map((c, i) => (
                        <span key={c.spec}>
                          {i > 0 && <span className="cheat-sheet__or"> or </span>}
                          <kbd>{c.label}</kbd>
                        </span>
                      ))}
                    </dt>
                    <dd>{s.label}</dd>
                  </div>
                ))}
            </dl>
          </section>
        ))}
        <section className="cheat-sheet__group">
          <h3 className="cheat-sheet__title">Mouse</h3>
          <dl>
            {GESTURES.map((g) => (
              <div key={g.gesture} className="cheat-sheet__row">
                <dt>{g.gesture}</dt>
                <dd>{g.label}</dd>
              </div>
            ))}
          </dl>
        </section>
      </div>
    </Dialog>
  );
}
