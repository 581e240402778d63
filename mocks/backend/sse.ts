import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatFrame, KEEPALIVE_FRAME, parseCursor } from '../../src/protocol/index.ts';
import type { EventLog, LoggedEvent, Subscriber } from './event-log.ts';

export interface StreamOptions {
  heartbeatMs: number;
  /** A subscriber whose unsent backlog passes this many bytes is disconnected. */
  backlogBytes: number;
}

/**
 * Bytes a stream hands to its socket before it waits for `drain`. The response's own mark (16 KiB)
 * would take a turn of the event loop per 16 KiB, which paces a burst of thousands of events at the
 * server's busyness rather than the reader's; this (at most half the backlog bound) still bounds what
 * a stream holds. Past the response's
 * mark `write` has asked for `drain`, so the stream is always woken.
 */
const WRITE_WINDOW = 96 * 1024;

/**
 * One open stream. It writes while the socket takes bytes; when the socket is full it stops and keeps
 * only its position, and on `drain` it goes on from the log's ring. So a replay of any size goes out
 * at the reader's pace, and a stream holds no more than one socket buffer of its own.
 */
class Stream implements Subscriber {
  /** Every event up to this seq has been written, or was not for this stream. */
  private position: number;
  /** Events up to this seq were asked for by `Last-Event-ID`: a replay, not a backlog. */
  private readonly replayUpTo: number;
  /** Bytes of live events for this stream not yet handed to the socket. */
  owed = 0;
  /** The socket is full: wait for `drain`. */
  private waiting = false;
  private unsubscribe?: () => void;
  private closed = false;

  constructor(
    readonly context: string,
    readonly key: string,
    private readonly res: ServerResponse,
    private readonly log: EventLog,
    private readonly host: { backlogBytes: number; onClose(stream: Stream, slow: boolean): void },
    start: { position: number; replayUpTo: number },
  ) {
    this.position = start.position;
    this.replayUpTo = start.replayUpTo;
  }

  open(): void {
    this.unsubscribe = this.log.subscribe(this);
    this.res.on('drain', () => this.pump());
    this.res.on('close', () => this.close(false));
    this.res.on('error', () => this.close(false));
    this.pump();
  }

  /** Bytes the stream has not sent yet: in the socket's buffer, or still in the log. */
  get backlog(): number {
    return this.res.writableLength + this.owed;
  }

  /** Bytes this stream holds in memory. */
  get buffered(): number {
    return this.res.writableLength;
  }

  offer(event: LoggedEvent): void {
    if (this.closed) return;
    if (!this.waiting) {
      this.position = event.seq;
      const parts = event.framePartsFor(this.key);
      if (parts && !this.write(parts)) this.waiting = true;
      return;
    }
    const parts = event.framePartsFor(this.key);
    if (!parts) return;
    this.owed += size(parts);
    if (this.backlog > this.host.backlogBytes) this.close(true);
  }

  /** Writes raw text now (keepalives, tests' injected frames), unless the socket is full. */
  writeRaw(text: string): void {
    if (!this.closed && !this.waiting && !this.res.write(text)) this.waiting = true;
  }

  /** Writes what the log holds after `position` until the socket is full or the stream is caught up. */
  private pump(): void {
    if (this.closed) return;
    this.waiting = false;
    if (!this.log.canReplayAfter(this.position)) {
      // Fell out of the ring while the socket was full: the reader refetches, then goes on live.
      this.position = this.log.lastSeq;
      this.owed = 0;
      if (!this.res.write(formatFrame({ type: 'resync', data: { reason: 'position not in the replay log' } }))) {
        this.waiting = true;
      }
      return;
    }
    for (const event of this.log.eventsAfter(this.position)) {
      this.position = event.seq;
      if (event.context !== this.context) continue;
      const parts = event.framePartsFor(this.key);
      if (!parts) continue;
      if (event.seq > this.replayUpTo) this.owed = Math.max(0, this.owed - size(parts));
      if (!this.write(parts)) {
        this.waiting = true;
        return;
      }
    }
    this.owed = 0;
  }

  /** Writes one frame; answers whether the stream may write more before `drain`. */
  private write(parts: readonly Buffer[]): boolean {
    if (parts.length === 1) this.res.write(parts[0]);
    else {
      this.res.cork();
      for (const part of parts) this.res.write(part);
      this.res.uncork();
    }
    return this.res.writableLength < Math.min(WRITE_WINDOW, this.host.backlogBytes / 2);
  }

  /** Ends the stream. Cheap however much it had pending: the socket holds at most one buffer. */
  close(slow: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.host.onClose(this, slow);
    if (slow) this.res.destroy();
    else this.res.end();
  }
}

function size(parts: readonly Buffer[]): number {
  let n = 0;
  for (const part of parts) n += part.length;
  return n;
}

/**
 * The `/events` side of the backend: `ready` first, then replay after `Last-Event-ID` or `resync`,
 * then live frames; keepalive comments on one shared timer; slow consumers cut off.
 */
export class EventStreams {
  private readonly open = new Set<Stream>();
  private readonly timer: ReturnType<typeof setInterval>;
  /** Subscribers cut off for a backlog over the bound, since start. */
  droppedSlow = 0;

  constructor(
    private readonly log: EventLog,
    private readonly options: StreamOptions,
  ) {
    this.timer = setInterval(() => {
      for (const stream of this.open) stream.writeRaw(KEEPALIVE_FRAME);
    }, options.heartbeatMs);
    this.timer.unref?.();
  }

  get count(): number {
    return this.open.size;
  }

  /** Bytes not yet sent, over every open stream (in socket buffers or still owed from the log). */
  get backlog(): number {
    let total = 0;
    for (const stream of this.open) total += stream.backlog;
    return total;
  }

  /** Bytes the open streams hold in memory. */
  get buffered(): number {
    let total = 0;
    for (const stream of this.open) total += stream.buffered;
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
    res.write(formatFrame({ type: 'ready', data: { cursor: this.log.cursor, heartbeat_ms: this.options.heartbeatMs } }));
    const now = this.log.lastSeq;
    let position = now;
    const last = req.headers['last-event-id'];
    if (typeof last === 'string' && last !== '') {
      const cursor = parseCursor(last);
      if (cursor.ok && cursor.value.epoch === this.log.epoch && this.log.canReplayAfter(cursor.value.seq)) {
        position = cursor.value.seq;
      } else {
        res.write(formatFrame({ type: 'resync', data: { reason: resyncReason(cursor, this.log.epoch) } }));
      }
    }
    const stream = new Stream(context, key, res, this.log, {
      backlogBytes: this.options.backlogBytes,
      onClose: (s, slow) => {
        this.open.delete(s);
        if (slow) this.droppedSlow++;
      },
    }, { position, replayUpTo: now });
    this.open.add(stream);
    stream.open();
  }

  /** Writes `raw` as it is to every open stream of `key` in `context`; answers how many. */
  injectRaw(context: string, key: string, raw: string): number {
    let written = 0;
    for (const stream of this.open) {
      if (stream.context === context && stream.key === key) {
        stream.writeRaw(raw);
        written++;
      }
    }
    return written;
  }

  /** Ends every open stream (shutdown). */
  closeAll(): void {
    clearInterval(this.timer);
    for (const stream of this.open) stream.close(false);
  }
}

function resyncReason(cursor: ReturnType<typeof parseCursor>, epoch: string): string {
  if (!cursor.ok) return 'invalid cursor';
  if (cursor.value.epoch !== epoch) return 'new epoch';
  return 'position not in the replay log';
}
