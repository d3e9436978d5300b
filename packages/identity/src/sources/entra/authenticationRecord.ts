// AuthenticationRecord: a pointer to a signed-in account (never a secret), which an app can save and
// pass back as `authenticationRecord` to sign the same user in silently (protocols.md 7.5).
import type { UserAccount } from "./idToken.js";

/**
 * A signed-in user account, as returned by `authenticate()` of the user credentials: not a secret
 * (no token), safe to store with {@link serializeAuthenticationRecord} and pass back as
 * `authenticationRecord` so the next run signs in silently (with a persistent token cache). The same
 * JSON as @azure/identity's and Python's.
 */
export interface AuthenticationRecord {
  /** The authority host the account signed in at, e.g. `login.microsoftonline.com`. */
  authority: string;
  /** `<object id>.<home tenant id>`. */
  homeAccountId: string;
  /** The app (client id) the user signed in to. */
  clientId: string;
  /** The tenant the user signed in to. */
  tenantId: string;
  /** The user's sign-in name, e.g. `alice@contoso.com`. */
  username: string;
}

const SUPPORTED_VERSION = "1.0";
const FIELDS = ["authority", "homeAccountId", "clientId", "tenantId", "username"] as const;

export function recordFor(account: UserAccount, authorityHost: string, clientId: string): AuthenticationRecord {
  return { authority: new URL(authorityHost).host, homeAccountId: account.homeAccountId, clientId, tenantId: account.tenantId, username: account.username };
}

/** JSON with `version: "1.0"`, readable by @azure/identity's and azure-identity's deserializers. */
export function serializeAuthenticationRecord(record: AuthenticationRecord): string {
  const checked = validate(record, "serializeAuthenticationRecord");
  return JSON.stringify({ ...checked, version: SUPPORTED_VERSION });
}

/** Parses what {@link serializeAuthenticationRecord} (or @azure/identity's, or Python's) wrote; throws on anything else. */
export function deserializeAuthenticationRecord(serializedRecord: string): AuthenticationRecord {
  if (typeof serializedRecord !== "string") {
    throw new TypeError(
      `deserializeAuthenticationRecord: expected the JSON string made by serializeAuthenticationRecord, received ${typeof serializedRecord}.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(serializedRecord);
  } catch {
    throw new TypeError("deserializeAuthenticationRecord: the value is not JSON. Pass the string made by serializeAuthenticationRecord, unchanged.");
  }
  if (typeof parsed === "object" && parsed !== null && "version" in parsed && (parsed as { version: unknown }).version !== SUPPORTED_VERSION) {
    throw new Error(
      `Unsupported AuthenticationRecord version ${JSON.stringify((parsed as { version: unknown }).version)}: this package reads version "${SUPPORTED_VERSION}".`,
    );
  }
  return validate(parsed, "deserializeAuthenticationRecord");
}

/** Checks the shape; copies only the known fields. Used for the `authenticationRecord` option too. */
export function validate(value: unknown, where: string): AuthenticationRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: an AuthenticationRecord is an object with ${FIELDS.join(", ")}.`);
  }
  const record = value as Record<string, unknown>;
  const missing = FIELDS.filter((field) => typeof record[field] !== "string" || (field !== "username" && record[field] === ""));
  if (missing.length > 0) {
    throw new TypeError(
      `${where}: the AuthenticationRecord lacks ${missing.map((field) => `'${field}'`).join(", ")} (each must be a ${missing.length === 1 ? "" : "non-empty "}string). Use the record returned by authenticate().`,
    );
  }
  const [authority, homeAccountId, clientId, tenantId, username] = FIELDS.map((field) => record[field] as string);
  return { authority: authority!, homeAccountId: homeAccountId!, clientId: clientId!, tenantId: tenantId!, username: username! };
}
