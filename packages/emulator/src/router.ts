// Maps a request to its route name (what faults and recordings refer to) and its handler.
import type { EmulatorContext } from "./context.js";
import { instanceDiscovery, openidConfiguration, signingKeys } from "./entra/discovery.js";
import { handleAuthorize } from "./entra/authorize.js";
import { startDeviceCode } from "./entra/deviceCodeFlow.js";
import { handleDeviceLogin } from "./entra/deviceLogin.js";
import { aadsts } from "./entra/errors.js";
import { handleTokenRequest } from "./entra/tokenEndpoint.js";
import { userRealm } from "./entra/userRealm.js";
import type { RouteName } from "./faults.js";
import { preflightResponse } from "./http/cors.js";
import { jsonResponse, type HttpResponse } from "./http/response.js";
import { handlePipelinesOidcRequest, PIPELINES_OIDC_PATTERN } from "./pipelines/oidc.js";
import { jwksDocument } from "./tokens/signingKey.js";

export interface ParsedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** names in lower case */
  headers: Record<string, string>;
  /** the form fields when the body is application/x-www-form-urlencoded */
  form: Record<string, string> | undefined;
}

export interface Route {
  name: RouteName;
  /** answers carry CORS headers for a browser's Origin (http/cors.ts) */
  cors?: boolean;
  handle(): Promise<HttpResponse>;
}

const TENANT = "([^/]+)";
const ROUTES: {
  name: RouteName;
  pattern: RegExp;
  methods: string[];
  /** called by single-page apps from their own origin */
  cors?: true;
  handler: (context: EmulatorContext, request: ParsedRequest, match: string[]) => Promise<HttpResponse> | HttpResponse;
}[] = [
  {
    name: "instance-discovery",
    pattern: /^\/common\/discovery\/instance$/,
    methods: ["GET"],
    cors: true,
    handler: (c, r) => instanceDiscovery(c, r.query),
  },
  { name: "userrealm", pattern: /^\/common\/userrealm\/([^/]+)$/, methods: ["GET"], handler: (c, _r, m) => userRealm(c, m[1]!) },
  {
    name: "openid-configuration",
    pattern: new RegExp(`^/${TENANT}/v2\\.0/\\.well-known/openid-configuration$`),
    methods: ["GET"],
    cors: true,
    handler: (c, _r, m) => openidConfiguration(c, m[1]!),
  },
  {
    name: "jwks",
    pattern: new RegExp(`^/${TENANT}/discovery(?:/v2\\.0)?/keys$`),
    methods: ["GET"],
    cors: true,
    handler: (c, _r, m) => signingKeys(c, m[1]!),
  },
  // msal-node sends a regional token request to .../oauth2/v2.0/token/ (a trailing slash), which Entra ID accepts.
  {
    name: "token",
    pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/token/?$`),
    methods: ["POST"],
    cors: true,
    handler: (c, r, m) => handleTokenRequest(c, m[1]!, r.form ?? {}, r.headers.origin),
  },
  // GET shows the sign-in page; its form posts back here.
  {
    name: "authorize",
    pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/authorize$`),
    methods: ["GET", "POST"],
    handler: (c, r, m) => handleAuthorize(c, m[1]!, r),
  },
  {
    name: "devicecode",
    pattern: new RegExp(`^/${TENANT}/oauth2/v2\\.0/devicecode$`),
    methods: ["POST"],
    handler: (c, r, m) => startDeviceCode(c, m[1]!, r.form ?? {}),
  },
  { name: "devicelogin", pattern: /^\/devicelogin$/, methods: ["GET", "POST"], handler: (c, r) => handleDeviceLogin(c, r) },
  {
    name: "federation",
    pattern: /^\/federation\/([A-Za-z0-9._~-]+)\/\.well-known\/openid-configuration$/,
    methods: ["GET"],
    handler: (c, _r, m) => jsonResponse(200, c.federation.openidConfiguration(m[1]!)),
  },
  {
    name: "federation",
    pattern: /^\/federation\/([A-Za-z0-9._~-]+)\/jwks$/,
    methods: ["GET"],
    handler: (c) => jsonResponse(200, jwksDocument([c.federation.key])),
  },
  { name: "pipelines", pattern: PIPELINES_OIDC_PATTERN, methods: ["POST"], handler: (c, r) => handlePipelinesOidcRequest(c, r) },
];

export function routeRequest(context: EmulatorContext, request: ParsedRequest): Route {
  for (const route of ROUTES) {
    const match = route.pattern.exec(request.path);
    if (match === null) continue;
    return {
      name: route.name,
      cors: route.cors === true,
      handle: async () => {
        if (route.cors && request.method === "OPTIONS") return preflightResponse(request.headers.origin, route.methods);
        if (!route.methods.includes(request.method)) {
          if (route.name === "token" || route.name === "devicecode") throw aadsts.postOnly();
          return jsonResponse(
            405,
            { error: "method_not_allowed", error_description: `${request.method} is not supported on ${request.path}` },
            { allow: route.methods.join(", ") },
          );
        }
        return route.handler(context, request, Array.from(match, decodeSegment));
      },
    };
  }
  return {
    name: "other",
    handle: async () => jsonResponse(404, { error: "not_found", error_description: `The emulator has no endpoint ${request.method} ${request.path}.` }),
  };
}

function decodeSegment(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part; // a broken escape is just an unknown tenant name
  }
}
