// Test-wide preload (`--import` it, as scripts/test.mjs does): a failing assert(x) / assert.ok(x)
// with no message must fail at once with its source line, not hang.
//
// Why: on Node 20, assert.ok with no message builds one from the source (internal/assert/utils
// getErrMessage). It takes the call's line and column from a raw V8 call site, which under tsx is
// a position in the compiled JavaScript (one long line), and reads the .ts file on disk at that
// position. No call expression is found there, and once the text read reaches 2,500 characters
// past the column, findColumn asks for 0 more bytes and recurses on the same text, reparsing it
// with acorn at every level: the test spins at 100% CPU until the file's timeout and the
// assertion is never reported. Source maps don't help (that path ignores them) and no Node 20 or
// tsx option turns it off (later Node lines replaced this code). So the test's `node:assert` and
// `node:assert/strict` are redirected (scripts/assert-message-hooks.mjs) to the same module with
// ok/strict wrapped: a falsy value with no message gets one here, from the mapped stack frame,
// before Node's code can look for it. Every other property is Node's own function.
// Only a test file's own process registers the hooks: the many helper processes the tests start
// (fake tools, clients) inherit NODE_OPTIONS and would each pay for it at start-up.
import { readFileSync } from "node:fs";
import { register } from "node:module";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import assert from "node:assert";

if (/\.test\.[cm]?[jt]s$/.test(process.argv[1] ?? "")) {
  register("./assert-message-hooks.mjs", import.meta.url);
}

const FRAME = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/;

/** The caller's source line (source-mapped by tsx's stack traces), or undefined. */
function callerLine(stackStartFn) {
  const holder = {};
  Error.captureStackTrace(holder, stackStartFn);
  const frame = String(holder.stack)
    .split("\n")
    .find((line) => line.trimStart().startsWith("at "));
  const match = frame === undefined ? null : FRAME.exec(frame.trim());
  if (match === null) return undefined;
  try {
    const file = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    const text = readFileSync(file, "utf8").split(/\r?\n/)[Number(match[2]) - 1];
    return text === undefined ? undefined : { text: text.trim(), where: `${match[1]}:${match[2]}:${match[3]}` };
  } catch {
    return undefined;
  }
}

function falsyMessage(value, stackStartFn) {
  const line = callerLine(stackStartFn);
  const shown = `(the value was ${inspect(value)})`;
  return line === undefined
    ? `The expression evaluated to a falsy value ${shown}`
    : `The expression evaluated to a falsy value ${shown}:\n\n  ${line.text}\n\nat ${line.where}`;
}

function wrappedOk(real) {
  const ok = function ok(...args) {
    if (args.length >= 1 && !args[0] && args[1] == null) {
      const error = new assert.AssertionError({
        actual: args[0],
        expected: true,
        operator: "==",
        message: falsyMessage(args[0], ok),
        stackStartFn: ok,
      });
      error.generatedMessage = true;
      throw error;
    }
    return real(...args);
  };
  return ok;
}

/** Node's strict assert with ok/strict wrapped; its `strict` is itself, as in Node. */
export const strictAssert = Object.assign(wrappedOk(assert.strict), assert.strict);
strictAssert.ok = strictAssert;
strictAssert.strict = strictAssert;

/** Node's legacy assert with ok wrapped and `strict` the wrapped strict one. */
export const looseAssert = Object.assign(wrappedOk(assert), assert);
looseAssert.ok = looseAssert;
looseAssert.strict = strictAssert;
