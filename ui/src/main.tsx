import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import "@xyflow/react/dist/style.css";
import "./styles/base.css";
import "./styles/start.css";
import "./styles/editor.css";
import "./styles/canvas.css";
import "./styles/overlays.css";
import "./styles/analysis.css";
import { App } from "./App";

const root = document.getElementById("root");
if (!root) throw new Error("the page has no #root element");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
