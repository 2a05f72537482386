import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type HubConfig } from '@txng/common';
import { Logger } from 'nestjs-pino';
import { GatewayModule, type GatewayOptions } from './gateway.module';

/**
 * Builds the gateway application without listening, so that main.ts and the integration tests run
 * exactly the same wiring.
 */
export async function createGateway(config: HubConfig, options: GatewayOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config, options), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '2mb' });
  app.disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('txng-hub')
      .setDescription(
        'Federation gateway between provincial traceability systems and the National Traceability Portal: ' +
          'webhook ingest, operator API, health and metrics.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
