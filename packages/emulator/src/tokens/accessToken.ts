// Access tokens in Entra's v1 shape (protocols.md A.3, 8.2): resource-side validators such as
// Azurite accept only `iss = https://sts.windows.net/<tid>/` and need iat, nbf and exp.
import { randomBytes, randomUUID } from "node:crypto";
import type { SigningKey } from "./signingKey.js";

/** How the client proved itself: 0 public client, 1 secret, 2 certificate or assertion. */
export type AppIdAcr = "0" | "1" | "2";

export type TokenPrincipal =
  | { kind: "app"; objectId: string; roles: string[] }
  | { kind: "user"; objectId: string; subject: string; username: string; name?: string; permissions: string; /** default ["pwd"] */ amr?: string[] };

export interface AccessTokenRequest {
  tenantId: string;
  clientId: string;
  resource: string;
  appidacr: AppIdAcr;
  principal: TokenPrincipal;
  lifetimeSeconds: number;
  /** the client asked for the CAE capability cp1 */
  cae: boolean;
  /** claims only some principals carry, e.g. a managed identity's `xms_mirid` */
  extraClaims?: Record<string, unknown>;
}

export interface MintedAccessToken {
  token: string;
  expiresIn: number;
}

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function mintAccessToken(key: SigningKey, request: AccessTokenRequest): MintedAccessToken {
  const now = Math.floor(Date.now() / 1000);
  const { principal } = request;
  const common = {
    aud: request.resource,
    iss: v1Issuer(request.tenantId),
    iat: now,
    nbf: now,
    exp: now + request.lifetimeSeconds,
    appid: request.clientId,
    appidacr: request.appidacr,
    idp: v1Issuer(request.tenantId),
    oid: principal.objectId,
    tid: request.tenantId,
    uti: randomBytes(16).toString("base64url"),
    jti: randomUUID(),
    ver: "1.0",
    ...(request.cae ? { xms_cc: ["cp1"] } : {}),
  };
  const specific =
    principal.kind === "app"
      ? { sub: principal.objectId, idtyp: "app", ...(principal.roles.length > 0 ? { roles: principal.roles } : {}) }
      : {
          sub: principal.subject,
          idtyp: "user",
          scp: principal.permissions,
          upn: principal.username,
          unique_name: principal.username,
          amr: principal.amr ?? ["pwd"],
          ...(principal.name === undefined ? {} : { name: principal.name }),
        };
  return { token: key.sign({ ...common, ...specific, ...request.extraClaims }), expiresIn: request.lifetimeSeconds };
}
