import { describe, expect, it } from 'vitest';
import { DeliveryQueue } from './delivery-queue.ts';

describe('DeliveryQueue', () => {
  it('is first in, first out across compactions', () => {
    const queue = new DeliveryQueue<number>();
    for (let i = 0; i < 5000; i++) queue.push(i);
    const out: number[] = [];
    for (let i = 0; i < 3000; i++) out.push(queue.shift()!);
    for (let i = 5000; i < 6000; i++) queue.push(i);
    expect(queue.length).toBe(3000);
    while (queue.length > 0) out.push(queue.shift()!);
    expect(out).toEqual(Array.from({ length: 6000 }, (_, i) => i));
    expect(queue.shift()).toBeUndefined();
  });

  it('iterates, filters and clears what is still queued', () => {
    const queue = new DeliveryQueue<number>();
    for (let i = 0; i < 10; i++) queue.push(i);
    queue.shift();
    queue.shift();
    expect([...queue]).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(queue.some((n) => n === 1)).toBe(false);
    queue.retain((n) => n % 2 === 0);
    expect(queue.toArray()).toEqual([2, 4, 6, 8]);
    queue.clear();
    expect(queue.length).toBe(0);
  });
});
