// Which proxy, if any, a request goes through: explicit `proxyOptions` first, then the usual
// environment variables (HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, upper or lower case), minus NO_PROXY.
import type { ProxySettings } from "../options.js";

function env(name: string): string | undefined {
  return process.env[name] ?? process.env[name.toLowerCase()];
}

/** NO_PROXY entries: `*`, a host, `.suffix` or `suffix` (matches subdomains), optionally `:port`. */
export function isProxyBypassed(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    const [entryHost, entryPort] = entry.startsWith("[") ? [entry.slice(1, entry.indexOf("]")), entry.split("]:")[1]] : entry.split(":");
    if (entryPort !== undefined && entryPort !== port) continue;
    const bare = entryHost!.replace(/^\*?\./, "");
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** Parses `http://user:pass@host:port` (the scheme is optional). Throws a clear error on garbage. */
export function parseProxyUrl(value: string, source: string): ProxySettings {
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw new TypeError(`${source} is not a valid proxy URL; expected e.g. http://proxy.example.com:8080.`);
  }
  if (url.protocol !== "http:") {
    throw new TypeError(`${source} uses ${url.protocol}; only http:// proxies (with CONNECT tunnels for https targets) are supported.`);
  }
  const settings: ProxySettings = { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 80) };
  if (url.username) settings.username = decodeURIComponent(url.username);
  if (url.password) settings.password = decodeURIComponent(url.password);
  return settings;
}

export function resolveProxy(url: URL, explicit: ProxySettings | undefined): ProxySettings | undefined {
  if (explicit !== undefined) {
    // core-rest-pipeline lets `host` carry a scheme ("http://proxy"); accept both forms.
    const host = explicit.host.replace(/^https?:\/\//, "").replace(/\/$/, "");
    return isProxyBypassed(url, env("NO_PROXY")) ? undefined : { ...explicit, host };
  }
  const name = url.protocol === "https:" ? "HTTPS_PROXY" : "HTTP_PROXY";
  const value = env(name) ?? env("ALL_PROXY");
  if (!value || isProxyBypassed(url, env("NO_PROXY"))) return undefined;
  return parseProxyUrl(value, name);
}
