// Reads what the emulator needs from an incoming request: path, query, headers and the body,
// with a size cap so a runaway client cannot exhaust memory.
import type { IncomingMessage } from "node:http";

const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

export interface IncomingRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  form: Record<string, string> | undefined;
}

export async function readIncomingRequest(message: IncomingMessage): Promise<IncomingRequest> {
  const url = new URL(message.url ?? "/", "http://emulator.invalid");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const body = await readBody(message);
  const isForm = (headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded");
  return {
    method: message.method ?? "GET",
    path: url.pathname,
    query: firstValues(url.searchParams),
    headers,
    body,
    form: isForm ? firstValues(new URLSearchParams(body)) : undefined,
  };
}

/** Repeated parameters keep their first value, like Entra rejecting nothing but reading one. */
function firstValues(params: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of params) {
    // "__proto__" would replace the object's prototype instead of becoming a field.
    if (name !== "__proto__" && !Object.hasOwn(values, name)) values[name] = value;
  }
  return values;
}

function readBody(message: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`request body exceeds ${MAX_BODY_BYTES} bytes`));
        message.resume();
      } else chunks.push(chunk);
    });
    message.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    message.on("error", reject);
  });
}
