import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type HubConfig } from '../config/hub-config';
import { REDACTED_PATHS } from './redact';

/** Nest's start-up chatter (modules loaded, routes mapped): debug, not info. */
const CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/**
 * Short coloured lines for a person at a terminal in development (pino-pretty, a development
 * dependency); JSON everywhere else: in production, and whenever the output goes to a file, a pipe
 * or a log collector.
 */
function prettyTransport(config: HubConfig) {
  if (config.nodeEnv === 'production' || !process.stdout.isTTY) return undefined;
  try {
    require.resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return {
    target: 'pino-pretty',
    options: {
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,role,context,req,res,responseTime',
      messageFormat: '{role} {context}: {msg}',
    },
  };
}

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
            transport: prettyTransport(config),
            hooks: {
              logMethod(args, method, level) {
                const first: unknown = args[0];
                const context =
                  typeof first === 'object' && first !== null
                    ? (first as { context?: unknown }).context
                    : undefined;
                if (level === 30 && typeof context === 'string' && CHATTER.has(context)) {
                  // Logged again at debug (this hook sees it at level 20 and lets it through).
                  if (this.isLevelEnabled('debug')) this.debug(...(args as [object, string]));
                  return;
                }
                method.apply(this, args);
              },
            },
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
