// CORS for the routes a single-page app calls from its own origin: discovery, JWKS and the token
// endpoint. As in Entra, every answer to a request with an Origin carries the CORS headers, errors
// included, so the app can read why a redemption failed (e.g. AADSTS9002326 for a redirect URI not
// registered as "spa"); which grants a browser may redeem is the token endpoint's rule (spaRules.ts),
// not CORS's. Requests carry no cookies, so no Allow-Credentials.
import type { HttpResponse } from "./response.js";

/** Request headers MSAL.js and azid may send cross-origin (beyond the CORS-safelisted ones). */
const ALLOWED_HEADERS = [
  "content-type",
  "client-request-id",
  "return-client-request-id",
  "x-client-sku",
  "x-client-ver",
  "x-client-os",
  "x-client-cpu",
  "x-client-current-telemetry",
  "x-client-last-telemetry",
  "x-ms-lib-capability",
  "x-anchormailbox",
  "user-agent",
];

export function corsHeaders(origin: string | undefined): Record<string, string> {
  if (origin === undefined) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": "client-request-id", vary: "Origin" };
}

/** The answer to a preflight (OPTIONS with Access-Control-Request-Method). */
export function preflightResponse(origin: string | undefined, methods: readonly string[]): HttpResponse {
  return {
    status: 204,
    headers: {
      ...corsHeaders(origin),
      "access-control-allow-methods": [...methods, "OPTIONS"].join(", "),
      "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
      "access-control-max-age": "86400",
      "cache-control": "no-store",
    },
    body: "",
  };
}
