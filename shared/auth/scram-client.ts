import { decodeBase64, encodeBase64 } from './base64.ts';
import {
  decodeUtf8,
  deriveScramKeys,
  encodeUtf8,
  escapeSaslName,
  hmacSha256,
  isEqualConstantTime,
  isValidNonce,
  parseAttributes,
  xorBytes,
} from './scram-primitives.ts';

export interface ScramClientOptions {
  subtle: SubtleCrypto;
  randomBytes(length: number): Uint8Array;
  username: string;
  password: string;
  /** The client nonce. Default: 18 random bytes in base64. Tests inject a fixed one. */
  nonce?: string;
  /** Fewer iterations than this from the server are refused as a downgrade. Default 4096 (RFC 7677). */
  minIterations?: number;
}

/** The client side of one SCRAM-SHA-256 exchange: `first()` goes in the CONNECT's (or re-auth AUTH's)
 * Authentication Data, `final()` answers the server's AUTH 0x18, `verify()` checks the data of the
 * CONNACK (or AUTH 0x00) to be sure the server knew the credentials too. */
export interface ScramClient {
  first(): Uint8Array;
  /** Rejects when the server-first message is malformed, its nonce does not extend ours, or it
   * announces too few iterations. */
  final(serverFirst: Uint8Array): Promise<Uint8Array>;
  /** False unless the server-final message carries the expected signature; never rejects. */
  verify(serverFinal: Uint8Array): Promise<boolean>;
}

const gs2Header = 'n,,';

export function createScramClient(options: ScramClientOptions): ScramClient {
  const { subtle, username, password } = options;
  const minIterations = options.minIterations ?? 4096;
  const clientNonce = options.nonce ?? encodeBase64(options.randomBytes(18));
  if (!isValidNonce(clientNonce)) throw new Error('SCRAM nonce must be printable ASCII without ","');
  const clientFirstBare = `n=${escapeSaslName(username)},r=${clientNonce}`;
  let expectedServerSignature: Uint8Array | undefined;

  return {
    first() {
      return encodeUtf8(gs2Header + clientFirstBare);
    },

    async final(serverFirstBytes) {
      const serverFirst = decodeUtf8(serverFirstBytes);
      const attributes = serverFirst === undefined ? undefined : parseAttributes(serverFirst);
      const [nonce, saltAttribute, iterationsAttribute] = attributes ?? [];
      if (nonce?.name !== 'r' || saltAttribute?.name !== 's' || iterationsAttribute?.name !== 'i') {
        throw new Error('SCRAM: malformed server-first message');
      }
      if (!nonce.value.startsWith(clientNonce) || nonce.value.length === clientNonce.length) {
        throw new Error('SCRAM: the server nonce does not extend the client nonce');
      }
      if (!isValidNonce(nonce.value)) throw new Error('SCRAM: malformed server nonce');
      const salt = decodeBase64(saltAttribute.value);
      if (!salt || salt.length === 0) throw new Error('SCRAM: malformed salt');
      if (!/^[1-9][0-9]{0,9}$/.test(iterationsAttribute.value))
        throw new Error('SCRAM: malformed iteration count');
      const iterations = Number(iterationsAttribute.value);
      if (iterations < minIterations)
        throw new Error(`SCRAM: ${iterations} iterations is below ${minIterations}`);

      const { clientKey, storedKey, serverKey } = await deriveScramKeys(subtle, password, salt, iterations);
      const withoutProof = `c=${encodeBase64(encodeUtf8(gs2Header))},r=${nonce.value}`;
      const authMessage = encodeUtf8(`${clientFirstBare},${serverFirst},${withoutProof}`);
      const clientSignature = await hmacSha256(subtle, storedKey, authMessage);
      expectedServerSignature = await hmacSha256(subtle, serverKey, authMessage);
      return encodeUtf8(`${withoutProof},p=${encodeBase64(xorBytes(clientKey, clientSignature))}`);
    },

    async verify(serverFinalBytes) {
      const serverFinal = decodeUtf8(serverFinalBytes);
      if (serverFinal === undefined || !expectedServerSignature) return false;
      const [verifier] = parseAttributes(serverFinal) ?? [];
      if (verifier?.name !== 'v') return false;
      const signature = decodeBase64(verifier.value);
      return signature !== undefined && isEqualConstantTime(signature, expectedServerSignature);
    },
  };
}
