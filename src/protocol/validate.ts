import type { Result } from './result.ts';

/**
 * A small validator for the wire contract: just what the schemas need, with readable messages that
 * name the field (`content: content is empty`). It never throws on bad input.
 */

/** One thing wrong with the input: where (a dot path, `''` for the root) and what. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/**
 * Checks `input`, answering the (possibly transformed) value and pushing an issue for each thing
 * wrong. An issue's path starts where `input` is: the object or list that holds `input` puts its
 * key in front as the issue comes back up, so valid input, the usual case, builds no path at all.
 */
export interface Schema<T> {
  readonly run: (input: unknown, issues: Issue[]) => T;
  /** An object field that may be absent. */
  readonly optional?: boolean;
  /** An object field that may be absent or `null` (left out of the value). */
  readonly nullish?: boolean;
}

/** The type of the value a schema answers (`type Contact = Output<typeof ContactSchema>`). */
export type Output<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends { optional: true } ? K : never;
}[keyof S];
/** What `object(shape)` answers: a field of `optional` or `nullish` may be left out. */
export type ObjectOutput<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Output<S[K]> } & {
    [K in OptionalKeys<S>]?: Output<S[K]>;
  }
>;

const fail = (issues: Issue[], message: string, path = ''): never => {
  issues.push({ path, message });
  return undefined as never;
};

/** `schema` on the value at `key` of the input; its issues come back named from there. */
function within<T>(schema: Schema<T>, input: unknown, key: string | number, issues: Issue[]): T {
  const before = issues.length;
  const value = schema.run(input, issues);
  for (let i = before; i < issues.length; i++) {
    const { path, message } = issues[i]!;
    issues[i] = { path: path ? `${key}.${path}` : `${key}`, message };
  }
  return value;
}

const is =
  /* @__NO_SIDE_EFFECTS__ */
  <T>(test: (input: unknown) => boolean, message: string) =>
    (): Schema<T> => ({
      run: (input, issues) => (test(input) ? (input as T) : fail(issues, message)),
    });

/** A string, as it is; `message` when it is not one. */
export const string = /* @__NO_SIDE_EFFECTS__ */ (message = 'expected a string'): Schema<string> =>
  is<string>((x) => typeof x === 'string', message)();
/** A finite number: not `NaN`, not ±Infinity. */
export const number = is<number>(
  (x) => typeof x === 'number' && Number.isFinite(x),
  'expected a number',
);
/** `true` or `false`. */
export const boolean = is<boolean>((x) => typeof x === 'boolean', 'expected true or false');
/** Anything, as it is (a value its reader checks itself). */
export const unknown = is<unknown>(() => true, '');

/** Exactly `value` (compared with `===`). */
export const literal = /* @__NO_SIDE_EFFECTS__ */ <
  const L extends string | number | boolean | null,
>(
  value: L,
): Schema<L> => is<L>((x) => x === value, `expected ${JSON.stringify(value)}`)();

/** One of `values`. */
export const picklist = /* @__NO_SIDE_EFFECTS__ */ <const L extends readonly string[]>(
  values: L,
): Schema<L[number]> =>
  is<L[number]>(
    (x) => values.includes(x as string),
    `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`,
  )();

/** `schema`, then `test` on its value; `message` when the test fails. */
/* @__NO_SIDE_EFFECTS__ */
export function check<T>(
  schema: Schema<T>,
  test: (value: T) => boolean,
  message: string,
): Schema<T> {
  return {
    run(input, issues) {
      const before = issues.length;
      const value = schema.run(input, issues);
      return issues.length > before || test(value) ? value : fail(issues, message);
    },
  };
}

/** `schema`, then `change` on its value when it is valid. */
/* @__NO_SIDE_EFFECTS__ */
export function map<T, U>(schema: Schema<T>, change: (value: T) => U): Schema<U> {
  return {
    run(input, issues) {
      const before = issues.length;
      const value = schema.run(input, issues);
      return issues.length > before ? (value as unknown as U) : change(value);
    },
  };
}

/** A string or array of `min` to `max` items (characters). */
/* @__NO_SIDE_EFFECTS__ */
export function sized<T extends { length: number }>(
  schema: Schema<T>,
  min: number,
  max: number,
  tooShort = min === 1 ? 'must not be empty' : `must have at least ${min}`,
  tooLong = `must have at most ${max}`,
): Schema<T> {
  return check(
    check(schema, (v) => v.length >= min, tooShort),
    (v) => v.length <= max,
    tooLong,
  );
}

/** A whole number from `min` to `max`. */
export const integer = /* @__NO_SIDE_EFFECTS__ */ (
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): Schema<number> =>
  check(
    number(),
    (v) => Number.isSafeInteger(v) && v >= min && v <= max,
    `expected a whole number from ${min} to ${max}`,
  );

/** An object field that may be absent (or `undefined`): left out of the value then. */
export const optional = /* @__NO_SIDE_EFFECTS__ */ <T>(
  schema: Schema<T>,
): Schema<T | undefined> & { optional: true } => ({ ...schema, optional: true });

/** `optional`, and `null` counts as absent too (as a server writes a field it has no value for). */
export const nullish = /* @__NO_SIDE_EFFECTS__ */ <T>(
  schema: Schema<T>,
): Schema<T | undefined> & { optional: true } => ({ ...schema, optional: true, nullish: true });

/** A list whose every item is `item`: a new list of their values. */
/* @__NO_SIDE_EFFECTS__ */
export function array<T>(item: Schema<T>): Schema<T[]> {
  return {
    run(input, issues) {
      if (!Array.isArray(input)) return fail(issues, 'expected a list');
      // Not `map`, which skips the holes of a sparse list (a structured clone keeps them).
      const value: T[] = [];
      for (let i = 0; i < input.length; i++) value.push(within(item, input[i], i, issues));
      return value;
    },
  };
}

/** An object with these fields; others are left out of the value. */
/* @__NO_SIDE_EFFECTS__ */
export function object<S extends Shape>(shape: S): Schema<ObjectOutput<S>> {
  const keys = Object.keys(shape);
  const schemas = Object.values(shape);
  return {
    run(input, issues) {
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        return fail(issues, 'expected an object');
      const value: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        const schema = schemas[i]!;
        const field = (input as Record<string, unknown>)[key];
        if (field !== undefined && !(field === null && schema.nullish))
          value[key] = within(schema, field, key, issues);
        else if (!schema.optional) fail(issues, 'is required', key);
      }
      return value as ObjectOutput<S>;
    },
  };
}

/** An object whose field `tag` names which of `variants` it is. */
/* @__NO_SIDE_EFFECTS__ */
export function variant<T>(tag: string, variants: Record<string, Schema<unknown>>): Schema<T> {
  return {
    run(input, issues) {
      const key = (input as Record<string, unknown> | null)?.[tag];
      return typeof key === 'string' && Object.hasOwn(variants, key)
        ? (variants[key]!.run(input, issues) as T)
        : fail(issues, `expected one of ${Object.keys(variants).join(', ')}`, tag);
    },
  };
}

/** Checks `input` against `schema` in one pass: its value, or every issue found. */
export function parse<T>(schema: Schema<T>, input: unknown): Result<T, Issue[]> {
  const issues: Issue[] = [];
  const value = schema.run(input, issues);
  return issues.length === 0 ? { ok: true, value } : { ok: false, error: issues };
}

/** A readable, one-line account of what failed, naming the field: `content: content is empty`. */
export function describeIssues(issues: readonly Issue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
}
