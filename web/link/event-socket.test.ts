import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../shared/admin/broker-link.ts';
import { type EventSocket, openEventSocket } from './event-socket.ts';

class FakeSocket implements EventSocket {
  readyState = 0;
  sent: string[] = [];
  closed = false;
  onopen: EventSocket['onopen'] = null;
  onmessage: EventSocket['onmessage'] = null;
  onclose: EventSocket['onclose'] = null;
  onerror: EventSocket['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(data: string) {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
}

function setUp() {
  const sockets: FakeSocket[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const events: LiveEvent[] = [];
  const stop = openEventSocket({
    url: 'ws://host/api/events?token=t',
    filter: { publishes: 'none' },
    onEvent: (event) => events.push(event),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => {},
  });
  return { sockets, timers, events, stop };
}

describe('openEventSocket', () => {
  it('sends the watch filter on open and passes on known events only', () => {
    const { sockets, events } = setUp();
    const socket = sockets[0]!;
    socket.open();
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'watch', filter: { publishes: 'none' } });
    socket.receive(JSON.stringify({ type: 'disconnect', at: 1, clientId: 'a', sessionId: 's', reason: 'x' }));
    socket.receive(JSON.stringify({ type: 'error', error: 'bad filter' }));
    socket.receive('not json');
    expect(events.map((event) => event.type)).toEqual(['disconnect']);
  });

  it('reconnects with growing delays and sends the filter again', () => {
    const { sockets, timers } = setUp();
    sockets[0]!.drop();
    timers.shift()!.callback();
    sockets[1]!.drop();
    expect(timers[0]!.ms).toBeGreaterThan(500);
    timers.shift()!.callback();
    sockets[2]!.open();
    expect(sockets[2]!.sent).toHaveLength(1);
  });

  it('closes the socket and stops reconnecting when unwatched', () => {
    const { sockets, timers, stop } = setUp();
    stop();
    expect(sockets[0]!.closed).toBe(true);
    sockets[0]!.drop();
    expect(timers).toHaveLength(0);
  });
});
