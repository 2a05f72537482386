import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { verifyWebhookSignature } from './webhook-signature';

/** The Standard Webhooks specification's published example (its reference libraries test with it). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const headersOf = (id: string, timestamp: number | string, signature: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

function sign(secret: string, id: string, timestamp: number, body: Buffer): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
    .digest('base64');
  return `v1,${mac}`;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

describe('verifyWebhookSignature (Standard Webhooks on node:crypto)', () => {
  const body = Buffer.from(VECTOR.body);
  const at = VECTOR.timestamp;

  it("accepts the specification's example and refuses it altered", () => {
    const ok = verifyWebhookSignature(body, headersOf(VECTOR.id, at, VECTOR.signature), [VECTOR.secret], at);
    expect(ok).toEqual({ ok: true });
    const altered = Buffer.from('{"test": 2432232315}');
    expect(
      verifyWebhookSignature(altered, headersOf(VECTOR.id, at, VECTOR.signature), [VECTOR.secret], at).ok,
    ).toBe(false);
    expect(
      verifyWebhookSignature(body, headersOf('msg_other', at, VECTOR.signature), [VECTOR.secret], at).ok,
    ).toBe(false);
    expect(
      verifyWebhookSignature(body, headersOf(VECTOR.id, at + 1, VECTOR.signature), [VECTOR.secret], at).ok,
    ).toBe(false);
  });

  it('accepts any one of several space-separated v1 entries, and ignores entries of other versions', () => {
    const wrong = `v1,${Buffer.alloc(32, 7).toString('base64')}`;
    const several = `v1a,xyz ${wrong} v2,${VECTOR.signature.slice(3)} ${VECTOR.signature}`;
    expect(verifyWebhookSignature(body, headersOf(VECTOR.id, at, several), [VECTOR.secret], at).ok).toBe(
      true,
    );
    // The right bytes under another version label are not a v1 signature.
    const otherVersion = `${wrong} v2,${VECTOR.signature.slice(3)}`;
    expect(verifyWebhookSignature(body, headersOf(VECTOR.id, at, otherVersion), [VECTOR.secret], at).ok).toBe(
      false,
    );
  });

  it('compares the base64 text: the same bytes spelled otherwise do not match', () => {
    const unpadded = VECTOR.signature.replace(/=$/, '');
    expect(verifyWebhookSignature(body, headersOf(VECTOR.id, at, unpadded), [VECTOR.secret], at).ok).toBe(
      false,
    );
  });

  it('holds the timestamp to 300 s either way', () => {
    const check = (now: number) =>
      verifyWebhookSignature(body, headersOf(VECTOR.id, at, VECTOR.signature), [VECTOR.secret], now);
    expect(check(at + 300).ok).toBe(true);
    expect(check(at - 300).ok).toBe(true);
    expect(check(at + 301)).toEqual({ ok: false, reason: expect.stringContaining('301 s old') });
    expect(check(at - 301)).toEqual({ ok: false, reason: expect.stringContaining('301 s in the future') });
  });

  it('accepts a signature under any live secret (rotation grace), none when there is none', () => {
    const headers = headersOf(VECTOR.id, at, VECTOR.signature);
    expect(verifyWebhookSignature(body, headers, [newSecret(), VECTOR.secret], at).ok).toBe(true);
    expect(verifyWebhookSignature(body, headers, [newSecret()], at).ok).toBe(false);
    expect(verifyWebhookSignature(body, headers, [], at)).toEqual({
      ok: false,
      reason: expect.stringContaining('no active signing secret'),
    });
  });

  it('names missing headers and a timestamp that is not Unix seconds', () => {
    expect(verifyWebhookSignature(body, { 'webhook-id': 'x' }, [VECTOR.secret], at)).toEqual({
      ok: false,
      reason: 'Missing header(s): webhook-timestamp, webhook-signature.',
    });
    expect(
      verifyWebhookSignature(body, headersOf(VECTOR.id, '2021-02-25', VECTOR.signature), [VECTOR.secret], at),
    ).toEqual({ ok: false, reason: 'webhook-timestamp must be Unix seconds.' });
  });

  it('signs the raw bytes: a body that is not valid UTF-8 verifies against a signature over its bytes', () => {
    const secret = newSecret();
    const bytes = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    const signature = sign(secret, 'msg_bytes', at, bytes);
    expect(verifyWebhookSignature(bytes, headersOf('msg_bytes', at, signature), [secret], at)).toEqual({
      ok: true,
    });
  });

  it('decides as the standardwebhooks reference library does, for any UTF-8 body, id and signature set', () => {
    const now = Math.floor(Date.now() / 1000);
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.stringMatching(/^msg_[A-Za-z0-9]{1,24}$/),
        // The library reads the clock itself while this check is given `now`: a skew within a few
        // seconds of the 300 s limit could be judged on either side of it as the run goes on.
        fc.integer({ min: -400, max: 400 }).filter((skew) => Math.abs(Math.abs(skew) - 300) > 5),
        fc.boolean(),
        fc.boolean(),
        (text, id, skew, signRight, addDecoy) => {
          const secret = newSecret();
          const payload = Buffer.from(text, 'utf8');
          const timestamp = now - skew;
          const right = sign(signRight ? secret : newSecret(), id, timestamp, payload);
          const signature = addDecoy ? `v1,${randomBytes(32).toString('base64')} ${right}` : right;
          const headers = headersOf(id, timestamp, signature);
          let library: boolean;
          try {
            new Webhook(secret).verify(text, headers, { jsonParse: false });
            library = true;
          } catch {
            library = false;
          }
          expect(verifyWebhookSignature(payload, headers, [secret], now).ok).toBe(library);
        },
      ),
      { numRuns: 300 },
    );
  });
});
