import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedCallback {
  id: string;
  headers: IncomingHttpHeaders;
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  /** What the receiver answered. */
  answered: number;
}

/**
 * A province's callback endpoint, independent of the hub: a plain HTTP server that verifies every
 * delivery with the `standardwebhooks` package's Webhook.verify under the secret the hub showed,
 * and answers what the test tells it to (`answers`, then `fallback`). Deliveries that fail
 * verification are kept apart in `rejected`.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  readonly rejected: Array<{ headers: IncomingHttpHeaders; reason: string }> = [];
  /** Status codes to answer next, in order; then `fallback`. A negative number: wait that many ms, answer 200. */
  answers: number[] = [];
  fallback = 204;
  secret = '';
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: ReceivedCallback['body'];
        try {
          body = new Webhook(this.secret).verify(raw, headerRecord(req.headers)) as ReceivedCallback['body'];
        } catch (error) {
          this.rejected.push({ headers: req.headers, reason: (error as Error).message });
          res.writeHead(400).end();
          return;
        }
        const next = this.answers.shift() ?? this.fallback;
        const answer = (status: number): void => {
          this.received.push({
            id: String(req.headers['webhook-id']),
            headers: req.headers,
            body,
            answered: status,
          });
          res.writeHead(status).end();
        };
        if (next < 0) setTimeout(() => answer(200), -next);
        else answer(next);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/txng/callbacks`;
    return this;
  }

  of(type: string): ReceivedCallback[] {
    return this.received.filter((r) => r.body.type === type);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function headerRecord(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
  );
}
