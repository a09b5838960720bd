import { useUi } from "../state/ui";

/** The last error, in words, until the user dismisses it. */
export function ErrorBanner() {
  const error = useUi((s) => s.error);
  const dismiss = useUi((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="banner banner--error" data-testid="error" role="alert">
      <span className="banner__icon" aria-hidden="true">
        !
      </span>
      <span className="banner__message" data-testid="error-message">
        {error}
      </span>
      <button type="button" className="banner__dismiss" data-testid="dismiss-error" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
