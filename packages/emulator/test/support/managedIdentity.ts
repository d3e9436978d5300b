// Plain node:http(s) requests to the managed-identity listeners, with a deadline, and the peer
// certificate for Service Fabric's pinned TLS.
import * as http from "node:http";
import * as https from "node:https";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { WireResponse } from "./client.js";

export interface MiRequest {
  method?: string;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  /** TLS trust for https URLs (Service Fabric): the PEM to trust */
  ca?: string;
  timeoutMs?: number;
}

export interface MiResponse extends WireResponse {
  peerCertificate?: PeerCertificate;
}

export function miRequest(url: string, request: MiRequest = {}): Promise<MiResponse> {
  const target = new URL(url);
  const body = request.form === undefined ? undefined : new URLSearchParams(request.form).toString();
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded;charset=utf-8";
  const method = request.method ?? (body === undefined ? "GET" : "POST");
  return new Promise((resolve, reject) => {
    const options = { method, headers, agent: false as const, timeout: request.timeoutMs ?? 10_000, ...(request.ca === undefined ? {} : { ca: request.ca }) };
    const req = (target.protocol === "https:" ? https : http).request(target, options, (res) => {
      const peerCertificate = target.protocol === "https:" ? (res.socket as TLSSocket).getPeerCertificate() : undefined;
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // bodies that are not JSON are checked through `body`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json, ...(peerCertificate === undefined ? {} : { peerCertificate }) });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

/** An IMDS-style token URL: `base` + `path` + the query. */
export function withQuery(base: string, query: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

export function payloadOf(jwt: unknown): Record<string, unknown> {
  return JSON.parse(Buffer.from(String(jwt).split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}
