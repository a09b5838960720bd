// Answers the app's native GTK file dialogs from the outside, as a user would: xdotool finds
// the dialog window by its title, types a path into its name field and presses Enter. The
// webview never names a path, so this is the only way an e2e test can choose one.
import { execFileSync } from "node:child_process";

function xdotool(...args) {
  return execFileSync("xdotool", args, { encoding: "utf8", timeout: 20000 }).trim();
}

/** Wait for the dialog titled `title`, then save (or open) `file` through it. */
export async function answerFileDialog(title, file) {
  const end = Date.now() + 15000;
  let window = "";
  while (!window && Date.now() < end) {
    try {
      window = xdotool("search", "--onlyvisible", "--name", `^${title}$`).split("\n")[0];
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!window) throw new Error(`no native dialog titled “${title}” appeared`);
  // Without a window manager the dialog does not take the focus by itself.
  xdotool("windowfocus", "--sync", window);
  // Ctrl+A replaces the suggested name; GTK takes a full path in the name field.
  xdotool("key", "--window", window, "ctrl+a");
  xdotool("type", "--window", window, "--delay", "5", file);
  xdotool("key", "--window", window, "Return");
}
