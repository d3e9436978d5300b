// The non-secret claims of an access token, for display: who it is for, whom it identifies, until when.
const SHOWN = ["aud", "appid", "azp", "upn", "preferred_username", "unique_name", "tid", "oid", "idtyp", "exp"] as const;

export function decodeClaims(token: string): Record<string, string | number> {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const claims: Record<string, string | number> = {};
    for (const name of SHOWN) {
      const value = payload[name];
      if (typeof value === "string" || typeof value === "number") claims[name] = value;
    }
    return claims;
  } catch {
    return {};
  }
}

/** `aud=https://storage.azure.com appid=… tid=… exp=2025-01-01T10:00:00Z` */
export function formatClaims(claims: Record<string, string | number>): string {
  return Object.entries(claims)
    .map(([name, value]) => `${name}=${name === "exp" && typeof value === "number" ? new Date(value * 1000).toISOString().replace(/\.000Z$/, "Z") : value}`)
    .join(" ");
}
