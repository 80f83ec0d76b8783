import AjvCompiler from '@fastify/ajv-compiler'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'

type Pool = ReturnType<typeof AjvCompiler>
type Route = Parameters<ReturnType<Pool>>[0]
type Validate = ReturnType<ReturnType<Pool>>

// Fastify's schema compilers, given at construction. Fastify compiles every route's schemas as the
// app starts; these compile each the first time a request needs it, so that starting costs nothing
// per route (it was a fifth of the instructions the app took to start, counted as npm run
// bench:instructions counts them). A schema that cannot be compiled fails the first request that
// needs it, with a 500, and the test of its route.

/**
 * Validators. Fastify validates every part of a request with one Ajv, which converts types and drops
 * properties its schema does not declare: right for a query string, params and headers, which are
 * text, wrong for a JSON body, which has types of its own. A body is validated as sent:
 * `"done": "true"` or an unknown key is a 400 naming it.
 */
export function buildValidator(externalSchemas: Parameters<Pool>[0], options: Parameters<Pool>[1]) {
  const pool = AjvCompiler()
  const asText = onFirstUse(() => pool(externalSchemas, options))
  const asSent = onFirstUse(() =>
    pool(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false, removeAdditional: false },
    } as Parameters<Pool>[1]),
  )
  return (route: Route) => {
    const validator = onFirstUse(() => (route.httpPart === 'body' ? asSent() : asText())(route))
    // Ajv reports a failure in the function's `errors`; Fastify reads them from the function it has.
    // `schemaEnv` says, as Ajv's own functions do, that it may replace the part it validates.
    const validate = Object.assign(
      (data: unknown, context?: unknown) => {
        const compiled = validator()
        const valid = (compiled as (data: unknown, context?: unknown) => boolean)(data, context)
        validate.errors = compiled.errors
        return valid
      },
      { errors: undefined as Validate['errors'], schemaEnv: true },
    )
    return validate as unknown as Validate
  }
}

/** Response serializers, fast-json-stringify's as Fastify's own. */
export function buildSerializer(
  externalSchemas: Parameters<ReturnType<typeof SerializerSelector>>[0],
  options: Parameters<ReturnType<typeof SerializerSelector>>[1],
) {
  const compile = SerializerSelector()(externalSchemas, options)
  return (route: Parameters<typeof compile>[0]) => {
    const serializer = onFirstUse(() => compile(route))
    return (data: unknown) => serializer()(data)
  }
}

/** What make() returns, made on the first call. */
function onFirstUse<T>(make: () => T) {
  let made: T | undefined
  return () => {
    if (made === undefined) made = make()
    return made
  }
}
