import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { version } from '../../../package.json';
import { catalogueTable } from '../../common/errors/error-docs';

export const SECURITY_SCHEMES = ['bearer', 'api-key'] as const;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hostwright API')
    .setDescription(
      'Open hosting control panel API. Native API under /api/v1 (`{ "data": … }`); errors are ' +
        '`{ "error": "<code>", "message": "…", "details"?: [{ "field", "message" }] }`. ' +
        'Plesk-compatible adapter: the reseller API under /API (`x-api-key`; `{ success, message, data }`, errors ' +
        '`{ success: false, message, errors? }`) and Plesk REST v2 under /api/v2 (`X-API-Key` or Basic with a token as ' +
        'password; bare JSON, errors `{ code, message }`).\n\n' +
        'Error codes, with the status the native API answers with (Plesk REST v2 answers 400 for `validation_failed` and `conflict`):\n\n' +
        catalogueTable(),
    )
    .setVersion(version)
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    // Relative: Swagger UI and generated clients resolve it against wherever the panel is reached.
    .addServer('/')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'hw_… token' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'hw_… token' }, 'api-key')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Plesk REST v2 clients: any login, the password is a hw_… token' }, 'basic')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
}

/** Swagger UI at /docs, the JSON at /docs/json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
