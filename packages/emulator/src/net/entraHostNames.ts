// Entra's public-cloud token host names, answered on loopback when `entraHostNames` is set: a client
// under test keeps its real URLs (https://login.microsoftonline.com, the regional
// https://<region>.login.microsoft.com) and maps those names onto the emulator's loopback address
// itself (a host override: nothing resolves them, no request leaves the machine). The emulator's
// certificate then names them, and each request records the region its Host named, so a test can
// prove a credential really sent its token request to the regional host.
//
// Regional forms, as MSAL builds them: <region>.login.microsoft.com for the public cloud (MSAL.js
// and MSAL.NET's REGIONAL_AUTH_PUBLIC_CLOUD_SUFFIX), the older <region>.r.login.microsoftonline.com
// some MSAL versions used, and <region>.<host> for any other authority host (here *.localhost, which
// the Host check accepts anyway).

/** The names the server certificate adds when `entraHostNames` is on. */
export const ENTRA_CERTIFICATE_NAMES = ["login.microsoftonline.com", "login.microsoft.com", "*.login.microsoft.com", "*.r.login.microsoftonline.com"];

const GLOBAL = new Set(["login.microsoftonline.com", "login.microsoft.com"]);
const REGIONAL = /^([a-z][a-z0-9]{1,40})\.(?:login\.microsoft\.com|r\.login\.microsoftonline\.com)$/;
const REGIONAL_LOCALHOST = /^([a-z][a-z0-9]{1,40})\.localhost$/;

/** True for Entra's global and regional public-cloud names (lower-case, without port). */
export function isEntraHostName(name: string): boolean {
  return GLOBAL.has(name) || REGIONAL.test(name);
}

/** The region a request's Host named (`westus2` for westus2.login.microsoft.com or westus2.localhost), else undefined. */
export function regionOfHost(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const name = host.trim().toLowerCase().replace(/:\d+$/, "");
  return REGIONAL.exec(name)?.[1] ?? REGIONAL_LOCALHOST.exec(name)?.[1];
}
