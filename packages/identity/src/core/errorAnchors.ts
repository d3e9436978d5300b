// The troubleshooting-guide sections errors.ts links, by `errorResponse.error` and by AADSTS code: the
// browser's (errorAnchors.browser.ts, which the browser build uses alone) plus those only servers meet.
import { AADSTS_ANCHORS as BROWSER_AADSTS_ANCHORS, ERROR_ANCHORS as BROWSER_ERROR_ANCHORS } from "./errorAnchors.browser.js";
import { troubleshoot } from "./troubleshoot.js";

export const ERROR_ANCHORS: Record<string, string> = {
  ...BROWSER_ERROR_ANCHORS,
  proxy_refused: troubleshoot("proxy-refused"),
  certificate_pin_mismatch: troubleshoot("mi-certificate-pin"),
  expired_token: troubleshoot("device-code-expired"),
  authorization_declined: troubleshoot("device-code-declined"),
  bad_verification_code: troubleshoot("device-code-bad-code"),
  prompt_failed: troubleshoot("device-code-prompt"),
};

export const AADSTS_ANCHORS: Record<number, string> = {
  ...BROWSER_AADSTS_ANCHORS,
  7000215: troubleshoot("client-secret-invalid"),
  7000222: troubleshoot("client-secret-expired"),
  700027: troubleshoot("certificate-signature-invalid"),
  50012: troubleshoot("certificate-not-registered"),
  70021: troubleshoot("federated-credential-mismatch"),
  500133: troubleshoot("obo-assertion-expired"),
  50013: troubleshoot("obo-assertion-invalid"),
  50126: troubleshoot("username-password-invalid"),
};
