// Which redirect URIs an app registration allows (protocols.md 1.6). Native apps listen on an
// ephemeral loopback port, so for public clients a registered http://localhost matches any port,
// on localhost or 127.0.0.1, as long as the path matches (RFC 8252 section 7.3; Entra does the same).
import type { AppRegistration } from "../config.js";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1"];

export function isRegisteredRedirectUri(app: AppRegistration, requested: string): boolean {
  const registered = app.redirectUris ?? [];
  if (registered.includes(requested) || (app.spaRedirectUris ?? []).includes(requested)) return true;
  if (app.publicClient !== true) return false;
  const candidate = parseLoopback(requested);
  if (candidate === undefined) return false;
  return registered.some((uri) => {
    const allowed = parseLoopback(uri);
    return allowed !== undefined && allowed.port === "" && allowed.path === candidate.path;
  });
}

function parseLoopback(uri: string): { port: string; path: string } | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" || !LOOPBACK_NAMES.includes(url.hostname) || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "")
    return undefined;
  return { port: url.port, path: url.pathname === "" ? "/" : url.pathname };
}
