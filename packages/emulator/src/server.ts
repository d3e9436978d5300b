// startEmulator: prepares the CA and keys, listens on loopback over HTTPS (or HTTP) plus the
// managed-identity listeners, and tears everything down promptly on close(), including sockets
// held open by "hang" faults and the temporary files it wrote.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultEmulatorConfig, PIPELINES_ISSUER_NAME } from "./config.js";
import type { EmulatorContext } from "./context.js";
import { openDataDir } from "./dataDir.js";
import { emulatorEnvironment } from "./environment.js";
import { AssertionReplayCache } from "./entra/assertionReplay.js";
import { AuthorizationCodes } from "./entra/authorizationCodes.js";
import { DeviceCodes } from "./entra/deviceCodes.js";
import { RefreshTokenRevocations } from "./entra/refreshTokenRevocations.js";
import { writeSharedTokenCache } from "./entra/sharedTokenCache.js";
import { SignInFlows } from "./entra/signInFlows.js";
import { DEFAULT_SPA_REFRESH_TOKEN_LIFETIME_SECONDS } from "./entra/spaRules.js";
import { FaultList } from "./faults.js";
import { LocalFederationIssuers } from "./federation/issuers.js";
import { writeWorkloadIdentityToken } from "./federation/workloadIdentity.js";
import { createRequestListener } from "./http/requestPipeline.js";
import { DEFAULT_REQUEST_LOG_LIMIT, RequestLog } from "./http/requestLog.js";
import { routeRequest } from "./router.js";
import { ArcChallenges } from "./managedIdentity/arcChallenges.js";
import type { ManagedIdentityContext } from "./managedIdentity/context.js";
import { managedIdentityEnvironment } from "./managedIdentity/hostEnvironment.js";
import { startManagedIdentityListeners } from "./managedIdentity/listeners.js";
import { listen, trackSockets } from "./net/listen.js";
import { isLoopbackHost, urlHost } from "./net/loopback.js";
import { pipelinesSubject } from "./pipelines/oidc.js";
import { createPipelinesSettings } from "./pipelines/settings.js";
import { createSelfSignedCertificate, issueServerCertificate } from "./tls/certificates.js";
import { ENTRA_CERTIFICATE_NAMES } from "./net/entraHostNames.js";
import { createSigningKey, verifyOwnToken } from "./tokens/signingKey.js";
import type { Emulator, EmulatorOptions } from "./types.js";

const LOOPBACK_NAMES = ["127.0.0.1", "::1", "localhost"];

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = validateOptions(options);
  const { ca, signingPrivateKey } = await openDataDir(settings.dataDir);
  // One key signs access tokens and the local federation issuers' tokens: both are "this emulator".
  const signingKey = createSigningKey(signingPrivateKey);
  const listenNames = LOOPBACK_NAMES.includes(settings.host) || isWildcard(settings.host) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, settings.host];
  const certificateHosts = settings.entraHostNames ? [...listenNames, ...ENTRA_CERTIFICATE_NAMES] : listenNames;
  const tls = settings.http ? undefined : issueServerCertificate(ca, certificateHosts);
  // Arc key files (by default) and workload identity token files live here until close().
  const temporaryDirectory = await mkdtemp(join(tmpdir(), "azid-emulator-"));

  const config = options.config ?? defaultEmulatorConfig();
  const faults = new FaultList();
  const log = new RequestLog(settings.requestLogLimit, settings.recordSecrets);
  const controlSecret = options.controlSecret ?? randomBytes(32).toString("base64url");
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const server = tls === undefined ? http.createServer() : https.createServer({ key: tls.keyPem, cert: tls.certPem });
  trackSockets(server, sockets);
  const servers: http.Server[] = [server];
  const arc = new ArcChallenges(options.managedIdentity?.arcTokenDirectory ?? join(temporaryDirectory, "arc-tokens"));
  const stop = async () => {
    closing.abort();
    const stopped = servers.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve())));
    for (const socket of sockets) socket.destroy();
    await Promise.all(stopped);
    await arc.removeFiles();
    await rm(temporaryDirectory, { recursive: true, force: true });
  };

  try {
    const port = await listen(server, settings.port, settings.host);
    const scheme = tls === undefined ? "http" : "https";
    const origin = (host: string) => `${scheme}://${urlHost(host)}:${port}`;
    const url = origin(isWildcard(settings.host) ? "127.0.0.1" : settings.host);
    const federation = new LocalFederationIssuers(url, signingKey);
    const pipelines = createPipelinesSettings();
    const interactive = {
      flows: new SignInFlows(),
      codes: new AuthorizationCodes(),
      deviceCodes: new DeviceCodes({
        lifetimeSeconds: settings.deviceCodeLifetimeSeconds,
        intervalSeconds: settings.deviceCodeIntervalSeconds,
        slowDown: settings.deviceCodeSlowDown,
      }),
      revocations: new RefreshTokenRevocations(),
    };
    const context: EmulatorContext = {
      url,
      origins: [...new Set([url, ...listenNames.map(origin)])],
      entraHostNames: settings.entraHostNames,
      config,
      signingKey,
      federation,
      replay: settings.rejectReplayedAssertions ? new AssertionReplayCache() : undefined,
      accessTokenLifetimeSeconds: settings.accessTokenLifetimeSeconds,
      refreshInSeconds: settings.refreshInSeconds,
      spaRefreshTokenLifetimeSeconds: settings.spaRefreshTokenLifetimeSeconds,
      caCertPem: ca.certPem,
      pipelines,
      interactive,
    };
    const pipeline = { context, faults, log, listenHost: settings.host, entraHostNames: settings.entraHostNames, closing: closing.signal };
    // Attached only now because the context needs the port; no request is read before this runs.
    server.on(
      "request",
      createRequestListener({
        ...pipeline,
        route: (request) => routeRequest(context, request),
        control: { config, faults, log, interactive, secret: controlSecret, origins: context.origins.map((o) => o.toLowerCase()) },
      }),
    );

    await arc.prepare();
    const mi: ManagedIdentityContext = {
      emulator: context,
      tenantId: options.managedIdentity?.tenantId,
      tokenLifetimeSeconds: settings.managedIdentityTokenLifetimeSeconds,
      appServiceSecret: randomBytes(24).toString("base64url"),
      serviceFabricSecret: randomBytes(24).toString("base64url"),
      azureMlSecret: randomBytes(24).toString("base64url"),
      arc,
    };
    const listeners = await startManagedIdentityListeners(mi, pipeline, sockets);
    servers.push(...listeners.servers);

    let closed: Promise<void> | undefined;
    return {
      url,
      caCertPath: ca.certPath,
      caCertPem: ca.certPem,
      config,
      requests: log.entries,
      requestCounts: () => log.counts(),
      controlSecret,
      faults,
      federation,
      managedIdentity: {
        httpUrl: listeners.httpUrl,
        serviceFabricUrl: listeners.serviceFabricUrl,
        serviceFabricThumbprint: listeners.serviceFabricThumbprint,
        serviceFabricCertPem: listeners.serviceFabricCertPem,
        arcTokenDirectory: arc.directory,
        env: (host) => managedIdentityEnvironment(host, listeners, mi),
      },
      pipelines: {
        oidcRequestUri: `${url}${pipelines.oidcRequestPath}`,
        systemAccessToken: pipelines.systemAccessToken,
        serviceConnectionId: pipelines.serviceConnectionId,
        issuer: federation.issuerUrl(PIPELINES_ISSUER_NAME),
        subject: pipelinesSubject(pipelines.serviceConnectionId),
        env: () => pipelinesEnvironment(url, pipelines, config),
      },
      writeSharedTokenCache: (cacheOptions) => writeSharedTokenCache({ url, config, signingKey, revocations: interactive.revocations }, cacheOptions),
      writeWorkloadIdentityToken: (tokenOptions) => writeWorkloadIdentityToken({ url, config, federation, directory: temporaryDirectory }, tokenOptions),
      issueServerCertificate: (hosts) => {
        const { certPem, keyPem } = issueServerCertificate(ca, hosts);
        return { certPem, keyPem };
      },
      createClientCertificate: async (commonName) => {
        const { certPem, keyPem } = await createSelfSignedCertificate(commonName);
        return { certPem, keyPem };
      },
      env: () => emulatorEnvironment(url, ca.certPath, config),
      deviceCode: {
        approve: (userCode, username) => interactive.deviceCodes.approve(userCode, username),
        deny: (userCode) => interactive.deviceCodes.deny(userCode),
        pending: () => interactive.deviceCodes.pending(),
      },
      revokeRefreshTokens: (username) => interactive.revocations.revoke(username),
      decodeToken: (jwt) => {
        const { header, payload } = verifyOwnToken(jwt, [signingKey]);
        return { header, payload };
      },
      close: () => {
        closed ??= stop();
        return closed;
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function pipelinesEnvironment(url: string, pipelines: ReturnType<typeof createPipelinesSettings>, config: Emulator["config"]): Record<string, string> {
  const tenant = config.tenants[0];
  const app = tenant?.apps.find((candidate) => (candidate.secrets ?? []).length > 0 || (candidate.federatedCredentials ?? []).length > 0);
  return {
    SYSTEM_OIDCREQUESTURI: `${url}${pipelines.oidcRequestPath}`,
    SYSTEM_ACCESSTOKEN: pipelines.systemAccessToken,
    AZURESUBSCRIPTION_SERVICE_CONNECTION_ID: pipelines.serviceConnectionId,
    ...(app === undefined ? {} : { AZURESUBSCRIPTION_CLIENT_ID: app.clientId }),
    ...(tenant === undefined ? {} : { AZURESUBSCRIPTION_TENANT_ID: tenant.id }),
  };
}

interface Settings {
  host: string;
  port: number;
  http: boolean;
  dataDir: string;
  accessTokenLifetimeSeconds: number;
  managedIdentityTokenLifetimeSeconds: number;
  refreshInSeconds: number | undefined;
  spaRefreshTokenLifetimeSeconds: number;
  rejectReplayedAssertions: boolean;
  deviceCodeLifetimeSeconds: number;
  deviceCodeIntervalSeconds: number;
  deviceCodeSlowDown: boolean;
  requestLogLimit: number;
  recordSecrets: boolean;
  entraHostNames: boolean;
}

function validateOptions(options: EmulatorOptions): Settings {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  if (!isLoopbackHost(host)) {
    if (options.allowNonLoopback !== true) {
      throw new RangeError(
        `Refusing to listen on non-loopback host "${host}": the emulator issues tokens without real credentials. Pass allowNonLoopback: true to override.`,
      );
    }
    if (options.http === true) throw new RangeError(`Plain HTTP is only served on loopback, got host "${host}"`);
  }
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    return value;
  };
  if (
    options.controlSecret !== undefined &&
    (typeof options.controlSecret !== "string" || options.controlSecret.length < 16 || /\s/.test(options.controlSecret))
  ) {
    throw new RangeError("controlSecret must be a string of at least 16 characters without spaces (omit it to get a random one per run)");
  }
  const tenantId = options.managedIdentity?.tenantId;
  if (tenantId !== undefined && !(options.config ?? defaultEmulatorConfig()).tenants.some((tenant) => tenant.id.toLowerCase() === tenantId.toLowerCase())) {
    throw new RangeError(`managedIdentity.tenantId "${tenantId}" is not a configured tenant`);
  }
  return {
    host,
    port,
    http: options.http === true,
    dataDir: options.dataDir ?? join(homedir(), ".azid", "emulator"),
    accessTokenLifetimeSeconds: positive("accessTokenLifetimeSeconds", options.accessTokenLifetimeSeconds) ?? 3600,
    managedIdentityTokenLifetimeSeconds: positive("managedIdentityTokenLifetimeSeconds", options.managedIdentityTokenLifetimeSeconds) ?? 86400,
    refreshInSeconds: positive("refreshInSeconds", options.refreshInSeconds),
    spaRefreshTokenLifetimeSeconds:
      positive("spaRefreshTokenLifetimeSeconds", options.spaRefreshTokenLifetimeSeconds) ?? DEFAULT_SPA_REFRESH_TOKEN_LIFETIME_SECONDS,
    rejectReplayedAssertions: options.rejectReplayedAssertions ?? false,
    deviceCodeLifetimeSeconds: positive("deviceCodeLifetimeSeconds", options.deviceCodeLifetimeSeconds) ?? 900,
    deviceCodeIntervalSeconds: positive("deviceCodeIntervalSeconds", options.deviceCodeIntervalSeconds) ?? 5,
    deviceCodeSlowDown: options.deviceCodeSlowDown ?? true,
    requestLogLimit: positive("requestLogLimit", options.requestLogLimit) ?? DEFAULT_REQUEST_LOG_LIMIT,
    recordSecrets: options.recordSecrets ?? false,
    entraHostNames: options.entraHostNames === true,
  };
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}
