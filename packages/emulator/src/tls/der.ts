// A minimal DER (X.690) encoder and reader: just the types an X.509 certificate needs.
// Node can sign and parse certificates but has no builder, and the emulator must stay free of
// runtime dependencies, so we assemble the bytes ourselves.

const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(TAG.set, Buffer.concat(items));
}

/** An unsigned big-endian integer (serial numbers) or a small non-negative number. */
export function integer(value: Buffer | number): Buffer {
  let bytes = typeof value === "number" ? numberBytes(value) : value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  bytes = bytes.subarray(start);
  // DER integers are two's complement: a set high bit would read as negative.
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(TAG.integer, bytes.length === 0 ? Buffer.from([0]) : bytes);
}

function numberBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`DER integer must be a non-negative safe integer, got ${value}`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Buffer.from(bytes.length === 0 ? [0] : bytes);
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

export function nullValue(): Buffer {
  return tlv(TAG.null, Buffer.alloc(0));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map((arc) => Number(arc));
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new RangeError(`Invalid object identifier "${dotted}"`);
  }
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) chunk.unshift((value & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

export function octetString(content: Buffer): Buffer {
  return tlv(TAG.octetString, content);
}

/** A BIT STRING holding whole bytes (keys, signatures). */
export function bitString(content: Buffer, unusedBits = 0): Buffer {
  return tlv(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), content]));
}

/**
 * A named-bit BIT STRING (KeyUsage). DER requires trailing zero bits to be dropped, so the byte
 * count and the "unused bits" prefix follow from the highest bit that is set.
 */
export function namedBits(bits: number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[Math.floor(bit / 8)]! |= 0x80 >> (bit % 8);
  return bitString(bytes, 7 - (highest % 8));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.utf8String, Buffer.from(text, "utf8"));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on. */
export function time(date: Date): Buffer {
  const iso = date
    .toISOString()
    .replace(/\.\d{3}/, "")
    .replace(/[-:T]/g, ""); // YYYYMMDDhhmmssZ
  return date.getUTCFullYear() < 2050 ? tlv(TAG.utcTime, Buffer.from(iso.slice(2), "ascii")) : tlv(TAG.generalizedTime, Buffer.from(iso, "ascii"));
}

/** `[n] EXPLICIT` wrapper (constructed, context-specific). */
export function explicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0xa0 | tagNumber, content);
}

/** `[n] IMPLICIT` primitive (context-specific), e.g. GeneralName choices. */
export function implicit(tagNumber: number, content: Buffer): Buffer {
  return tlv(0x80 | tagNumber, content);
}

export interface DerElement {
  tag: number;
  /** the whole element, header included */
  raw: Buffer;
  content: Buffer;
}

/** Reads the element starting at `offset`; enough to walk a certificate we wrote ourselves. */
export function readElement(buffer: Buffer, offset = 0): DerElement {
  const tag = buffer[offset];
  const first = buffer[offset + 1];
  if (tag === undefined || first === undefined) throw new RangeError("Truncated DER element");
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new RangeError("Unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (buffer[offset + 2 + i] ?? 0);
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new RangeError("Truncated DER element");
  return { tag, raw: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end) };
}

export function readChildren(element: DerElement): DerElement[] {
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.content.length;) {
    const child = readElement(element.content, offset);
    children.push(child);
    offset += child.raw.length;
  }
  return children;
}
