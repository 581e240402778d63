import { randomBytes } from 'node:crypto';
import { formatCursor, formatFrame, type ServerEventType } from '../../src/protocol/index.ts';

/** An event on its way out: its frame, filtered per receiver. */
export interface OutgoingEvent {
  readonly type: ServerEventType;
  /** The frame `key` receives, as parts to write in order, or undefined when the event is not for `key`. */
  framePartsFor(key: string): readonly Buffer[] | undefined;
}

/**
 * An event in the log, held once however many receive it: its frame as bytes, filtered per receiver on
 * the way out. Where one field differs per receiver (a conversation's `unread_count`), the frame is
 * held once with that field cut out, plus one small number per receiver.
 */
export interface LoggedEvent extends OutgoingEvent {
  readonly seq: number;
  readonly context: string;
  /** Bytes held for this event. */
  readonly bytes: number;
}

/** A live stream, as the log sees it: offered every event of its context as it is published. */
export interface Subscriber {
  readonly context: string;
  readonly key: string;
  offer(event: LoggedEvent): void;
  /** Offered an ephemeral event of its context (see `EventLog.relay`); one without it hears none. */
  relay?(event: OutgoingEvent): void;
}

export interface EventLogOptions {
  /** Events kept for replay. */
  capacity: number;
  /** Bytes kept for replay; the oldest events go first when a new one would pass it. */
  maxBytes: number;
}

const TAIL = Buffer.from('}}\n\n');

/**
 * The server's single event sequence: a random epoch, `seq` one up per event, a ring of the latest
 * events (bounded by count and by bytes) for replay, and fan-out to the subscribers of a context.
 */
export class EventLog {
  readonly epoch: string;
  private seq: number;
  /** Positions at or above `floor` can be replayed. */
  private floor: number;
  private readonly ring: (LoggedEvent | undefined)[];
  private start = 0;
  private size = 0;
  private heldBytes = 0;
  private readonly byContext = new Map<string, Set<Subscriber>>();

  constructor(
    startSeq: number,
    private readonly options: EventLogOptions,
    epoch = randomBytes(8).toString('hex'),
  ) {
    this.epoch = epoch;
    this.seq = startSeq;
    this.floor = startSeq;
    this.ring = new Array(Math.max(1, options.capacity));
  }

  /** The highest seq handed out. */
  get lastSeq(): number {
    return this.seq;
  }

  get cursor(): string {
    return formatCursor({ epoch: this.epoch, seq: this.seq });
  }

  /** Events and bytes held for replay. */
  get held(): { events: number; bytes: number } {
    return { events: this.size, bytes: this.heldBytes };
  }

  /** Allocates the next seq; publish the event that carries it right after. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Whether every event after position `seq` is still held. */
  canReplayAfter(seq: number): boolean {
    return seq >= this.floor && seq <= this.seq;
  }

  /** The held events after position `seq`, oldest first. */
  *eventsAfter(seq: number): Generator<LoggedEvent> {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at(mid).seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.size; i++) yield this.at(i);
  }

  /** Open subscriptions in `context` (of `key` only, when given). */
  subscriberCount(context: string, key?: string): number {
    const subs = this.byContext.get(context);
    if (!subs) return 0;
    return key === undefined ? subs.size : [...subs].filter((sub) => sub.key === key).length;
  }

  /** Adds `sub`; the returned function removes it. */
  subscribe(sub: Subscriber): () => void {
    let subs = this.byContext.get(sub.context);
    if (!subs) this.byContext.set(sub.context, (subs = new Set()));
    subs.add(sub);
    return () => {
      subs.delete(sub);
      if (subs.size === 0 && this.byContext.get(sub.context) === subs)
        this.byContext.delete(sub.context);
    };
  }

  /** Records an event that every key of `audience` receives as it is. */
  publish(
    context: string,
    type: ServerEventType,
    seq: number,
    audience: readonly string[],
    payload: unknown,
  ): void {
    const frame = Buffer.from(
      formatFrame({ type, data: payload }, formatCursor({ epoch: this.epoch, seq })),
    );
    const keys = new Set(audience);
    const parts = [frame];
    this.record({
      seq,
      context,
      type,
      bytes: frame.length,
      framePartsFor: (key) => (keys.has(key) ? parts : undefined),
    });
  }

  /**
   * Records an event whose payload is `shared` plus one numeric `field` that differs per receiver:
   * each key of `values` receives it with its own number.
   */
  publishPerReceiver(
    context: string,
    type: ServerEventType,
    seq: number,
    shared: object,
    field: string,
    values: ReadonlyMap<string, number>,
  ): void {
    // The field goes last, so the frame ends `"field":0}}\n\n` and splits around the number.
    const text = formatFrame(
      { type, data: { ...shared, [field]: 0 } },
      formatCursor({ epoch: this.epoch, seq }),
    );
    const ending = `${JSON.stringify(field)}:0}}\n\n`;
    if (!text.endsWith(ending)) throw new Error(`${type}: ${field} must be a field of its own`);
    const head = Buffer.from(text.slice(0, -'0}}\n\n'.length));
    const digits = new Map([...values].map(([key, n]) => [key, Buffer.from(String(n))]));
    this.record({
      seq,
      context,
      type,
      bytes: head.length + TAIL.length + values.size * 8,
      framePartsFor(key) {
        const number = digits.get(key);
        return number && [head, number, TAIL];
      },
    });
  }

  /**
   * Hands an ephemeral event to the live subscribers in `audience` now: no seq, no `id:` line, not
   * held, so never replayed. A subscriber that is behind (catching up, or its socket full) misses it.
   */
  relay(
    context: string,
    type: ServerEventType,
    audience: readonly string[],
    payload: unknown,
  ): void {
    const subs = this.byContext.get(context);
    if (!subs) return;
    const keys = new Set(audience);
    const parts = [Buffer.from(formatFrame({ type, data: payload }))];
    const event: OutgoingEvent = {
      type,
      framePartsFor: (key) => (keys.has(key) ? parts : undefined),
    };
    for (const sub of subs) sub.relay?.(event);
  }

  private record(event: LoggedEvent): void {
    this.append(event);
    const subs = this.byContext.get(event.context);
    if (subs) for (const sub of subs) sub.offer(event);
  }

  private at(i: number): LoggedEvent {
    return this.ring[(this.start + i) % this.ring.length]!;
  }

  private append(event: LoggedEvent): void {
    if (this.size === this.ring.length) this.evictOldest();
    this.ring[(this.start + this.size) % this.ring.length] = event;
    this.size++;
    this.heldBytes += event.bytes;
    while (this.heldBytes > this.options.maxBytes && this.size > 1) this.evictOldest();
  }

  private evictOldest(): void {
    const oldest = this.ring[this.start]!;
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.ring.length;
    this.size--;
    this.heldBytes -= oldest.bytes;
    this.floor = oldest.seq;
  }
}
