import { useUi } from "../state/ui";

/** Information the user should read (e.g. what an import could not carry over), until dismissed. */
export function NoticeBanner() {
  const notice = useUi((s) => s.notice);
  const dismiss = useUi((s) => s.showNotice);
  if (!notice) return null;
  return (
    <div className="banner banner--notice" data-testid="notice" role="status">
      <span className="banner__icon" aria-hidden="true">
        i
      </span>
      <div className="banner__message">
        <div>{notice.title}</div>
        {notice.lines.length > 0 && (
          <ul className="banner__lines">
            {notice.lines.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        )}
      </div>
      <button type="button" className="banner__dismiss" aria-label="Dismiss" onClick={() => dismiss(null)}>
        ×
      </button>
    </div>
  );
}
