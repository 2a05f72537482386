import { MappingCompileError, MappingEvaluationError, MappingTimeoutError } from '../errors/mapping.errors';
import { compileMapping } from './compile-mapping';
import { evaluateMapping } from './evaluate-mapping';

const run = (expression: string, input: unknown = {}, options = {}) =>
  evaluateMapping(compileMapping({ language: 'jsonata', expression }), input, options);

describe('compileMapping', () => {
  it('reports a syntax error with JSONata position and token', () => {
    let error: unknown;
    try {
      compileMapping({ language: 'jsonata', expression: '{"products": sanPham.{"gtin": maGTIN,}}' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MappingCompileError);
    const e = error as MappingCompileError;
    expect(e.code).toBe('MAPPING_INVALID');
    expect(e.position).toBe(38);
    expect(e.token).toBe('}');
    expect(e.message).toMatch(/at character 38/);
  });

  it('refuses other languages and empty expressions', () => {
    expect(() => compileMapping({ language: 'xslt', expression: 'x' })).toThrow(/not supported/);
    expect(() => compileMapping({ language: 'jsonata', expression: '  ' })).toThrow(/empty/);
    expect(() => compileMapping(null)).toThrow(MappingCompileError);
  });
});

describe('evaluateMapping', () => {
  it('normalises JSONata sequences into an envelope', async () => {
    // one product → a one-item list; nested lists flattened; quantityList singleton wrapped; undefined dropped
    expect(
      await run(
        '{"products": sp.{"gtin": g, "x": khong}, "lots": [[{"lot": "1"}], [{"lot": "2"}]], "events": {"type": "ObjectEvent", "quantityList": {"epcClass": "e"}}}',
        { sp: { g: '1' } },
      ),
    ).toEqual({
      products: [{ gtin: '1' }],
      lots: [{ lot: '1' }, { lot: '2' }],
      events: [{ type: 'ObjectEvent', quantityList: [{ epcClass: 'e' }] }],
    });
  });

  it('merges a sequence of envelopes (a mapping written as items.{…})', async () => {
    expect(await run('items.{"products": [{"gtin": g}]}', { items: [{ g: '1' }, { g: '2' }] })).toEqual({
      products: [{ gtin: '1' }, { gtin: '2' }],
    });
  });

  it('refuses a result that is not an envelope, with the schema errors as details', async () => {
    const e = await run('{"product": []}').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MappingEvaluationError);
    expect((e as MappingEvaluationError).code).toBe('MAPPING_FAILED');
    expect((e as MappingEvaluationError).details).toEqual([expect.objectContaining({ path: '/product' })]);
    await expect(run('"text"')).rejects.toThrow(/not a national-model envelope/);
    await expect(run('{"products": [1]}')).rejects.toThrow(/products\/0/);
    await expect(run('khongCo')).rejects.toThrow(/returned nothing/);
  });

  it('reports runtime errors with their position', async () => {
    const e = (await run('{"products": [{"n": 1 + "a"}]}').catch(
      (x: unknown) => x,
    )) as MappingEvaluationError;
    expect(e).toBeInstanceOf(MappingEvaluationError);
    expect(e.position).toBeGreaterThan(0);
    expect(e.message).toMatch(/T2002/);
  });

  it('stops endless tail recursion at the time limit', async () => {
    const started = Date.now();
    await expect(run('($f := function($x){$f($x+1)}; $f(0))', {}, { timeoutMs: 300 })).rejects.toBeInstanceOf(
      MappingTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops deep non-tail recursion at the depth limit', async () => {
    const e = (await run(
      '($f := function($x){1 + $f($x+1)}; {"products": [{"n": $f(0)}]})',
      {},
      { timeoutMs: 10000, maxDepth: 500 },
    ).catch((x: unknown) => x)) as MappingTimeoutError;
    expect(e).toBeInstanceOf(MappingTimeoutError);
    expect(e.code).toBe('MAPPING_TIMEOUT');
    expect(e.message).toMatch(/deeper than 500/);
  });

  it('stops a huge loop at the time limit', async () => {
    await expect(run('($count([1..10000000].($ * 2)); {})', {}, { timeoutMs: 200 })).rejects.toThrow(
      /longer than 200 ms/,
    );
  });

  it('counts CPU, not the clock: a mapping that waits without working is not stopped at its budget, only at the clock ceiling', async () => {
    // A binding that waits by the clock and uses no CPU, as a mapping does on a machine too loaded to
    // give it the processor.
    const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const bindings = { wait };
    expect(
      await run('($wait(400); {"lots": [{"lot": "waited"}]})', {}, { timeoutMs: 150, bindings }),
    ).toEqual({
      lots: [{ lot: 'waited' }],
    });
    // Past WALL_CEILING_FACTOR (5) times the budget by the clock it is stopped all the same.
    await expect(run('($wait(900); {})', {}, { timeoutMs: 150, bindings })).rejects.toThrow(
      /longer than 150 ms/,
    );
  });

  it('lets ordinary recursion and loops finish', async () => {
    expect(
      await run('($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; {"products": [{"n": $f(200)}]})'),
    ).toEqual({ products: [{ n: 200 }] });
    expect(await run('{"lots": [1..2000].{"lot": $string($)}}').then((e) => e.lots?.length)).toBe(2000);
  });

  it('keeps concurrent evaluations of one mapping apart', async () => {
    const compiled = compileMapping({ language: 'jsonata', expression: '{"products": [{"gtin": g}]}' });
    const results = await Promise.all([1, 2, 3].map((g) => evaluateMapping(compiled, { g: String(g) })));
    expect(results.map((r) => r.products?.[0].gtin)).toEqual(['1', '2', '3']);
  });
});
