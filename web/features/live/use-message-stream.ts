import { useEffect, useRef, useState } from 'react';
import type { LiveEvent, MessageView } from '../../../shared/admin/broker-link.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { createFrameBatcher } from '../../lib/frame-batcher.ts';

/** Messages kept on screen; older ones fall off the end. */
export const STREAM_CAP = 500;
/** The broker samples the stream down to this many messages a second. */
export const SAMPLE_PER_SECOND = 50;

export interface StreamMessage extends MessageView {
  seq: number;
  deliveries: number;
}

export interface MessageStream {
  /** Newest first. */
  messages: StreamMessage[];
  received: number;
  /** Arrived while paused, shown on resume. */
  waiting: number;
  clear(): void;
}

/** Streams sampled publishes matching `topicFilter`; updates React once per animation frame. */
export function useMessageStream(topicFilter: string, paused: boolean): MessageStream {
  const link = useBrokerLink();
  const [messages, setMessages] = useState<StreamMessage[]>([]);
  const [counts, setCounts] = useState({ received: 0, waiting: 0 });
  const held = useRef<StreamMessage[]>([]);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    let seq = 0;
    held.current = [];
    setMessages([]);
    setCounts({ received: 0, waiting: 0 });
    const batcher = createFrameBatcher<StreamMessage>((batch) => {
      batch.reverse();
      if (pausedRef.current) {
        held.current = [...batch, ...held.current].slice(0, STREAM_CAP);
      } else {
        setMessages((current) => [...batch, ...current].slice(0, STREAM_CAP));
      }
      const waiting = held.current.length;
      setCounts((current) => ({ received: current.received + batch.length, waiting }));
    });
    const onEvent = (event: LiveEvent): void => {
      if (event.type !== 'publish') return;
      const { type: _type, ...message } = event;
      batcher.push({ ...message, seq: seq++ });
    };
    const unwatch = link.watch(
      { publishes: 'sampled', topicFilter, maxPerSecond: SAMPLE_PER_SECOND },
      onEvent,
    );
    return () => {
      unwatch();
      batcher.cancel();
    };
  }, [link, topicFilter]);

  useEffect(() => {
    if (paused || held.current.length === 0) return;
    const resumed = held.current;
    held.current = [];
    setMessages((current) => [...resumed, ...current].slice(0, STREAM_CAP));
    setCounts((current) => ({ ...current, waiting: 0 }));
  }, [paused]);

  return {
    messages,
    received: counts.received,
    waiting: counts.waiting,
    clear: () => {
      held.current = [];
      setMessages([]);
      setCounts({ received: 0, waiting: 0 });
    },
  };
}
