/** A value or a readable error; what boundaries return instead of throwing. */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };
