// DNS rebinding defence: a web page can make a browser resolve its own name to 127.0.0.1 and then
// talk to the emulator "same-origin". The browser still sends the page's name in Host, so only
// names that are ours are answered: IP literals (a rebinding attack needs a name), localhost and
// *.localhost (RFC 6761: never resolved by DNS), and the host the emulator was told to listen on.
// With `entraHostNames`, Entra's own public-cloud names too (entraHostNames.ts): no attacker can
// point those at 127.0.0.1 for a victim's browser, so they are no rebinding vector.
import { isIP } from "node:net";
import { isEntraHostName } from "./entraHostNames.js";

export function isAcceptedHostHeader(host: string | undefined, listenHost: string, entraHostNames = false): boolean {
  if (host === undefined || host === "") return true; // HTTP/1.0 clients; browsers always send Host
  const name = hostName(host);
  if (name === undefined) return false;
  if (entraHostNames && isEntraHostName(name)) return true;
  return isIP(name) !== 0 || name === "localhost" || name.endsWith(".localhost") || name === listenHost.replace(/^\[|\]$/g, "").toLowerCase();
}

/** The name without port or IPv6 brackets, lower-cased; undefined when malformed. */
function hostName(host: string): string | undefined {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end === -1 ? undefined : value.slice(1, end);
  }
  const colon = value.lastIndexOf(":");
  const name = colon === -1 ? value : value.slice(0, colon);
  return /^[a-z0-9.-]+$/.test(name) ? name : undefined;
}
