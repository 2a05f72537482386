import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/**
 * The gateway's OpenAPI document, served at /docs and /docs/openapi.json. The admin UI's types are
 * generated from it (apps/admin-ui/src/api-types.gen.ts, `npm run api-types`), so a DTO here is
 * what the UI compiles against.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
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
}
