// What one Redis value holds (before sealing): the token and the fleet's refresh plan for it.
// Parsed with a guard per field: a value that does not fit is a miss, never a crash.
import type { AccessToken } from "./contract.js";

export interface TokenRecord {
  token: string;
  expiresOnTimestamp: number;
  tokenType: "Bearer" | "pop" | undefined;
  /** When the fetching process received it (epoch ms). */
  fetchedAt: number;
  /** When the fleet should replace it (epoch ms); each process jitters its own moment before this. */
  refreshAt: number;
}

interface Wire {
  v: 1;
  t: string;
  e: number;
  y?: "Bearer" | "pop";
  f: number;
  r: number;
}

export function serializeRecord(record: TokenRecord): string {
  const wire: Wire = { v: 1, t: record.token, e: record.expiresOnTimestamp, f: record.fetchedAt, r: record.refreshAt };
  if (record.tokenType !== undefined) wire.y = record.tokenType;
  return JSON.stringify(wire);
}

const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

/** The record, or a short reason it is unusable (the reason never quotes the value). */
export function parseRecord(text: string): TokenRecord | string {
  let wire: unknown;
  try {
    wire = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return "not an object";
  const w = wire as Record<string, unknown>;
  if (w.v !== 1) return "an unknown record version";
  if (typeof w.t !== "string" || w.t.length === 0) return "no token";
  if (!isTime(w.e) || !isTime(w.f) || !isTime(w.r)) return "a bad timestamp";
  if (w.y !== undefined && w.y !== "Bearer" && w.y !== "pop") return "a bad token type";
  return { token: w.t, expiresOnTimestamp: w.e, tokenType: w.y as TokenRecord["tokenType"], fetchedAt: w.f, refreshAt: w.r };
}

export function tokenOf(record: TokenRecord, refreshAfterTimestamp: number): AccessToken {
  const token: AccessToken = { token: record.token, expiresOnTimestamp: record.expiresOnTimestamp, refreshAfterTimestamp };
  if (record.tokenType !== undefined) token.tokenType = record.tokenType;
  return token;
}
