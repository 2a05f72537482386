import { type OutboundGuard } from '@txng/common';
import axios, { isAxiosError } from 'axios';
import { Webhook } from 'standardwebhooks';

export interface SendResult {
  delivered: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** The most of a province's answer the hub reads (it only needs the status). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One signed POST to a province's callback URL (Standard Webhooks, signed with the `standardwebhooks`
 * package under every live callback secret of the source, so a province switching secrets verifies
 * with either). The connection goes through the outbound guard as poll requests do: public
 * addresses or OUTBOUND_ALLOWLIST, no environment proxy, no redirects followed. Any 2xx is
 * delivered; another status, a refused address, a network error or no answer in time is not.
 */
export class CallbackSender {
  constructor(
    private readonly guard: OutboundGuard,
    private readonly timeoutMs: number,
  ) {}

  async send(url: string, messageId: string, body: string, secrets: string[]): Promise<SendResult> {
    const started = Date.now();
    const problem = this.guard.urlProblem(url, 'The callback URL');
    if (problem) return { delivered: false, statusCode: null, error: problem, durationMs: 0 };
    const now = new Date();
    const signature = secrets.map((s) => new Webhook(s).sign(messageId, now, body)).join(' ');
    try {
      const response = await axios.post(url, body, {
        httpAgent: this.guard.httpAgent,
        httpsAgent: this.guard.httpsAgent,
        proxy: false,
        maxRedirects: 0,
        timeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
        maxContentLength: MAX_ANSWER_BYTES,
        responseType: 'text',
        transformResponse: (x: unknown) => x,
        validateStatus: () => true,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'txng-hub-callbacks',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        },
      });
      const delivered = response.status >= 200 && response.status < 300;
      return {
        delivered,
        statusCode: response.status,
        error: delivered ? null : `answered ${response.status}`,
        durationMs: Date.now() - started,
      };
    } catch (error) {
      return {
        delivered: false,
        statusCode: null,
        error: describe(error, this.timeoutMs),
        durationMs: Date.now() - started,
      };
    }
  }
}

function describe(error: unknown, timeoutMs: number): string {
  if (isAxiosError(error)) {
    if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.name === 'CanceledError')
      return `no answer within ${timeoutMs / 1000} s`;
    const cause = error.cause?.message;
    return (cause ?? error.message) || String(error.code);
  }
  return error instanceof Error ? error.message : String(error);
}
