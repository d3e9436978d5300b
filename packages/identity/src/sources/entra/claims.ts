// The `claims` request parameter: a resource's claims challenge merged with the CAE client
// capability (`xms_cc: cp1`), as Entra expects it.

export function buildClaims(challenge: string | undefined, enableCae: boolean): string | undefined {
  if (challenge === undefined && !enableCae) return undefined;
  let merged: Record<string, unknown> = {};
  if (challenge !== undefined && challenge.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(challenge);
    } catch {
      throw new TypeError("getToken() claims must be a JSON object (decode the base64 'claims' value of the WWW-Authenticate challenge first).");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new TypeError("getToken() claims must be a JSON object.");
    merged = parsed as Record<string, unknown>;
  }
  if (enableCae) {
    const accessToken = (typeof merged.access_token === "object" && merged.access_token !== null ? merged.access_token : {}) as Record<string, unknown>;
    merged = { ...merged, access_token: { ...accessToken, xms_cc: { values: ["cp1"] } } };
  }
  return JSON.stringify(merged);
}
