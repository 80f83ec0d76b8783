import AjvCompiler from '@fastify/ajv-compiler'

type Pool = ReturnType<typeof AjvCompiler>
type Route = Parameters<ReturnType<Pool>>[0]

/**
 * Fastify's compilersFactory.buildValidator, given at construction. Fastify validates every part of a
 * request with one Ajv, which converts types and drops properties its schema does not declare: right
 * for a query string, params and headers, which are text, wrong for a JSON body, which has types of
 * its own. A body is validated as sent: `"done": "true"` or an unknown key is a 400 naming it.
 */
export function buildValidator(externalSchemas: Parameters<Pool>[0], options: Parameters<Pool>[1]) {
  const pool = AjvCompiler()
  const asText = pool(externalSchemas, options)
  const asSent = pool(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false, removeAdditional: false },
  } as Parameters<Pool>[1])
  const compile: ReturnType<Pool> = (route: Route) => (route.httpPart === 'body' ? asSent : asText)(route)
  return compile
}
