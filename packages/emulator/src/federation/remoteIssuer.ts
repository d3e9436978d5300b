// Fetches another issuer's signing keys the way Entra does: its OIDC discovery document, then
// jwks_uri. Only https (or plain http on loopback, for local test issuers) is allowed, and every
// fetch has a deadline, so a bad assertion cannot make the emulator wait or reach out elsewhere.
import { rootCertificates } from "node:tls";
import * as http from "node:http";
import * as https from "node:https";
import { isLoopbackHost } from "../net/loopback.js";

const TIMEOUT_MS = 5000;
const MAX_BYTES = 1024 * 1024;

export async function fetchIssuerJwks(issuer: string, caCertPem: string): Promise<unknown[]> {
  const discoveryUrl = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const discovery = await fetchJson(discoveryUrl, caCertPem);
  const jwksUri = (discovery as { jwks_uri?: unknown }).jwks_uri;
  if (typeof jwksUri !== "string") throw new Error(`${discoveryUrl} has no jwks_uri`);
  const jwks = await fetchJson(jwksUri, caCertPem);
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new Error(`${jwksUri} has no keys array`);
  return keys;
}

function fetchJson(address: string, caCertPem: string): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return Promise.reject(new Error(`"${address}" is not a URL`));
  }
  const secure = url.protocol === "https:";
  if (!secure && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return Promise.reject(new Error(`refusing ${url.protocol}//${url.host}: only https, or http on loopback, is allowed`));
  }
  return new Promise((resolve, reject) => {
    const options = { timeout: TIMEOUT_MS, headers: { accept: "application/json" }, ...(secure ? { ca: [...rootCertificates, caCertPem] } : {}) };
    const request = (secure ? https : http).get(url, options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BYTES) request.destroy(new Error(`${address} answered with more than ${MAX_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        if (response.statusCode !== 200) return reject(new Error(`${address} answered HTTP ${response.statusCode}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch {
          reject(new Error(`${address} did not answer with JSON`));
        }
      });
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`${address} did not answer within ${TIMEOUT_MS} ms`)));
    request.on("error", reject);
  });
}
