export interface FrameBatcher<T> {
  push(item: T): void;
  cancel(): void;
}

export interface FrameScheduler {
  request(callback: () => void): number;
  cancel(handle: number): void;
}

const animationFrames: FrameScheduler = {
  request: (callback) => requestAnimationFrame(callback),
  cancel: (handle) => cancelAnimationFrame(handle),
};

/** Collects items and hands them over at most once per animation frame, so a burst of a thousand
 * messages costs one React update, not a thousand. */
export function createFrameBatcher<T>(
  onFlush: (items: T[]) => void,
  scheduler: FrameScheduler = animationFrames,
): FrameBatcher<T> {
  let items: T[] = [];
  let handle: number | undefined;
  const flush = (): void => {
    handle = undefined;
    const batch = items;
    items = [];
    onFlush(batch);
  };
  return {
    push(item) {
      items.push(item);
      handle ??= scheduler.request(flush);
    },
    cancel() {
      if (handle !== undefined) scheduler.cancel(handle);
      handle = undefined;
      items = [];
    },
  };
}
