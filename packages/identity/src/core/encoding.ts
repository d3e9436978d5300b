// Bytes <-> text without Buffer, for code that also runs where there is no Node (browsers, workerd):
// UTF-8 through TextEncoder/TextDecoder, base64 through btoa/atob, and hex. Every runtime azid
// supports has these globals.

const encoder = new TextEncoder();

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** base64url without padding (RFC 7515 section 2); strings are encoded as UTF-8. */
export function base64UrlEncode(data: Uint8Array | string): string {
  return bytesToBase64(typeof data === "string" ? utf8Encode(data) : data)
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Decodes base64 or base64url, padded or not. Throws a TypeError on characters outside the alphabet. */
export function base64ToBytes(text: string): Uint8Array {
  const standard = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
  const padded = standard + "=".repeat((4 - (standard.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new TypeError("Invalid base64 text.");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** The JSON object that base64(url) `text` encodes, or undefined when it encodes anything else. */
export function decodeBase64Json(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8Decode(base64ToBytes(text)));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A JWT's claims (its signature unchecked: for reading, never for trusting), or undefined when `jwt` is not a JWS with a JSON payload. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split(".");
  return parts.length === 3 ? decodeBase64Json(parts[1]!) : undefined;
}
