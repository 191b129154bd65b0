import { describe, expect, it } from 'vitest';
import { createFrameBatcher } from './frame-batcher.ts';

function fakeFrames() {
  const pending = new Map<number, () => void>();
  let next = 1;
  return {
    scheduler: {
      request: (callback: () => void) => {
        pending.set(next, callback);
        return next++;
      },
      cancel: (handle: number) => pending.delete(handle),
    },
    pending,
    runFrame() {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
  };
}

describe('createFrameBatcher', () => {
  it('hands over everything pushed before a frame in one batch', () => {
    const frames = fakeFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), frames.scheduler);
    for (let i = 0; i < 1000; i++) batcher.push(i);
    expect(frames.pending.size).toBe(1);
    frames.runFrame();
    batcher.push(1000);
    frames.runFrame();
    expect(batches.map((batch) => batch.length)).toEqual([1000, 1]);
  });

  it('drops pending items on cancel', () => {
    const frames = fakeFrames();
    const batches: number[][] = [];
    const batcher = createFrameBatcher<number>((items) => batches.push(items), frames.scheduler);
    batcher.push(1);
    batcher.cancel();
    frames.runFrame();
    expect(batches).toEqual([]);
  });
});
