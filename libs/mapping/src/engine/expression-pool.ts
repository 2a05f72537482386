import type jsonata from 'jsonata';
import { MAPPING_HELPERS } from '../helpers/mapping-helpers';
import { parseJsonata } from './parse-jsonata';

/**
 * Parsed JSONata expressions kept for reuse, a few per expression string.
 *
 * An evaluation's timeout and depth budgets live in the evaluator hooks assigned on the
 * expression, so one parsed expression must never serve two evaluations at once: `take` hands an
 * instance out for the exclusive use of one evaluation (parsing a new one when none is free) and
 * `give` puts it back when that evaluation has finished successfully (a failed one may leave
 * branches running; its instance is dropped). JSONata binds each
 * evaluation's variables in a frame of its own (`evaluate` creates it), so nothing an expression
 * assigns survives into the next evaluation; the only state on the instance is the hooks, which
 * the next user re-assigns before evaluating.
 */
export interface PooledExpression {
  readonly expression: string;
  readonly expr: jsonata.Expression;
  /** `Expression.assign` accepting the hook symbols (it is typed for string names only). */
  readonly assign: (name: string | symbol, value: unknown) => void;
}

/** Distinct expressions kept (least recently used dropped first): sources × mapping versions in use. */
export const POOL_EXPRESSIONS = 256;
/** Idle instances kept per expression: about the evaluations of one mapping running at once. */
export const POOL_PER_EXPRESSION = 8;

const idle = new Map<string, PooledExpression[]>();

/** Parses an expression into a new instance with the mapping helpers registered (may throw MappingCompileError). */
function prepare(expression: string): PooledExpression {
  const expr = parseJsonata(expression);
  for (const [name, fn] of Object.entries(MAPPING_HELPERS)) expr.registerFunction(name, fn);
  return {
    expression,
    expr,
    assign: expr.assign.bind(expr) as (name: string | symbol, value: unknown) => void,
  };
}

/** Whether the expression has been parsed successfully before (and is still remembered). */
export function knownExpression(expression: string): boolean {
  return idle.has(expression);
}

/** An instance for the exclusive use of one evaluation; hand it back with `give`. */
export function take(expression: string): PooledExpression {
  const free = idle.get(expression);
  if (free) {
    idle.delete(expression); // most recently used last
    idle.set(expression, free);
    const instance = free.pop();
    if (instance) return instance;
  }
  return prepare(expression);
}

/** Returns an instance after its evaluation finished; kept if the pool has room. */
export function give(instance: PooledExpression): void {
  let free = idle.get(instance.expression);
  if (!free) {
    free = [];
    idle.set(instance.expression, free);
    if (idle.size > POOL_EXPRESSIONS) idle.delete(idle.keys().next().value as string);
  }
  if (free.length < POOL_PER_EXPRESSION && !free.includes(instance)) free.push(instance);
}

/** Parses an expression not seen before and keeps the instance for the first evaluation. */
export function remember(expression: string): void {
  if (!knownExpression(expression)) give(prepare(expression));
}

/** Idle instances of an expression (tests). */
export function idleCount(expression: string): number {
  return idle.get(expression)?.length ?? 0;
}
