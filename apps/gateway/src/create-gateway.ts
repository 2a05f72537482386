import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { type HubConfig } from '@txng/common';
import { Logger } from 'nestjs-pino';
import { GatewayModule, type GatewayOptions } from './gateway.module';
import { RAW_BODY_ROUTES } from './webhooks/raw-body';
import { mountAdminUi } from './admin-ui/admin-ui';
import { openApiDocument } from './openapi/openapi-document';
import { securityHeaders } from './http/security-headers';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * Builds the gateway application without listening, so that main.ts and the integration tests run
 * exactly the same wiring.
 */
export async function createGateway(config: HubConfig, options: GatewayOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config, options), {
    bufferLogs: true,
    abortOnError: false,
    // Webhook and preview bodies are read raw (signatures are over the exact bytes, and their
    // limit is per source); every other route gets JSON up to 2 MiB.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.use(securityHeaders());
  const json = express.json({ limit: '2mb', type: ['application/json', 'application/*+json'] });
  app.use((req: Request, res: Response, next: NextFunction) =>
    RAW_BODY_ROUTES.test(req.path) ? next() : json(req, res, next),
  );
  app.disable('x-powered-by');
  mountAdminUi(app, { dir: options.adminUiDir });

  const document = openApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
