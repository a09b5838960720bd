import { useEffect, useState } from "react";

import { ErrorBanner } from "./components/ErrorBanner";
import { NoticeBanner } from "./components/NoticeBanner";
import { Editor } from "./editor/Editor";
import { typing } from "./editor/keymap";
import { StartScreen } from "./screens/StartScreen";
import { loadCurrent } from "./state/actions";
import { useModel } from "./state/model";

export function App() {
  const model = useModel((s) => s.model);
  const [ready, setReady] = useState(false);

  // The webview's own context menu (reload, inspect) is not the app's; text fields keep theirs.
  useEffect(() => {
    const onContextMenu = (e: MouseEvent) => {
      if (!typing(e.target)) e.preventDefault();
    };
    document.addEventListener("contextmenu", onContextMenu);
    return () => document.removeEventListener("contextmenu", onContextMenu);
  }, []);

  // A model may already be open when the window loads (the app was started with a path).
  useEffect(() => {
    let live = true;
    void loadCurrent().finally(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className="app">
      <div className="banners">
        <ErrorBanner />
        <NoticeBanner />
      </div>
      {!ready && !model ? <div className="app__loading" aria-busy="true" /> : model ? <Editor model={model} /> : <StartScreen />}
    </div>
  );
}
