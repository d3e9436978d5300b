// Handlers return plain response values; the server writes them (or a fault replaces them).

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Every emulator body is JSON, errors included: MSAL parses whatever it receives (protocols.md 1.4.1). */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
    body: JSON.stringify(value),
  };
}
