/** MQTT 5 enhanced authentication (section 4.12): the broker relays Authentication Data between the
 * client and an authenticator chosen by the CONNECT's Authentication Method, and maps each step to a
 * packet. The authenticator knows the method (SASL-style challenge and response), the broker knows
 * MQTT.
 *
 * - A CONNECT whose method no authenticator claims: CONNACK 0x8C Bad authentication method
 *   [MQTT-4.12.0-1].
 * - `continue`: AUTH 0x18 Continue authentication with `data` [MQTT-4.12.0-2]; the client's AUTH 0x18
 *   reply [MQTT-4.12.0-3] feeds the next `step`.
 * - `success`: CONNACK 0x00 (or AUTH 0x00 Success when re-authenticating, [MQTT-4.12.1-1]) carrying
 *   `data` as Authentication Data if present.
 * - `failure`: CONNACK with 0x86 ('bad-credentials') or 0x87 ('not-authorized'), `message` as the
 *   Reason String [MQTT-4.12.0-4]; on re-authentication, DISCONNECT 0x87 (DISCONNECT has no 0x86)
 *   [MQTT-4.12.1-2].
 */

export type AuthStep =
  | { kind: 'continue'; data: Uint8Array }
  /** `username` is the identity the method proved, to be used for authorisation instead of the
   * CONNECT's User Name. */
  | { kind: 'success'; data?: Uint8Array; username?: string }
  | { kind: 'failure'; reason: 'bad-credentials' | 'not-authorized'; message?: string };

/** One authentication conversation. The broker calls `step` with the CONNECT's (or the re-auth AUTH's)
 * Authentication Data first, then with each AUTH 0x18's, one call at a time, until a step is
 * `success` or `failure`. A call after that, or one made while another is pending, is a `failure`. A
 * malformed message from the client is a `failure` too; the promise rejects only when the host fails
 * (a credential lookup throws), and the exchange is over then as well. */
export interface AuthExchange {
  step(clientData: Uint8Array | undefined): Promise<AuthStep>;
}

export interface AuthContext {
  readonly clientId: string;
  /** The CONNECT's User Name, if it had one. */
  readonly username: string | undefined;
}

export interface EnhancedAuthenticator {
  /** The Authentication Method it answers to, e.g. 'SCRAM-SHA-256'. */
  readonly method: string;
  /** A fresh exchange for each authentication and re-authentication. */
  begin(context: AuthContext): AuthExchange;
}
