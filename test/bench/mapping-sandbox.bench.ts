import { compileMapping, evaluateMapping, MappingSandbox, parsePayload } from '@txng/mapping';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse as parseYaml } from 'yaml';

/**
 * The cost of running a mapping in the sandbox (docs/adr/0004) instead of in the calling process:
 * the same evaluations, one at a time (latency: the process hop per call) and eight in flight
 * (throughput over the sandbox's two processes). Prints figures; asserts nothing. See
 * docs/BENCHMARKS.md. Run: node test/bench/run-ts.js test/bench/mapping-sandbox.bench.ts
 */

const ROOT = resolve(__dirname, '../..');

interface Case {
  name: string;
  expression: string;
  input: unknown;
}

function cases(): Case[] {
  const source = parseYaml(readFileSync(resolve(ROOT, 'config/sources/can-tho-nong-san.yaml'), 'utf8')) as {
    mapping: { expression: string };
  };
  const sample = readFileSync(resolve(ROOT, 'test/fixtures/provinces/can-tho-nong-san/sample-1.json'));
  const big = {
    products: Array.from({ length: 5000 }, (_, i) => ({
      gtin: '08936012000016',
      name: `Gạo ST25 túi ${i}`,
      ownerTaxCode: '1801234567',
      netContent: { value: 5, uom: 'KGM' },
    })),
  };
  return [
    { name: 'trivial `{}` on `{}`', expression: '{}', input: {} },
    {
      name: 'can-tho-nong-san mapping on its 2 KiB sample (18 records)',
      expression: source.mapping.expression,
      input: parsePayload('json', sample).data,
    },
    {
      name: `\`$\` over a ${Math.round(JSON.stringify(big).length / 1024)} KiB envelope (5,000 products)`,
      expression: '$',
      input: big,
    },
  ];
}

async function perCall(n: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await run(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await run();
  return ((performance.now() - t0) / n) * 1000;
}

async function throughput(n: number, inFlight: number, run: () => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < n) await run();
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

export async function main(): Promise<void> {
  const sandbox = new MappingSandbox();
  const fmt = (x: number) => x.toFixed(0);
  console.log(
    '| case | in process µs/call | sandbox µs/call | hop µs | in process /s | sandbox /s (8 in flight) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  try {
    for (const c of cases()) {
      const compiled = compileMapping({ language: 'jsonata', expression: c.expression });
      const n = c.expression === '$' ? 200 : 2000;
      const local = () => evaluateMapping(compiled, c.input);
      const remote = () =>
        sandbox.evaluate({ expression: c.expression, input: c.input, timeoutMs: 2000, maxDepth: 10000 });
      const a = await perCall(n, local);
      const b = await perCall(n, remote);
      const ta = await throughput(n, 8, local);
      const tb = await throughput(n, 8, remote);
      console.log(`| ${c.name} | ${fmt(a)} | ${fmt(b)} | ${fmt(b - a)} | ${fmt(ta)} | ${fmt(tb)} |`);
    }
  } finally {
    await sandbox.close();
  }
}
