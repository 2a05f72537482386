import {
  type DynamicModule,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  RequestMethod,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { BatchesController } from './controllers/batches.controller';
import { OAuthController } from './controllers/oauth.controller';
import { ReadBackController } from './controllers/read-back.controller';
import { RegistryController } from './controllers/registry.controller';
import { SimAdminController } from './controllers/sim-admin.controller';
import { SimExceptionFilter } from './http/sim-exception.filter';
import { SimGateMiddleware } from './http/sim-gate.middleware';
import { SimContext } from './state/sim-context';

@Module({})
export class PortalSimModule implements NestModule {
  static forRoot(context: SimContext): DynamicModule {
    return {
      module: PortalSimModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: context.config.logLevel,
            base: { role: 'portal-sim' },
            redact: {
              paths: [
                'req.headers.authorization',
                'req.headers["x-sim-admin"]',
                '*.client_secret',
                '*.access_token',
              ],
              censor: '[redacted]',
            },
            serializers: {
              req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
            },
          },
        }),
      ],
      controllers: [
        OAuthController,
        BatchesController,
        ReadBackController,
        RegistryController,
        SimAdminController,
      ],
      providers: [
        { provide: SimContext, useValue: context },
        SimGateMiddleware,
        { provide: APP_FILTER, useClass: SimExceptionFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SimGateMiddleware).forRoutes({ path: '*splat', method: RequestMethod.ALL });
  }
}
