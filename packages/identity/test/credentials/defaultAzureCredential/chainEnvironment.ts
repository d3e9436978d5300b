// Test setup for DefaultAzureCredential: the fake az/azd/pwsh first on PATH (toolHarness.ts), every
// variable a chain member reads removed before each test and everything restored after it, IMDS
// pointed at a closed loopback port (never 169.254.169.254), and the remembered IMDS probes forgotten.
import * as net from "node:net";
import { after, before, beforeEach } from "node:test";
import { forgetImdsProbes } from "../../../src/credentials/defaultAzureCredential/probedManagedIdentity.js";
import { useFakeTools, type ToolHarness } from "../../support/toolHarness.js";
import { useTemporaryHome } from "../../support/home.js";

const CHAIN_VARIABLES = [
  "AZURE_TOKEN_CREDENTIALS",
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
  "AZURE_AUTHORITY_HOST",
  "AZURE_ADDITIONALLY_ALLOWED_TENANTS",
  "AZURE_FEDERATED_TOKEN_FILE",
  "IDENTITY_ENDPOINT",
  "IDENTITY_HEADER",
  "IDENTITY_SERVER_THUMBPRINT",
  "IMDS_ENDPOINT",
  "MSI_ENDPOINT",
  "MSI_SECRET",
  "DEFAULT_IDENTITY_CLIENT_ID",
  "AZURE_POD_IDENTITY_AUTHORITY_HOST",
  "AZID_FAKE_AZ",
  "AZID_FAKE_AZD",
  "AZID_FAKE_PWSH",
];

/** A loopback port where nothing listens (connection refused at once). */
export const CLOSED_IMDS = "http://127.0.0.1:1";
export const SIGNED_OUT = { AZID_FAKE_AZ: "not-logged-in", AZID_FAKE_AZD: "not-logged-in", AZID_FAKE_PWSH: "not-logged-in" } as const;

export function useChainEnvironment(): ToolHarness {
  const tools = useFakeTools();
  useTemporaryHome(); // no shared token cache, VS Code sign-in or Azure CLI profile of the machine's user
  beforeEach(() => {
    for (const name of CHAIN_VARIABLES) delete process.env[name];
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = CLOSED_IMDS;
    forgetImdsProbes();
  });
  return tools;
}

/** A loopback server that accepts connections and never answers (an IMDS black hole). */
export function useBlackHole(): { url: () => string; connections: () => number } {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  before(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return {
    url: () => {
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("black hole is not listening yet");
      return `http://127.0.0.1:${address.port}`;
    },
    connections: () => connections,
  };
}
