// The D-Bus wire format (https://dbus.freedesktop.org/doc/dbus-specification.html#message-protocol),
// little-endian, for the types the Secret Service uses: y b u i s o g v a( ) a{ }. Values: strings
// for s/o/g, numbers for y/u/i, booleans for b, Buffer for ay, arrays for a and structs, [key, value]
// pairs for dict entries, { signature, value } for variants.

export type DBusValue = string | number | boolean | Buffer | DBusValue[] | Variant;
export interface Variant {
  signature: string;
  value: DBusValue;
}

const ALIGN: Record<string, number> = { y: 1, b: 4, u: 4, i: 4, s: 4, o: 4, g: 1, v: 1, a: 4, "(": 8, "{": 8 };

/** Splits a signature into its complete types: "a{sv}(oayays)s" → ["a{sv}", "(oayays)", "s"]. */
export function splitSignature(signature: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < signature.length) {
    const end = completeTypeEnd(signature, i);
    out.push(signature.slice(i, end));
    i = end;
  }
  return out;
}

function completeTypeEnd(sig: string, start: number): number {
  const c = sig[start];
  if (c === "a") return completeTypeEnd(sig, start + 1);
  if (c === "(" || c === "{") {
    const close = c === "(" ? ")" : "}";
    let i = start + 1;
    while (sig[i] !== close) {
      if (i >= sig.length) throw new Error(`D-Bus: unbalanced signature ${sig}`);
      i = completeTypeEnd(sig, i);
    }
    return i + 1;
  }
  if (c === undefined || !(c in ALIGN)) throw new Error(`D-Bus: unsupported type '${c}' in ${sig}`);
  return start + 1;
}

export class Writer {
  private chunks: Buffer[] = [];
  length = 0;
  private push(b: Buffer) {
    this.chunks.push(b);
    this.length += b.length;
  }
  align(n: number) {
    const pad = (n - (this.length % n)) % n;
    if (pad > 0) this.push(Buffer.alloc(pad));
  }
  byte(v: number) {
    this.push(Buffer.from([v]));
  }
  uint32(v: number) {
    this.align(4);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.push(b);
  }
  write(type: string, value: DBusValue): void {
    const c = type[0]!;
    switch (c) {
      case "y":
        return this.byte(value as number);
      case "b":
        return this.uint32(value ? 1 : 0);
      case "u":
        return this.uint32(value as number);
      case "i": {
        this.align(4);
        const b = Buffer.alloc(4);
        b.writeInt32LE((value as number) | 0);
        return this.push(b);
      }
      case "s":
      case "o": {
        const bytes = Buffer.from(value as string, "utf8");
        this.uint32(bytes.length);
        return this.push(Buffer.concat([bytes, Buffer.alloc(1)]));
      }
      case "g": {
        const bytes = Buffer.from(value as string, "latin1");
        this.byte(bytes.length);
        return this.push(Buffer.concat([bytes, Buffer.alloc(1)]));
      }
      case "v": {
        const { signature, value: inner } = value as Variant;
        this.write("g", signature);
        return this.write(signature, inner);
      }
      case "(":
      case "{": {
        this.align(8);
        const fields = splitSignature(type.slice(1, -1));
        const values = value as DBusValue[];
        fields.forEach((f, i) => this.write(f, values[i]!));
        return;
      }
      case "a": {
        const element = type.slice(1);
        this.uint32(0);
        const lengthAt = this.length - 4;
        this.align(ALIGN[element[0]!]!);
        const start = this.length;
        if (element === "y") this.push(value as Buffer);
        else for (const item of value as DBusValue[]) this.write(element, item);
        this.patchLength(lengthAt, this.length - start);
        return;
      }
    }
    throw new Error(`D-Bus: cannot write type ${type}`);
  }
  private patchLength(at: number, length: number) {
    let offset = 0;
    for (const chunk of this.chunks) {
      if (at < offset + chunk.length) {
        // the uint32 was pushed as one 4-byte chunk
        chunk.writeUInt32LE(length, at - offset);
        return;
      }
      offset += chunk.length;
    }
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

export class Reader {
  constructor(
    private readonly buf: Buffer,
    public offset = 0,
  ) {}
  align(n: number) {
    this.offset += (n - (this.offset % n)) % n;
  }
  private need(n: number) {
    if (this.offset + n > this.buf.length) throw new Error("D-Bus: message truncated");
  }
  read(type: string): DBusValue {
    const c = type[0]!;
    switch (c) {
      case "y":
        this.need(1);
        return this.buf[this.offset++]!;
      case "b":
      case "u":
      case "i": {
        this.align(4);
        this.need(4);
        const v = c === "i" ? this.buf.readInt32LE(this.offset) : this.buf.readUInt32LE(this.offset);
        this.offset += 4;
        return c === "b" ? v !== 0 : v;
      }
      case "s":
      case "o": {
        const length = this.read("u") as number;
        this.need(length + 1);
        const s = this.buf.toString("utf8", this.offset, this.offset + length);
        this.offset += length + 1;
        return s;
      }
      case "g": {
        const length = this.read("y") as number;
        this.need(length + 1);
        const s = this.buf.toString("latin1", this.offset, this.offset + length);
        this.offset += length + 1;
        return s;
      }
      case "v": {
        const signature = this.read("g") as string;
        return { signature, value: this.read(signature) };
      }
      case "(":
      case "{": {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((f) => this.read(f));
      }
      case "a": {
        const length = this.read("u") as number;
        const element = type.slice(1);
        this.align(ALIGN[element[0]!]!);
        const end = this.offset + length;
        this.need(length);
        if (element === "y") {
          const bytes = Buffer.from(this.buf.subarray(this.offset, end));
          this.offset = end;
          return bytes;
        }
        const items: DBusValue[] = [];
        while (this.offset < end) items.push(this.read(element));
        return items;
      }
    }
    throw new Error(`D-Bus: cannot read type ${type}`);
  }
}
