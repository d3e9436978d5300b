// Azure Arc's challenge key files: each unauthenticated request makes the "agent" write a fresh
// secret to a new file in the token directory, and a client that reads it back is let in. Its own
// file, so the managed-identity context holds it without importing the Arc handler.
import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { secretsEqual } from "../entra/secretComparison.js";

const SECRET_BYTES = 32;

/** The key files this run wrote and the secrets in them (valid until the emulator closes). */
export class ArcChallenges {
  private readonly secrets: string[] = [];
  private readonly files: string[] = [];

  constructor(readonly directory: string) {}

  async prepare(): Promise<void> {
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
  }

  /** Writes a fresh secret (well under the 4096-byte limit clients enforce) to a new .key file; returns its path. */
  async issue(): Promise<string> {
    const secret = randomBytes(SECRET_BYTES).toString("hex");
    const path = join(this.directory, `${randomBytes(16).toString("hex")}.key`);
    await writeFile(path, secret, { mode: 0o600, flag: "wx" });
    this.secrets.push(secret);
    this.files.push(path);
    return path;
  }

  accepts(secret: string): boolean {
    return this.secrets.some((known) => secretsEqual(known, secret));
  }

  async removeFiles(): Promise<void> {
    await Promise.all(this.files.map((path) => rm(path, { force: true })));
    this.files.length = 0;
  }
}
