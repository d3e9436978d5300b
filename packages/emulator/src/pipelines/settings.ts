// The per-run identity of the emulator's Azure Pipelines OIDC endpoint: its path, the bearer it
// requires and the one service connection it knows. Its own file, so the emulator context holds it
// without importing the handler.
import { randomBytes } from "node:crypto";
import { DEFAULT_PIPELINES_SERVICE_CONNECTION_ID } from "../config.js";

export interface PipelinesSettings {
  /** path of SYSTEM_OIDCREQUESTURI on the emulator's URL */
  readonly oidcRequestPath: string;
  /** $(System.AccessToken): the bearer the endpoint requires */
  readonly systemAccessToken: string;
  readonly serviceConnectionId: string;
}

export function createPipelinesSettings(): PipelinesSettings {
  const id = () =>
    randomBytes(16)
      .toString("hex")
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  return {
    oidcRequestPath: `/azid/${id()}/_apis/distributedtask/hubs/build/plans/${id()}/jobs/${id()}/oidctoken`,
    // Azure DevOps access tokens are opaque to the agent; a long random string stands in.
    systemAccessToken: randomBytes(32).toString("base64url"),
    serviceConnectionId: DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
  };
}
