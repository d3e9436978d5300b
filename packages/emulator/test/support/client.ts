// A tiny HTTPS/HTTP client for tests: talks to the emulator on the wire, trusting only its CA.
import * as http from "node:http";
import * as https from "node:https";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator, type EmulatorOptions } from "@azid/emulator";

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

export interface WireRequest {
  method?: string;
  form?: Record<string, string>;
  json?: unknown;
  /** sent as is, with only the headers the test gives */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Control API requests (/_emulator/...) carry the emulator's control secret unless the test sets Authorization itself. */
export function send(emu: Pick<Emulator, "url" | "caCertPem"> & { controlSecret?: string }, path: string, request: WireRequest = {}): Promise<WireResponse> {
  const url = new URL(path, emu.url);
  const body =
    request.form !== undefined ? new URLSearchParams(request.form).toString() : request.json !== undefined ? JSON.stringify(request.json) : request.rawBody;
  const headers: Record<string, string> = {
    ...(url.pathname.startsWith("/_emulator/") && emu.controlSecret !== undefined ? { authorization: `Bearer ${emu.controlSecret}` } : {}),
    ...request.headers,
  };
  if (request.form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded;charset=utf-8";
  if (request.json !== undefined) headers["content-type"] = "application/json";
  const method = request.method ?? (body === undefined ? "GET" : "POST");
  return new Promise((resolve, reject) => {
    const options = { method, headers, agent: false as const, ...(url.protocol === "https:" ? { ca: emu.caCertPem } : {}) };
    const req = (url.protocol === "https:" ? https : http).request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          // tests of malformed bodies look at `body`
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function tokenPath(tenant: string): string {
  return `/${tenant}/oauth2/v2.0/token`;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `azid-emu-${prefix}-`));
}

/** Starts an emulator on a fresh temp dataDir; `stop` closes it and removes the directory. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator & { stop(): Promise<void> }> {
  const dataDir = options.dataDir ?? tempDir("data");
  const emu = await startEmulator({ rejectReplayedAssertions: true, ...options, dataDir });
  return Object.assign(emu, {
    stop: async () => {
      await emu.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

export function decodePart(jwt: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[index] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
}
