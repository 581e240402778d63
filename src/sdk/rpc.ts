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

export type RpcCall = <M extends RpcMethod>(method: M, params: RpcParams<M>, signal?: AbortSignal) => Promise<RpcResult<M>>;

/**
 * The one RPC helper: POST, identity headers, result validated against the protocol schema. A redirect
 * is an error (`http`, not retryable), never followed: the headers stay with the configured origin.
 */
export function makeRpcCall(identity: Identity, fetchFn: typeof fetch): RpcCall {
  let nextId = 1;
  return async (method, params, signal) => {
    const url = serviceUrl(identity, 'rpc');
    let res: Response;
    try {
      res = await fetchFn(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...identityHeaders(identity) },
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params }),
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
      throw new CommunicationError('network', `network error: could not reach ${url} (${errorText(error)})`);
    }
    const redirected = redirectRefusal(res);
    if (redirected) throw new CommunicationError('http', `${method}: ${redirected}`, undefined, res.status);
    if (res.status === 413) throw new CommunicationError('http', `${method}: request too large (HTTP 413)`, undefined, 413);
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      if (signal?.aborted) throw new CommunicationError('aborted', `${method} aborted`);
      if (!res.ok) throw new CommunicationError('http', `${method}: HTTP ${res.status}`, undefined, res.status);
      throw new CommunicationError('invalid_response', `${method}: response is not JSON`, undefined, res.status);
    }
    const envelope = v.parse(RpcResponseSchema, body);
    if (!envelope.ok) {
      if (!res.ok) throw new CommunicationError('http', `${method}: HTTP ${res.status}`, undefined, res.status);
      throw new CommunicationError('invalid_response', `${method}: not a JSON-RPC response`, undefined, res.status);
    }
    if (envelope.value.error) {
      const { code, message } = envelope.value.error;
      throw new CommunicationError('rpc', `${code} ${message}`, code, res.status);
    }
    const result = v.parse(RPC_RESULTS[method], envelope.value.result);
    if (!result.ok) {
      throw new CommunicationError('invalid_response', `${method}: unexpected result: ${describeIssues(result.error)}`, undefined, res.status);
    }
    return result.value as RpcResult<typeof method>;
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
