// The D-Bus marshalling round-trips every type the Secret Service exchanges, aligned as the
// specification requires; bus addresses are parsed as dbus-daemon writes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Reader, splitSignature, Writer, type DBusValue } from "../../src/secretService/dbusWire.js";
import { socketPathOf } from "../../src/secretService/dbusConnection.js";

test("signatures split into complete types", () => {
  assert.deepEqual(splitSignature("a{sv}(oayays)b"), ["a{sv}", "(oayays)", "b"]);
  assert.deepEqual(splitSignature("a{o(oayays)}"), ["a{o(oayays)}"]);
  assert.throws(() => splitSignature("a{sv"), /unbalanced/);
  assert.throws(() => splitSignature("x"), /unsupported/);
});

test("values round-trip through the wire format, with the specification's alignment", () => {
  const cases: Array<[string, DBusValue]> = [
    ["y", 7],
    ["b", true],
    ["u", 4_000_000_000],
    ["i", -5],
    ["s", "ünïcode ✓"],
    ["o", "/org/freedesktop/secrets/collection/login"],
    ["g", "a{ss}"],
    ["ay", Buffer.from([0, 1, 2, 255])],
    ["ao", ["/a", "/b"]],
    [
      "a{ss}",
      [
        ["service", "azid"],
        ["username", "/x"],
      ],
    ],
    [
      "a{sv}",
      [
        ["Label", { signature: "s", value: "x" }],
        ["Attributes", { signature: "a{ss}", value: [["k", "v"]] }],
      ],
    ],
    ["(oayays)", ["/s", Buffer.alloc(0), Buffer.from("key"), "application/octet-stream"]],
    ["a{o(oayays)}", [["/i", ["/s", Buffer.alloc(0), Buffer.from([9]), "text/plain"]]]],
  ];
  for (const [type, value] of cases) {
    const w = new Writer();
    w.byte(1); // misalign on purpose: padding must follow
    w.write(type, value);
    const r = new Reader(w.toBuffer(), 1);
    assert.deepEqual(r.read(type), value, type);
  }
  const w = new Writer();
  w.byte(1);
  w.write("u", 1);
  assert.deepEqual([...w.toBuffer()], [1, 0, 0, 0, 1, 0, 0, 0], "a uint32 is 4-aligned");
  assert.throws(() => new Reader(Buffer.from([9, 0, 0, 0, 65])).read("s"), /truncated/);
});

test("session bus addresses: unix:path, unix:abstract, several entries, escapes", () => {
  assert.equal(socketPathOf("unix:path=/tmp/dbus-S6z,guid=209f"), "/tmp/dbus-S6z");
  assert.equal(socketPathOf("unix:abstract=/tmp/dbus-x,guid=1"), "\0/tmp/dbus-x");
  assert.equal(socketPathOf("tcp:host=localhost,port=1;unix:path=/run/user/1000/bus"), "/run/user/1000/bus");
  assert.equal(socketPathOf("unix:path=/tmp/a%2cb"), "/tmp/a,b");
  assert.equal(socketPathOf(undefined), undefined);
  assert.equal(socketPathOf("tcp:host=x"), undefined);
});
