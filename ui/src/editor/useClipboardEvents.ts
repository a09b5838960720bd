// Ctrl+C, Ctrl+X and Ctrl+V through the webview's clipboard events, which carry the system
// clipboard (the asynchronous clipboard API is not granted in the desktop webview). A
// text field, or text selected on the page, keeps the keys' usual meaning.

import { useEffect } from "react";

import { useUi } from "../state/ui";
import { newest, parse, serialize, type Payload } from "./clipboard";
import { copySelection, cutSelection, paste } from "./editing";
import { typing } from "./keymap";

/** Whether a clipboard event is the editor's to handle. */
function forEditor(e: ClipboardEvent): boolean {
  const selection = window.getSelection();
  return !typing(e.target) && !typing(document.activeElement) && (!selection || selection.isCollapsed);
}

function put(e: ClipboardEvent, payload: Payload | null) {
  if (!payload) return;
  e.clipboardData?.setData("text/plain", serialize(payload));
  e.preventDefault();
}

export function useClipboardEvents(): void {
  useEffect(() => {
    const onCopy = (e: ClipboardEvent) => {
      if (forEditor(e)) put(e, copySelection());
    };
    const onCut = (e: ClipboardEvent) => {
      if (forEditor(e)) put(e, cutSelection());
    };
    const onPaste = (e: ClipboardEvent) => {
      if (!forEditor(e)) return;
      const payload = newest(parse(e.clipboardData?.getData("text/plain") ?? ""), useUi.getState().clipboard);
      if (!payload) return;
      e.preventDefault();
      void paste(payload);
    };
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCut);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCut);
      document.removeEventListener("paste", onPaste);
    };
  }, []);
}
