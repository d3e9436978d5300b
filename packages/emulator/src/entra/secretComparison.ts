// Secrets and passwords are compared in constant time so response timing reveals nothing.
import { createHash, timingSafeEqual } from "node:crypto";

/** Hashing first makes the lengths equal without leaking them. */
export function secretsEqual(expected: string, presented: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(presented));
}
