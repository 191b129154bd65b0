/** Topic aliases of one network connection (MQTT 5.0 §3.3.2.3.4); never carried over to the next
 * connection [MQTT-3.3.2-7]. */

export type InboundAliasResult = { topic: string } | { error: 'alias-invalid' | 'alias-unknown' };

/** Client → broker: aliases the client sets, up to the maximum the broker announced in CONNACK. */
export class InboundTopicAliases {
  private readonly topics = new Map<number, string>();

  constructor(readonly maximum: number) {}

  /** Resolves the topic of a PUBLISH that may carry a Topic Alias. */
  resolve(topic: string, alias: number | undefined): InboundAliasResult {
    if (alias === undefined) return { topic };
    // [MQTT-3.3.2-8] never 0; above the announced maximum is invalid too [MQTT-3.3.2-12].
    if (alias === 0 || alias > this.maximum) return { error: 'alias-invalid' };
    if (topic.length > 0) {
      this.topics.set(alias, topic);
      return { topic };
    }
    const known = this.topics.get(alias);
    return known === undefined ? { error: 'alias-unknown' } : { topic: known };
  }
}

export interface OutboundAlias {
  alias: number;
  /** True when the topic name must be sent along to establish the alias. */
  establish: boolean;
}

/** Broker → client: the first `maximum` distinct topics get aliases, never above the client's Topic
 * Alias Maximum [MQTT-3.1.2-26]; with a maximum of 0 none are used [MQTT-3.1.2-27]. */
export class OutboundTopicAliases {
  private readonly aliases = new Map<string, number>();

  constructor(readonly maximum: number) {}

  get enabled(): boolean {
    return this.maximum > 0;
  }

  /** The alias to use for `topic`; a new one takes effect only once `established` is called, after
   * the packet carrying it was actually sent. */
  aliasFor(topic: string): OutboundAlias | undefined {
    const existing = this.aliases.get(topic);
    if (existing !== undefined) return { alias: existing, establish: false };
    if (this.aliases.size >= this.maximum) return undefined;
    return { alias: this.aliases.size + 1, establish: true };
  }

  established(topic: string, alias: number): void {
    this.aliases.set(topic, alias);
  }
}
