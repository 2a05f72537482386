import fc from 'fast-check';
import {
  type Format,
  anyBody,
  fuzzRuns,
  mutated,
  sampleBodies,
  sourceDefinitions,
} from '../../../../test/support/fuzz-arbitraries';
import { MappingCompileError, MappingError } from '../errors/mapping.errors';
import { PayloadParseError } from '../errors/payload-parse.error';
import { readRecords } from '../preview/preview-mapping';
import { compileMapping } from './compile-mapping';
import { evaluateMapping } from './evaluate-mapping';

// Property-based fuzzing of the mapping engine with the real sources' mappings (config/sources)
// and mutations of them. FUZZ_RUNS / 20 runs per property when set (test:reliability).
const RUNS = fuzzRuns(40, 20);
const SOURCES = sourceDefinitions();
const SAMPLES = sampleBodies();
const BUDGET = { timeoutMs: 500 };

/** Resolves to the value, or to the error when it is one the engine may answer with; anything else fails. */
async function settled<T>(work: () => Promise<T>, allowed: Array<abstract new (...a: never[]) => Error>) {
  try {
    return await work();
  } catch (error) {
    if (allowed.some((type) => error instanceof type)) return error as Error;
    throw new Error(`the engine threw ${String(error)}`, { cause: error });
  }
}

describe.each(SOURCES.map((s) => [s.key, s] as const))('mapping of %s under fuzzing', (_key, source) => {
  const mapping = { language: 'jsonata' as const, expression: source.expression };

  it('turns any body of its format into records, or a parse or mapping finding', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody(source.format, SAMPLES[source.format]), async (body) => {
        const result = await settled(
          () => readRecords({ format: source.format, mapping, body: Buffer.from(body), ...BUDGET }),
          [PayloadParseError, MappingError],
        );
        if (Array.isArray(result)) for (const r of result) expect(Array.isArray(r.findings)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('evaluates on any JSON value to an envelope or a MappingError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (input) => {
        await settled(() => evaluateMapping(compileMapping(mapping), input, BUDGET), [MappingError]);
      }),
      { numRuns: RUNS },
    );
  });

  it('compiles a mutated expression or refuses it as MAPPING_INVALID; runs it or answers a MappingError', async () => {
    const samples = SAMPLES[source.format];
    await fc.assert(
      fc.asyncProperty(
        mutated(source.expression),
        fc.constantFrom(...(samples.length ? samples : ['{}'])),
        async (expression, sample) => {
          const compiled = await settled(
            () => Promise.resolve(compileMapping({ language: 'jsonata', expression })),
            [MappingCompileError],
          );
          if (compiled instanceof Error) return;
          await settled(
            () => readRecords({ format: source.format, mapping: compiled, body: sample, timeoutMs: 200 }),
            [PayloadParseError, MappingError],
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('mapping results under fuzzing', () => {
  it('answers a result nested deeper than the pipeline can walk as a MappingError, never a crash', async () => {
    // A recursive function builds depth the input never had; the depth budget must stop it first.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5_000 }), fc.boolean(), async (depth, asArray) => {
        const wrap = asArray ? '[$f($n - 1)]' : '{"a": $f($n - 1)}';
        const expression = `($f := function($n) { $n = 0 ? "x" : ${wrap} }; {"products": [{"gtin": "08935049500018", "name": "x", "ownerTaxCode": "0301234567", "extra": $f(${depth})}]})`;
        await settled(
          () =>
            readRecords({
              format: 'json',
              mapping: { language: 'jsonata', expression },
              body: '{}',
              ...BUDGET,
            }),
          [MappingError],
        );
      }),
      { numRuns: Math.min(RUNS, 10) },
    );
  });

  it.each<[Format, string]>([
    ['csv', '{"products": $}'],
    ['json', '{"products": $}'],
    ['xml', '{"products": [$]}'],
  ])('maps %s bodies through %s without a crash', async (format, expression) => {
    await fc.assert(
      fc.asyncProperty(anyBody(format, SAMPLES[format]), async (body) => {
        await settled(
          () =>
            readRecords({
              format,
              mapping: { language: 'jsonata', expression },
              body: Buffer.from(body),
              ...BUDGET,
            }),
          [PayloadParseError, MappingError],
        );
      }),
      { numRuns: RUNS },
    );
  });
});
