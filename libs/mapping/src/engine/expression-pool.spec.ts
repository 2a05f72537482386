import { MappingTimeoutError } from '../errors/mapping.errors';
import { compileMapping } from './compile-mapping';
import { evaluateMapping } from './evaluate-mapping';
import { idleCount, POOL_PER_EXPRESSION, take } from './expression-pool';

// Recursion as deep as the input asks: `depth` nested evaluation steps, a few per level.
const RECURSIVE =
  '($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; {"products": [{"gtin": gtin, "n": $f(levels)}]})';
// A loop as long as the input asks (time budget).
const LOOP = '($count([1..size].($ * 2)); {"products": [{"gtin": gtin}]})';

describe('expression pool (one parsed expression per evaluation at a time)', () => {
  it('parses an expression once: compileMapping keeps it for the first evaluation', async () => {
    const expression = '{"products": [{"gtin": "pool-once"}]}';
    expect(idleCount(expression)).toBe(0);
    const compiled = compileMapping({ language: 'jsonata', expression });
    expect(idleCount(expression)).toBe(1);
    await evaluateMapping(compiled, {});
    await evaluateMapping(compileMapping({ language: 'jsonata', expression }), {});
    expect(idleCount(expression)).toBe(1); // reused, not parsed again
  });

  it('keeps the depth budgets of concurrent evaluations of one mapping apart', async () => {
    const compiled = compileMapping({ language: 'jsonata', expression: RECURSIVE });
    // Interleaved at every step (JSONata awaits between steps): with shared hooks the budget of
    // whichever evaluation assigned them last would apply to all three.
    const [roomy1, tight, roomy2] = await Promise.allSettled([
      evaluateMapping(compiled, { gtin: 'a', levels: 300 }, { maxDepth: 100_000 }),
      evaluateMapping(compiled, { gtin: 'b', levels: 300 }, { maxDepth: 200 }),
      evaluateMapping(compiled, { gtin: 'c', levels: 300 }, { maxDepth: 100_000 }),
    ]);
    expect(roomy1).toEqual({ status: 'fulfilled', value: { products: [{ gtin: 'a', n: 300 }] } });
    expect(tight.status).toBe('rejected');
    expect((tight as PromiseRejectedResult).reason).toBeInstanceOf(MappingTimeoutError);
    expect(String((tight as PromiseRejectedResult).reason.message)).toMatch(/deeper than 200 steps/);
    expect(roomy2).toEqual({ status: 'fulfilled', value: { products: [{ gtin: 'c', n: 300 }] } });
  });

  it('keeps the time budgets of concurrent evaluations of one mapping apart', async () => {
    const compiled = compileMapping({ language: 'jsonata', expression: LOOP });
    const [short, long] = await Promise.allSettled([
      evaluateMapping(compiled, { gtin: 'x', size: 10_000_000 }, { timeoutMs: 100 }),
      evaluateMapping(compiled, { gtin: 'y', size: 2_000 }, { timeoutMs: 10_000 }),
    ]);
    expect(short.status).toBe('rejected');
    expect(String((short as PromiseRejectedResult).reason.message)).toMatch(/longer than 100 ms/);
    expect(long).toEqual({ status: 'fulfilled', value: { products: [{ gtin: 'y' }] } });
  });

  it('never hands one instance to two evaluations at once, and drops the instance of a failed one', async () => {
    const expression = '{"products": [{"gtin": "pool-exclusive"}]}';
    compileMapping({ language: 'jsonata', expression });
    const a = take(expression);
    const b = take(expression);
    expect(b).not.toBe(a);
    expect(b.expr).not.toBe(a.expr);

    const compiled = compileMapping({ language: 'jsonata', expression: RECURSIVE });
    const before = idleCount(RECURSIVE);
    await expect(evaluateMapping(compiled, { gtin: 'z', levels: 300 }, { maxDepth: 50 })).rejects.toThrow(
      MappingTimeoutError,
    );
    expect(idleCount(RECURSIVE)).toBe(Math.max(before - 1, 0)); // taken, not given back
    // A later evaluation gets a clean instance and its own, default budgets.
    await expect(evaluateMapping(compiled, { gtin: 'z', levels: 300 })).resolves.toEqual({
      products: [{ gtin: 'z', n: 300 }],
    });
  });

  it('keeps at most a few idle instances per expression', async () => {
    const compiled = compileMapping({ language: 'jsonata', expression: RECURSIVE });
    await Promise.all(
      Array.from({ length: POOL_PER_EXPRESSION * 2 }, (_, i) =>
        evaluateMapping(compiled, { gtin: String(i), levels: 20 }),
      ),
    );
    expect(idleCount(RECURSIVE)).toBe(POOL_PER_EXPRESSION);
  });

  it('lets no variable an evaluation assigns leak into the next', async () => {
    const compiled = compileMapping({
      language: 'jsonata',
      expression: '($seen := $exists($seen) ? "leaked" : "fresh"; {"products": [{"gtin": $seen}]})',
    });
    expect(await evaluateMapping(compiled, {})).toEqual({ products: [{ gtin: 'fresh' }] });
    expect(await evaluateMapping(compiled, {})).toEqual({ products: [{ gtin: 'fresh' }] });
  });
});
