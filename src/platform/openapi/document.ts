import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { version } from '../../../package.json';
import { CREDENTIAL_FORMS } from '../../auth/credentials';
import { catalogueTable } from '../../common/errors/error-docs';
import { withoutUnversionedAliases } from './unversioned-aliases';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Hostwright API')
    .setDescription(
      'Open hosting control panel API. Native API under /api/v1 (`{ "data": … }`); errors are ' +
        '`{ "error": "<code>", "message": "…", "details"?: [{ "field", "message" }] }`. ' +
        'Every /api/v1 account, client, package and server route also answers without `v1` (`/api/accounts…`); this document lists each once. ' +
        'Plesk-compatible adapter: the reseller API under /API (`x-api-key`; `{ success, message, data }`, errors ' +
        '`{ success: false, message, errors? }`) and Plesk REST v2 under /api/v2 (`X-API-Key` or Basic with a token as ' +
        'password; bare JSON, errors `{ code, message }`). ' +
        'Opterius-compatible adapter: the verb API `POST /api/v1/test` and `POST /api/v1/accounts/<verb>` (`{ result, message, data }`, errors ' +
        '`{ result: "error", message, errors? }`); a token made with `dialect: "opterius"` also gets Opterius\' shape on `GET /api/v1/packages`.\n\n' +
        'Error codes, with the status the native API answers with (Plesk REST v2 answers 400 for `validation_failed` and `conflict`):\n\n' +
        catalogueTable(),
    )
    .setVersion(version)
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    // Relative: Swagger UI and generated clients resolve it against wherever the panel is reached.
    .addServer('/');
  // No document-wide requirement: each operation's security comes from its route's @Authenticated.
  for (const { schemes } of Object.values(CREDENTIAL_FORMS)) {
    for (const [name, scheme] of Object.entries(schemes)) config.addSecurity(name, scheme);
  }
  const document = SwaggerModule.createDocument(app, config.build(), {
    // A controller mounted at two paths gets `list[0]` and `list[1]`; the alias is dropped below, so the id needs no index.
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method.replace(/\[\d+\]$/, '')}`,
  });
  return withoutUnversionedAliases(document);
}

/** Swagger UI at /docs, the JSON at /docs/json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
}
