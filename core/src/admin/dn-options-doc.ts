/**
 * The OpenAPI document of the DN routes shows every DN option the registry's validator knows (the core's and
 * the enabled plugins', each plugin's named in its description), the same list `config.schema.json` publishes.
 * Only the document changes: the route itself keeps `options` an open object, because the registry's validator
 * judges it (fastify's ajv coerces types, which would let the API accept what the config file refuses).
 */
import type { SwaggerTransform } from "@fastify/swagger";
import type { JsonSchema } from "@tandem/sdk";

type Schema = Record<string, unknown>;

/** A route's document with the body's `options` spelled out; the route's validation is untouched. */
export function documentDnOptions(options: Readonly<Record<string, JsonSchema>>): SwaggerTransform {
  return ({ schema, url }) => {
    const body = schema.body as Schema | undefined;
    const properties = (body?.["properties"] ?? {}) as Record<string, Schema>;
    if (body === undefined || properties["options"] === undefined) return { schema, url };
    const documented = { ...properties["options"], properties: { ...options }, additionalProperties: false };
    return { schema: { ...schema, body: { ...body, properties: { ...properties, options: documented } } }, url };
  };
}
