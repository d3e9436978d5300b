// A small, defensive reader for the DER (and the few BER liberties PKCS#12 writers take) that
// certificate loading needs: PKCS#12 containers and X.509 validity dates.
//
// Certificate files come from users and from disk, so every length is checked against the bytes
// actually present before anything is sliced, nesting depth is bounded, and every failure is an
// Asn1Error naming the offset and what was wrong: never a RangeError from Buffer internals, never a
// hang. Reference: ITU-T X.690 section 8 (BER) and 10 (DER restrictions).

export class Asn1Error extends Error {
  override name = "Asn1Error";
}

export type TagClass = "universal" | "application" | "context" | "private";

export interface Asn1Node {
  tagClass: TagClass;
  constructed: boolean;
  tagNumber: number;
  /** Offset of this element within the buffer given to parseDer. */
  offset: number;
  /** The whole element: identifier, length and contents. */
  der: Buffer;
  /** The contents octets (for an indefinite-length element, without the end-of-contents marker). */
  value: Buffer;
  /** Parsed elements of a constructed value; empty for a primitive one. */
  children: Asn1Node[];
}

export const Tag = {
  Boolean: 1,
  Integer: 2,
  BitString: 3,
  OctetString: 4,
  Null: 5,
  Oid: 6,
  Utf8String: 12,
  Sequence: 16,
  Set: 17,
  UtcTime: 23,
  GeneralizedTime: 24,
  BmpString: 30,
} as const;

// PKCS#12 nests about ten levels deep; anything far beyond that is a hostile or broken file.
const MAX_DEPTH = 48;

/** Parses exactly one element that must fill `bytes` completely. */
export function parseDer(bytes: Uint8Array): Asn1Node {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length === 0) throw new Asn1Error("malformed DER: the data is empty");
  const { node, end } = readElement(buffer, 0, buffer.length, 0);
  if (end !== buffer.length) {
    throw new Asn1Error(`malformed DER: ${buffer.length - end} unexpected bytes after the element ending at offset ${end}`);
  }
  return node;
}

function readElement(buf: Buffer, start: number, limit: number, depth: number): { node: Asn1Node; end: number } {
  if (depth > MAX_DEPTH) throw new Asn1Error(`malformed DER: nesting deeper than ${MAX_DEPTH} levels at offset ${start}`);
  let pos = start;
  const first = byteAt(buf, pos++, limit, "identifier");
  const tagClass = (["universal", "application", "context", "private"] as const)[first >> 6] as TagClass;
  const constructed = (first & 0x20) !== 0;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    // High tag number form: base-128 digits; four are far more than any structure here uses.
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (i === 4) throw new Asn1Error(`malformed DER: tag number too large at offset ${start}`);
      const b = byteAt(buf, pos++, limit, "tag number");
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }

  const lengthByte = byteAt(buf, pos++, limit, "length");
  if (lengthByte === 0x80) {
    // Indefinite length (BER): some PKCS#12 writers (older Java, some Windows paths) use it.
    if (!constructed) throw new Asn1Error(`malformed DER: primitive element with indefinite length at offset ${start}`);
    const contentStart = pos;
    const children: Asn1Node[] = [];
    for (;;) {
      if (pos + 2 > limit) throw new Asn1Error(`malformed DER: missing end-of-contents for the element at offset ${start}`);
      if (buf[pos] === 0 && buf[pos + 1] === 0) break;
      const child = readElement(buf, pos, limit, depth + 1);
      children.push(child.node);
      pos = child.end;
    }
    const node: Asn1Node = {
      tagClass,
      constructed,
      tagNumber,
      offset: start,
      der: buf.subarray(start, pos + 2),
      value: buf.subarray(contentStart, pos),
      children,
    };
    return { node, end: pos + 2 };
  }

  let length: number;
  if (lengthByte < 0x80) {
    length = lengthByte;
  } else {
    const count = lengthByte & 0x7f;
    // Four length octets allow 4 GiB, far above any certificate; more is a corrupt or hostile file.
    if (count > 4) throw new Asn1Error(`malformed DER: length field of ${count} octets at offset ${start} is too large`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + byteAt(buf, pos++, limit, "length");
  }
  if (length > limit - pos) {
    throw new Asn1Error(`malformed DER: the element at offset ${start} claims ${length} bytes but only ${limit - pos} remain (truncated or corrupt data)`);
  }
  const end = pos + length;
  const children: Asn1Node[] = [];
  if (constructed) {
    let childPos = pos;
    while (childPos < end) {
      const child = readElement(buf, childPos, end, depth + 1);
      children.push(child.node);
      childPos = child.end;
    }
  }
  const node: Asn1Node = {
    tagClass,
    constructed,
    tagNumber,
    offset: start,
    der: buf.subarray(start, end),
    value: buf.subarray(pos, end),
    children,
  };
  return { node, end };
}

function byteAt(buf: Buffer, pos: number, limit: number, what: string): number {
  if (pos >= limit) throw new Asn1Error(`malformed DER: truncated ${what} at offset ${pos}`);
  return buf[pos] as number;
}

// ---- typed accessors: each names what it expected, so a broken file gives a readable error ----

function describe(node: Asn1Node): string {
  return `${node.tagClass} ${node.constructed ? "constructed" : "primitive"} tag ${node.tagNumber} at offset ${node.offset}`;
}

function expectUniversal(node: Asn1Node | undefined, tag: number, what: string): Asn1Node {
  if (node === undefined) throw new Asn1Error(`malformed structure: ${what} is missing`);
  if (node.tagClass !== "universal" || node.tagNumber !== tag) {
    throw new Asn1Error(`malformed structure: expected ${what} but found ${describe(node)}`);
  }
  return node;
}

/** The elements of a SEQUENCE (or SET, with `tag: Tag.Set`). */
export function readSequence(node: Asn1Node | undefined, what: string, tag: number = Tag.Sequence): Asn1Node[] {
  const seq = expectUniversal(node, tag, what);
  if (!seq.constructed) throw new Asn1Error(`malformed structure: ${what} is not constructed`);
  return seq.children;
}

/** The inner element of an explicitly tagged `[n]` wrapper. */
export function readExplicit(node: Asn1Node | undefined, tagNumber: number, what: string): Asn1Node {
  if (node === undefined) throw new Asn1Error(`malformed structure: ${what} is missing`);
  if (node.tagClass !== "context" || node.tagNumber !== tagNumber || !node.constructed || node.children.length !== 1) {
    throw new Asn1Error(`malformed structure: expected ${what} as explicit [${tagNumber}] but found ${describe(node)}`);
  }
  return node.children[0] as Asn1Node;
}

export function isContext(node: Asn1Node | undefined, tagNumber: number): node is Asn1Node {
  return node !== undefined && node.tagClass === "context" && node.tagNumber === tagNumber;
}

/** An object identifier in dotted form, e.g. "1.2.840.113549.1.12.10.1.2". */
export function readOid(node: Asn1Node | undefined, what: string): string {
  const v = expectUniversal(node, Tag.Oid, what).value;
  if (v.length === 0 || v.length > 64) throw new Asn1Error(`malformed structure: ${what} has an invalid length`);
  const arcs: number[] = [];
  let arc = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i] as number;
    arc = arc * 128 + (b & 0x7f);
    if (arc > Number.MAX_SAFE_INTEGER / 128) throw new Asn1Error(`malformed structure: ${what} has an oversized arc`);
    if ((b & 0x80) !== 0) continue;
    if (arcs.length === 0) {
      const top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
      arcs.push(top, arc - top * 40);
    } else {
      arcs.push(arc);
    }
    arc = 0;
  }
  if ((v[v.length - 1] as number) & 0x80) throw new Asn1Error(`malformed structure: ${what} is truncated`);
  return arcs.join(".");
}

/** A non-negative INTEGER small enough for a JS number (versions, iteration counts, key lengths). */
export function readSmallInteger(node: Asn1Node | undefined, what: string): number {
  const v = expectUniversal(node, Tag.Integer, what).value;
  if (v.length === 0) throw new Asn1Error(`malformed structure: ${what} is empty`);
  if ((v[0] as number) & 0x80) throw new Asn1Error(`malformed structure: ${what} is negative`);
  let n = 0;
  for (const b of v) {
    n = n * 256 + b;
    if (n > Number.MAX_SAFE_INTEGER) throw new Asn1Error(`malformed structure: ${what} is too large`);
  }
  return n;
}

/** OCTET STRING contents; a BER constructed OCTET STRING is reassembled from its segments. */
export function readOctetString(node: Asn1Node | undefined, what: string): Buffer {
  const octets = expectUniversal(node, Tag.OctetString, what);
  return octets.constructed ? joinSegments(octets, what, 0) : octets.value;
}

/**
 * The octets of an implicitly tagged OCTET STRING (e.g. `encryptedContent [0] IMPLICIT`), which may
 * be primitive or, in BER, a constructed series of OCTET STRING segments.
 */
export function readImplicitOctets(node: Asn1Node, what: string): Buffer {
  return node.constructed ? joinSegments(node, what, 0) : node.value;
}

function joinSegments(node: Asn1Node, what: string, depth: number): Buffer {
  if (depth > 8) throw new Asn1Error(`malformed structure: ${what} has too deeply nested segments`);
  const parts = node.children.map((child) => {
    expectUniversal(child, Tag.OctetString, `a segment of ${what}`);
    return child.constructed ? joinSegments(child, what, depth + 1) : child.value;
  });
  return Buffer.concat(parts);
}

/** UTCTime or GeneralizedTime (as used in X.509 validity) to a Date. */
export function readTime(node: Asn1Node | undefined, what: string): Date {
  if (node === undefined) throw new Asn1Error(`malformed structure: ${what} is missing`);
  const text = node.value.toString("latin1");
  let match: RegExpExecArray | null;
  let year: number;
  if (node.tagClass === "universal" && node.tagNumber === Tag.UtcTime && (match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    const yy = Number(match[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280 4.1.2.5.1
  } else if (node.tagClass === "universal" && node.tagNumber === Tag.GeneralizedTime && (match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text))) {
    year = Number(match[1]);
  } else {
    throw new Asn1Error(`malformed structure: ${what} is not a UTCTime or GeneralizedTime in UTC`);
  }
  const [, , mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(year, (mo as number) - 1, d, h, mi, s));
}

/** BMPString contents (UTF-16 big-endian) as a JS string. */
export function readBmpString(node: Asn1Node | undefined, what: string): string {
  const v = expectUniversal(node, Tag.BmpString, what).value;
  if (v.length % 2 !== 0) throw new Asn1Error(`malformed structure: ${what} has an odd length`);
  return Buffer.from(v).swap16().toString("utf16le");
}

/**
 * A password as PKCS#12 feeds it to its key derivation (RFC 7292 appendix B.1): a BMPString,
 * i.e. UTF-16 big-endian, with a two-byte zero terminator. The empty password is therefore 00 00,
 * the convention OpenSSL and Windows both use for "no password".
 */
export function encodeBmpPassword(password: string): Buffer {
  const utf16 = Buffer.from(password + "\u0000", "utf16le");
  return utf16.swap16();
}
