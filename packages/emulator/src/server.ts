// startEmulator: prepares the CA and keys, listens on loopback over HTTPS (or HTTP), and tears
// everything down promptly on close(), including sockets held open by "hang" faults.
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { defaultEmulatorConfig } from "./config.js";
import type { EmulatorContext } from "./context.js";
import { openDataDir } from "./dataDir.js";
import { emulatorEnvironment } from "./environment.js";
import { AssertionReplayCache } from "./entra/assertionReplay.js";
import { FaultList } from "./faults.js";
import { LocalFederationIssuers } from "./federation/issuers.js";
import { createRequestListener } from "./http/requestPipeline.js";
import { isLoopbackHost, urlHost } from "./net/loopback.js";
import { createSelfSignedCertificate, issueServerCertificate } from "./tls/certificates.js";
import { createSigningKey, verifyOwnToken } from "./tokens/signingKey.js";
import type { Emulator, EmulatorOptions, RecordedRequest } from "./types.js";

const LOOPBACK_NAMES = ["127.0.0.1", "::1", "localhost"];

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = validateOptions(options);
  const { ca, signingPrivateKey } = await openDataDir(settings.dataDir);
  // One key signs access tokens and the local federation issuers' tokens: both are "this emulator".
  const signingKey = createSigningKey(signingPrivateKey);
  const certificateHosts = LOOPBACK_NAMES.includes(settings.host) || isWildcard(settings.host) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, settings.host];
  const tls = settings.http ? undefined : issueServerCertificate(ca, certificateHosts);

  const config = options.config ?? defaultEmulatorConfig();
  const faults = new FaultList();
  const requests: RecordedRequest[] = [];
  const closing = new AbortController();
  const sockets = new Set<Socket>();
  const server = tls === undefined ? http.createServer() : https.createServer({ key: tls.keyPem, cert: tls.certPem });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server, settings.port, settings.host);

  const scheme = tls === undefined ? "http" : "https";
  const origin = (host: string) => `${scheme}://${urlHost(host)}:${port}`;
  const url = origin(isWildcard(settings.host) ? "127.0.0.1" : settings.host);
  const federation = new LocalFederationIssuers(url, signingKey);
  const context: EmulatorContext = {
    url,
    origins: [...new Set([url, ...certificateHosts.map(origin)])],
    config,
    signingKey,
    federation,
    replay: settings.rejectReplayedAssertions ? new AssertionReplayCache() : undefined,
    accessTokenLifetimeSeconds: settings.accessTokenLifetimeSeconds,
    refreshInSeconds: settings.refreshInSeconds,
    caCertPem: ca.certPem,
  };
  // Attached only now because the context needs the port; no request is read before this runs.
  server.on("request", createRequestListener({ context, faults, requests, closing: closing.signal }));

  let closed: Promise<void> | undefined;
  return {
    url,
    caCertPath: ca.certPath,
    caCertPem: ca.certPem,
    config,
    requests,
    faults,
    federation,
    issueServerCertificate: (hosts) => {
      const { certPem, keyPem } = issueServerCertificate(ca, hosts);
      return { certPem, keyPem };
    },
    createClientCertificate: async (commonName) => {
      const { certPem, keyPem } = await createSelfSignedCertificate(commonName);
      return { certPem, keyPem };
    },
    env: () => emulatorEnvironment(url, ca.certPath, config),
    decodeToken: (jwt) => {
      const { header, payload } = verifyOwnToken(jwt, [signingKey]);
      return { header, payload };
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

interface Settings {
  host: string;
  port: number;
  http: boolean;
  dataDir: string;
  accessTokenLifetimeSeconds: number;
  refreshInSeconds: number | undefined;
  rejectReplayedAssertions: boolean;
}

function validateOptions(options: EmulatorOptions): Settings {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`);
  if (!isLoopbackHost(host)) {
    if (options.allowNonLoopback !== true) {
      throw new RangeError(`Refusing to listen on non-loopback host "${host}": the emulator issues tokens without real credentials. Pass allowNonLoopback: true to override.`);
    }
    if (options.http === true) throw new RangeError(`Plain HTTP is only served on loopback, got host "${host}"`);
  }
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} must be a positive integer, got ${value}`);
    return value;
  };
  return {
    host,
    port,
    http: options.http === true,
    dataDir: options.dataDir ?? join(homedir(), ".azid", "emulator"),
    accessTokenLifetimeSeconds: positive("accessTokenLifetimeSeconds", options.accessTokenLifetimeSeconds) ?? 3600,
    refreshInSeconds: positive("refreshInSeconds", options.refreshInSeconds),
    rejectReplayedAssertions: options.rejectReplayedAssertions ?? false,
  };
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::";
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("The emulator server has no TCP address"));
      resolve(address.port);
    });
  });
}
