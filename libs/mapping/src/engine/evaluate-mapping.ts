import { type Envelope } from '@txng/national-model';
import {
  MappingError,
  MappingEvaluationError,
  MappingOutOfMemoryError,
  MappingTimeoutError,
} from '../errors/mapping.errors';
import { type CompiledMapping } from './compile-mapping';
import { give, take } from './expression-pool';
import { jsonataErrorShape } from './parse-jsonata';
import { toEnvelope } from './envelope-result';

export interface EvaluateOptions {
  /**
   * CPU budget of one evaluation, in milliseconds. It is CPU time, not time by the clock, so a
   * mapping is not stopped because a loaded machine gave it little of the processor; the clock
   * still stops it at WALL_CEILING_FACTOR times the budget.
   */
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
/** How many times its CPU budget a mapping may take by the clock before it is stopped anyway. */
export const WALL_CEILING_FACTOR = 5;

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
 * parsed expression comes from a pool (expression-pool.ts) for this evaluation's exclusive use and
 * gets this evaluation's hooks and counters, so concurrent evaluations of one mapping cannot
 * disturb each other; it goes back to the pool when the evaluation has finished.
 */
export async function evaluateMapping(
  compiled: CompiledMapping,
  input: unknown,
  options: EvaluateOptions = {},
): Promise<Envelope> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const instance = take(compiled.expression);

  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  // The CPU used is read (a system call) only once the clock says the budget could be spent, and
  // then again when the rest of the budget could be: a few reads per evaluation, not one per step.
  let readCpuAt = started + timeoutMs;
  let depth = 0;
  const check = () => {
    if (depth > maxDepth) {
      throw new MappingTimeoutError(
        `the mapping nests deeper than ${maxDepth} steps; check for a recursive function that never stops`,
      );
    }
    const now = Date.now();
    if (now <= readCpuAt) return;
    const used = process.cpuUsage(cpuAtStart);
    const cpuMs = (used.user + used.system) / 1000;
    if (cpuMs > timeoutMs || now - started > timeoutMs * WALL_CEILING_FACTOR) {
      throw new MappingTimeoutError(
        `the mapping ran longer than ${timeoutMs} ms; check for an endless loop or a very large range`,
      );
    }
    readCpuAt = now + Math.max(10, timeoutMs - cpuMs);
  };
  // The hooks are looked up by symbol on the expression's environment.
  instance.assign(ENTRY, () => {
    depth++;
    check();
  });
  instance.assign(EXIT, () => {
    depth--;
    check();
  });

  let result: unknown;
  try {
    result = (await instance.expr.evaluate(input, options.bindings)) as unknown;
    // Back to the pool only after a finished evaluation: when one branch of an array or object
    // constructor throws (a spent budget), JSONata's Promise.all rejects while sibling branches
    // still run and call the hooks; that instance is dropped so they can never reach the hooks of
    // the next evaluation.
    give(instance);
  } catch (error) {
    if (error instanceof MappingError) throw error;
    const e = jsonataErrorShape(error);
    if (e.code && JSONATA_TIMEOUT_CODES.has(e.code))
      throw new MappingTimeoutError(e.message ?? 'the mapping ran too long', { position: e.position });
    if (error instanceof RangeError) {
      // V8's own size limits ("Invalid string length", "Invalid array length") are memory; a
      // stack overflow is recursion the depth budget did not catch.
      if (/call stack/i.test(error.message))
        throw new MappingTimeoutError(`the mapping exhausted its resources: ${error.message}`);
      throw new MappingOutOfMemoryError(
        `the mapping built a string or list too large to hold (${error.message}); check $pad, $split, ranges and string joins`,
      );
    }
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
