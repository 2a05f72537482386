import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { type NextFunction, type Request, type Response } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import { SimContext } from '../state/sim-context';
import { routeLabel } from './route-label';
import { SimHttpError } from './sim-http.error';

/** What the gate tells the batch controller through res.locals. */
export interface GateLocals {
  clientId?: string;
  dropAfterStore?: boolean;
  /** Set by whoever destroys the socket on purpose, so the call is counted as dropped. */
  dropped?: boolean;
}

/**
 * Everything that happens to a call before a controller sees it, in the order a real gateway
 * would apply it: outage, then authentication, then the per-client rate limit, then the injected
 * faults. Also counts every call for /__sim/stats, including connections dropped unanswered.
 */
@Injectable()
export class SimGateMiddleware implements NestMiddleware {
  constructor(@Inject(SimContext) private readonly sim: SimContext) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.gate(req, res).then(
      (proceed) => (proceed ? next() : undefined),
      (error: unknown) => {
        // Answered here rather than through the filter: Nest's filters do not see errors handed to
        // next() from an asynchronous middleware.
        if (!(error instanceof SimHttpError)) return next(error);
        if (!res.headersSent && !res.destroyed) res.status(error.status).set(error.headers).json(error.body);
      },
    );
  }

  private async gate(req: Request, res: Response): Promise<boolean> {
    const route = routeLabel(req.method, req.originalUrl);
    res.once('close', () =>
      this.sim.stats.call(
        route,
        (res.locals as GateLocals).dropped || !res.writableFinished ? 'dropped' : res.statusCode,
      ),
    );
    if (req.path.startsWith('/__sim/')) return true;

    const outage = this.sim.faults.outageRetryAfter();
    if (outage !== null) {
      throw new SimHttpError(
        503,
        { error: 'temporarily_unavailable', message: 'the portal is down for maintenance' },
        { 'Retry-After': String(outage) },
      );
    }
    if (req.path === '/oauth/token') return true;

    const clientId = this.authenticate(req);
    (res.locals as GateLocals).clientId = clientId;
    const wait = this.sim.limiter.take(clientId);
    if (wait !== null) throw rateLimited(wait);
    if (this.sim.faults.take429()) throw rateLimited(this.sim.faults.current.retryAfterSeconds);

    const isBatch = req.method === 'POST' && req.path === '/api/v1/batches';
    if (isBatch) {
      const body = req.body as { provinceCode?: unknown } | undefined;
      const leave = this.sim.stats.enter(typeof body?.provinceCode === 'string' ? body.provinceCode : '?');
      res.once('close', leave);
    }
    const latency = this.sim.faults.current.latencyMs;
    if (latency > 0) await sleep(latency);
    if (!isBatch) return true;

    const status = this.sim.faults.take5xx();
    if (status !== null) throw new SimHttpError(status, { error: 'server_error', message: 'injected fault' });
    const drop = this.sim.faults.takeDrop();
    if (drop === 'before') {
      (res.locals as GateLocals).dropped = true;
      req.socket.destroy();
      return false;
    }
    if (drop === 'after-store') (res.locals as GateLocals).dropAfterStore = true;
    return true;
  }

  private authenticate(req: Request): string {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const clientId = match?.[1] ? this.sim.tokens.verify(match[1]) : null;
    if (clientId === null) {
      throw new SimHttpError(
        401,
        { error: 'invalid_token' },
        { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
      );
    }
    return clientId;
  }
}

const rateLimited = (seconds: number): SimHttpError =>
  new SimHttpError(
    429,
    { error: 'rate_limited', message: `slow down; retry after ${seconds} s` },
    { 'Retry-After': String(seconds) },
  );
