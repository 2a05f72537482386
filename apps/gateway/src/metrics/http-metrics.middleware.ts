import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { METRICS_REGISTRY } from '@txng/common';
import { type NextFunction, type Request, type Response } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** Request latency by method, route pattern (not the raw URL: keys would explode) and status. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration: Histogram;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = new Histogram({
      name: 'txng_http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.duration.startTimer();
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: route ? req.baseUrl + route : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  }
}
