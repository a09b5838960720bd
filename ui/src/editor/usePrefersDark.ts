import { useSyncExternalStore } from "react";

const QUERY = "(prefers-color-scheme: dark)";

function media(): MediaQueryList | null {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia(QUERY) : null;
}

function subscribe(onChange: () => void): () => void {
  const m = media();
  m?.addEventListener("change", onChange);
  return () => m?.removeEventListener("change", onChange);
}

/** Whether the OS asks for a dark theme; follows changes live. */
export function usePrefersDark(): boolean {
  return useSyncExternalStore(subscribe, () => media()?.matches ?? false);
}
