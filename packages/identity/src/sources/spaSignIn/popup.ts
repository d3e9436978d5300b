// The popup sign-in: a window opened on the user's click, sent to /authorize, and watched until it
// comes back to the app's redirect URI, when this page (its opener, same origin again) reads the
// response from the popup's address and closes it. While the popup shows the sign-in page its
// location can't be read (another origin); that is the normal case, not an error.
import { AuthenticationError } from "../../core/errors.js";
import { readAuthResponse } from "./authResponse.js";
import type { BrowserWindow, PopupWindow } from "./browserWindow.js";

/** Popups this library opens are named so; the app's page loaded inside one leaves the response to its opener. */
export const POPUP_NAME_PREFIX = "azid-sign-in-";
const POLL_MS = 50;

/** True inside a sign-in popup that this library opened: its opener reads the response. */
export function isSignInPopup(window: BrowserWindow): boolean {
  return window.opener !== null && window.opener !== undefined && window.name.startsWith(POPUP_NAME_PREFIX);
}

/**
 * Opens the popup at about:blank, centred on the page. Called before anything is awaited, so it
 * happens inside the click that started the sign-in: browsers block popups opened later.
 */
export function openSignInPopup(window: BrowserWindow, clientId: string): PopupWindow {
  const width = 483;
  const height = 600;
  const left = Math.max(0, window.screenX + (window.outerWidth - width) / 2);
  const top = Math.max(0, window.screenY + (window.outerHeight - height) / 2);
  const popup = window.open("about:blank", `${POPUP_NAME_PREFIX}${clientId}`, `popup,width=${width},height=${height},left=${left},top=${top}`);
  if (popup === null) {
    throw new AuthenticationError(0, {
      error: "popup_blocked",
      errorDescription:
        "InteractiveBrowserCredential: the browser blocked the sign-in popup. Call getToken() or authenticate() from a click handler, have the user allow popups here, or use loginStyle: 'redirect'.",
    });
  }
  return popup;
}

/** Resolves with the popup's final address once it is back at `redirectUri` with a response; rejects if the user closes it. */
export function popupRedirect(popup: PopupWindow, redirectUri: string, signal: { cancelled: boolean }): Promise<string> {
  const target = new URL(redirectUri);
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (signal.cancelled) return stop();
      if (popup.closed) {
        stop();
        reject(
          new AuthenticationError(0, {
            error: "popup_closed",
            errorDescription:
              "InteractiveBrowserCredential: the sign-in popup was closed before the sign-in finished. Call getToken() or authenticate() again to retry.",
          }),
        );
        return;
      }
      let href: string;
      try {
        href = popup.location.href;
      } catch {
        return; // the sign-in page, on Entra's origin
      }
      const at = URL.canParse(href) ? new URL(href) : undefined;
      if (at === undefined || at.origin !== target.origin || at.pathname !== target.pathname || readAuthResponse(href) === undefined) return;
      stop();
      popup.close();
      resolve(href);
    }, POLL_MS);
    const stop = () => clearInterval(timer);
  });
}
