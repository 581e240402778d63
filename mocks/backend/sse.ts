import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatFrame, KEEPALIVE_FRAME, parseCursor } from '../../src/protocol/index.ts';
import type { EventLog, Subscriber } from './event-log.ts';

export interface StreamOptions {
  heartbeatMs: number;
  /** A subscriber whose unsent bytes pass this is disconnected. */
  backlogBytes: number;
}

/**
 * The `/events` side of the backend: `ready` first, then replay after `Last-Event-ID` or `resync`,
 * then live frames; keepalive comments on one shared timer; slow consumers cut off.
 */
export class EventStreams {
  private readonly open = new Map<Subscriber, ServerResponse>();
  private readonly timer: ReturnType<typeof setInterval>;
  /** Subscribers cut off for a backlog over the bound, since start. */
  droppedSlow = 0;

  constructor(
    private readonly log: EventLog,
    private readonly options: StreamOptions,
  ) {
    this.timer = setInterval(() => {
      for (const sub of this.open.keys()) sub.write(KEEPALIVE_FRAME);
    }, options.heartbeatMs);
    this.timer.unref?.();
  }

  get count(): number {
    return this.open.size;
  }

  /** Bytes written but not yet sent, over every open stream. */
  get backlog(): number {
    let total = 0;
    for (const res of this.open.values()) total += res.writableLength;
    return total;
  }

  serve(req: IncomingMessage, res: ServerResponse, context: string, key: string): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.socket?.setNoDelay(true);
    const sub: Subscriber = {
      context,
      key,
      write: (frame) => {
        if (res.destroyed) return;
        res.write(frame);
        if (res.writableLength > this.options.backlogBytes) {
          this.droppedSlow++;
          this.drop(sub);
          res.destroy();
        }
      },
    };
    const last = req.headers['last-event-id'];
    sub.write(formatFrame({ type: 'ready', data: { cursor: this.log.cursor, heartbeat_ms: this.options.heartbeatMs } }));
    if (typeof last === 'string' && last !== '') {
      const cursor = parseCursor(last);
      const frames =
        cursor.ok && cursor.value.epoch === this.log.epoch
          ? this.log.replay(cursor.value.seq, context, key)
          : undefined;
      if (frames) for (const frame of frames) sub.write(frame);
      else sub.write(formatFrame({ type: 'resync', data: { reason: resyncReason(cursor, this.log.epoch) } }));
    }
    if (res.destroyed) return;
    this.open.set(sub, res);
    this.log.subscribers.add(sub);
    const done = () => this.drop(sub);
    res.on('close', done);
    res.on('error', done);
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    clearInterval(this.timer);
    for (const [sub, res] of this.open) {
      this.drop(sub);
      res.end();
    }
  }

  private drop(sub: Subscriber): void {
    this.open.delete(sub);
    this.log.subscribers.delete(sub);
  }
}

function resyncReason(cursor: ReturnType<typeof parseCursor>, epoch: string): string {
  if (!cursor.ok) return 'invalid cursor';
  if (cursor.value.epoch !== epoch) return 'new epoch';
  return 'position not in the replay log';
}
