import type {
  BrokerLink,
  LiveEvent,
  LiveFilter,
  LocalBrokerLink,
  PublishAction,
  RetainedQuery,
  RetainedSelector,
  SessionQuery,
  SubscriptionQuery,
} from '../../shared/index.ts';

interface Watcher {
  filter: LiveFilter;
  onEvent: (event: LiveEvent) => void;
  stop: () => void;
}

/**
 * The sandbox's BrokerLink. It outlives the broker behind it: `reset()` and `importState()` put a new
 * broker in place, and this link moves to it, live watchers included, so the dashboard keeps the
 * link it was given.
 */
export class SandboxLink implements BrokerLink {
  readonly mode = 'sandbox' as const;
  #target: LocalBrokerLink;
  readonly #watchers = new Set<Watcher>();

  constructor(target: LocalBrokerLink) {
    this.#target = target;
  }

  /** Moves to `next`; the caller disposes of the previous link. */
  retarget(next: LocalBrokerLink): void {
    this.#target = next;
    for (const watcher of this.#watchers) {
      watcher.stop();
      watcher.stop = next.watch(watcher.filter, watcher.onEvent);
    }
  }

  overview() {
    return this.#target.overview();
  }
  sessions(query?: SessionQuery) {
    return this.#target.sessions(query);
  }
  session(clientId: string) {
    return this.#target.session(clientId);
  }
  subscriptions(query?: SubscriptionQuery) {
    return this.#target.subscriptions(query);
  }
  topics() {
    return this.#target.topics();
  }
  topicMessages(topic: string) {
    return this.#target.topicMessages(topic);
  }
  retained(query?: RetainedQuery) {
    return this.#target.retained(query);
  }
  publish(action: PublishAction) {
    return this.#target.publish(action);
  }
  disconnectClient(clientId: string) {
    return this.#target.disconnectClient(clientId);
  }
  deleteSession(clientId: string) {
    return this.#target.deleteSession(clientId);
  }
  deleteRetained(selector: RetainedSelector) {
    return this.#target.deleteRetained(selector);
  }

  watch(filter: LiveFilter, onEvent: (event: LiveEvent) => void): () => void {
    const watcher: Watcher = { filter, onEvent, stop: this.#target.watch(filter, onEvent) };
    this.#watchers.add(watcher);
    return () => {
      if (this.#watchers.delete(watcher)) watcher.stop();
    };
  }

  /** Stops every watcher (the sandbox is going away). */
  close(): void {
    for (const watcher of this.#watchers) watcher.stop();
    this.#watchers.clear();
  }
}
