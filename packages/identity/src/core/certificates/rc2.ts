// RC2-CBC decryption (RFC 2268), only because legacy PKCS#12 files need it: `openssl pkcs12 -legacy`
// and many Windows exports encrypt their certificates with pbeWithSHAAnd40BitRC2-CBC, and Node's
// OpenSSL 3 leaves RC2 in the "legacy" provider, which is not loaded by default. RC2 is weak; this
// only reads existing files, it is never used to protect anything.

// RFC 2268 section 2: "PITABLE", a permutation of 0..255 derived from the digits of pi.
const PITABLE = Buffer.from(
  "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2" +
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82" +
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626" +
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7" +
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec" +
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731" +
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9" +
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad",
  "hex",
);

/** RFC 2268 section 2: expands `key` to 64 16-bit subkeys with `effectiveBits` effective key bits. */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new RangeError(`RC2 key length must be 1..128 bytes, got ${key.length}`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) {
    throw new RangeError(`RC2 effective key bits must be 1..1024, got ${effectiveBits}`);
  }
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[((L[i - 1] as number) + (L[i - T] as number)) & 0xff] as number;
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[(L[128 - T8] as number) & TM] as number;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[(L[i + 1] as number) ^ (L[i + T8] as number)] as number;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = (L[2 * i] as number) | ((L[2 * i + 1] as number) << 8);
  return K;
}

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(K: Uint16Array, block: Buffer, offset: number): void {
  const R = [block.readUInt16LE(offset), block.readUInt16LE(offset + 2), block.readUInt16LE(offset + 4), block.readUInt16LE(offset + 6)] as [
    number,
    number,
    number,
    number,
  ];
  const shifts = [1, 2, 3, 5];
  let j = 63;
  const mixRound = (): void => {
    for (let i = 3; i >= 0; i--) {
      const s = shifts[i] as number;
      let r = R[i] as number;
      r = ((r >>> s) | (r << (16 - s))) & 0xffff;
      r -= (K[j--] as number) + ((R[(i + 3) & 3] as number) & (R[(i + 2) & 3] as number)) + (~(R[(i + 3) & 3] as number) & (R[(i + 1) & 3] as number));
      R[i] = r & 0xffff;
    }
  };
  const mashRound = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = ((R[i] as number) - (K[(R[(i + 3) & 3] as number) & 63] as number)) & 0xffff;
  };
  for (let n = 0; n < 5; n++) mixRound();
  mashRound();
  for (let n = 0; n < 6; n++) mixRound();
  mashRound();
  for (let n = 0; n < 5; n++) mixRound();
  for (let i = 0; i < 4; i++) block.writeUInt16LE(R[i] as number, offset + 2 * i);
}

/**
 * RC2-CBC decryption with PKCS#7 padding removal. Throws an Error("bad decrypt") when the padding
 * is wrong, which for PBE-encrypted data almost always means a wrong password.
 */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Buffer {
  if (iv.length !== 8) throw new RangeError(`RC2-CBC needs an 8-byte IV, got ${iv.length}`);
  if (data.length === 0 || data.length % 8 !== 0) throw new Error("bad decrypt: RC2-CBC data is not a whole number of blocks");
  const K = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.from(data);
  let previous = Buffer.from(iv);
  for (let off = 0; off < out.length; off += 8) {
    const cipherBlock = Buffer.from(out.subarray(off, off + 8));
    rc2DecryptBlock(K, out, off);
    for (let i = 0; i < 8; i++) out[off + i] = (out[off + i] as number) ^ (previous[i] as number);
    previous = cipherBlock;
  }
  const pad = out[out.length - 1] as number;
  if (pad < 1 || pad > 8) throw new Error("bad decrypt");
  for (let i = out.length - pad; i < out.length; i++) if (out[i] !== pad) throw new Error("bad decrypt");
  return out.subarray(0, out.length - pad);
}
