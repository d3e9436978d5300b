// Handlers return plain response values; the server writes them (or a fault replaces them).

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Protocol bodies are JSON, errors included: MSAL parses whatever it receives (protocols.md 1.4.1). */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(value),
  };
}

/**
 * The sign-in pages a person sees. Self-contained (inline CSS, no script), never cached, never
 * framed, and no Referer: a page that led to a redirect carrying a code must not leak it onwards.
 */
export function htmlResponse(status: number, html: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'",
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      ...headers,
    },
    body: html,
  };
}

/** 302 to `location` (the app's redirect URI, with the code or error in the query). */
export function redirectResponse(location: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status: 302,
    headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer", "content-type": "text/html; charset=utf-8", ...headers },
    body: "",
  };
}
