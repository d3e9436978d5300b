// The emulator's own OIDC issuers for federated assertions: stand-ins for a Kubernetes service
// account issuer, Azure Pipelines or GitHub Actions. Each name is a separate issuer URL with its
// own discovery document; all share one signing key, which is enough for tests.
import { randomUUID } from "node:crypto";
import { TOKEN_EXCHANGE_AUDIENCE } from "../config.js";
import type { SigningKey } from "../tokens/signingKey.js";

export interface FederationIssuers {
  /** `${url}/federation/${name ?? "default"}`, serving /.well-known/openid-configuration and /jwks */
  issuerUrl(name?: string): string;
  /** An RS256 JWT from one of these issuers; `issuer` is a name or a full issuer URL. */
  mint(options: { issuer?: string; subject: string; audience?: string; lifetimeSeconds?: number; claims?: Record<string, unknown> }): string;
}

const NAME = /^[A-Za-z0-9._~-]+$/;

export class LocalFederationIssuers implements FederationIssuers {
  constructor(
    private readonly url: string,
    readonly key: SigningKey,
  ) {}

  issuerUrl(name = "default"): string {
    if (!NAME.test(name)) throw new TypeError(`Federation issuer names may use letters, digits and . _ ~ - only, got "${name}"`);
    return `${this.url}/federation/${name}`;
  }

  mint(options: Parameters<FederationIssuers["mint"]>[0]): string {
    if (typeof options.subject !== "string" || options.subject === "") throw new TypeError("mint() needs a non-empty subject");
    const issuer = options.issuer?.includes("://") ? options.issuer : this.issuerUrl(options.issuer);
    const now = Math.floor(Date.now() / 1000);
    return this.key.sign({
      iss: issuer,
      sub: options.subject,
      aud: options.audience ?? TOKEN_EXCHANGE_AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + (options.lifetimeSeconds ?? 3600),
      jti: randomUUID(),
      ...options.claims,
    });
  }

  /** The issuer name when `issuer` is one of ours, else undefined. */
  localIssuerName(issuer: string): string | undefined {
    const prefix = `${this.url}/federation/`;
    if (!issuer.startsWith(prefix)) return undefined;
    const name = issuer.slice(prefix.length);
    return NAME.test(name) ? name : undefined;
  }

  openidConfiguration(name: string): Record<string, unknown> {
    const issuer = this.issuerUrl(name);
    return {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    };
  }
}
