// Federated assertions (workload identity, Azure Pipelines, GitHub Actions): a JWT from another
// issuer that an app trusts through a federated credential (protocols.md 4, A.2 #10). The record
// is matched first, so keys are only ever fetched from issuers the configuration trusts.
import type { KeyObject } from "node:crypto";
import { EMULATOR_URL_PLACEHOLDER, type AppRegistration } from "../config.js";
import type { EmulatorContext } from "../context.js";
import { fetchIssuerJwks } from "../federation/remoteIssuer.js";
import { importJwk, isSupportedAlgorithm, verifyJwtSignature, type DecodedJwt } from "../tokens/jwt.js";
import { checkAssertionLifetime } from "./assertionTimes.js";
import { aadsts } from "./errors.js";

export async function verifyFederatedAssertion(context: EmulatorContext, app: AppRegistration, jwt: DecodedJwt): Promise<void> {
  const { header, payload } = jwt;
  const issuer = typeof payload.iss === "string" ? payload.iss : "";
  const subject = typeof payload.sub === "string" ? payload.sub : "";
  const audiences = (typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : []).filter(
    (aud): aud is string => typeof aud === "string",
  );

  // Entra compares issuer and subject exactly (case-sensitive) and the audience against the list.
  const match = (app.federatedCredentials ?? []).find(
    (credential) =>
      credential.issuer.replace(EMULATOR_URL_PLACEHOLDER, context.url) === issuer &&
      credential.subject === subject &&
      credential.audiences.some((audience) => audiences.includes(audience)),
  );
  if (match === undefined) throw aadsts.noFederatedMatch(issuer, subject, audiences.join(", "));

  const alg = header.alg;
  if (!isSupportedAlgorithm(alg)) throw aadsts.assertionSignature(`The assertion's alg '${String(alg)}' is not supported.`);
  const keys = await issuerKeys(context, issuer);
  const kid = header.kid;
  const candidates = typeof kid === "string" ? keys.filter((key) => key.kid === kid) : keys;
  if (!candidates.some((key) => verifyJwtSignature(jwt, alg, key.key))) {
    throw aadsts.assertionSignature(
      `The signature does not verify with any key published by '${issuer}'${typeof kid === "string" ? ` for kid '${kid}'` : ""}.`,
    );
  }
  checkAssertionLifetime(payload);
}

async function issuerKeys(context: EmulatorContext, issuer: string): Promise<{ kid: unknown; key: KeyObject }[]> {
  if (context.federation.localIssuerName(issuer) !== undefined) {
    const { key } = context.federation;
    return [{ kid: key.kid, key: key.publicKey }];
  }
  let jwks: unknown[];
  try {
    jwks = await fetchIssuerJwks(issuer, context.caCertPem);
  } catch (error) {
    throw aadsts.federatedIssuerUnreachable(issuer, (error as Error).message);
  }
  return jwks.flatMap((jwk) => {
    const key = importJwk(jwk);
    return key === undefined ? [] : [{ kid: (jwk as { kid?: unknown }).kid, key }];
  });
}
