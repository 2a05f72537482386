// Worker thread of the benchmarks (pipeline.bench.ts, hub.bench.ts): the provinces. Sends signed
// webhooks with K requests in flight and reports each one's latency, so the client's own CPU
// (signing, HTTP) stays off the hub's event loop. Plain JavaScript: a worker thread does not
// inherit run-ts.js's TypeScript hook. Signing as the Standard Webhooks specification says (same
// as test/support/webhook-signer.ts).
//
// A job: `bodies` (strings) and either one `url` + `secret`, or `targets` ([{url, secret}], body i
// goes to targets[i % targets.length]: several sources, or several gateways). `ratePerSecond`
// offers the bodies at a steady pace (body i not before start + i / rate) instead of as fast as
// the K lanes go. A 429 or 503 is retried with the same webhook-id after its Retry-After (at most
// 10 attempts), as a province does. Answers latencies (ms, from the first attempt to the final
// answer), statuses (final answers), retries (by status), records (sum of the 202s' `records`),
// wallMs, and, for each body, when it was first sent and when its final answer came (epoch ms,
// `sentAt` / `ackAt`).
const { parentPort, workerData } = require('node:worker_threads');
const { createHmac } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const http = require('node:http');

// node:http with kept-alive connections rather than fetch: the senders share the machine's cores
// with the hub: measured in the small scenario, fetch (undici) cost the senders about 1.3 ms of CPU
// per webhook, node:http about 0.8 ms.
const agents = new Map();
function post(url, headers, body) {
  const u = new URL(url);
  if (!agents.has(u.host)) agents.set(u.host, new http.Agent({ keepAlive: true, maxSockets: 256 }));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'POST',
        agent: agents.get(u.host),
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: the status says enough
          }
          resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], json });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function sign(secret, id, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function run({ url, secret, targets, bodies, idPrefix, concurrency, ratePerSecond }) {
  const to = targets ?? [{ url, secret }];
  const latencies = new Array(bodies.length);
  const sentAt = new Array(bodies.length);
  const ackAt = new Array(bodies.length);
  const statuses = {};
  const retries = {};
  const maxAttempts = 10;
  let records = 0;
  let next = 0;
  const started = performance.now();
  async function lane() {
    while (next < bodies.length) {
      const i = next++;
      if (ratePerSecond) {
        const due = started + (i * 1000) / ratePerSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const body = bodies[i];
      const target = to[i % to.length];
      sentAt[i] = Date.now();
      const t0 = performance.now();
      // A 429 or 503 says "retry" (Retry-After): a province sends again with the same webhook-id.
      for (let attempt = 1; ; attempt++) {
        let res;
        try {
          res = await post(
            target.url,
            { 'content-type': 'application/json', ...sign(target.secret, `${idPrefix}-${i}`, body) },
            body,
          );
        } catch (error) {
          // A kept-alive connection the server closed as it was reused: sent again, same webhook-id.
          if (error.code !== 'ECONNRESET' || attempt >= maxAttempts) throw error;
          retries.reset = (retries.reset ?? 0) + 1;
          continue;
        }
        const answer = res.json;
        if ((res.status === 429 || res.status === 503) && attempt < maxAttempts) {
          retries[res.status] = (retries[res.status] ?? 0) + 1;
          await sleep(Math.min(5000, 1000 * Number(res.retryAfter ?? 1)));
          continue;
        }
        latencies[i] = performance.now() - t0;
        ackAt[i] = Date.now();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status === 202) records += answer.records;
        break;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { latencies, statuses, retries, records, wallMs: performance.now() - started, sentAt, ackAt };
}

parentPort.on('message', (job) => {
  run({ ...workerData, ...job }).then(
    (result) => parentPort.postMessage({ ok: true, result }),
    (error) =>
      parentPort.postMessage({ ok: false, error: String(error && error.stack ? error.stack : error) }),
  );
});
