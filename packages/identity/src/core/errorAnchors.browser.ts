// The troubleshooting-guide sections errors.ts links for the failures a browser page can meet:
// transport, sign-in (popup, redirect, state), the app registration and the SPA's refresh token. The
// browser build uses this table alone; errorAnchors.ts adds the sections only servers need (client
// secrets and certificates, device code, managed identity, on-behalf-of, passwords, proxies).
import { troubleshoot } from "./troubleshoot.js";

/** Sections for failures azid classifies itself (by `errorResponse.error`). */
export const ERROR_ANCHORS: Record<string, string> = {
  network_error: troubleshoot("network-error"),
  request_timeout: troubleshoot("request-timeout"),
  timeout: troubleshoot("request-timeout"),
  insecure_endpoint: troubleshoot("insecure-endpoint"),
  unexpected_response: troubleshoot("unexpected-response"),
  invalid_response: troubleshoot("unexpected-response"),
  discovery_failed: troubleshoot("discovery-failed"),
  assertion_unavailable: troubleshoot("assertion-callback-failed"),
  state_mismatch: troubleshoot("browser-state-mismatch"),
  access_denied: troubleshoot("browser-access-denied"),
  popup_blocked: troubleshoot("browser-popup-blocked"),
  popup_closed: troubleshoot("browser-popup-closed"),
  account_mismatch: troubleshoot("account-mismatch"),
};

/** Sections for the AADSTS codes the guide explains. */
export const AADSTS_ANCHORS: Record<number, string> = {
  7000218: troubleshoot("client-credential-missing"),
  700016: troubleshoot("application-not-found"),
  90002: troubleshoot("tenant-not-found"),
  70011: troubleshoot("scope-invalid-aadsts"),
  28000: troubleshoot("scope-multiple-resources"),
  500011: troubleshoot("resource-not-found"),
  53003: troubleshoot("conditional-access-blocked"),
  65001: troubleshoot("consent-required"),
  50076: troubleshoot("mfa-required"),
  50079: troubleshoot("mfa-required"),
  9002326: troubleshoot("spa-redirect-uri"),
  9002327: troubleshoot("spa-redirect-uri"),
  700084: troubleshoot("spa-refresh-expired"),
};
