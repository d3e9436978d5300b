// How a client proves who it is at the token endpoint: a secret, a certificate-signed assertion,
// or a federated assertion from a trusted issuer; public clients prove nothing (protocols.md 1.5).
import type { AppRegistration, TenantConfig } from "../config.js";
import type { EmulatorContext } from "../context.js";
import type { AppIdAcr } from "../tokens/accessToken.js";
import { decodeJwt, JwtFormatError } from "../tokens/jwt.js";
import { verifyCertificateAssertion } from "./certificateAssertion.js";
import { aadsts } from "./errors.js";
import { verifyFederatedAssertion } from "./federatedAssertion.js";
import { secretsEqual } from "./secretComparison.js";
import { findApp } from "./tenants.js";

const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface AuthenticatedClient {
  app: AppRegistration;
  appidacr: AppIdAcr;
}

/**
 * Finds the app and checks its credential. `requireCredential` is set for app-only grants, where
 * even a public client must authenticate (and cannot, as it has no credential).
 */
export async function authenticateClient(
  context: EmulatorContext,
  tenant: TenantConfig,
  form: Record<string, string>,
  requireCredential: boolean,
): Promise<AuthenticatedClient> {
  const clientId = requiredParameter(form, "client_id");
  const app = findApp(tenant, clientId);
  if (app === undefined) throw aadsts.appNotFound(clientId, tenant.id);

  const secret = form.client_secret;
  const assertion = form.client_assertion;
  if (app.publicClient === true) {
    if (secret !== undefined || assertion !== undefined) throw aadsts.publicClientCredential();
    if (requireCredential) throw aadsts.missingClientCredential();
    return { app, appidacr: "0" };
  }
  if (secret !== undefined && assertion !== undefined) {
    throw aadsts.malformedRequest("Send either client_secret or client_assertion, not both.");
  }
  if (secret !== undefined) {
    if (!(app.secrets ?? []).some((candidate) => secretsEqual(candidate, secret))) throw aadsts.invalidSecret(app.clientId);
    return { app, appidacr: "1" };
  }
  if (assertion !== undefined) {
    await verifyClientAssertion(context, tenant, app, form, assertion);
    return { app, appidacr: "2" };
  }
  throw aadsts.missingClientCredential();
}

async function verifyClientAssertion(
  context: EmulatorContext,
  tenant: TenantConfig,
  app: AppRegistration,
  form: Record<string, string>,
  assertion: string,
): Promise<void> {
  const assertionType = requiredParameter(form, "client_assertion_type");
  if (assertionType !== JWT_BEARER_ASSERTION) {
    throw aadsts.malformedRequest(`client_assertion_type must be '${JWT_BEARER_ASSERTION}'.`);
  }
  let jwt;
  try {
    jwt = decodeJwt(assertion);
  } catch (error) {
    if (error instanceof JwtFormatError) throw aadsts.assertionInvalid(`The client assertion is malformed: ${error.message}.`);
    throw error;
  }
  // An assertion the app issued about itself is a certificate assertion; any other issuer is a
  // federation partner vouching for the app.
  if (jwt.payload.iss === app.clientId) {
    verifyCertificateAssertion(context, [tenant.id, ...(tenant.domains ?? [])], app, jwt);
  } else {
    await verifyFederatedAssertion(context, app, jwt);
  }
}

export function requiredParameter(form: Record<string, string>, name: string): string {
  const value = form[name];
  if (value === undefined || value === "") throw aadsts.missingParameter(name);
  return value;
}
