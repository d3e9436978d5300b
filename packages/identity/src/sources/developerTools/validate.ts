// Every value that reaches a developer tool's argv is checked here first, against the allow-lists
// of @azure/identity (scope, tenant, subscription), plus one rule of ours: a value never starts
// with '-', so a tool can't read it as an option ("--tenant --debug", "--resource -o tsv").
// runTool.ts never uses a shell, so these lists are defence in depth rather than the only barrier
// (js#7731, CVE-2021-28458, CVE-2023-36415). Failures name the first bad character by code point
// and position, never the whole value: a misplaced secret must not end up in an error or a log.
import { CredentialUnavailableError } from "../../core/errors.js";
import { credentialLogger, type CredentialLogger } from "../../core/logger.js";
import { resolveAdditionallyAllowedTenants } from "../../core/tenants.js";
import type { LoggingOptions } from "../../core/options.js";

const SCOPE_CHARACTER = /^[0-9a-zA-Z\-_.:/]$/;
const TENANT_CHARACTER = /^[0-9a-zA-Z\-.]$/;
const SUBSCRIPTION_CHARACTER = /^[0-9a-zA-Z\-_. ]$/;
const MAX_LENGTH = 1024;

/** Why `value` fails `allowed`, or undefined when it passes. */
function findProblem(value: string, allowed: RegExp): string | undefined {
  if (value.length === 0) return "it is empty";
  if (value.length > MAX_LENGTH) return `it is longer than ${MAX_LENGTH} characters`;
  const characters = [...value];
  const bad = characters.findIndex((c) => !allowed.test(c));
  if (bad >= 0) return `character ${codePoint(characters[bad]!)} at position ${bad} is not allowed`;
  if (value.startsWith("-")) return "it starts with '-' (U+002D), which the tool would read as an option";
  return undefined;
}

function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * A scope for az, azd or pwsh. Unavailable (not TypeError) like @azure/identity, so a chain moves on
 * to credentials that can take any scope; the message keeps upstream's wording as its prefix.
 */
export function checkToolScope(scope: unknown): asserts scope is string {
  if (typeof scope !== "string") {
    throw new CredentialUnavailableError(`Invalid scope was specified by the user or calling client: expected a string, received ${typeof scope}.`);
  }
  const problem = findProblem(scope, SCOPE_CHARACTER);
  if (problem !== undefined) {
    throw new CredentialUnavailableError(
      `Invalid scope was specified by the user or calling client: ${problem}. ` +
        "Developer tools accept scopes made of letters, digits and '-', '_', '.', ':', '/' only, such as 'https://management.azure.com/.default'.",
    );
  }
}

/** A tenant passed to a tool: the rules of checkTenantId plus "no leading '-'". */
export function checkToolTenant(tenantId: unknown, what = "tenantId"): asserts tenantId is string {
  if (typeof tenantId !== "string") throw new TypeError(`${what} must be a string (received ${typeof tenantId}).`);
  const problem = findProblem(tenantId, TENANT_CHARACTER);
  if (problem !== undefined) {
    throw new RangeError(
      `Invalid ${what}: ${problem}. A tenant id is a GUID or domain made of letters, digits, '-' and '.'. ` +
        "You can locate your tenant id by following https://learn.microsoft.com/partner-center/find-ids-and-domain-names.",
    );
  }
}

/** An Azure CLI subscription id or name (names may contain spaces: each value is one argv element). */
export function checkToolSubscription(subscription: unknown): asserts subscription is string {
  if (typeof subscription !== "string") throw new TypeError(`subscription must be a string (received ${typeof subscription}).`);
  const problem = findProblem(subscription, SUBSCRIPTION_CHARACTER);
  if (problem !== undefined) {
    throw new RangeError(
      `Invalid subscription: ${problem}. If this is the name of a subscription, use its ID instead. ` +
        "You can locate your subscription by following the instructions listed here: https://learn.microsoft.com/azure/azure-portal/get-subscription-tenant-id",
    );
  }
}

/** `processTimeoutInMs`: a positive number of milliseconds, or undefined for the default. */
export function resolveProcessTimeout(value: unknown, credentialName: string, defaultMs: number): number {
  if (value === undefined) return defaultMs;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `${credentialName}: processTimeoutInMs must be a positive number of milliseconds (received ${typeof value === "number" ? String(value) : typeof value}).`,
    );
  }
  return Math.min(Math.ceil(value), 2 ** 31 - 1);
}

/** Claims travel base64-encoded (as upstream's `btoa`, but safe for any Unicode). */
export function encodeClaims(claims: string): string {
  return Buffer.from(claims, "utf8").toString("base64");
}

const CLAIMS_PREFIX = "This credential doesn't support claims challenges. To authenticate with the required claims, please run the following command:";

/**
 * az and pwsh can't take a claims challenge non-interactively: refuse with the command that signs
 * in with the claims. Only validated values (scope, tenant) and base64 appear in the message.
 */
export function claimsNotSupported(tool: "az" | "pwsh", claims: string, scope: string, tenantId: string | undefined): CredentialUnavailableError {
  const encoded = encodeClaims(claims);
  const command =
    tool === "az"
      ? `az login --claims-challenge ${encoded} --scope ${scope}${tenantId !== undefined ? ` --tenant ${tenantId}` : ""}`
      : `Connect-AzAccount -ClaimsChallenge ${encoded}${tenantId !== undefined ? ` -Tenant ${tenantId}` : ""}`;
  const note = tool === "az" ? " (requires Azure CLI 2.76.0 or later)" : "";
  return new CredentialUnavailableError(`${CLAIMS_PREFIX} ${command}${note}`);
}

export interface ToolCredentialSettings {
  tenantId: string | undefined;
  processTimeoutInMs: number;
  additionallyAllowedTenants: string[];
  logger: CredentialLogger;
  /** allowLoggingAccountIdentifiers / enableUnsafeSupportLogging, as the credential was given them. */
  loggingOptions: LoggingOptions | undefined;
}

/** The options az, azd and pwsh credentials share, validated at construction (an empty tenantId means none). */
export function toolCredentialSettings(
  credentialName: string,
  options: { tenantId?: string; processTimeoutInMs?: number; additionallyAllowedTenants?: string[]; loggingOptions?: LoggingOptions } | undefined,
): ToolCredentialSettings {
  const tenantId = options?.tenantId || undefined;
  if (tenantId !== undefined) checkToolTenant(tenantId);
  return {
    tenantId,
    processTimeoutInMs: resolveProcessTimeout(options?.processTimeoutInMs, credentialName, 10_000),
    additionallyAllowedTenants: resolveAdditionallyAllowedTenants(options?.additionallyAllowedTenants),
    logger: credentialLogger(credentialName),
    loggingOptions: options?.loggingOptions,
  };
}
