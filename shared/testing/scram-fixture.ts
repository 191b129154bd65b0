import type { EnhancedAuthenticator } from '../auth/enhanced-auth.ts';
import { createScramClient, type ScramClient } from '../auth/scram-client.ts';
import {
  createScramAuthenticator,
  deriveScramCredentials,
  type ScramCredentials,
} from '../auth/scram-sha-256.ts';

/** SCRAM-SHA-256 on both ends for enhanced-authentication tests: one user, alice, whose password
 * is 'correct horse'. */

export const SCRAM_METHOD = 'SCRAM-SHA-256';

// Web Crypto is a global in Node 20 and in browsers alike.
const subtle = crypto.subtle;
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));

const users = new Map<string, ScramCredentials>([
  ['alice', await deriveScramCredentials(subtle, 'correct horse', randomBytes(16), 4096)],
]);

/** The broker's side: knows alice. */
export function createTestScramAuthenticator(): EnhancedAuthenticator {
  return createScramAuthenticator({ subtle, randomBytes, lookup: (name) => users.get(name) });
}

/** The client's side of one exchange. */
export function createTestScramClient(password = 'correct horse', username = 'alice'): ScramClient {
  return createScramClient({ subtle, randomBytes, username, password });
}
