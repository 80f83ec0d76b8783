import fastifyEnv from '@fastify/env'
import fp from 'fastify-plugin'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import { InvalidConfigError } from '../src/errors.js'

const LogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const milliseconds = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const

// The one declaration of every setting; its type is derived from it. A description says what the
// value may be: the error for a bad value is written from it, and test/env-example.test.ts holds
// .env.example to it. Mark a secret `writeOnly: true`: the release check never prints its value.
// Plain JSON Schema, typed at compile time, so that nothing is loaded for it at startup.
export const ConfigSchema = {
  type: 'object',
  properties: {
    PORT: {
      type: 'integer',
      minimum: 0,
      maximum: 65535,
      default: 5000,
      description: 'an integer from 0 to 65535 (0 picks a free port)',
    },
    HOST: {
      type: 'string',
      pattern: '^\\S+$',
      description: 'an IP address or host name to bind; unset binds every interface, IPv4 and IPv6',
    },
    LOG_LEVEL: { enum: LogLevels, default: 'info', description: `one of ${LogLevels.join(', ')}` },
    TRUST_PROXY: {
      type: 'string',
      pattern: '^(true|false|[\\w.:/]+(\\s*,\\s*[\\w.:/]+)*)$',
      default: 'false',
      description:
        'true, false, or a comma-separated list of proxy addresses, CIDR ranges or the names loopback, linklocal, uniquelocal',
    },
    KEEP_ALIVE_TIMEOUT: {
      ...milliseconds,
      default: 95_000,
      description: 'milliseconds an idle keep-alive connection stays open, from 1 to 2147483647',
    },
    REQUEST_TIMEOUT: {
      ...milliseconds,
      default: 25_000,
      description: 'milliseconds a request may take before it is answered 503, from 1 to 2147483647',
    },
    SHUTDOWN_TIMEOUT: {
      ...milliseconds,
      default: 4_000,
      description: 'milliseconds requests in flight get to finish at shutdown, from 1 to 2147483647',
    },
  },
} as const satisfies JSONSchema

export type Config = FromSchema<typeof ConfigSchema>

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

export interface ConfigOptions {
  /** The variables to read; the server passes process.env. */
  env?: Record<string, string | undefined>
  /** A dotenv file read beneath `env`: a variable set in `env` always wins. */
  envFile?: string
}

export default fp(
  async function config(app, { env = {}, envFile }: ConfigOptions) {
    try {
      await app.register(fastifyEnv, {
        schema: ConfigSchema,
        data: env,
        env: false,
        dotenv: envFile === undefined ? false : { path: envFile },
      })
    } catch (error) {
      throw invalid(namesOfInvalid(error))
    }
    app.log.level = app.config.LOG_LEVEL
  },
  { name: 'config' },
)

/** The error for settings whose values are not allowed: one clause each, in schema order. */
export function invalid(names: string[]) {
  const clauses = Object.entries(ConfigSchema.properties)
    .filter(([name]) => names.includes(name))
    .map(([name, schema]) => `${name} must be ${schema.description}`)
  // Never the values: a bad one may be a secret.
  return new InvalidConfigError(clauses.join('; '))
}

interface AjvError {
  instancePath: string
  params: { missingProperty?: string }
}

// Anything but a validation error (an unreadable env file) is rethrown as it is.
function namesOfInvalid(error: unknown): string[] {
  const { errors } = error as { errors?: AjvError[] }
  if (errors === undefined) throw error
  return errors.map((e) => e.params.missingProperty ?? e.instancePath.slice(1))
}

/** The configuration with the value of every secret setting (`writeOnly: true`) replaced. */
export function redacted(config: Config): Record<string, unknown> {
  const schemas: Record<string, JSONSchema> = ConfigSchema.properties
  return Object.fromEntries(
    Object.entries(config).map(([name, value]) => {
      const schema = schemas[name]
      return [name, typeof schema === 'object' && schema.writeOnly ? '[redacted]' : value]
    }),
  )
}
