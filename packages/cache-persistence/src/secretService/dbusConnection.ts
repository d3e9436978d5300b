// A minimal D-Bus client over the session bus's unix socket: SASL EXTERNAL authentication, method
// calls matched to their replies by serial, and signals handed to a listener. Enough for the Secret
// Service; nothing is compiled or loaded besides Node's own `net`.
import { existsSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { Reader, splitSignature, Writer, type DBusValue } from "./dbusWire.js";

export class DBusError extends Error {
  override readonly name = "DBusError";
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(`${errorName}: ${message}`);
  }
}

export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DBusValue[];
}

export interface Signal {
  path: string;
  interface: string;
  member: string;
  body: DBusValue[];
}

const enum MessageType {
  Call = 1,
  Return = 2,
  Error = 3,
  Signal = 4,
}

/** The socket path of a session bus address ("unix:path=..." or "unix:abstract=..."), or undefined. */
export function socketPathOf(address: string | undefined): string | undefined {
  for (const entry of (address ?? "").split(";")) {
    const [transport, params = ""] = entry.split(/:(.*)/s);
    if (transport !== "unix") continue;
    const values = Object.fromEntries(params.split(",").map((kv) => kv.split(/=(.*)/s) as [string, string]));
    const unescape = (v: string) => v.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    if (values.path !== undefined) return unescape(values.path);
    if (values.abstract !== undefined) return `\0${unescape(values.abstract)}`;
  }
  return undefined;
}

export class DBusConnection {
  private serial = 0;
  private pending = new Map<number, { resolve: (body: DBusValue[]) => void; reject: (error: Error) => void }>();
  private buffered: Buffer = Buffer.alloc(0);
  private closedError: Error | undefined;
  private authenticating = true;
  onSignal: ((signal: Signal) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (data) => this.receive(data));
    socket.on("error", (error) => this.fail(error));
    socket.on("close", () => this.fail(new Error("D-Bus: the session bus closed the connection")));
  }

  /**
   * Connects without waiting for anything: authentication (SASL EXTERNAL), BEGIN, Hello and the
   * caller's first calls all go out in one write, as sd-bus does, so a whole lookup costs two round
   * trips. A refused authentication or a missing bus rejects every pending call.
   */
  static async open(address: string | undefined): Promise<DBusConnection> {
    const path = socketPathOf(address);
    if (path === undefined) throw new DBusError("azid.NoSessionBus", "DBUS_SESSION_BUS_ADDRESS is not set to a unix socket");
    // No socket file, no bus (a container or SSH session with a stale address): said without building a
    // socket, the handshake and a failed connect, which the unsafeAllowUnencryptedStorage fallback would wait for.
    if (!path.startsWith("\0") && !existsSync(path)) throw new DBusError("azid.NoSessionBus", `no session bus socket at ${path} (DBUS_SESSION_BUS_ADDRESS)`);
    const connection = new DBusConnection(connect({ path }));
    const uid = String(process.getuid?.() ?? 0);
    connection.socket.write(`\0AUTH EXTERNAL ${Buffer.from(uid, "ascii").toString("hex")}\r\nBEGIN\r\n`);
    connection
      .call({ destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus", member: "Hello" })
      .catch(() => undefined);
    return connection;
  }

  call(message: MethodCall): Promise<DBusValue[]> {
    if (this.closedError !== undefined) return Promise.reject(this.closedError);
    const serial = ++this.serial;
    const signature = message.signature ?? "";
    const fields: DBusValue[] = [
      [1, { signature: "o", value: message.path }],
      [2, { signature: "s", value: message.interface }],
      [3, { signature: "s", value: message.member }],
      [6, { signature: "s", value: message.destination }],
    ];
    if (signature !== "") fields.push([8, { signature: "g", value: signature }]);
    const body = new Writer();
    splitSignature(signature).forEach((type, i) => body.write(type, message.body![i]!));
    const bodyBytes = body.toBuffer();
    const header = new Writer();
    header.byte(0x6c); // 'l': little-endian
    header.byte(MessageType.Call);
    header.byte(0);
    header.byte(1);
    header.uint32(bodyBytes.length);
    header.uint32(serial);
    header.write("a(yv)", fields);
    header.align(8);
    return new Promise((resolve, reject) => {
      this.pending.set(serial, { resolve, reject });
      this.socket.write(Buffer.concat([header.toBuffer(), bodyBytes]));
    });
  }

  /** Hangs up after what was written has been sent. */
  close(): void {
    this.closedError ??= new Error("D-Bus: connection closed");
    this.socket.end();
  }

  private fail(error: Error) {
    this.closedError ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private receive(data: Buffer) {
    this.buffered = this.buffered.length === 0 ? data : Buffer.concat([this.buffered, data]);
    if (this.authenticating) {
      const end = this.buffered.indexOf("\r\n");
      if (end < 0) return;
      const line = this.buffered.toString("latin1", 0, end);
      this.buffered = this.buffered.subarray(end + 2);
      if (!line.startsWith("OK ")) {
        this.fail(new DBusError("azid.AuthFailed", `the session bus refused EXTERNAL authentication (${line.slice(0, 80)})`));
        return this.socket.destroy();
      }
      this.authenticating = false;
    }
    while (this.buffered.length >= 16) {
      if (this.buffered[0] !== 0x6c) return this.fail(new Error("D-Bus: big-endian messages are not supported"));
      const bodyLength = this.buffered.readUInt32LE(4);
      const fieldsLength = this.buffered.readUInt32LE(12);
      const headerLength = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8);
      if (this.buffered.length < headerLength + bodyLength) return;
      const message = this.buffered.subarray(0, headerLength + bodyLength);
      this.buffered = this.buffered.subarray(headerLength + bodyLength);
      try {
        this.dispatch(message, headerLength);
      } catch (error) {
        return this.fail(error as Error);
      }
    }
  }

  private dispatch(message: Buffer, headerLength: number) {
    const type = message[1] as MessageType;
    const fields = new Map<number, DBusValue>();
    for (const [code, variant] of new Reader(message, 12).read("a(yv)") as [number, { value: DBusValue }][]) fields.set(code, variant.value);
    const signature = (fields.get(8) as string | undefined) ?? "";
    const reader = new Reader(message.subarray(headerLength));
    const body = splitSignature(signature).map((t) => reader.read(t));
    if (type === MessageType.Return || type === MessageType.Error) {
      const replyTo = fields.get(5) as number;
      const waiter = this.pending.get(replyTo);
      if (waiter === undefined) return;
      this.pending.delete(replyTo);
      if (type === MessageType.Return) waiter.resolve(body);
      else waiter.reject(new DBusError(String(fields.get(4)), typeof body[0] === "string" ? body[0] : ""));
    } else if (type === MessageType.Signal) {
      this.onSignal?.({ path: String(fields.get(1)), interface: String(fields.get(2)), member: String(fields.get(3)), body });
    }
  }
}
