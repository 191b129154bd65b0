import { decodeBase64, encodeBase64 } from './base64.ts';
import type { AuthContext, AuthExchange, AuthStep, EnhancedAuthenticator } from './enhanced-auth.ts';
import {
  decodeUtf8,
  deriveScramKeys,
  encodeUtf8,
  hmacSha256,
  isEqualConstantTime,
  isValidNonce,
  parseAttributes,
  scramKeyLength,
  sha256,
  unescapeSaslName,
  xorBytes,
} from './scram-primitives.ts';

/** What the server stores per user instead of the password (RFC 5802 §3). */
export interface ScramCredentials {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

export interface ScramServerOptions {
  subtle: SubtleCrypto;
  randomBytes(length: number): Uint8Array;
  lookup(username: string): Promise<ScramCredentials | undefined> | ScramCredentials | undefined;
  /** Iteration count announced for unknown users, so that they look like known ones: use the count
   * the stored credentials were made with. Default 4096, the RFC 7677 minimum. */
  unknownUserIterations?: number;
  /** The server's half of the nonce. Default: 18 random bytes in base64. Tests inject a fixed one. */
  createNonce?(): string;
}

/** Passwords are derived with a 16-byte salt here; unknown users get a made-up salt of that size. */
export const scramSaltLength = 16;

/** SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding. Usernames and passwords are compared
 * as given (no SASLprep). A CONNECT User Name, when present, must equal the SCRAM one. */
export function createScramAuthenticator(options: ScramServerOptions): EnhancedAuthenticator {
  const { subtle, randomBytes, lookup } = options;
  const unknownUserIterations = options.unknownUserIterations ?? 4096;
  const createNonce = options.createNonce ?? (() => encodeBase64(randomBytes(18)));
  // Salts for unknown users come from this secret, so asking twice gives the same answer, as it would
  // for a real user.
  const decoySecret = randomBytes(32);

  async function decoyCredentials(username: string): Promise<ScramCredentials> {
    const salt = await hmacSha256(subtle, decoySecret, encodeUtf8(username));
    return {
      salt: salt.slice(0, scramSaltLength),
      iterations: unknownUserIterations,
      storedKey: randomBytes(scramKeyLength),
      serverKey: randomBytes(scramKeyLength),
    };
  }

  return {
    method: 'SCRAM-SHA-256',
    begin(context) {
      return createExchange(context, { subtle, lookup, createNonce, decoyCredentials });
    },
  };
}

interface ExchangeDeps {
  subtle: SubtleCrypto;
  lookup: ScramServerOptions['lookup'];
  createNonce(): string;
  decoyCredentials(username: string): Promise<ScramCredentials>;
}

/** What the client-first and server-first messages fixed, for checking the client-final one. */
interface Pending {
  gs2Header: string;
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
  username: string;
  credentials: ScramCredentials;
  isKnownUser: boolean;
}

// Failure messages are RFC 5802 §7 server-error values.
const fail = (reason: 'bad-credentials' | 'not-authorized', message: string): AuthStep => ({
  kind: 'failure',
  reason,
  message,
});
const malformed = fail('bad-credentials', 'invalid-encoding');

function createExchange(context: AuthContext, deps: ExchangeDeps): AuthExchange {
  let state: 'client-first' | 'client-final' | 'busy' | 'done' = 'client-first';
  let pending: Pending | undefined;

  async function onClientFirst(data: Uint8Array | undefined): Promise<AuthStep> {
    const text = data && decodeUtf8(data);
    if (text === undefined) return malformed;
    // gs2-header = gs2-cbind-flag "," [authzid] ","
    const [flag, authzid, ...rest] = text.split(',');
    if (flag === undefined || authzid === undefined || rest.length === 0) return malformed;
    if (flag.startsWith('p=')) return fail('not-authorized', 'channel-binding-not-supported');
    if (flag !== 'n' && flag !== 'y') return malformed;
    if (authzid !== '') return fail('not-authorized', 'other-error');
    const clientFirstBare = rest.join(',');
    const attributes = parseAttributes(clientFirstBare);
    if (!attributes) return malformed;
    if (attributes[0]?.name === 'm') return fail('not-authorized', 'extensions-not-supported');
    const [user, clientNonce] = attributes;
    if (user?.name !== 'n' || clientNonce?.name !== 'r' || !isValidNonce(clientNonce.value)) return malformed;
    const username = unescapeSaslName(user.value);
    if (username === undefined) return fail('bad-credentials', 'invalid-username-encoding');
    if (context.username !== undefined && context.username !== username) {
      return fail('not-authorized', 'other-error');
    }

    const found = await deps.lookup(username);
    const credentials = found ?? (await deps.decoyCredentials(username));
    const nonce = clientNonce.value + deps.createNonce();
    const serverFirst = `r=${nonce},s=${encodeBase64(credentials.salt)},i=${credentials.iterations}`;
    pending = {
      gs2Header: `${flag},${authzid},`,
      clientFirstBare,
      serverFirst,
      nonce,
      username,
      credentials,
      isKnownUser: found !== undefined,
    };
    return { kind: 'continue', data: encodeUtf8(serverFirst) };
  }

  async function onClientFinal(data: Uint8Array | undefined, p: Pending): Promise<AuthStep> {
    const text = data && decodeUtf8(data);
    if (text === undefined) return malformed;
    const attributes = parseAttributes(text);
    const [binding, nonce] = attributes ?? [];
    const proofAttribute = attributes?.at(-1);
    if (binding?.name !== 'c' || nonce?.name !== 'r' || proofAttribute?.name !== 'p') return malformed;
    const proof = decodeBase64(proofAttribute.value);
    if (!proof || proof.length !== scramKeyLength) return malformed;
    // Without channel binding, c= is just the gs2 header echoed back.
    if (binding.value !== encodeBase64(encodeUtf8(p.gs2Header))) {
      return fail('not-authorized', 'channel-bindings-dont-match');
    }
    if (nonce.value !== p.nonce) return malformed;

    const withoutProof = text.slice(0, text.length - proofAttribute.value.length - 3);
    const authMessage = encodeUtf8(`${p.clientFirstBare},${p.serverFirst},${withoutProof}`);
    const { storedKey, serverKey } = p.credentials;
    const clientSignature = await hmacSha256(deps.subtle, storedKey, authMessage);
    const clientKey = xorBytes(proof, clientSignature);
    const proven = isEqualConstantTime(await sha256(deps.subtle, clientKey), storedKey);
    // An unknown user fails here, like a wrong password, and after the same work.
    if (!proven || !p.isKnownUser) return fail('bad-credentials', 'invalid-proof');
    const serverSignature = await hmacSha256(deps.subtle, serverKey, authMessage);
    return {
      kind: 'success',
      data: encodeUtf8(`v=${encodeBase64(serverSignature)}`),
      username: p.username,
    };
  }

  return {
    async step(data) {
      const current = state;
      state = 'busy';
      let result: AuthStep = fail('not-authorized', 'other-error');
      try {
        if (current === 'client-first') result = await onClientFirst(data);
        else if (current === 'client-final' && pending) result = await onClientFinal(data, pending);
        return result;
      } finally {
        // A call that overlapped this one has already ended the exchange ('done'): it stays ended.
        const proceeds = state === 'busy' && current === 'client-first' && result.kind === 'continue';
        state = proceeds ? 'client-final' : 'done';
      }
    },
  };
}

/** Makes the credentials to store for a password (RFC 5802 §3); the password never needs storing. */
export async function deriveScramCredentials(
  subtle: SubtleCrypto,
  password: string,
  salt: Uint8Array,
  iterations: number,
): Promise<ScramCredentials> {
  const { storedKey, serverKey } = await deriveScramKeys(subtle, password, salt, iterations);
  return { salt, iterations, storedKey, serverKey };
}
