// Worker thread of pipeline.bench.ts: the provinces. Sends signed webhooks with K requests in flight
// and reports each one's latency, so the client's own CPU (signing, HTTP) stays off the hub's
// event loop. Plain JavaScript: a worker thread does not inherit run-ts.js's TypeScript hook.
// Signing as the Standard Webhooks specification says (same as test/support/webhook-signer.ts).
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { performance } = require('node:perf_hooks');

function sign(secret, id, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

async function run({ url, secret, bodies, idPrefix, concurrency }) {
  const latencies = new Array(bodies.length);
  const statuses = {};
  let records = 0;
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < bodies.length) {
      const i = next++;
      const body = bodies[i];
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sign(secret, `${idPrefix}-${i}`, body) },
        body,
      });
      const answer = await res.json();
      latencies[i] = performance.now() - t0;
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 202) records += answer.records;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { latencies, statuses, records, wallMs: performance.now() - started };
}

parentPort.on('message', (job) => {
  run({ ...workerData, ...job }).then(
    (result) => parentPort.postMessage({ ok: true, result }),
    (error) => parentPort.postMessage({ ok: false, error: String(error && error.stack ? error.stack : error) }),
  );
});
