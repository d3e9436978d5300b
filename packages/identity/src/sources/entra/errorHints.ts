// One line of advice for the AADSTS codes people hit most, appended to AuthenticationError messages.
import { multiResourceHint } from "./multiResourceHint.js";

const hints: Record<number, string> = {
  7000215: "The client secret is wrong: use the secret's Value (not its Secret ID) from the app registration's Certificates & secrets page.",
  7000222: "The client secret has expired: create a new one in the app registration and update your configuration.",
  7000218: "The request carried no client credential: pass a clientSecret, certificate or assertion.",
  700016: "No application with this client id exists in the tenant: check AZURE_CLIENT_ID / clientId and AZURE_TENANT_ID / tenantId.",
  90002: "The tenant was not found: check the tenant id or domain.",
  700027: "The client assertion's signature did not verify: upload the certificate (public part) to the app registration and check the private key matches.",
  50012: "The certificate is not registered for this app: upload its public part to the app registration.",
  70021: "No federated credential on the app matches the assertion's issuer, subject and audience: compare them with the app's federated credentials.",
  50126: "The username or password is wrong.",
  50076:
    "This account requires multi-factor authentication, which the username/password flow cannot do: use InteractiveBrowserCredential or DeviceCodeCredential.",
  50079: "This account must register for multi-factor authentication first: use an interactive credential.",
  70011: "The scope is invalid: app-only flows need a '<resource>/.default' scope, e.g. 'https://management.azure.com/.default'.",
  500011: "The resource was not found in the tenant: check the scope's resource URI.",
  53003: "Conditional Access blocked the sign-in: ask the tenant admin which policy applies.",
};

/** `scope` is the form's space-separated scope as sent: AADSTS70011's cause depends on it. */
export function hintFor(codes: number[] | undefined, scope?: string): string | undefined {
  const multiResource = multiResourceHint(codes, scope);
  if (multiResource !== undefined) return multiResource;
  for (const code of codes ?? []) if (hints[code] !== undefined) return hints[code];
  return undefined;
}

/** Every fixed hint: advice text that cannot carry a secret (see core/redact.ts). */
export function allHints(): string[] {
  return Object.values(hints);
}
