// Redaction of known secret values (a client secret, a managed identity header) from text that goes
// into a message or a report. It redacts values, not words: a secret is replaced where it occurs as
// a whole (not inside a longer word: a secret "wrong" leaves "wrongly" alone), and never inside
// azid's own fixed advice (`keep`), which cannot carry a secret, so a short secret that happens to
// be an English word doesn't mangle "The client secret is wrong: …". Token-shaped text and
// `secret=` fields are scrubbed as well (scrubSecrets).
import { scrubSecrets } from "./logger.js";

/** Secrets shorter than this are not searched for: too likely to be ordinary text, too short to matter. */
const MIN_SECRET_LENGTH = 4;
const WORD = /[\p{L}\p{N}_]/u;

export const REDACTED = "[REDACTED]";

export function redactValues(text: string, secrets: readonly (string | undefined)[], keep: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    out = redactOne(out, secret, keep);
  }
  return scrubSecrets(out);
}

function redactOne(text: string, secret: string, keep: readonly string[]): string {
  const kept = keptRanges(text, keep);
  let out = "";
  let from = 0;
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
    const end = at + secret.length;
    if (at < from || !isWhole(text, at, end) || kept.some(([s, e]) => at < e && end > s)) continue;
    out += text.slice(from, at) + REDACTED;
    from = end;
  }
  return out + text.slice(from);
}

/** Not glued to a letter or digit on either side where the secret itself starts or ends with one. */
function isWhole(text: string, start: number, end: number): boolean {
  const glued = (inside: string | undefined, outside: string | undefined) =>
    inside !== undefined && outside !== undefined && WORD.test(inside) && WORD.test(outside);
  return !glued(text[start], text[start - 1]) && !glued(text[end - 1], text[end]);
}

function keptRanges(text: string, keep: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const phrase of keep) {
    if (phrase === "") continue;
    for (let at = text.indexOf(phrase); at !== -1; at = text.indexOf(phrase, at + phrase.length)) ranges.push([at, at + phrase.length]);
  }
  return ranges;
}
