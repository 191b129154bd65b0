/** The SCRAM-SHA-256 building blocks shared by the server and the client (RFC 5802 §3, RFC 7677):
 * Web Crypto for the hashing, plus the message syntax (§7). */

export const scramKeyLength = 32;

export interface ScramKeys {
  clientKey: Uint8Array;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function encodeUtf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Undefined for bytes that are not UTF-8: a SCRAM message always is. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Web Crypto wants ArrayBuffer-backed views; a host's randomBytes may hand out anything. */
function own(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

export async function hmacSha256(
  subtle: SubtleCrypto,
  key: Uint8Array,
  data: Uint8Array,
): Promise<Uint8Array> {
  const cryptoKey = await subtle.importKey('raw', own(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, own(data)));
}

export async function sha256(subtle: SubtleCrypto, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', own(data)));
}

/** SaltedPassword := Hi(password, salt, i), which is PBKDF2-HMAC-SHA-256 with a one-block output. The
 * keys follow from it (RFC 5802 §3). */
export async function deriveScramKeys(
  subtle: SubtleCrypto,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<ScramKeys> {
  const base = await subtle.importKey('raw', encodeUtf8(password), 'PBKDF2', false, ['deriveBits']);
  const salted = new Uint8Array(
    await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: own(salt), iterations }, base, 256),
  );
  const clientKey = await hmacSha256(subtle, salted, encodeUtf8('Client Key'));
  const serverKey = await hmacSha256(subtle, salted, encodeUtf8('Server Key'));
  return { clientKey, storedKey: await sha256(subtle, clientKey), serverKey };
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ (b[i] ?? 0);
  return out;
}

/** Compares without an early exit, so the time taken says nothing about where the bytes differ. */
export function isEqualConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** saslname (RFC 5802 §5.1): "," and "=" travel as "=2C" and "=3D". */
export function escapeSaslName(name: string): string {
  return name.replaceAll('=', '=3D').replaceAll(',', '=2C');
}

/** Undefined when "=" is followed by anything but "2C" or "3D", or the name is empty. */
export function unescapeSaslName(text: string): string | undefined {
  if (text === '' || /=(?!2C|3D)/.test(text)) return undefined;
  return text.replaceAll('=2C', ',').replaceAll('=3D', '=');
}

/** printable = %x21-2B / %x2D-7E: visible ASCII without ",". */
export function isValidNonce(text: string): boolean {
  return /^[\x21-\x2b\x2d-\x7e]+$/.test(text);
}

export interface ScramAttribute {
  name: string;
  value: string;
}

/** Splits "a=1,b=2" into attributes; undefined unless every part is one letter, "=", and a value. */
export function parseAttributes(text: string): ScramAttribute[] | undefined {
  const attributes: ScramAttribute[] = [];
  for (const part of text.split(',')) {
    if (!/^[A-Za-z]=/.test(part)) return undefined;
    attributes.push({ name: part[0]!, value: part.slice(2) });
  }
  return attributes;
}
