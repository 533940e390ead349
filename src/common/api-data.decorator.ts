import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PageMeta } from './pagination';

/** Documents `{ "data": <model> }`. */
export function ApiData(model: Type<unknown>, status = 200): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({ status, schema: { type: 'object', required: ['data'], properties: { data: { $ref: getSchemaPath(model) } } } }),
  );
}

/** Documents `{ "data": [<model>] }`. */
export function ApiDataList(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({ status: 200, schema: { type: 'object', required: ['data'], properties: { data: { type: 'array', items: { $ref: getSchemaPath(model) } } } } }),
  );
}

/** Documents `{ "data": [<model>], "meta": { next_cursor, limit } }`. */
export function ApiPage(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model, PageMeta),
    ApiResponse({
      status: 200,
      schema: {
        type: 'object',
        required: ['data', 'meta'],
        properties: { data: { type: 'array', items: { $ref: getSchemaPath(model) } }, meta: { $ref: getSchemaPath(PageMeta) } },
      },
    }),
  );
}
