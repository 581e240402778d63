import { randomBytes } from 'node:crypto';
import type { ServerEventType } from '../../src/protocol/index.ts';
import { formatCursor, formatFrame } from '../../src/protocol/index.ts';

/** An event in the log. Who may see it and what they see is decided per public key, then cached. */
export interface LoggedEvent {
  seq: number;
  context: string;
  type: ServerEventType;
  /** The SSE frame `key` receives, or undefined when the event is not for `key`. */
  frameFor(key: string): string | undefined;
}

/** A live stream, as the log sees it. */
export interface Subscriber {
  context: string;
  key: string;
  write(frame: string): void;
}

/**
 * The server's single event sequence (DESIGN §5): a random epoch, `seq` one up per event, a ring of
 * the last `capacity` events for replay, and fan-out to subscribers filtered by context and audience.
 */
export class EventLog {
  readonly epoch: string;
  private seq: number;
  /** Positions at or above `floor` can be replayed. */
  private floor: number;
  private readonly ring: (LoggedEvent | undefined)[];
  private start = 0;
  private size = 0;
  readonly subscribers = new Set<Subscriber>();

  constructor(startSeq: number, readonly capacity: number, epoch = randomBytes(8).toString('hex')) {
    this.epoch = epoch;
    this.seq = startSeq;
    this.floor = startSeq;
    this.ring = new Array(Math.max(1, capacity));
  }

  get lastSeq(): number {
    return this.seq;
  }

  get cursor(): string {
    return formatCursor({ epoch: this.epoch, seq: this.seq });
  }

  /** Allocates the next seq; publish the event that carries it right after. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Records an event and writes it to every subscriber that may see it. */
  publish(
    context: string,
    type: ServerEventType,
    seq: number,
    audience: readonly string[],
    payloadFor: (key: string) => unknown,
  ): void {
    const allowed = new Set(audience);
    const frames = new Map<string, string>();
    const id = formatCursor({ epoch: this.epoch, seq });
    const event: LoggedEvent = {
      seq,
      context,
      type,
      frameFor(key) {
        if (!allowed.has(key)) return undefined;
        let frame = frames.get(key);
        if (frame === undefined) frames.set(key, (frame = formatFrame({ type, data: payloadFor(key) }, id)));
        return frame;
      },
    };
    this.append(event);
    for (const sub of this.subscribers) {
      if (sub.context !== context) continue;
      const frame = event.frameFor(sub.key);
      if (frame !== undefined) sub.write(frame);
    }
  }

  /**
   * Frames after position `afterSeq` that `sub` may see, or undefined when that position cannot be
   * replayed (fallen out of the ring, or ahead of the log).
   */
  replay(afterSeq: number, context: string, key: string): string[] | undefined {
    if (afterSeq < this.floor || afterSeq > this.seq) return undefined;
    const frames: string[] = [];
    for (let i = 0; i < this.size; i++) {
      const event = this.ring[(this.start + i) % this.ring.length]!;
      if (event.seq <= afterSeq || event.context !== context) continue;
      const frame = event.frameFor(key);
      if (frame !== undefined) frames.push(frame);
    }
    return frames;
  }

  private append(event: LoggedEvent): void {
    if (this.size === this.ring.length) {
      this.floor = this.ring[this.start]!.seq;
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.ring.length;
    } else {
      this.ring[(this.start + this.size) % this.ring.length] = event;
      this.size++;
    }
  }
}
