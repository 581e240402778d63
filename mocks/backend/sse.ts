import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCursor } from '../../src/protocol/index.ts';
import type { EventLog, LoggedEvent, OutgoingEvent, Subscriber } from './event-log.ts';
import { FULL_STREAM_WIRE, type StreamWire } from './shape.ts';

export interface StreamOptions {
  heartbeatMs: number;
  /** A subscriber whose unsent backlog passes this many bytes is cut off, or told to resync (`wire.onLag`). */
  backlogBytes: number;
  /** How frames are written. Default: the whole contract. */
  wire?: StreamWire;
}

interface StreamHost {
  backlogBytes: number;
  wire: StreamWire;
  onClose(stream: Stream, slow: boolean): void;
  onLag(): void;
}

/**
 * Bytes a stream hands to its socket (in one write per turn of the event loop) before it waits for
 * `drain`. The response's own mark (16 KiB)
 * would take a turn of the event loop per 16 KiB, which paces a burst of thousands of events at the
 * server's busyness rather than the reader's; this (at most half the backlog bound) still bounds what
 * a stream holds. A window past the response's mark has asked for `drain`; under it (a backlog bound
 * under 32 KiB) the stream goes on once its write is handed over, so it is always woken.
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
  /** Fell behind past the bound: a resync is owed before anything else. */
  private lagged = false;
  /** Frames written in this turn of the event loop, handed to the socket at its end as one piece. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly context: string,
    readonly key: string,
    private readonly res: ServerResponse,
    private readonly log: EventLog,
    private readonly host: StreamHost,
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
    return this.buffered + this.owed;
  }

  /** Bytes this stream holds in memory. */
  get buffered(): number {
    return this.res.writableLength + this.pendingBytes;
  }

  offer(event: LoggedEvent): void {
    if (this.closed) return;
    if (!this.waiting) {
      this.position = event.seq;
      const parts = this.host.wire.framePartsFor(event, this.key);
      if (parts && !this.write(parts)) this.waiting = true;
      return;
    }
    const parts = this.host.wire.framePartsFor(event, this.key);
    if (!parts) return;
    this.owed += size(parts);
    if (this.backlog <= this.host.backlogBytes) return;
    if (this.host.wire.onLag === 'cut off') return this.close(true);
    // Keeps going without what it missed: it holds only its position, and refetches once told.
    if (!this.lagged) this.host.onLag();
    this.lagged = true;
    this.position = event.seq;
    this.owed = 0;
  }

  /** Writes an ephemeral event now, when the stream is caught up; one that is behind misses it. */
  relay(event: OutgoingEvent): void {
    if (this.closed || this.waiting) return;
    const parts = this.host.wire.framePartsFor(event, this.key);
    if (parts && !this.write(parts)) this.waiting = true;
  }

  /** Writes raw text now (keepalives, tests' injected frames), unless the socket is full. */
  writeRaw(text: string): void {
    if (!this.closed && !this.waiting && !this.write([Buffer.from(text)])) this.waiting = true;
  }

  /** Writes what the log holds after `position` until the socket is full or the stream is caught up. */
  private pump(): void {
    if (this.closed) return;
    this.waiting = false;
    const lost = !this.log.canReplayAfter(this.position);
    if (lost || this.lagged) {
      // Fell out of the ring, or behind past the bound, while the socket was full: the reader
      // refetches, then goes on from the log (live, when its place in the ring is gone).
      if (lost) {
        this.position = this.log.lastSeq;
        this.owed = 0;
      }
      this.lagged = false;
      const reason = lost ? 'position not in the replay log' : 'fell behind';
      if (!this.write([Buffer.from(this.host.wire.resync(reason))])) {
        this.waiting = true;
        return;
      }
    }
    for (const event of this.log.eventsAfter(this.position)) {
      this.position = event.seq;
      if (event.context !== this.context) continue;
      const parts = this.host.wire.framePartsFor(event, this.key);
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
    if (this.pending.length === 0) process.nextTick(() => this.flush());
    for (const part of parts) {
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
    return this.buffered < Math.min(WRITE_WINDOW, this.host.backlogBytes / 2);
  }

  /**
   * Hands the frames of this turn to the socket as one write. A burst of thousands of events is then
   * one chunk and one system call per window, not a few of each per frame: written a frame at a time,
   * the socket's own work per frame held the rest of a 5,000-message burst back for as long as the
   * reader took to show all of it.
   */
  private flush(): void {
    if (this.pending.length === 0) return;
    const bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // Under the response's own mark no `drain` comes: a stream that stopped for the window goes on.
    if (this.res.write(bytes) && this.waiting) process.nextTick(() => this.pump());
  }

  /** Ends the stream. Cheap however much it had pending: the socket holds at most one buffer. */
  close(slow: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.host.onClose(this, slow);
    if (slow) {
      this.pending = [];
      this.pendingBytes = 0;
      this.res.destroy();
    } else {
      this.flush();
      this.res.end();
    }
  }
}

function size(parts: readonly Buffer[]): number {
  let n = 0;
  for (const part of parts) n += part.length;
  return n;
}

/**
 * The `/events` side of the backend: `ready` first, then replay after `Last-Event-ID` or `resync`,
 * then live frames; keepalive comments on one shared timer; slow consumers cut off. A `wire` that
 * speaks less leaves out what it does not speak.
 */
export class EventStreams {
  private readonly open = new Set<Stream>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly wire: StreamWire;
  /** Subscribers cut off for a backlog over the bound, since start. */
  droppedSlow = 0;
  /** Times a subscriber fell behind past the bound and was told to resync (`wire.onLag`), since start. */
  resyncedSlow = 0;

  constructor(
    private readonly log: EventLog,
    private readonly options: StreamOptions,
  ) {
    this.wire = options.wire ?? FULL_STREAM_WIRE;
    this.timer = setInterval(() => {
      for (const stream of this.open) stream.writeRaw(this.wire.keepalive);
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
    const hello = this.wire.hello(this.log.cursor, this.options.heartbeatMs);
    // Without a first frame, the headers go out now: the reader knows it is connected.
    if (hello === undefined) res.flushHeaders();
    else res.write(hello);
    const now = this.log.lastSeq;
    let position = now;
    const last = req.headers['last-event-id'];
    if (this.wire.resumes && typeof last === 'string' && last !== '') {
      const cursor = parseCursor(last);
      if (
        cursor.ok &&
        cursor.value.epoch === this.log.epoch &&
        this.log.canReplayAfter(cursor.value.seq)
      ) {
        position = cursor.value.seq;
      } else {
        res.write(this.wire.resync(resyncReason(cursor, this.log.epoch)));
      }
    }
    const stream = new Stream(
      context,
      key,
      res,
      this.log,
      {
        backlogBytes: this.options.backlogBytes,
        wire: this.wire,
        onClose: (s, slow) => {
          this.open.delete(s);
          if (slow) this.droppedSlow++;
        },
        onLag: () => this.resyncedSlow++,
      },
      { position, replayUpTo: now },
    );
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
