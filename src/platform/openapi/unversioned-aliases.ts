import { OpenAPIObject } from '@nestjs/swagger';

const VERSIONED = /^\/api\/v1\//;

/**
 * Controllers that billing modules reach as `/api/accounts…` are mounted at both `api/v1/x` and
 * `api/x`. The alias is still served; the document drops each path whose `/api/v1` twin it lists,
 * so the explorer and the SDK show every operation once.
 */
export function withoutUnversionedAliases(document: OpenAPIObject): OpenAPIObject {
  const aliases = Object.keys(document.paths)
    .filter((path) => VERSIONED.test(path))
    .map((path) => path.replace(VERSIONED, '/api/'));
  for (const alias of aliases) delete document.paths[alias];
  return document;
}
