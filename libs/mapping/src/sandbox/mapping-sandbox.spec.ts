import { compileMapping } from '../engine/compile-mapping';
import { evaluateMapping } from '../engine/evaluate-mapping';
import {
  MappingOutOfMemoryError,
  MappingTimeoutError,
  MappingUnavailableError,
} from '../errors/mapping.errors';
import { MappingSandbox, type SandboxTask } from './mapping-sandbox';

// 2^30 backtracking steps: minutes of one uninterruptible RegExp call.
const BACKTRACKS = `($match("${'a'.repeat(30)}!", /(a+)+$/); {})`;
const task = (expression: string, timeoutMs = 1000, input: unknown = {}): SandboxTask => ({
  expression,
  input,
  timeoutMs,
  maxDepth: 10_000,
});
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('MappingSandbox', () => {
  const sandbox = new MappingSandbox({ processes: 2 });
  afterAll(() => sandbox.close());

  it('gives the envelope the in-process evaluator gives, helpers included', async () => {
    const expression = `{
      "products": sp.{"gtin": $gtin14(g), "name": $text(ten), "netContent": $quantity(kl)},
      "lots": sp.{"gtin": $gtin14(g), "lot": lo, "productionDate": $vnDate(nsx)},
      "events": [{"type": "ObjectEvent", "action": "OBSERVE", "eventTime": $vnDateTime("01/03/2026 08:00"),
                  "quantityList": {"epcClass": $digitalLink(sp[0].g, sp[0].lo), "quantity": $number("1.234,5"), "uom": $uom("kg")}}]
    }`;
    const input = {
      sp: [
        { g: '8936012000016', ten: ' Gạo  ST25 ', kl: '5 kg', lo: 'L1', nsx: '12/03/2026' },
        { g: '8936012000023', ten: 'Tôm', kl: '500 g', lo: 'L2', nsx: '13/03/2026' },
      ],
    };
    const inProcess = await evaluateMapping(compileMapping({ language: 'jsonata', expression }), input);
    expect(await sandbox.evaluate(task(expression, 2000, input))).toEqual(inProcess);
    expect(inProcess.products).toHaveLength(2);
  });

  it('answers the envelope as the JSON text its process wrote, with the count of its records, for callers that store it', async () => {
    const expression = '{"products": sp.{"gtin": g, "name": n}, "lots": [{"gtin": sp[0].g, "lot": "L1"}]}';
    const input = {
      sp: [
        { g: '08936012000016', n: 'Gạo' },
        { g: '08936012000023', n: 'Tôm' },
      ],
    };
    const mapped = await sandbox.evaluateText(task(expression, 2000, input));
    expect(mapped.records).toBe(3);
    expect(JSON.parse(mapped.json)).toEqual(await sandbox.evaluate(task(expression, 2000, input)));
    expect(await sandbox.evaluateText(task('{}'))).toEqual({ json: '{}', records: 0 });
  });

  it('reports mapping errors with their code and position, as the in-process evaluator does', async () => {
    const failed = await errorOf(sandbox.evaluate(task('{"products": [{"n": 1 + "a"}]}')));
    expect(failed).toMatchObject({ code: 'MAPPING_FAILED', position: expect.any(Number) });
    const schema = await errorOf(sandbox.evaluate(task('{"product": []}')));
    expect(schema).toMatchObject({
      code: 'MAPPING_FAILED',
      details: [expect.objectContaining({ path: '/product' })],
    });
    const invalid = await errorOf(sandbox.evaluate(task('{"a": ')));
    expect(invalid).toMatchObject({ code: 'MAPPING_INVALID' });
  });

  it('kills a process stuck in a built-in call at the time limit, and carries on with a new one', async () => {
    await sandbox.evaluate(task('{}')); // a warm process: the limit counts from when it takes the work
    const before = sandbox.stats().pids;
    const started = Date.now();
    const error = await errorOf(sandbox.evaluate(task(BACKTRACKS, 300)));
    expect(error).toBeInstanceOf(MappingTimeoutError);
    expect((error as Error).message).toMatch(/longer than 300 ms and was stopped/);
    expect(Date.now() - started).toBeLessThan(300 + 2000); // generous: the kill is immediate
    expect(await sandbox.evaluate(task('{"lots": [{"lot": "after"}]}'))).toEqual({
      lots: [{ lot: 'after' }],
    });
    for (const pid of before.filter((pid) => !sandbox.stats().pids.includes(pid)))
      expect(() => process.kill(pid, 0)).toThrow(); // the killed process is gone
  });

  it('does not kill a process the machine gave no CPU for longer than the limit: the limit is CPU time', async () => {
    const one = new MappingSandbox({ processes: 1 });
    try {
      await one.evaluate(task('{}'));
      const [pid] = one.stats().pids;
      // A few hundred milliseconds of real work, stopped (SIGSTOP) for longer than its 1,000 ms limit
      // soon after it started, as a starved process is, then let go on.
      const work = one.evaluate(task('($count([1..150000].($ * 2)); {"lots": [{"lot": "done"}]})', 1000));
      await new Promise((resolve) => setTimeout(resolve, 50));
      process.kill(pid, 'SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      process.kill(pid, 'SIGCONT');
      expect(await work).toEqual({ lots: [{ lot: 'done' }] });
      expect(one.stats().pids).toEqual([pid]); // the same process: it was never killed
    } finally {
      await one.close();
    }
  });

  it('keeps the caller responsive while a mapping runs away', async () => {
    let ticks = 0;
    let longestGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      ticks++;
      longestGap = Math.max(longestGap, Date.now() - last);
      last = Date.now();
    }, 10);
    try {
      await errorOf(sandbox.evaluate(task(BACKTRACKS, 500)));
    } finally {
      clearInterval(timer);
      longestGap = Math.max(longestGap, Date.now() - last); // also a block that outlasted the wait
    }
    expect(ticks).toBeGreaterThan(5);
    expect(longestGap).toBeLessThan(250);
  });

  it('does not count the wait in the queue against an evaluation’s time limit', async () => {
    const one = new MappingSandbox({ processes: 1 });
    try {
      await one.evaluate(task('{}'));
      const [stuck, next] = await Promise.allSettled([
        one.evaluate(task(BACKTRACKS, 600)),
        one.evaluate(task('{"lots": [{"lot": "waited"}]}', 300)),
      ]);
      expect(stuck).toMatchObject({ status: 'rejected', reason: expect.any(MappingTimeoutError) });
      expect(next).toEqual({ status: 'fulfilled', value: { lots: [{ lot: 'waited' }] } });
    } finally {
      await one.close();
    }
  });

  it('does not count the transfer of a large body against the time limit', async () => {
    // Several MB over the channel take longer than the limit here; evaluating them takes little.
    const input = {
      products: Array.from({ length: 40_000 }, (_, i) => ({
        gtin: '08936012000016',
        name: `Gạo ST25 túi ${i}`,
      })),
    };
    await sandbox.evaluate(task('{}'));
    expect(
      await sandbox.evaluate(task('{"lots": [{"lot": $string($count(products))}]}', 150, input)),
    ).toEqual({
      lots: [{ lot: '40000' }],
    });
  });

  it('refuses work past its queue limit at once (MAPPING_BUSY), and takes work again once drained', async () => {
    const small = new MappingSandbox({ processes: 1, maxQueue: 1 });
    try {
      await small.evaluate(task('{}'));
      const running = errorOf(small.evaluate(task(BACKTRACKS, 500)));
      const waiting = small.evaluate(task('{}', 500));
      const refused = await errorOf(small.evaluate(task('{}')));
      expect(refused).toBeInstanceOf(MappingUnavailableError);
      expect(refused).toMatchObject({ code: 'MAPPING_BUSY' });
      expect(await running).toBeInstanceOf(MappingTimeoutError);
      expect(await waiting).toEqual({});
      expect(await small.evaluate(task('{"lots": [{"lot": "x"}]}'))).toEqual({ lots: [{ lot: 'x' }] });
    } finally {
      await small.close();
    }
  });

  it('gives up on an evaluation that waited longer than its maxWaitMs for a busy process (MAPPING_BUSY)', async () => {
    const one = new MappingSandbox({ processes: 1 });
    try {
      await one.evaluate(task('{}'));
      let stuckDone = false;
      const stuck = errorOf(one.evaluate(task(BACKTRACKS, 1500))).finally(() => (stuckDone = true));
      const waited = await errorOf(one.evaluate({ ...task('{}'), maxWaitMs: 200 }));
      expect(waited).toMatchObject({ code: 'MAPPING_BUSY', message: expect.stringMatching(/within 200 ms/) });
      expect(stuckDone).toBe(false);
      expect(await stuck).toBeInstanceOf(MappingTimeoutError);
      expect(one.stats().queued).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('stops a mapping past the memory limit with MAPPING_OUT_OF_MEMORY, and carries on', async () => {
    const tight = new MappingSandbox({ processes: 1, memoryMb: 64 });
    try {
      const error = await errorOf(tight.evaluate(task('($count($reverse([1..1e7])); {})', 20_000)));
      expect(error).toBeInstanceOf(MappingOutOfMemoryError);
      expect(error).toMatchObject({
        code: 'MAPPING_OUT_OF_MEMORY',
        message: expect.stringMatching(/64 MiB/),
      });
      expect(await tight.evaluate(task('{"lots": [{"lot": "x"}]}'))).toEqual({ lots: [{ lot: 'x' }] });
    } finally {
      await tight.close();
    }
  });

  it('refuses a result larger than allowed', async () => {
    const small = new MappingSandbox({ processes: 1, maxResultChars: 10_000 });
    try {
      const error = await errorOf(
        small.evaluate(task('{"products": [{"gtin": "1", "name": $pad("", 20000, "x")}]}')),
      );
      expect(error).toMatchObject({
        code: 'MAPPING_OUT_OF_MEMORY',
        message: expect.stringMatching(/result is/),
      });
    } finally {
      await small.close();
    }
  });

  it('fails evaluations with MAPPING_UNAVAILABLE when its process cannot start, and after close', async () => {
    const broken = new MappingSandbox({ processes: 1, entry: `${__dirname}/no-such-entry.js` });
    expect(await errorOf(broken.evaluate(task('{}')))).toMatchObject({ code: 'MAPPING_UNAVAILABLE' });
    await broken.close();
    expect(await errorOf(broken.evaluate(task('{}')))).toMatchObject({ code: 'MAPPING_UNAVAILABLE' });
  });
});
