import { useEffect, useState } from "react";

import * as client from "../api/client";
import type { RecentFile } from "../api/bindings/RecentFile";
import { IMPORT_FORMATS, newModel, openModel, openRecent } from "../state/actions";
import { errorMessage } from "../state/errors";
import { useUi } from "../state/ui";

function when(openedAt: RecentFile["opened_at"]): string {
  const seconds = Number(openedAt);
  if (!Number.isFinite(seconds) || seconds <= 0) return "";
  const date = new Date(seconds * 1000);
  const days = Math.floor((Date.now() - date.getTime()) / 86_400_000);
  if (days < 1 && date.getDate() === new Date().getDate()) {
    return `Today, ${date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}`;
  }
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

/** Shown when no model is open: start a new one, open one, or pick a recent one. */
export function StartScreen() {
  const [recent, setRecent] = useState<RecentFile[] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    client.recentFiles().then(
      (files) => live && setRecent(files),
      (e) => {
        if (!live) return;
        setRecent([]);
        useUi.getState().showError(errorMessage(e));
      },
    );
    return () => {
      live = false;
    };
  }, []);

  const run = (task: () => Promise<void>) => async () => {
    setBusy(true);
    try {
      await task();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="start">
      <div className="start__panel">
        <header className="start__header">
          <span className="brand-mark brand-mark--large" aria-hidden="true" />
          <div>
            <h1 className="start__title">Rampart</h1>
            <p className="start__subtitle">Threat modeling with data-flow diagrams</p>
          </div>
        </header>
        <div className="start__actions">
          <button type="button" className="button button--primary button--large" data-testid="new-model" disabled={busy} onClick={run(newModel)}>
            New model
          </button>
          <button type="button" className="button button--large" data-testid="open-model" disabled={busy} onClick={run(openModel)}>
            Open / Import…
          </button>
        </div>
        <p className="start__formats" data-testid="import-formats">
          Opens Rampart models and imports {IMPORT_FORMATS} files.
        </p>
        <section className="start__recent" aria-labelledby="recent-title">
          <h2 id="recent-title" className="section-title">
            Recent models
          </h2>
          {recent === null ? (
            <p className="muted">Loading…</p>
          ) : recent.length === 0 ? (
            <p className="muted" data-testid="no-recent">
              No recent models yet. Create one to get started.
            </p>
          ) : (
            <ul className="recent-list">
              {recent.map((file) => (
                <li key={file.path}>
                  <button
                    type="button"
                    className="recent-file"
                    data-testid="recent-file"
                    data-path={file.path}
                    disabled={busy}
                    title={`Open ${file.path}`}
                    onClick={run(() => openRecent(file.path))}
                  >
                    <span className="recent-file__icon" aria-hidden="true" />
                    <span className="recent-file__text">
                      <span className="recent-file__name">{file.name || file.path}</span>
                      <span className="recent-file__path">{file.path}</span>
                    </span>
                    <span className="recent-file__when">{when(file.opened_at)}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
