import { fetch as nodeFetch } from 'undici';

/**
 * Node's own fetch (undici), for islands under happy-dom that talk to the real backend. happy-dom's
 * fetch logs a "socket hang up" error for every request the island aborts on teardown, burying real
 * output; undici handles aborts quietly, as browsers do.
 */
export const realFetch = nodeFetch as unknown as typeof fetch;
