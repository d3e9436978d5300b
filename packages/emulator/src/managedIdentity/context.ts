// What the managed-identity hosts share: the emulator's configuration and key, the tenant whose
// identities they serve, and each host's per-run secret (IDENTITY_HEADER, MSI_SECRET, ...).
import type { EmulatorContext } from "../context.js";
import type { ArcChallenges } from "./arcChallenges.js";

export interface ManagedIdentityContext {
  readonly emulator: EmulatorContext;
  /** the tenant whose identities the hosts serve; undefined = the first configured tenant */
  readonly tenantId: string | undefined;
  readonly tokenLifetimeSeconds: number;
  /** App Service's IDENTITY_HEADER */
  readonly appServiceSecret: string;
  /** Service Fabric's IDENTITY_HEADER */
  readonly serviceFabricSecret: string;
  /** Azure ML's MSI_SECRET */
  readonly azureMlSecret: string;
  readonly arc: ArcChallenges;
}
