import {
  HEADER_CONTEXT,
  HEADER_PUBLIC_KEY,
  RPC_RESULTS,
  RpcResponseSchema,
  SERVICE_PATH,
  describeIssues,
  v,
  type RpcMethod,
  type RpcParams,
  type RpcResult,
} from '../protocol/index.ts';
import { CommunicationError } from './errors.ts';
import { redirectRefusal } from './response.ts';
import { formatDuration } from './tuning.ts';

export interface Identity {
  /** Base URL of the OSIS router, e.g. `http://127.0.0.1:8787` or `''` for same origin. */
  baseUrl: string;
  context: string;
  publicKey: string;
}

/** The identity headers, built afresh for every request. */
export function identityHeaders(identity: Identity): Record<string, string> {
  return { [HEADER_CONTEXT]: identity.context, [HEADER_PUBLIC_KEY]: identity.publicKey };
}

export function serviceUrl(identity: Identity, route: 'rpc' | 'events' | 'health'): string {
  return `${identity.baseUrl.replace(/\/+$/, '')}${SERVICE_PATH}/${route}`;
}

/**
 * `onFirst`: for a list result long enough to be checked in slices, its first part (checked, in the
 * server's order) as soon as that part is checked, before the rest; not called for a short list.
 */
export type RpcCall = <M extends RpcMethod>(
  method: M,
  params: RpcParams<M>,
  signal?: AbortSignal,
  onFirst?: (first: RpcResult<M>) => void,
) => Promise<RpcResult<M>>;

/**
 * The one RPC helper: POST, identity headers, result validated against the protocol schema. A redirect
 * is an error (`http`, not retryable), never followed: the headers stay with the configured origin.
 */
export function makeRpcCall(
  identity: Identity,
  fetchFn: typeof fetch,
  options: RpcOptions = {},
): RpcCall {
  let nextId = 1;
  const timeoutMs = options.timeoutMs ?? RPC_TIMEOUT_MS;
  // 0, Infinity (or anything a timer cannot wait for): no deadline.
  const deadline = timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS;
  const setTimer =
    options.setTimeout ?? ((fn: () => void, ms: number): unknown => setTimeout(fn, ms));
  const clearTimer =
    options.clearTimeout ??
    ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  return async (method, params, signal, onFirst) => {
    const url = serviceUrl(identity, 'rpc');
    if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
    // The caller's abort, or no answer in time: either ends the request.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const late = new CommunicationError(
      'network',
      `${method}: no answer from ${url} within ${formatDuration(timeoutMs)}`,
    );
    let expire!: () => void;
    const expired = new Promise<never>((_, reject) => (expire = () => reject(late)));
    // Kept from rejecting unhandled when the answer comes first.
    expired.catch(() => {});
    const timer = deadline
      ? setTimer(() => {
          timedOut = true;
          controller.abort();
          expire();
        }, timeoutMs)
      : undefined;
    /** An answer the client cannot read: an HTTP error where the status says so, else `what`. */
    const unreadable = (res: Response, what: string) =>
      new CommunicationError(
        res.ok ? 'invalid_response' : 'http',
        `${method}: ${res.ok ? what : `HTTP ${res.status}`}`,
        undefined,
        res.status,
      );
    /** `step`, unless the time runs out first (a `fetch` that ignores its signal included). */
    const inTime = <T>(step: Promise<T>) => Promise.race([step, expired]);
    let body: unknown;
    let res: Response;
    try {
      try {
        res = await inTime(
          fetchFn(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', ...identityHeaders(identity) },
            // A notification (no id) asks for no answer; a server may still send one, an error say.
            body: JSON.stringify({
              jsonrpc: '2.0',
              ...(NOTIFICATIONS.includes(method) ? {} : { id: nextId++ }),
              method,
              params,
            }),
            signal: controller.signal,
            redirect: 'manual',
          }),
        );
      } catch (error) {
        if (timedOut) throw late;
        if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
        throw new CommunicationError(
          'network',
          `network error: could not reach ${url} (${errorText(error)})`,
        );
      }
      const redirected = redirectRefusal(res);
      if (redirected)
        throw new CommunicationError('http', `${method}: ${redirected}`, undefined, res.status);
      if (res.status === 413)
        throw new CommunicationError(
          'http',
          `${method}: request too large (HTTP 413)`,
          undefined,
          413,
        );
      if (res.status === 204) return undefined as RpcResult<typeof method>;
      try {
        body = await inTime(res.json());
      } catch {
        if (timedOut) throw late;
        if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
        throw unreadable(res, 'response is not JSON');
      }
    } finally {
      if (deadline) clearTimer(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    const envelope = v.parse(RpcResponseSchema, body);
    if (!envelope.ok) throw unreadable(res, 'not a JSON-RPC response');
    if (envelope.value.error) {
      const { code, message } = envelope.value.error;
      throw new CommunicationError('rpc', `${code} ${message}`, code, res.status);
    }
    const result = await parseResult(
      RPC_RESULTS[method],
      envelope.value.result,
      options,
      onFirst as ((first: unknown[]) => void) | undefined,
      signal,
    );
    // A long list was checked across tasks: whoever asked may have gone meanwhile.
    if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
    if (!result.ok) {
      throw new CommunicationError(
        'invalid_response',
        `${method}: unexpected result: ${describeIssues(result.error)}`,
        undefined,
        res.status,
      );
    }
    return result.value as RpcResult<typeof method>;
  };
}

/** Methods sent as JSON-RPC notifications: nothing waits for their answer. */
const NOTIFICATIONS: readonly string[] = ['conversation.typing'];

/** How long a call waits for its answer (headers and body) by default. */
export const RPC_TIMEOUT_MS = 30_000;
/** The longest a timer can wait (2^31 − 1 ms); a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** Options of `makeRpcCall`: the answer's deadline and how a long result is checked. */
export interface RpcOptions extends ResultSlicing {
  /**
   * The answer (headers and body) must arrive within this; past it the request is abandoned and the
   * call fails as a `network` error (retryable: the request may or may not have arrived). Default
   * 30,000 ms; 0 or Infinity: no deadline.
   */
  timeoutMs?: number;
  /** Timers for the deadline. Default: the platform's. */
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

/** How a long list in a result is checked without holding the main thread. */
export interface ResultSlicing {
  /** Clock for the budget. Default `performance.now`. */
  now?: () => number;
  /** Lets the page run between slices. Default: a macrotask (`setTimeout(0)`). */
  pause?: () => Promise<void>;
  /** Checking time per slice, in ms. Default 8. */
  budgetMs?: number;
}

/** Items checked between looks at the clock. */
const STEP = 100;

/**
 * `v.parse`, but a list result (thousands of conversations) is checked a few hundred items at a time,
 * pausing when a slice has used its budget, so the page paints and takes input meanwhile, and once
 * more before the list is handed back. Once `signal` aborts it stops at the next pause, with no
 * issues: the caller answers for the abort.
 */
async function parseResult<T>(
  schema: v.Schema<T>,
  input: unknown,
  slicing: ResultSlicing,
  onFirst?: (first: unknown[]) => void,
  signal?: AbortSignal,
): Promise<ReturnType<typeof v.parse<T>>> {
  if (!Array.isArray(input) || input.length <= STEP) return v.parse(schema, input);
  const now = slicing.now ?? (() => performance.now());
  const pause = slicing.pause ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const budget = slicing.budgetMs ?? 8;
  const values: unknown[] = [];
  let sliceStart = now();
  for (let at = 0; at < input.length; at += STEP) {
    if (now() - sliceStart > budget) {
      await pause();
      if (signal?.aborted) return { ok: false, error: [] };
      sliceStart = now();
    }
    // The list's own schema checks a part of it; issue paths are shifted back to the whole list's indices.
    const part = v.parse(schema, input.slice(at, at + STEP));
    if (!part.ok)
      return {
        ok: false,
        error: part.error.map((issue) => ({
          ...issue,
          path: issue.path.replace(/^\d+/, (i) => String(Number(i) + at)),
        })),
      };
    values.push(...(part.value as unknown[]));
    if (at === 0 && onFirst) {
      // The caller may show the first part (a screen of the newest rows) while the rest is checked:
      // a pause, so that it paints first.
      handFirst(onFirst, values.slice());
      await pause();
      if (signal?.aborted) return { ok: false, error: [] };
      sliceStart = now();
    }
  }
  // A list longer than one step is handed back in a task of its own: what the caller does with
  // thousands of items (merging, sorting) is not added to the last slice's task.
  await pause();
  return { ok: true, value: values as T };
}

/** Hands the first part of a list to the caller's `onFirst`. */
export function handFirst<T>(onFirst: (first: T) => void, first: T): void {
  try {
    onFirst(first);
  } catch (error) {
    // The caller's own trouble: not a reason to fail the call.
    console.warn(`[hero-messaging] the first part of a list was not taken: ${errorText(error)}`);
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
