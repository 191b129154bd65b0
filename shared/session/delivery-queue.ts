/**
 * A FIFO with O(1) `shift`: session queues grow to tens of thousands of messages behind a slow or
 * offline consumer, where `Array.prototype.shift` costs time proportional to the length.
 */
const COMPACT_AFTER = 1024;

export class DeliveryQueue<T> implements Iterable<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) this.clear();
    else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) this.compact();
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Keeps the items for which `keep` returns true, in order. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.toArray().filter(keep);
    this.head = 0;
  }

  some(predicate: (item: T) => boolean): boolean {
    for (let i = this.head; i < this.items.length; i++) if (predicate(this.items[i]!)) return true;
    return false;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
