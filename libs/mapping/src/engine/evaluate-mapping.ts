import { type Envelope } from '@txng/national-model';
import { MappingError, MappingEvaluationError, MappingTimeoutError } from '../errors/mapping.errors';
import { MAPPING_HELPERS } from '../helpers/mapping-helpers';
import { type CompiledMapping, jsonataErrorShape, parseJsonata } from './compile-mapping';
import { toEnvelope } from './envelope-result';

export interface EvaluateOptions {
  /** Wall-clock budget for one evaluation. */
  timeoutMs?: number;
  /**
   * Budget of nested JSONata evaluation steps. Runaway recursion hits it within milliseconds; a
   * wide array or group constructor counts each member while it is being built, hence the margin.
   */
  maxDepth?: number;
  /** Extra `$name` variables for the expression (e.g. `$events` for EPCIS sources). */
  bindings?: Record<string, unknown>;
}

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_DEPTH = 10000;

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');

/** JSONata's own guardrail codes, in case a future version raises them first. */
const JSONATA_TIMEOUT_CODES = new Set(['D1011', 'D1012', 'U1001']);

/**
 * Runs a mapping against a parsed payload and returns the envelope it builds.
 *
 * JSONata evaluates asynchronously but never yields to the event loop on its own, so a timer
 * cannot stop it; instead the "timebox" of the JSONata exerciser: the evaluator's entry and exit
 * hooks check the clock and the nesting depth at every step and throw when a budget is spent. The
 * expression is re-parsed per call (cheap) so each evaluation has its own hooks and counters and
 * concurrent evaluations of one mapping cannot disturb each other.
 */
export async function evaluateMapping(
  compiled: CompiledMapping,
  input: unknown,
  options: EvaluateOptions = {},
): Promise<Envelope> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const expr = parseJsonata(compiled.expression);
  for (const [name, fn] of Object.entries(MAPPING_HELPERS)) expr.registerFunction(name, fn);

  const started = Date.now();
  let depth = 0;
  const check = () => {
    if (depth > maxDepth) {
      throw new MappingTimeoutError(
        `the mapping nests deeper than ${maxDepth} steps; check for a recursive function that never stops`,
      );
    }
    if (Date.now() - started > timeoutMs) {
      throw new MappingTimeoutError(
        `the mapping ran longer than ${timeoutMs} ms; check for an endless loop or a very large range`,
      );
    }
  };
  // The hooks are looked up by symbol; Expression.assign is typed for string names only.
  const assign = expr.assign.bind(expr) as (name: string | symbol, value: unknown) => void;
  assign(ENTRY, () => {
    depth++;
    check();
  });
  assign(EXIT, () => {
    depth--;
    check();
  });

  let result: unknown;
  try {
    result = (await expr.evaluate(input, options.bindings)) as unknown;
  } catch (error) {
    if (error instanceof MappingError) throw error;
    const e = jsonataErrorShape(error);
    if (e.code && JSONATA_TIMEOUT_CODES.has(e.code))
      throw new MappingTimeoutError(e.message ?? 'the mapping ran too long', { position: e.position });
    if (error instanceof RangeError)
      throw new MappingTimeoutError(`the mapping exhausted its resources: ${error.message}`);
    const where = e.position !== undefined ? ` at character ${e.position}` : '';
    throw new MappingEvaluationError(
      `the mapping failed${where}: ${e.message ?? 'unknown error'}${e.code ? ` (JSONata ${e.code})` : ''}`,
      {
        position: e.position,
        token: e.token,
      },
    );
  }
  return toEnvelope(result);
}
