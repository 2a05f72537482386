import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { migrateDatabase } from '@txng/persistence';
import Redis from 'ioredis';
import request from 'supertest';
import { RedisThrottlerStorage } from '../../apps/gateway/src/auth/admin-rate-limit.guard';
import { createGateway } from '../../apps/gateway/src/create-gateway';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { PORTAL_PROBE_CACHE_MS } from '../../apps/gateway/src/health/health.controller';
import { listenGateway } from '../../apps/gateway/src/listen-gateway';
import { Public, RequireRole } from '../../apps/gateway/src/auth/roles.decorator';
import { admin, createToken } from '../support/admin-client';
import { startGateway, type GatewayHarness } from '../support/gateway-harness';
import { listenOnLoopback } from '../support/hub-handles';
import { simAdmin, startSim } from '../support/portal-sim';
import { createTestEnv, type TestEnv } from '../support/test-env';

/*
 * The gateway's defaults close rather than open (docs/security.md): routes need a token unless
 * marked public, every answer carries security headers, a token's calls to /v1/admin are limited,
 * /health/portal cannot be used to hammer the portal, board sessions end with sign-out and with the
 * token they were opened with, and development defaults listen on loopback only.
 */

@Controller('v1/admin/forgotten')
class ForgottenController {
  @Get()
  undecorated(): { reached: true } {
    return { reached: true };
  }

  @Get('open')
  @Public()
  open(): { reached: true } {
    return { reached: true };
  }
}

@Public()
@Controller('public-by-class')
class PublicByClassController {
  @Get()
  open(): { reached: true } {
    return { reached: true };
  }

  @Get('closed')
  @RequireRole('viewer')
  closed(): { reached: true } {
    return { reached: true };
  }
}

describe('routes are closed by default', () => {
  let env: TestEnv;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
    const moduleRef = await Test.createTestingModule({
      imports: [GatewayModule.forRoot(env.config, { withWorkers: false })],
      controllers: [ForgottenController, PublicByClassController],
    }).compile();
    app = moduleRef.createNestApplication();
    url = await listenOnLoopback(app);
  });
  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  it('answers 401 on a route that names no role, 403 below admin, and serves admin', async () => {
    const none = await request(url).get('/v1/admin/forgotten');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'unauthorized', message: expect.any(String), details: [] });
    const operator = await createToken(url, 'operator');
    await request(url)
      .get('/v1/admin/forgotten')
      .set('Authorization', `Bearer ${operator.token}`)
      .expect(403);
    await admin(url).get('/v1/admin/forgotten').expect(200, { reached: true });
  });

  it('opens only what @Public() marks, and a handler role wins over a public controller', async () => {
    await request(url).get('/v1/admin/forgotten/open').expect(200, { reached: true });
    await request(url).get('/public-by-class').expect(200, { reached: true });
    await request(url).get('/public-by-class/closed').expect(401);
  });
});

describe('gateway defaults (real PostgreSQL and Redis)', () => {
  let hub: GatewayHarness;

  beforeAll(async () => {
    hub = await startGateway();
  });
  afterAll(async () => {
    await hub?.close();
  });

  describe('security headers on every surface', () => {
    const common = (res: request.Response): void => {
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      // HSTS belongs to the proxy that terminates TLS.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    };

    it.each([
      ['the API, refused', '/v1/admin/whoami', false, 401],
      ['the API, answered', '/v1/admin/whoami', true, 200],
      ['health', '/health/live', false, 200],
      ['a webhook refused', '/v1/webhooks/no-such-source', false, 404],
    ])('%s: JSON that may load nothing and be framed by nobody', async (_what, path, withToken, status) => {
      const call = path.startsWith('/v1/webhooks') ? request(hub.url).post(path) : request(hub.url).get(path);
      const res = await (withToken ? call.set('Authorization', 'Bearer test-admin-token-0123456789') : call);
      expect(res.status).toBe(status);
      common(res);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it('/docs: its own scripts only (inline styles for Swagger UI), not framed', async () => {
      for (const path of ['/docs', '/docs/openapi.json']) {
        const res = await request(hub.url).get(path).redirects(1);
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
        common(res);
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      }
    });

    it('the admin UI keeps its strict policy (no inline code), bull-board its own', async () => {
      const ui = await request(hub.url).get('/admin/');
      common(ui);
      expect(String(ui.headers['content-security-policy'])).not.toContain('unsafe-inline');
      expect(ui.headers['permissions-policy']).toContain('camera=()');
      const board = await request(hub.url).get('/admin/queues/board/');
      expect(board.status).toBe(401);
      common(board);
      expect(String(board.headers['content-security-policy'])).toContain("script-src 'self' 'unsafe-inline'");
    });
  });

  describe('queue board sessions', () => {
    const BOARD_API = '/admin/queues/board/api/queues';

    it('ends at sign-out: the old cookie is refused afterwards', async () => {
      const operator = await createToken(hub.url, 'operator', 'đăng xuất');
      const opened = await admin(hub.url, operator.token).post('/v1/admin/session').expect(200);
      const cookie = String(opened.headers['set-cookie']).split(';')[0];
      await request(hub.url).get(BOARD_API).set('Cookie', cookie).expect(200);

      const closed = await admin(hub.url, operator.token).delete('/v1/admin/session').expect(204);
      expect(String(closed.headers['set-cookie'])).toMatch(
        /^txng_board=; Path=\/admin\/queues\/board; Max-Age=0/,
      );
      await request(hub.url).get(BOARD_API).set('Cookie', cookie).expect(401);
      // Sign-out needs the token: without it nobody's sessions can be ended by a stranger.
      await request(hub.url).delete('/v1/admin/session').expect(401);
    });

    it('of HUB_ADMIN_TOKEN ends when HUB_ADMIN_TOKEN changes', async () => {
      const opened = await admin(hub.url).post('/v1/admin/session').expect(200);
      const cookie = String(opened.headers['set-cookie']).split(';')[0];
      const start = async (adminToken: string) => {
        const app = await createGateway({ ...hub.env.config, adminToken }, { withWorkers: false });
        return { app, url: await listenOnLoopback(app) };
      };
      const same = await start(hub.env.config.adminToken!);
      const changed = await start('a-new-admin-token-0123456789');
      try {
        // The same deployment restarted keeps the session; a new token ends it.
        await request(same.url).get(BOARD_API).set('Cookie', cookie).expect(200);
        await request(changed.url).get(BOARD_API).set('Cookie', cookie).expect(401);
      } finally {
        await same.app.close();
        await changed.app.close();
      }
    });
  });
});

describe('rate limit per token on /v1/admin', () => {
  let hub: GatewayHarness;

  beforeAll(async () => {
    // A long window: the four calls below never straddle two windows.
    hub = await startGateway({ env: { ADMIN_RATE_LIMIT: '3', ADMIN_RATE_WINDOW_SECONDS: '3600' } });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers 429 with Retry-After and the coded body past the limit, for that token only', async () => {
    const viewer = await createToken(hub.url, 'viewer', 'giới hạn');
    const as = admin(hub.url, viewer.token);
    for (let i = 0; i < 3; i++) await as.get('/v1/admin/whoami').expect(200);
    const limited = await as.get('/v1/admin/sources');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate_limited', message: expect.any(String), details: [] });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // Same address, another token: its own budget (the key is the token, not the IP).
    await admin(hub.url).get('/v1/admin/whoami').expect(200);
    // Routes outside /v1/admin are not counted against anyone.
    await request(hub.url).get('/health/live').expect(200);
  });
});

describe('the rate limit without Redis', () => {
  it('lets requests through rather than refusing every operator while Redis is away', async () => {
    const gone = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    gone.on('error', () => undefined);
    try {
      const storage = new RedisThrottlerStorage(gone);
      await expect(storage.increment('k', 60_000, 1)).resolves.toMatchObject({ isBlocked: false });
    } finally {
      gone.disconnect();
    }
  });
});

describe('/health/portal', () => {
  it(`probes the portal at most once per ${PORTAL_PROBE_CACHE_MS / 1000} s, however often it is called`, async () => {
    const sim = await startSim();
    const hub = await startGateway({
      env: {
        PORTAL_BASE_URL: sim.url,
        PORTAL_CLIENT_ID: 'txng-hub-dev',
        PORTAL_CLIENT_SECRET: 'txng-hub-dev-secret',
      },
    });
    try {
      const summaries = async (): Promise<number> => {
        const stats = (await simAdmin(sim).stats()) as { calls: Record<string, number> };
        return Object.entries(stats.calls)
          .filter(([name]) => name.startsWith('GET /api/v1/provinces/:code/summary'))
          .reduce((sum, [, n]) => sum + n, 0);
      };
      const viewer = admin(hub.url);
      const answers = await Promise.all([1, 2, 3, 4, 5].map(() => viewer.get('/health/portal')));
      for (let i = 0; i < 5; i++) answers.push(await viewer.get('/health/portal'));
      for (const res of answers) expect(res.body).toMatchObject({ production: { reachable: true } });
      expect(await summaries()).toBe(1);

      await new Promise((r) => setTimeout(r, PORTAL_PROBE_CACHE_MS + 100));
      await viewer.get('/health/portal').expect(200);
      expect(await summaries()).toBe(2);
    } finally {
      await hub.close();
      await sim.close();
    }
  });
});

describe('listening address', () => {
  let env: TestEnv;

  beforeAll(async () => {
    env = await createTestEnv();
    await migrateDatabase(env.databaseUrl);
  });
  afterAll(async () => {
    await env?.dispose();
  });

  it('listens on loopback only on development defaults, whatever HOST says, and says so', async () => {
    const config = { ...env.config, nodeEnv: 'development' as const, port: 0, host: '0.0.0.0' };
    const app = await createGateway({ ...config, secretKeyGenerated: true }, { withWorkers: false });
    try {
      const listening = await listenGateway(
        app,
        { ...config, secretKeyGenerated: true },
        { adminToken: false },
      );
      expect(listening.host).toBe('127.0.0.1');
      expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(listening.notice).toContain('HOST=0.0.0.0 is ignored');
      await request(listening.url).get('/health/live').expect(200);
    } finally {
      await app.close();
    }
  });

  it('obeys HOST once the secrets are configured', async () => {
    const config = { ...env.config, nodeEnv: 'development' as const, port: 0, host: '127.0.0.2' };
    const app = await createGateway(config, { withWorkers: false });
    try {
      const listening = await listenGateway(app, config, { adminToken: false });
      expect(listening).toMatchObject({ host: '127.0.0.2', notice: null });
    } finally {
      await app.close();
    }
  });
});
