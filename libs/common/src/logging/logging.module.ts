import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type HubConfig } from '../config/hub-config';
import { REDACTED_PATHS } from './redact';

/** Structured JSON logs (one line per event) with secrets redacted; health and metrics probes not logged. */
@Module({})
export class LoggingModule {
  static forRoot(config: HubConfig, role: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            base: { role },
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            autoLogging: {
              ignore: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
            },
            customProps: () => ({ context: 'HTTP' }),
            serializers: {
              req: (req: { id: unknown; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
            },
          },
        }),
      ],
    };
  }
}
