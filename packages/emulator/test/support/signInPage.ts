// A scripted person on the emulator's sign-in pages, over real HTTPS: reads the form a page
// rendered (hidden fields, action), keeps the browser cookie, and presses a button.
import { createHash, randomBytes } from "node:crypto";
import type { Emulator } from "@azid/emulator";
import { send, type WireResponse } from "./client.js";

export interface Browser {
  cookie: string;
}

const attr = (tag: string, name: string) =>
  tag
    .match(new RegExp(`\\s${name}="([^"]*)"`, "i"))?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The form's action and its hidden fields. */
export function readForm(html: string): { action: string; hidden: Record<string, string> } {
  const form = html.match(/<form[^>]*>/i)?.[0];
  if (form === undefined) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  const hidden: Record<string, string> = {};
  for (const input of html.match(/<input[^>]*type="hidden"[^>]*>/gi) ?? []) hidden[attr(input, "name")!] = attr(input, "value") ?? "";
  return { action: attr(form, "action")!, hidden };
}

export async function open(emu: Emulator, browser: Browser, url: string): Promise<WireResponse> {
  const res = await send(emu, url, { headers: browser.cookie === "" ? {} : { cookie: browser.cookie } });
  const setCookie = res.headers["set-cookie"];
  if (setCookie !== undefined) browser.cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
  return res;
}

/** Posts the page's form with its hidden fields plus `fields` (e.g. username, password, action). */
export async function submit(emu: Emulator, browser: Browser, page: WireResponse, fields: Record<string, string>): Promise<WireResponse> {
  const { action, hidden } = readForm(page.body);
  return send(emu, action, { form: { ...hidden, ...fields }, headers: browser.cookie === "" ? {} : { cookie: browser.cookie } });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(tenant: string, params: Record<string, string>): string {
  return `/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams({ response_type: "code", response_mode: "query", ...params }).toString()}`;
}

/** Opens /authorize for `params` (PKCE added), signs `user` in, and returns the verifier and where the emulator redirected. */
export async function signInForCode(
  emu: Emulator,
  tenant: string,
  params: Record<string, string>,
  user: { username: string; password: string },
): Promise<{ pkce: { verifier: string; challenge: string }; location: URL }> {
  const pkce = pkcePair();
  const browser: Browser = { cookie: "" };
  const page = await open(emu, browser, authorizeUrl(tenant, { code_challenge: pkce.challenge, code_challenge_method: "S256", ...params }));
  if (page.status !== 200) throw new Error(`the sign-in page answered ${page.status}: ${page.body.slice(0, 300)}`);
  const posted = await submit(emu, browser, page, { ...user, action: "sign-in" });
  if (posted.status !== 302) throw new Error(`signing in answered ${posted.status}: ${posted.body.slice(0, 300)}`);
  return { pkce, location: new URL(String(posted.headers.location)) };
}
