import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.ts';
import type { AuthExchange, AuthStep } from './enhanced-auth.ts';
import { createScramClient } from './scram-client.ts';
import { deriveScramKeys, hmacSha256, xorBytes } from './scram-primitives.ts';
import {
  createScramAuthenticator,
  deriveScramCredentials,
  type ScramCredentials,
  type ScramServerOptions,
} from './scram-sha-256.ts';

const subtle = webcrypto.subtle as SubtleCrypto;
const randomBytes = (length: number) => webcrypto.getRandomValues(new Uint8Array(length));
const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

// RFC 7677 §3
const rfc = {
  username: 'user',
  password: 'pencil',
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: decodeBase64('W22ZaJ0SNY7soEsUEjb6gQ==')!,
  iterations: 4096,
  clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal:
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  // As printed in the RFC (a copy of it once circulated with "...mMhylLSHU/qzrfLZJiDhJE4=", which is wrong).
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const users = new Map<string, ScramCredentials>();
for (const [name, password] of [
  ['user', 'pencil'],
  ['alice', 'correct horse'],
  ['a,b=c', 'p\u00e4ss'],
] as const) {
  users.set(name, await deriveScramCredentials(subtle, password, randomBytes(16), 4096));
}

function createServer(overrides: Partial<ScramServerOptions> = {}) {
  return createScramAuthenticator({ subtle, randomBytes, lookup: (name) => users.get(name), ...overrides });
}

function beginExchange(username?: string, overrides?: Partial<ScramServerOptions>): AuthExchange {
  return createServer(overrides).begin({ clientId: 'c1', username });
}

function expectContinue(step: AuthStep): Uint8Array {
  if (step.kind !== 'continue') throw new Error(`expected continue, got ${JSON.stringify(step)}`);
  return step.data;
}

/** Runs a whole exchange; returns the server's last step and whether the client accepted it. */
async function exchange(username: string, password: string, connectUsername?: string) {
  const client = createScramClient({ subtle, randomBytes, username, password });
  const server = beginExchange(connectUsername);
  const serverFirst = expectContinue(await server.step(client.first()));
  const outcome = await server.step(await client.final(serverFirst));
  const verified = outcome.kind === 'success' && (await client.verify(outcome.data!));
  return { outcome, verified, serverFirst: text(serverFirst) };
}

const invalidProof: AuthStep = { kind: 'failure', reason: 'bad-credentials', message: 'invalid-proof' };

describe('SCRAM-SHA-256, RFC 7677 §3 test vector', () => {
  it('the client computes the expected client-final message and accepts the server signature', async () => {
    const client = createScramClient({
      subtle,
      randomBytes,
      username: rfc.username,
      password: rfc.password,
      nonce: rfc.clientNonce,
    });
    expect(text(client.first())).toBe(rfc.clientFirst);
    expect(text(await client.final(utf8(rfc.serverFirst)))).toBe(rfc.clientFinal);
    expect(await client.verify(utf8(rfc.serverFinal))).toBe(true);
  });

  it('the server sends the expected server-first and server-final messages', async () => {
    const credentials = await deriveScramCredentials(subtle, rfc.password, rfc.salt, rfc.iterations);
    const server = beginExchange('user', {
      lookup: (name) => (name === 'user' ? credentials : undefined),
      createNonce: () => rfc.serverNonce,
    });
    expect(text(expectContinue(await server.step(utf8(rfc.clientFirst))))).toBe(rfc.serverFirst);
    const final = await server.step(utf8(rfc.clientFinal));
    expect(final.kind).toBe('success');
    expect(final.kind === 'success' && text(final.data)).toBe(rfc.serverFinal);
    expect(final.kind === 'success' && final.username).toBe('user');
  });
});

describe('SCRAM-SHA-256 exchange', () => {
  it('succeeds with the right password, and each side proves itself to the other', async () => {
    const { outcome, verified } = await exchange('alice', 'correct horse');
    expect(outcome).toMatchObject({ kind: 'success', username: 'alice' });
    expect(verified).toBe(true);
  });

  it('succeeds when the CONNECT User Name matches, and takes an async lookup', async () => {
    const client = createScramClient({ subtle, randomBytes, username: 'alice', password: 'correct horse' });
    const server = beginExchange('alice', { lookup: async (name) => users.get(name) });
    const serverFirst = expectContinue(await server.step(client.first()));
    expect(await server.step(await client.final(serverFirst))).toMatchObject({ kind: 'success' });
  });

  it('escapes "," and "=" in the user name (RFC 5802 §5.1)', async () => {
    const client = createScramClient({ subtle, randomBytes, username: 'a,b=c', password: 'p\u00e4ss' });
    expect(text(client.first())).toMatch(/^n,,n=a=2Cb=3Dc,r=/);
    const { outcome, verified } = await exchange('a,b=c', 'p\u00e4ss');
    expect(outcome).toMatchObject({ kind: 'success', username: 'a,b=c' });
    expect(verified).toBe(true);
  });

  it('accepts the "y" flag: client supports channel binding, thinks the server does not', async () => {
    const nonce = 'fyko+d2lbbFgONRv9qkxdawL';
    const server = beginExchange(undefined);
    const clientFirstBare = `n=alice,r=${nonce}`;
    const serverFirst = text(expectContinue(await server.step(utf8(`y,,${clientFirstBare}`))));
    const [, salt, iterations] = serverFirst.split(',').map((part) => part.slice(2));
    const keys = await deriveScramKeys(subtle, 'correct horse', decodeBase64(salt!)!, Number(iterations));
    const withoutProof = `c=${encodeBase64(utf8('y,,'))},r=${serverFirst.slice(2).split(',')[0]}`;
    expect(withoutProof).toMatch(/^c=eSws,/);
    const signature = await hmacSha256(
      subtle,
      keys.storedKey,
      utf8(`${clientFirstBare},${serverFirst},${withoutProof}`),
    );
    const proof = encodeBase64(xorBytes(keys.clientKey, signature));
    expect(await server.step(utf8(`${withoutProof},p=${proof}`))).toMatchObject({ kind: 'success' });
  });

  it('fails with a wrong password', async () => {
    const { outcome } = await exchange('alice', 'wrong horse');
    expect(outcome).toEqual(invalidProof);
  });

  it('fails an unknown user at the same step and in the same way as a wrong password', async () => {
    const known = await exchange('alice', 'wrong horse');
    const unknown = await exchange('mallory', 'anything');
    expect(unknown.outcome).toEqual(known.outcome);
    const shape = (serverFirst: string) =>
      serverFirst.replace(/^r=[^,]+,s=([^,]+),i=(\d+)$/, (_, salt: string, i: string) => {
        return `salt:${decodeBase64(salt)?.length},i:${i}`;
      });
    expect(shape(unknown.serverFirst)).toBe('salt:16,i:4096');
    expect(shape(unknown.serverFirst)).toBe(shape(known.serverFirst));
  });

  it('gives an unknown user the same salt each time, as a real one has', async () => {
    const server = createServer();
    const salts = await Promise.all(
      ['mallory', 'mallory', 'trent'].map(async (name) => {
        const exchange = server.begin({ clientId: 'c', username: undefined });
        const serverFirst = text(expectContinue(await exchange.step(utf8(`n,,n=${name},r=abc`))));
        return serverFirst.split(',')[1];
      }),
    );
    expect(salts[0]).toBe(salts[1]);
    expect(salts[0]).not.toBe(salts[2]);
  });

  it('refuses a SCRAM user name other than the CONNECT User Name', async () => {
    const server = beginExchange('bob');
    const client = createScramClient({ subtle, randomBytes, username: 'alice', password: 'correct horse' });
    expect(await server.step(client.first())).toMatchObject({ kind: 'failure', reason: 'not-authorized' });
  });

  it('ends the exchange after its outcome, and refuses overlapping steps', async () => {
    const client = createScramClient({ subtle, randomBytes, username: 'alice', password: 'correct horse' });
    const server = beginExchange(undefined);
    const serverFirst = expectContinue(await server.step(client.first()));
    const clientFinal = await client.final(serverFirst);
    const [first, overlapping] = await Promise.all([server.step(clientFinal), server.step(clientFinal)]);
    expect(first.kind).toBe('success');
    expect(overlapping).toMatchObject({ kind: 'failure' });
    expect(await server.step(clientFinal)).toMatchObject({ kind: 'failure' });
  });

  it('rejects the step when the lookup throws, and ends the exchange', async () => {
    const server = beginExchange(undefined, {
      lookup: () => {
        throw new Error('store down');
      },
    });
    await expect(server.step(utf8('n,,n=alice,r=abc'))).rejects.toThrow('store down');
    expect(await server.step(utf8('n,,n=alice,r=abc'))).toMatchObject({ kind: 'failure' });
  });

  it('rejects a tampered or missing server signature on the client', async () => {
    const client = createScramClient({
      subtle,
      randomBytes,
      username: rfc.username,
      password: rfc.password,
      nonce: rfc.clientNonce,
    });
    expect(await client.verify(utf8(rfc.serverFinal))).toBe(false); // before final()
    await client.final(utf8(rfc.serverFirst));
    const signature = decodeBase64(rfc.serverFinal.slice(2))!;
    signature[0]! ^= 1;
    expect(await client.verify(utf8(`v=${encodeBase64(signature)}`))).toBe(false);
    expect(await client.verify(utf8(rfc.serverFinal.slice(0, -1)))).toBe(false);
    expect(await client.verify(utf8('v=6rriTRBi23WpRR/wtup+mMhylLSHU/qzrfLZJiDhJE4='))).toBe(false);
    expect(await client.verify(utf8('e=invalid-proof'))).toBe(false);
    expect(await client.verify(new Uint8Array([0xff]))).toBe(false);
    expect(await client.verify(utf8(rfc.serverFinal))).toBe(true);
  });

  it.each([
    [
      'a server nonce that does not extend the client nonce',
      'r=other%hvYDp,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    ],
    ['a server nonce equal to the client nonce', 'r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'],
    ['too few iterations', 'r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1'],
    ['a bad salt', 'r=rOprNGfwEbeRWgbNEkqOx,s=W22Z!,i=4096'],
    ['a missing salt', 'r=rOprNGfwEbeRWgbNEkqOx,i=4096'],
    ['a mandatory extension', 'm=ext,r=rOprNGfwEbeRWgbNEkqOx,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'],
  ])('the client refuses %s', async (_, serverFirst) => {
    const client = createScramClient({
      subtle,
      randomBytes,
      username: 'user',
      password: 'pencil',
      nonce: rfc.clientNonce,
    });
    await expect(client.final(utf8(serverFirst))).rejects.toThrow(/SCRAM/);
  });
});

describe('SCRAM-SHA-256 server, malformed client messages give a failure, not an exception', () => {
  it.each([
    ['no data', undefined],
    ['an empty message', ''],
    ['no gs2 header', 'n=user,r=abc'],
    ['only a gs2 header', 'n,,'],
    ['an unknown gs2 flag', 'x,,n=user,r=abc'],
    ['a missing user name', 'n,,r=abc'],
    ['a missing nonce', 'n,,n=user'],
    ['an empty nonce', 'n,,n=user,r='],
    ['attributes in the wrong order', 'n,,r=abc,n=user'],
    ['a bad "=" escape in the user name', 'n,,n=us=er,r=abc'],
    ['an empty user name', 'n,,n=,r=abc'],
    ['a part that is not an attribute', 'n,,n=user,r=abc,junk'],
  ])('client-first with %s', async (_, message) => {
    const step = await beginExchange(undefined).step(message === undefined ? undefined : utf8(message));
    expect(step).toMatchObject({ kind: 'failure', reason: 'bad-credentials' });
  });

  it('client-first that is not UTF-8', async () => {
    const step = await beginExchange(undefined).step(new Uint8Array([0x6e, 0x2c, 0x2c, 0xc3, 0x28]));
    expect(step).toMatchObject({ kind: 'failure', reason: 'bad-credentials', message: 'invalid-encoding' });
  });

  it.each([
    ['channel binding ("p=")', 'p=tls-unique,,n=user,r=abc', 'channel-binding-not-supported'],
    ['an authorization identity', 'n,a=admin,n=user,r=abc', 'other-error'],
    ['a mandatory extension', 'n,,m=ext,n=user,r=abc', 'extensions-not-supported'],
  ])('client-first with %s is not authorized', async (_, message, reason) => {
    const step = await beginExchange(undefined).step(utf8(message));
    expect(step).toEqual({ kind: 'failure', reason: 'not-authorized', message: reason });
  });

  async function afterServerFirst() {
    const server = beginExchange(undefined, { createNonce: () => 'SERVER' });
    expectContinue(await server.step(utf8('n,,n=alice,r=CLIENT')));
    return server;
  }
  const proof = encodeBase64(new Uint8Array(32));

  it.each([
    ['no data', undefined],
    ['a missing proof', 'c=biws,r=CLIENTSERVER'],
    ['a missing channel binding', `r=CLIENTSERVER,p=${proof}`],
    ['a missing nonce', `c=biws,p=${proof}`],
    ['only the client part of the nonce', `c=biws,r=CLIENT,p=${proof}`],
    ['a different nonce', `c=biws,r=CLIENTSERVEX,p=${proof}`],
    ['a proof in bad base64', 'c=biws,r=CLIENTSERVER,p=!!!!'],
    ['a proof of the wrong length', `c=biws,r=CLIENTSERVER,p=${encodeBase64(new Uint8Array(31))}`],
    ['the proof before the nonce', `c=biws,p=${proof},r=CLIENTSERVER`],
    ['garbage', 'hello'],
  ])('client-final with %s', async (_, message) => {
    const server = await afterServerFirst();
    const step = await server.step(message === undefined ? undefined : utf8(message));
    expect(step).toMatchObject({ kind: 'failure', reason: 'bad-credentials' });
  });

  it('client-final whose channel binding differs from the gs2 header', async () => {
    const server = await afterServerFirst();
    const step = await server.step(utf8(`c=eSws,r=CLIENTSERVER,p=${proof}`));
    expect(step).toEqual({
      kind: 'failure',
      reason: 'not-authorized',
      message: 'channel-bindings-dont-match',
    });
  });

  it('client-final with a well-formed but wrong proof', async () => {
    const server = await afterServerFirst();
    expect(await server.step(utf8(`c=biws,r=CLIENTSERVER,p=${proof}`))).toEqual(invalidProof);
  });
});
