// The record of requests the emulator served (`emu.requests`, GET /_emulator/requests): a ring of
// the newest `limit` requests, each stored in bounded size, with credentials redacted, so a long
// run or a client posting megabytes cannot grow memory without bound, and the log never becomes
// a second copy of every secret that passed through. Beside the ring, a count of every request
// since start, per route: what a harness counts with when more requests than the ring holds matter.
import type { RecordedRequest, RequestCounts } from "../types.js";

export const DEFAULT_REQUEST_LOG_LIMIT = 1000;
/** each recorded value (body, form field, query parameter, header) is cut to this many characters */
const MAX_VALUE_CHARS = 16 * 1024;
/** and each record keeps at most this many form fields, query parameters or headers */
const MAX_FIELDS = 64;
export const REDACTED = "[redacted]";

/** Form and JSON fields that carry a credential or a grant (OAuth, the sign-in pages, the control API). */
const SECRET_FIELDS = new Set([
  "client_secret",
  "client_assertion",
  "assertion",
  "password",
  "refresh_token",
  "access_token",
  "id_token",
  "code",
  "code_verifier",
  "device_code",
  "secret",
  "secrets",
  "systemaccesstoken",
]);
/** Headers that authenticate: bearer/basic credentials, the hosts' per-run secrets, cookies. */
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "x-identity-header", "secret", "cookie", "x-azid-emulator-control"]);

export class RequestLog {
  /** the same array is `emu.requests`: oldest first, trimmed from the front */
  readonly entries: RecordedRequest[] = [];
  readonly #byRoute = new Map<string, number>();
  #total = 0;

  constructor(
    readonly limit: number,
    /** keep credentials in the in-process log, for tests that assert exactly what a client sent */
    private readonly keepSecrets: boolean,
  ) {}

  record(entry: RecordedRequest): RecordedRequest {
    this.#total++;
    this.#byRoute.set(entry.route, (this.#byRoute.get(entry.route) ?? 0) + 1);
    const stored = bounded(this.keepSecrets ? entry : redactRequest(entry));
    this.entries.push(stored);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
    return stored;
  }

  /** What leaves the process (GET /_emulator/requests): always redacted. */
  exported(): RecordedRequest[] {
    return this.entries.map(redactRequest);
  }

  /** Every request recorded since start, per route; never trimmed, and not reset by clear(). */
  counts(): RequestCounts {
    return { total: this.#total, byRoute: Object.fromEntries(this.#byRoute) };
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export function redactRequest(entry: RecordedRequest): RecordedRequest {
  const form = entry.form === undefined ? undefined : redactFields(entry.form);
  return {
    ...entry,
    query: redactFields(entry.query),
    headers: Object.fromEntries(Object.entries(entry.headers).map(([name, value]) => [name, SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : value])),
    ...(form === undefined ? {} : { form }),
    body: form !== undefined ? new URLSearchParams(form).toString() : redactJsonBody(entry.body),
  };
}

function redactFields(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, SECRET_FIELDS.has(name.toLowerCase()) ? REDACTED : value]));
}

/** JSON bodies lose their secret fields; anything else that is not a form is dropped (it may be anything). */
function redactJsonBody(body: string): string {
  if (body === "") return body;
  try {
    return JSON.stringify(redactJson(JSON.parse(body) as unknown));
  } catch {
    return `[${body.length} characters, not recorded]`;
  }
}

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, SECRET_FIELDS.has(name.toLowerCase()) ? REDACTED : redactJson(inner)]));
}

function bounded(entry: RecordedRequest): RecordedRequest {
  const cut = (value: string) =>
    value.length <= MAX_VALUE_CHARS ? value : `${value.slice(0, MAX_VALUE_CHARS)}…[${value.length - MAX_VALUE_CHARS} more characters]`;
  const cutAll = (fields: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(fields)
        .slice(0, MAX_FIELDS)
        .map(([name, value]) => [name, cut(value)]),
    );
  return {
    ...entry,
    query: cutAll(entry.query),
    headers: cutAll(entry.headers),
    ...(entry.form === undefined ? {} : { form: cutAll(entry.form) }),
    body: cut(entry.body),
  };
}
