/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

import { frozenPrototypeSafe } from "./build/frozen-prototype.ts";

// The app runs in a Tauri webview under a strict CSP (no inline scripts or styles), so
// everything, CSS included, is bundled into files; nothing is fetched from elsewhere.
export default defineConfig({
  plugins: [react(), frozenPrototypeSafe()],
  // The dev server pre-bundles dependencies with Rolldown: patch them there too.
  optimizeDeps: { rolldownOptions: { plugins: [frozenPrototypeSafe()] } },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // Source maps stay out of the shipped bundle.
    sourcemap: false,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
