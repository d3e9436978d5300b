// What request handlers share: the live configuration, keys and settings of one emulator run.
import type { EmulatorConfig } from "./config.js";
import type { AssertionReplayCache } from "./entra/assertionReplay.js";
import type { AuthorizationCodes } from "./entra/authorizationCodes.js";
import type { DeviceCodes } from "./entra/deviceCodes.js";
import type { RefreshTokenRevocations } from "./entra/refreshTokenRevocations.js";
import type { SignInFlows } from "./entra/signInFlows.js";
import type { LocalFederationIssuers } from "./federation/issuers.js";
import type { PipelinesSettings } from "./pipelines/settings.js";
import type { SigningKey } from "./tokens/signingKey.js";

export interface EmulatorContext {
  /** the authority host, e.g. https://127.0.0.1:PORT */
  readonly url: string;
  /** `url` and the loopback aliases clients may use for the same server (aud checks) */
  readonly origins: readonly string[];
  /** Entra's public-cloud names are answered too (EmulatorOptions.entraHostNames): their token endpoints are valid audiences */
  readonly entraHostNames?: boolean;
  readonly config: EmulatorConfig;
  readonly signingKey: SigningKey;
  readonly federation: LocalFederationIssuers;
  /** undefined when replayed certificate assertions are allowed */
  readonly replay: AssertionReplayCache | undefined;
  readonly accessTokenLifetimeSeconds: number;
  readonly refreshInSeconds: number | undefined;
  /** the fixed lifetime of refresh tokens issued to single-page apps (24 h by default) */
  readonly spaRefreshTokenLifetimeSeconds: number;
  /** extra trust for fetching other issuers' keys over https (the emulator's own CA) */
  readonly caCertPem: string;
  /** the Azure Pipelines OIDC endpoint's path, bearer and service connection */
  readonly pipelines: PipelinesSettings;
  /** state of the user flows between requests: sign-in pages, codes, device codes, revocations */
  readonly interactive: InteractiveState;
}

export interface InteractiveState {
  readonly flows: SignInFlows;
  readonly codes: AuthorizationCodes;
  readonly deviceCodes: DeviceCodes;
  readonly revocations: RefreshTokenRevocations;
}
