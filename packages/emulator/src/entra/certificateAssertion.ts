// Client assertions signed with an app's certificate (ClientCertificateCredential), validated as
// protocols.md 2.2 recommends: PS256 or RS256, the certificate found by x5t#S256 or x5t, the token
// endpoint as audience, iss == sub == client_id, a valid lifetime and (optionally) a fresh jti.
import { createHash, X509Certificate } from "node:crypto";
import type { AppRegistration } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { verifyJwtSignature, type DecodedJwt } from "../tokens/jwt.js";
import { checkAssertionLifetime } from "./assertionTimes.js";
import { aadsts } from "./errors.js";
import { isEntraHostName } from "../net/entraHostNames.js";

export function verifyCertificateAssertion(context: EmulatorContext, tenantNames: string[], app: AppRegistration, jwt: DecodedJwt): void {
  const { header, payload } = jwt;
  if (header.alg !== "PS256" && header.alg !== "RS256") {
    throw aadsts.assertionSignature(`The assertion's alg '${String(header.alg)}' is not supported; use PS256 or RS256.`);
  }
  const certificate = findCertificate(app, header);
  if (!verifyJwtSignature(jwt, header.alg, certificate.publicKey)) {
    throw aadsts.assertionSignature(`The signature does not verify with the registered certificate ${certificate.fingerprint256.replace(/:/g, "")}.`);
  }

  const audiences = typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  const expected = tokenEndpointUrls(context, tenantNames);
  if (!audiences.some((aud) => typeof aud === "string" && (expected.includes(aud.toLowerCase()) || isEntraTokenEndpoint(context, tenantNames, aud)))) {
    throw aadsts.assertionInvalid(
      `Invalid audience '${String(payload.aud)}'. The audience must be the token endpoint of this tenant, e.g. '${context.url}/${tenantNames[0]}/oauth2/v2.0/token'.`,
    );
  }
  if (payload.iss !== app.clientId || payload.sub !== app.clientId) {
    throw aadsts.assertionInvalid(
      `The assertion's iss ('${String(payload.iss)}') and sub ('${String(payload.sub)}') must both be the client id '${app.clientId}'.`,
    );
  }
  const exp = checkAssertionLifetime(payload);
  if (context.replay !== undefined) {
    if (typeof payload.jti !== "string" || payload.jti === "") throw aadsts.assertionInvalid("The assertion has no 'jti' claim.");
    if (!context.replay.remember(app.clientId, payload.jti, exp)) {
      throw aadsts.assertionInvalid(`The assertion with jti '${payload.jti}' was already used; each assertion may be presented once.`);
    }
  }
}

/**
 * Registered certificates are matched by the thumbprint header, as Entra does (no x5c chains).
 * RFC 7515 says base64url without padding, but msal-python pads x5t with `=` and Entra accepts it,
 * so the trailing padding is ignored here too.
 */
function findCertificate(app: AppRegistration, header: Record<string, unknown>): X509Certificate {
  const sha256 = header["x5t#S256"];
  const sha1 = header.x5t;
  const [padded, algorithm] = typeof sha256 === "string" ? [sha256, "sha256"] : typeof sha1 === "string" ? [sha1, "sha1"] : [undefined, undefined];
  const thumbprint = padded?.replace(/=+$/, "");
  if (thumbprint === undefined || algorithm === undefined) {
    throw aadsts.assertionSignature("The assertion header names no certificate: send x5t#S256 (or x5t) with the certificate thumbprint.");
  }
  for (const pem of app.certificates ?? []) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      continue; // validated at load time; a test may still push garbage into the live config
    }
    if (createHash(algorithm).update(certificate.raw).digest("base64url") === thumbprint) return certificate;
  }
  const hex = Buffer.from(thumbprint, "base64url").toString("hex").toUpperCase();
  throw aadsts.assertionSignature(
    `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
  );
}

/** The tenant may be named by GUID or domain, and the host by any loopback alias of ours. */
/** With entraHostNames: https://<global or regional Entra name>/<tenant>/oauth2/v2.0/token, as MSAL signs for a regional request. */
function isEntraTokenEndpoint(context: EmulatorContext, tenantNames: string[], aud: string): boolean {
  if (context.entraHostNames !== true) return false;
  const match = /^https:\/\/([a-z0-9.-]+)\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(aud.toLowerCase());
  return match !== null && isEntraHostName(match[1]!) && tenantNames.some((name) => name.toLowerCase() === match[2]);
}

function tokenEndpointUrls(context: EmulatorContext, tenantNames: string[]): string[] {
  return context.origins.flatMap((origin) => tenantNames.map((name) => `${origin}/${name}/oauth2/v2.0/token`.toLowerCase()));
}
