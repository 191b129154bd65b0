/** Standard base64 (RFC 4648 §4, padded) on Uint8Array, for SCRAM attributes. Pure, so that `shared/`
 * needs neither `Buffer` nor `btoa`/`atob` and their Latin-1 string detour. */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const sextets = new Int8Array(128).fill(-1);
for (let i = 0; i < alphabet.length; i++) sextets[alphabet.charCodeAt(i)] = i;

export function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${alphabet[n >> 18]!}${alphabet[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${alphabet[n >> 18]!}${alphabet[(n >> 12) & 63]!}${alphabet[(n >> 6) & 63]!}=`;
  }
  return out;
}

/** Strict decoding: padding required, no whitespace, no non-zero pad bits (RFC 4648 §3.5). Returns
 * undefined for anything else, since SCRAM peers only ever send canonical base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  const dataChars = text.length - padding;
  let bits = 0;
  let bitCount = 0;
  let o = 0;
  for (let i = 0; i < dataChars; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? sextets[code]! : -1;
    if (value < 0) return undefined;
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[o++] = (bits >> bitCount) & 0xff;
    }
  }
  if ((bits & ((1 << bitCount) - 1)) !== 0) return undefined;
  return out;
}
