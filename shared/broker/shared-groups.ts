import type { Session, SubscriptionOptions } from '../session/session.ts';
import { SubscriptionIndex } from '../topic/subscription-index.ts';

/** How a shared subscription picks the member that gets a message. */
export type SharedDispatchPolicy = 'round-robin' | 'random' | 'least-inflight';

/** One `$share/{group}/{filter}`: its members and where round robin stands. */
export interface SharedGroup {
  readonly name: string;
  readonly filter: string;
  readonly members: Map<Session, SubscriptionOptions>;
  cursor: number;
}

export interface SharedPick {
  session: Session;
  options: SubscriptionOptions;
}

/**
 * Shared subscriptions (MQTT 5 §4.8.2), for v5 and 3.1.1 clients alike: each message matching a
 * group's filter goes to one member. Members with a live connection are preferred, so a member
 * going offline does not hold the group's messages while others could take them.
 */
export class SharedGroups {
  private readonly index = new SubscriptionIndex<SharedGroup, true>();
  private readonly groups = new Map<string, SharedGroup>();

  constructor(
    private readonly policy: SharedDispatchPolicy,
    private readonly random: () => number,
  ) {}

  get size(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.members.size;
    return count;
  }

  /** Adds or replaces a member; returns true when the session was already a member. */
  add(name: string, filter: string, session: Session, options: SubscriptionOptions): boolean {
    const key = groupKey(name, filter);
    let group = this.groups.get(key);
    if (!group) {
      group = { name, filter, members: new Map(), cursor: 0 };
      this.groups.set(key, group);
      this.index.add(filter, group, true);
    }
    const existed = group.members.has(session);
    group.members.set(session, options);
    return existed;
  }

  remove(name: string, filter: string, session: Session): boolean {
    const key = groupKey(name, filter);
    const group = this.groups.get(key);
    if (!group?.members.delete(session)) return false;
    if (group.members.size === 0) {
      this.groups.delete(key);
      this.index.remove(filter, group);
    }
    return true;
  }

  /** The groups whose filter matches `topic`, as (group, true) pairs. Cached: read only. */
  matches(topic: string): readonly (SharedGroup | true)[] {
    return this.index.matches(topic);
  }

  /** The member that gets the next message, or undefined when the group is empty. */
  pick(group: SharedGroup, exclude?: Session): SharedPick | undefined {
    const online: SharedPick[] = [];
    const offline: SharedPick[] = [];
    for (const [session, options] of group.members) {
      if (session === exclude) continue;
      (session.owner ? online : offline).push({ session, options });
    }
    const candidates = online.length > 0 ? online : offline;
    if (candidates.length === 0) return undefined;
    switch (this.policy) {
      case 'random':
        return candidates[Math.floor(this.random() * candidates.length)]!;
      case 'least-inflight': {
        let best = candidates[0]!;
        for (const candidate of candidates)
          if (load(candidate.session) < load(best.session)) best = candidate;
        return best;
      }
      default: {
        group.cursor = (group.cursor + 1) % candidates.length;
        return candidates[group.cursor]!;
      }
    }
  }
}

function load(session: Session): number {
  return session.inflight.size + session.queue.length;
}

function groupKey(name: string, filter: string): string {
  return `${name}\u0000${filter}`;
}
