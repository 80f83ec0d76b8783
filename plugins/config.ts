import { lookup } from 'node:dns/promises'
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os'
import { parseEnv } from 'node:util'
import fastifyEnv from '@fastify/env'
import createError from '@fastify/error'
import fp from 'fastify-plugin'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import { compileTrustProxy } from './trust-proxy.js'

export const InvalidConfigError = createError('APP_INVALID_CONFIG', 'Invalid configuration: %s')

const LogLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const milliseconds = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const

// The one declaration of every setting; its type is derived from it. Each description completes the
// sentence "NAME must be …": the error for a bad value is that sentence, and test/env-example.test.ts
// holds .env.example to the schema. Mark a secret `writeOnly: true`: the release check never prints
// its value. Plain JSON Schema, typed at compile time, so that nothing is loaded for it at startup.
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
      description: 'an IP address or host name of this machine; unset binds every interface, IPv4 and IPv6',
    },
    LOG_LEVEL: { enum: LogLevels, default: 'info', description: `one of ${LogLevels.join(', ')}` },
    TRUST_PROXY: {
      type: 'string',
      default: 'false',
      description:
        'true, false, a number of proxy hops, or a comma-separated list of proxy addresses, CIDR ranges or the names loopback, linklocal, uniquelocal',
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
    API_DOCS: {
      type: 'boolean',
      default: true,
      description: 'true or false: whether /docs and /openapi.json are served',
    },
    CORS_ORIGIN: {
      type: 'string',
      pattern: '^(\\*|https?://[^\\s,/]+(\\s*,\\s*https?://[^\\s,/]+)*)$',
      description:
        'unset (no cross-origin access), * (any origin), or a comma-separated list of origins such as https://app.example',
    },
    OVERLOAD_EVENT_LOOP_DELAY: {
      ...milliseconds,
      minimum: 0,
      default: 1_000,
      description:
        'milliseconds of event loop delay past which new requests get 503, up to 2147483647 (0: never)',
    },
    OVERLOAD_HEAP_USED: {
      type: 'integer',
      minimum: 0,
      default: 400,
      description: 'megabytes of JavaScript heap in use past which new requests get 503 (0: never)',
    },
    OVERLOAD_RSS: {
      type: 'integer',
      minimum: 0,
      default: 450,
      description: 'megabytes of resident memory past which new requests get 503 (0: never)',
    },
    DATABASE_URL: {
      type: 'string',
      writeOnly: true,
      pattern: '^postgres(ql)?://',
      description:
        'a PostgreSQL URL, postgres://user:password@host:5432/database; unset, the embedded database (installed with the development dependencies only)',
    },
    DATABASE_POOL_SIZE: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 5,
      description: 'the most connections to the database this process opens, from 1 to 1000',
    },
    DATABASE_CONNECT_TIMEOUT: {
      ...milliseconds,
      default: 5_000,
      description: 'milliseconds to wait for a connection to the database, from 1 to 2147483647',
    },
    DATABASE_STATEMENT_TIMEOUT: {
      ...milliseconds,
      default: 5_000,
      description: 'milliseconds a query may run, from 1 to 2147483647 and shorter than REQUEST_TIMEOUT',
    },
    MIGRATIONS_DIR: {
      type: 'string',
      minLength: 1,
      default: 'migrations',
      description: "the folder of the database's migrations, from the project's folder",
    },
    EMBEDDED_DATABASE_DIR: {
      type: 'string',
      minLength: 1,
      default: '.data/postgres',
      description: 'the folder of the embedded database, used while DATABASE_URL is unset',
    },
  },
} as const satisfies JSONSchema

export type Config = FromSchema<typeof ConfigSchema>

type Name = keyof typeof ConfigSchema.properties
const names = Object.keys(ConfigSchema.properties) as Name[]

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
    const fromFile = envFile === undefined ? {} : readEnvFile(envFile)
    for (const warning of unknownSettings(fromFile)) app.log.warn(warning)
    const raw = { ...fromFile, ...env }
    const bad: string[] = [...notDecimal(raw), ...(await notOfThisMachine(raw))]
    try {
      await app.register(fastifyEnv, { schema: ConfigSchema, data: raw, env: false })
    } catch (error) {
      bad.push(...namesOfInvalid(error))
    }
    // Once each value is valid: a query must end before the request waiting for it times out, or it
    // would run on for nobody, holding a connection.
    if (bad.length === 0 && app.config.DATABASE_STATEMENT_TIMEOUT >= app.config.REQUEST_TIMEOUT)
      bad.push('DATABASE_STATEMENT_TIMEOUT')
    if (bad.length > 0) throw invalid(bad)
    app.log.level = app.config.LOG_LEVEL
  },
  { name: 'config' },
)

/** The error for settings whose values are not allowed: one clause each, in schema order. */
function invalid(bad: string[]) {
  const clauses = names
    .filter((name) => bad.includes(name))
    .map((name) => `${name} must be ${ConfigSchema.properties[name].description}`)
  // Never the values: a bad one may be a secret.
  return new InvalidConfigError(clauses.join('; '))
}

// A missing file is no error: .env is a convenience for local work. Editors on Windows may start the
// file with a byte-order mark, which would otherwise become part of the first variable's name.
function readEnvFile(path: string) {
  try {
    return parseEnv(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
}

// A variable in .env is there for this app, so one that is not a setting is most likely a typo.
function unknownSettings(fromFile: Record<string, string | undefined>) {
  return Object.keys(fromFile)
    .filter((name) => !(names as string[]).includes(name))
    .map((name) => {
      const meant = names.find((setting) => distance(name.toUpperCase(), setting) <= 2)
      const hint = meant === undefined ? '' : ` (did you mean ${meant}?)`
      return `.env sets ${name}, which is not a setting: it is ignored${hint}`
    })
}

/** Levenshtein's: how many letters to insert, delete or change to make one string the other. */
function distance(a: string, b: string) {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      const change = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1)
      row[j] = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, change)
    }
    previous = row
  }
  return previous[b.length] as number
}

// Ajv would read ' ', '0x1388', '1e3', '5000.0' or '+80' as numbers: an integer setting is decimal
// digits and nothing else.
function notDecimal(raw: Record<string, string | undefined>) {
  return names.filter((name) => {
    const value = raw[name]
    const schema: JSONSchema = ConfigSchema.properties[name]
    return (
      typeof schema === 'object' && schema.type === 'integer' && value !== undefined && !/^\d+$/.test(value)
    )
  })
}

// What JSON Schema cannot tell: whether TRUST_PROXY compiles, and whether HOST is this machine's.
async function notOfThisMachine(raw: Record<string, string | undefined>) {
  const bad: Name[] = []
  if (raw.TRUST_PROXY !== undefined && compileTrustProxy(raw.TRUST_PROXY) === undefined)
    bad.push('TRUST_PROXY')
  if (raw.HOST !== undefined && !(await isThisMachine(raw.HOST))) bad.push('HOST')
  return bad
}

// An address of one of this machine's interfaces, the wildcard of either family, or a name that
// resolves to such addresses. A name is looked up only when it could be one: 'http://x', 'x:80' and
// '999.1.1.1' (whose last label is a number) are not.
async function isThisMachine(host: string) {
  const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/i
  if (isIP(host) === 0 && !hostname.test(host)) return false
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (found) => found.map(({ address }) => address),
        () => [],
      )
  const interfaces = Object.values(networkInterfaces()) as NetworkInterfaceInfo[][]
  const local = new Set(['0.0.0.0', '::', ...interfaces.flat().map(({ address }) => address)])
  return addresses.length > 0 && addresses.every((address) => local.has(address))
}

interface AjvError {
  instancePath: string
  params: { missingProperty?: string }
}

function namesOfInvalid(error: unknown): string[] {
  const { errors } = error as { errors?: AjvError[] }
  /* c8 ignore next -- @fastify/env throws nothing but validation errors once the data is given */
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
