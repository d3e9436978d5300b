// The pages the loopback server shows in the browser tab after the sign-in redirect. Every dynamic
// piece (Entra's error description, the caller's messages) is HTML-escaped: the query string of the
// redirect is attacker-controlled input.

/** The texts of the page the browser shows after the sign-in redirect. */
export interface BrowserPageTexts {
  /** Text shown after a successful sign-in (plain text; azid escapes it). */
  successMessage?: string;
  /** Text shown above the error details when the sign-in fails (plain text; azid escapes it). */
  errorMessage?: string;
}

const DEFAULT_SUCCESS = "Authentication complete. You can close this window and return to the application.";
const DEFAULT_ERROR = "Authentication failed. You can close this window and return to the application.";

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, paragraphs: string[]): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body style="font-family: system-ui, sans-serif; margin: 3em auto; max-width: 40em">` +
    `<h1 id="status">${escapeHtml(title)}</h1>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("")}</body></html>`
  );
}

export function successPage(options: BrowserPageTexts | undefined): string {
  return page("Signed in", [options?.successMessage ?? DEFAULT_SUCCESS]);
}

export function errorPage(options: BrowserPageTexts | undefined, details: string): string {
  return page("Sign-in failed", [options?.errorMessage ?? DEFAULT_ERROR, details]);
}
