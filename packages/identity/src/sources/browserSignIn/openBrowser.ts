// Opening the user's browser at the sign-in URL, without a shell: the URL is one argv entry of a
// program started with spawn (never `exec`, never a command string), so nothing in it can run as
// a command. Where no browser can appear (a Linux box with no display, a container) we say so at
// once instead of waiting for a redirect that cannot come (js#22752).
import { CredentialUnavailableError } from "../../core/errors.js";

/** azid extension: how InteractiveBrowserCredential opens the sign-in URL (tests, custom launchers). */
export type BrowserOpener = (url: string) => Promise<void>;

const USE_DEVICE_CODE = "Use DeviceCodeCredential on machines without a browser, or pass browserOpener to open the URL yourself.";

/** Which program to start: [command, ...args before the URL]. Throws CredentialUnavailableError when none fits. */
export function browserCommand(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, release = ""): string[] {
  // $BROWSER is the convention VS Code remote sessions and many distros use; take its first entry.
  const fromEnv = env.BROWSER?.split(":")[0]?.trim();
  if (fromEnv) return [fromEnv];
  if (platform === "darwin") return ["open"];
  // rundll32's URL handler takes the URL as a plain argument; `cmd /c start` would parse '&' in it.
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler"];
  if (/microsoft/i.test(release)) return ["wslview"];
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
    throw new CredentialUnavailableError(
      `InteractiveBrowserCredential: no browser can be opened here (neither DISPLAY nor WAYLAND_DISPLAY is set, and BROWSER is unset). ${USE_DEVICE_CODE}`,
    );
  }
  return ["xdg-open"];
}

export async function openSystemBrowser(url: string): Promise<void> {
  const os = await import("node:os");
  const [command, ...args] = browserCommand(process.platform, process.env, os.release());
  const { spawn } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command!, [...args, url], { stdio: "ignore", detached: true, shell: false, windowsHide: true });
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new CredentialUnavailableError(
          `InteractiveBrowserCredential: could not start '${command}' to open the browser (${error.code ?? error.message}). ${USE_DEVICE_CODE}`,
          { cause: error },
        ),
      ),
    );
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}
