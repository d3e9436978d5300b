// The emulator serves loopback only unless told otherwise: it hands out tokens for any configured
// app without real credentials, so it must not be reachable from the network by accident.
import { isIPv4 } from "node:net";

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1" || bare === "0:0:0:0:0:0:0:1") return true;
  const v4 = bare.startsWith("::ffff:") ? bare.slice(7) : bare;
  return isIPv4(v4) && v4.startsWith("127.");
}

/** `host` as it appears in a URL authority: IPv6 literals need brackets. */
export function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
