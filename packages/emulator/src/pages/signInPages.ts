// The pages of the interactive flows (protocols.md 1.6): sign-in, consent, device-code entry,
// outcomes and errors. Element ids are a contract with browser tests: #username, #password,
// #sign-in, #cancel, #accept, #code, #next; accounts to pick are button.account[value=<username>].
import { escapeHtml as e, page } from "./html.js";

export interface SignInPageModel {
  /** where the form posts: the path the page was served from */
  action: string;
  /** the per-page token that ties the post to this page (and to the browser's cookie) */
  flowId: string;
  appName: string;
  username: string;
  error?: string;
  accounts: { username: string; displayName?: string }[];
}

export function signInPage(model: SignInPageModel): string {
  const accounts =
    model.accounts.length === 0
      ? ""
      : `<div class="accounts"><h2>Accounts in this directory</h2>${model.accounts
          .map(
            (account) =>
              `<button type="submit" class="account" name="pick" value="${e(account.username)}" formnovalidate>${e(account.displayName ?? account.username)}<span>${e(account.username)}</span></button>`,
          )
          .join("")}</div>`;
  return page(
    "Sign in to your account",
    `<h1>Sign in</h1>
<p class="sub">to continue to <b>${e(model.appName)}</b></p>
<form method="post" action="${e(model.action)}" autocomplete="off">
<input type="hidden" name="flow" value="${e(model.flowId)}">
<label for="username">Email or username</label>
<input type="email" id="username" name="username" value="${e(model.username)}" ${model.username === "" ? "autofocus" : ""}>
<label for="password">Password</label>
<input type="password" id="password" name="password" value="" ${model.username === "" ? "" : "autofocus"}>
${model.error === undefined ? "" : `<p class="error" id="error" role="alert">${e(model.error)}</p>`}
<div class="actions">
<button type="submit" class="secondary" id="cancel" name="action" value="cancel" formnovalidate>Cancel</button>
<button type="submit" class="primary" id="sign-in" name="action" value="sign-in">Sign in</button>
</div>
${accounts}
</form>`,
  );
}

export interface ConsentPageModel {
  action: string;
  flowId: string;
  appName: string;
  username: string;
  /** Each permission asked for, with its resource: one sign-in may ask for several resources. */
  permissions: { resource: string; permission: string }[];
}

export function consentPage(model: ConsentPageModel): string {
  return page(
    "Permissions requested",
    `<h1>Permissions requested</h1>
<p class="sub">${e(model.username)}</p>
<p><b>${e(model.appName)}</b> would like to:</p>
<ul class="permissions">${model.permissions.map(({ resource, permission }) => `<li><code>${e(permission)}</code> on ${e(resource)}</li>`).join("")}<li>Maintain access to data you have given it access to</li></ul>
<form method="post" action="${e(model.action)}">
<input type="hidden" name="flow" value="${e(model.flowId)}">
<div class="actions">
<button type="submit" class="secondary" id="cancel" name="action" value="cancel">Cancel</button>
<button type="submit" class="primary" id="accept" name="action" value="accept">Accept</button>
</div>
</form>`,
  );
}

export function deviceCodeEntryPage(model: { action: string; flowId: string; code: string; error?: string }): string {
  return page(
    "Enter code",
    `<h1>Enter code</h1>
<p class="sub">Enter the code displayed on your app or device.</p>
<form method="post" action="${e(model.action)}" autocomplete="off">
<input type="hidden" name="flow" value="${e(model.flowId)}">
<label for="code">Code</label>
<input type="text" id="code" name="code" class="code" value="${e(model.code)}" autofocus spellcheck="false">
${model.error === undefined ? "" : `<p class="error" id="error" role="alert">${e(model.error)}</p>`}
<div class="actions"><button type="submit" class="primary" id="next" name="action" value="next">Next</button></div>
</form>`,
  );
}

/** An outcome with nothing left to do (device sign-in finished or declined). */
export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${e(title)}</h1><p id="message">${e(message)}</p>`);
}

/** Errors Entra shows itself rather than sending to the app: unknown app, redirect URI mismatch, ... */
export function errorPage(model: { title: string; message: string; details: Record<string, string> }): string {
  const details = Object.entries(model.details)
    .map(([name, value]) => `<div>${e(name)}: <span class="code">${e(value)}</span></div>`)
    .join("");
  return page(model.title, `<h1>${e(model.title)}</h1><p id="error" role="alert">${e(model.message)}</p><div class="details">${details}</div>`);
}

/** response_mode=form_post: the browser posts the result to the app's redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string>, scriptNonce: string): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${e(name)}" value="${e(value)}">`)
    .join("");
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head><body>
<form method="post" action="${e(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript></form>
<script nonce="${e(scriptNonce)}">document.forms[0].submit()</script></body></html>`;
}
