import type { FrameScheduler } from '../../lib/frame-batcher.ts';

/** Animation frames, but at least `intervalMs` apart from the request: a virtual client receiving
 * hundreds of messages a second re-renders the page a few times a second, not at frame rate. */
export function pacedFrames(intervalMs: number): FrameScheduler {
  const pending = new Map<number, { timer?: ReturnType<typeof setTimeout>; frame?: number }>();
  let next = 1;
  return {
    request(callback) {
      const id = next++;
      const timer = setTimeout(() => {
        const frame = requestAnimationFrame(() => {
          pending.delete(id);
          callback();
        });
        pending.set(id, { frame });
      }, intervalMs);
      pending.set(id, { timer });
      return id;
    },
    cancel(id) {
      const entry = pending.get(id);
      pending.delete(id);
      if (entry?.timer !== undefined) clearTimeout(entry.timer);
      if (entry?.frame !== undefined) cancelAnimationFrame(entry.frame);
    },
  };
}
