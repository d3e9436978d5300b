// The few browser APIs a single-page app's sign-in uses, typed here because the package compiles
// without the DOM library (it is a Node library first). Looked up on globalThis when used, so the
// module loads anywhere and fails with a clear message outside a page.

export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface PopupWindow {
  readonly closed: boolean;
  /** Reading it throws while the popup shows another origin (the sign-in page). */
  readonly location: { href: string };
  close(): void;
}

export interface BrowserWindow {
  readonly location: { readonly href: string; readonly origin: string; assign(url: string): void };
  readonly history: { readonly state: unknown; replaceState(data: unknown, unused: string, url: string): void };
  readonly opener: unknown;
  readonly name: string;
  readonly screenX: number;
  readonly screenY: number;
  readonly outerWidth: number;
  readonly outerHeight: number;
  open(url: string, target: string, features: string): PopupWindow | null;
}

/** The page's window, or a TypeError saying this credential needs one. */
export function browserWindow(): BrowserWindow {
  const candidate = (globalThis as { window?: BrowserWindow }).window;
  if (candidate === undefined || typeof candidate.open !== "function") {
    throw new TypeError(
      "InteractiveBrowserCredential (browser build) needs a web page's window, which this runtime lacks. In a worker or on a server use an app credential (ClientSecretCredential, ClientAssertionCredential...).",
    );
  }
  return candidate;
}

/** This tab's sessionStorage, or undefined where storage is disabled (sandboxed frames, strict privacy settings). */
export function sessionStore(): StorageLike | undefined {
  try {
    return (globalThis as { sessionStorage?: StorageLike }).sessionStorage;
  } catch {
    return undefined;
  }
}
