// The walk behind diagnoseDefaultAzureCredential, what `azid doctor` prints. Given the chain exactly as
// DefaultAzureCredential builds it (its plan, passed in), asks every credential for a token in order, also
// after the first success, timing each, so the report shows the whole picture: what is configured
// and from what, what each credential said and how to fix it, and which one DefaultAzureCredential
// would use. Never opens a browser. The report carries decoded, non-secret claims, never a token,
// and is scrubbed of secret values before it is returned.
import { CredentialUnavailableErrorName, isChainContinue } from "../../core/errors.js";
import { oneLine } from "../../core/logger.js";
import { redactValues } from "../../core/redact.js";
import { allHints } from "../entra/errorHints.js";
import type { TokenCredential } from "../../core/types.js";
import { detect, SECRET_VARIABLES, type Detection, type DetectOptions } from "./detect.js";
import { remedyFor } from "./remedies.js";
import { pythonOrder, type ChainCredentialName, type TokenCredentialsSetting } from "./selection.js";

/** What {@link diagnoseDefaultAzureCredential} found out about one credential of the chain. */
export interface CredentialDiagnosis {
  /** The credential's class name. */
  name: ChainCredentialName;
  /** `token`: got one; `unavailable`: not usable here (the chain moves on); `failed`: configured but failing (the chain stops); `excluded`: not tried. */
  outcome: "token" | "unavailable" | "failed" | "excluded";
  /** Why it was not tried (an `exclude*` option, AZURE_TOKEN_CREDENTIALS, off by default). */
  excludedBecause?: string;
  /** Whether its configuration (variables, files, tools) is present. */
  configured: boolean;
  /** Environment variable names, files and tools it uses (never values of secrets). */
  from: string[];
  /** Non-secret ids and facts (tenant and client ids, endpoint, executable). */
  details: Record<string, string>;
  /** How long trying it took. */
  elapsedMs?: number;
  /** Decoded non-secret claims of the token it got (aud, appid, upn, tid, oid, exp). */
  claims?: Record<string, string | number>;
  /** When the token it got expires (ISO 8601). */
  expiresOn?: string;
  /** Why it is unavailable or failed, as its error said. */
  reason?: string;
  /** What to do about it. */
  fix?: string;
  /** The credential DefaultAzureCredential would use. */
  selected: boolean;
}

/** The report of {@link diagnoseDefaultAzureCredential} (and of `npx azid doctor --json`). */
export interface DefaultAzureCredentialDiagnosis {
  /** The scopes that were asked for. */
  scopes: string[];
  /** AZURE_TOKEN_CREDENTIALS as set (it selects credentials, it is not a secret) and what it does. */
  azureTokenCredentials: {
    /** The variable's value, if set. */
    value: string | undefined;
    /** What it does to the chain, in words. */
    effect: string;
  };
  /** One entry per credential the chain knows, in order. */
  credentials: CredentialDiagnosis[];
  /**
   * The credentials DefaultAzureCredential tries, in order (@azure/identity's), and, when it differs,
   * the order Python azure-identity's would try with the same settings (it includes SharedTokenCacheCredential).
   */
  order: {
    /** The order azid (and @azure/identity) tries. */
    azid: ChainCredentialName[];
    /** Python azure-identity's order, when different. */
    python?: ChainCredentialName[];
  };
  /** Name of the credential DefaultAzureCredential would use; undefined when none would get a token. */
  selected: ChainCredentialName | undefined;
  /** A credential that failed (not merely unavailable) before any succeeded: the chain stops there. */
  stoppedAt: ChainCredentialName | undefined;
  /** How long the whole diagnosis took. */
  totalMs: number;
}

/** DefaultAzureCredential's chain as its plan built it: every credential, and the ones tried, constructed. */
export interface DiagnosedChain {
  setting: TokenCredentialsSetting;
  credentials: ReadonlyArray<{ name: ChainCredentialName; excludedBecause: string | undefined; member: { credential: TokenCredential } | undefined }>;
}

const CLAIMS = ["aud", "appid", "azp", "upn", "preferred_username", "unique_name", "tid", "oid", "idtyp", "exp"] as const;

/**
 * Walks the chain on this machine and reports every credential. `started` is when the caller began
 * (for totalMs); `scopes` are already validated.
 */
export async function diagnoseChain(
  plan: DiagnosedChain,
  scopes: string[],
  detectOptions: DetectOptions,
  started: number,
): Promise<DefaultAzureCredentialDiagnosis> {
  const credentials: CredentialDiagnosis[] = [];
  let selected: ChainCredentialName | undefined;
  let stoppedAt: ChainCredentialName | undefined;

  for (const planned of plan.credentials) {
    const detection: Detection = await detect(planned.name, detectOptions);
    const base = { name: planned.name, configured: detection.configured, from: detection.from, details: detection.details, selected: false };
    if (planned.member === undefined) {
      credentials.push({
        ...base,
        outcome: "excluded",
        excludedBecause: planned.excludedBecause!,
        configured: planned.name === "InteractiveBrowserCredential" ? false : base.configured,
        from: planned.name === "InteractiveBrowserCredential" ? [] : base.from,
      });
      continue;
    }
    const begin = performance.now();
    try {
      const token = await planned.member.credential.getToken(scopes);
      const elapsedMs = Math.round(performance.now() - begin);
      if (token === null) throw Object.assign(new Error(`${planned.name} returned no token.`), { name: CredentialUnavailableErrorName });
      const isFirst = selected === undefined && stoppedAt === undefined;
      if (isFirst) selected = planned.name;
      credentials.push({
        ...base,
        outcome: "token",
        elapsedMs,
        claims: decodeClaims(token.token),
        expiresOn: new Date(token.expiresOnTimestamp).toISOString(),
        selected: isFirst,
      });
    } catch (error) {
      const elapsedMs = Math.round(performance.now() - begin);
      const unavailable = isChainContinue(error);
      if (!unavailable && selected === undefined && stoppedAt === undefined) stoppedAt = planned.name;
      const reason = oneLine(error instanceof Error ? `${unavailable ? "" : `${error.name}: `}${error.message}` : String(error));
      credentials.push({ ...base, outcome: unavailable ? "unavailable" : "failed", elapsedMs, reason, fix: remedyFor(planned.name, error) });
    }
  }

  const effect = describeSetting(plan.setting);
  const azid = plan.credentials.filter((c) => c.member !== undefined).map((c) => c.name);
  const python = pythonOrder(plan.credentials);
  const report: DefaultAzureCredentialDiagnosis = {
    scopes,
    azureTokenCredentials: { value: process.env.AZURE_TOKEN_CREDENTIALS, effect },
    credentials,
    order: python.join() === azid.join() ? { azid } : { azid, python },
    selected,
    stoppedAt,
    totalMs: Date.now() - started,
  };
  return redact(report);
}

function describeSetting(setting: TokenCredentialsSetting): string {
  if (setting.kind === "all") return "not set: the whole chain is tried";
  if (setting.kind === "one") return `${setting.name} only`;
  return setting.kind === "dev" ? "developer tools only" : "EnvironmentCredential, WorkloadIdentityCredential and ManagedIdentityCredential only";
}

/** The non-secret identity claims of a JWT access token; {} when it is not a readable JWT. */
function decodeClaims(token: string): Record<string, string | number> {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const claims: Record<string, string | number> = {};
    for (const name of CLAIMS) {
      const value = payload[name];
      if (typeof value === "string" || typeof value === "number") claims[name] = value;
    }
    return claims;
  } catch {
    return {};
  }
}

/**
 * Last line of defence: no secret variable's value and nothing token-shaped leaves this function.
 * Values are redacted, not words: azid's own advice (the AADSTS hints, each fix) is left intact.
 */
function redact<T>(report: T): T {
  const secrets = SECRET_VARIABLES.map((name) => process.env[name]);
  const hints = allHints();
  return JSON.parse(JSON.stringify(report), (key, value: unknown) =>
    // A fix is azid's own fixed advice (remedies.ts), never built from a message: nothing to redact.
    typeof value !== "string" || key === "fix" ? value : redactValues(value, secrets, hints),
  ) as T;
}
