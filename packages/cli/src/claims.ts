// The non-secret claims of an access token, for display: who it is for, whom it identifies, until when.
// Decoding is the emulator's JWT reader; only the choice of claims is the CLI's.
import { decodeJwt } from "@azid/emulator";

const SHOWN = ["aud", "appid", "azp", "upn", "preferred_username", "unique_name", "tid", "oid", "idtyp", "exp"] as const;

export function decodeClaims(token: string): Record<string, string | number> {
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token).payload;
  } catch {
    return {}; // not a JWT (some resources issue opaque tokens): nothing to show
  }
  return Object.fromEntries(
    SHOWN.flatMap((name) => (typeof payload[name] === "string" || typeof payload[name] === "number" ? [[name, payload[name] as string | number]] : [])),
  );
}

/** `aud=https://storage.azure.com appid=… tid=… exp=2025-01-01T10:00:00Z` */
export function formatClaims(claims: Record<string, string | number>): string {
  return Object.entries(claims)
    .map(([name, value]) => `${name}=${name === "exp" && typeof value === "number" ? new Date(value * 1000).toISOString().replace(/\.000Z$/, "Z") : value}`)
    .join(" ");
}
