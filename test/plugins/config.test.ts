import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { Test } from 'tap'
import t from 'tap'
import { type AppOptions, buildApp } from '../../src/app.js'
import { captureLogs } from '../helper.js'

// The app as configured, with no setting of the tests' own.
async function build(t: Test, options: AppOptions = {}) {
  const app = await buildApp(options)
  t.teardown(() => app.close())
  return app
}

const defaults = {
  PORT: 5000,
  LOG_LEVEL: 'info',
  TRUST_PROXY: 'false',
  KEEP_ALIVE_TIMEOUT: 95_000,
  REQUEST_TIMEOUT: 25_000,
  SHUTDOWN_TIMEOUT: 4_000,
  API_DOCS: true,
  OVERLOAD_EVENT_LOOP_DELAY: 1_000,
  OVERLOAD_HEAP_USED: 400,
  OVERLOAD_RSS: 450,
  DATABASE_POOL_SIZE: 5,
  DATABASE_CONNECT_TIMEOUT: 5_000,
  DATABASE_STATEMENT_TIMEOUT: 5_000,
  MIGRATIONS_DIR: 'migrations',
  EMBEDDED_DATABASE_DIR: '.data/postgres',
}

t.test('defaults: PORT 5000, HOST unset, and what the platforms need', async (t) => {
  const app = await build(t)
  t.same(app.config, defaults)
})

t.test('accepts every valid PORT, from 0 to 65535', async (t) => {
  for (const [PORT, expected] of [
    ['0', 0],
    ['1', 1],
    ['5000', 5000],
    ['65535', 65535],
  ] as const) {
    const app = await build(t, { env: { PORT } })
    t.equal(app.config.PORT, expected, `PORT=${PORT}`)
  }
})

t.test('rejects a bad PORT, naming the variable and what it allows', async (t) => {
  for (const PORT of [
    'abc',
    '70000',
    '65536',
    '-1',
    '',
    '1.5',
    '80abc',
    ' ',
    '0x1388',
    '1e3',
    '5000.0',
    '+80',
    '0b1',
    ' 5000 ',
  ]) {
    await t.rejects(
      buildApp({ env: { PORT } }),
      {
        code: 'APP_INVALID_CONFIG',
        message: 'Invalid configuration: PORT must be an integer from 0 to 65535 (0 picks a free port)',
      },
      `PORT=${JSON.stringify(PORT)}`,
    )
  }
})

t.test('accepts a HOST to bind', async (t) => {
  for (const HOST of ['127.0.0.1', '::1', '0.0.0.0', 'localhost']) {
    const app = await build(t, { env: { HOST } })
    t.equal(app.config.HOST, HOST, `HOST=${HOST}`)
  }
})

t.test('rejects a HOST that is not an address or name of this machine', async (t) => {
  for (const HOST of [
    '',
    'local host',
    '999.1.1.1',
    'http://127.0.0.1',
    '127.0.0.1:80',
    '192.0.2.1',
    'no-such-host.invalid',
  ]) {
    await t.rejects(
      buildApp({ env: { HOST } }),
      { message: /^Invalid configuration: HOST must be an IP address or host name/ },
      `HOST=${JSON.stringify(HOST)}`,
    )
  }
})

t.test('accepts each log level and sets the logger to it', async (t) => {
  for (const LOG_LEVEL of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const) {
    const app = await build(t, { env: { LOG_LEVEL }, logger: pino({ level: 'info' }, nowhere()) })
    t.equal(app.config.LOG_LEVEL, LOG_LEVEL)
    t.equal(app.log.level, LOG_LEVEL, `LOG_LEVEL=${LOG_LEVEL}`)
  }
})

t.test('rejects an unknown log level, listing the allowed ones', async (t) => {
  await t.rejects(buildApp({ env: { LOG_LEVEL: 'verbose' } }), {
    message: 'Invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
})

t.test('names every bad variable in one message, in schema order', async (t) => {
  await t.rejects(buildApp({ env: { LOG_LEVEL: 'loud', HOST: '', PORT: 'x' } }), {
    message: /^Invalid configuration: PORT must be .+; HOST must be .+; LOG_LEVEL must be .+$/,
  })
})

t.test('accepts timeouts in milliseconds', async (t) => {
  const env = {
    KEEP_ALIVE_TIMEOUT: '120000',
    REQUEST_TIMEOUT: '2',
    SHUTDOWN_TIMEOUT: '2147483647',
    DATABASE_STATEMENT_TIMEOUT: '1',
  }
  const app = await build(t, { env })
  t.match(app.config, {
    KEEP_ALIVE_TIMEOUT: 120_000,
    REQUEST_TIMEOUT: 2,
    SHUTDOWN_TIMEOUT: 2_147_483_647,
    DATABASE_STATEMENT_TIMEOUT: 1,
  })
})

t.test('a statement timeout as long as REQUEST_TIMEOUT or longer is refused, naming both', async (t) => {
  for (const env of [{ REQUEST_TIMEOUT: '3000' }, { DATABASE_STATEMENT_TIMEOUT: '25000' }])
    await t.rejects(buildApp({ env }), {
      message:
        'Invalid configuration: DATABASE_STATEMENT_TIMEOUT must be milliseconds a query may run, from 1 to 2147483647 and shorter than REQUEST_TIMEOUT',
    })
})

t.test('rejects a timeout that is not a positive whole number of milliseconds', async (t) => {
  for (const name of ['KEEP_ALIVE_TIMEOUT', 'REQUEST_TIMEOUT', 'SHUTDOWN_TIMEOUT']) {
    for (const value of ['0', '-5', '1.5', '30s', '', '2147483648', ' ', '0x10', '1e3', '+5']) {
      await t.rejects(
        buildApp({ env: { [name]: value } }),
        {
          message: new RegExp(
            `^Invalid configuration: ${name} must be milliseconds .+, from 1 to 2147483647$`,
          ),
        },
        `${name}=${JSON.stringify(value)}`,
      )
    }
  }
})

t.test('ignores variables it does not know', async (t) => {
  const app = await build(t, { env: { PATH: '/bin', HOSTNAME: 'box', SECRET: 'x' } })
  t.same(app.config, defaults)
})

t.test('reads an env file, and the environment wins over it', async (t) => {
  const dir = t.testdir({ '.env': 'PORT=6001\nLOG_LEVEL=debug\n' })
  const envFile = join(dir, '.env')
  const fromFile = await build(t, { envFile })
  t.same(fromFile.config, { ...defaults, PORT: 6001, LOG_LEVEL: 'debug' })
  const overridden = await build(t, { envFile, env: { PORT: '6002' } })
  t.same(overridden.config, { ...defaults, PORT: 6002, LOG_LEVEL: 'debug' })
})

t.test('reads an env file that starts with a byte-order mark', async (t) => {
  const dir = t.testdir({ '.env': '\uFEFFPORT=6001\nLOG_LEVEL=debug\n' })
  const app = await build(t, { envFile: join(dir, '.env') })
  t.match(app.config, { PORT: 6001, LOG_LEVEL: 'debug' })
})

t.test(
  'warns of a variable in the env file that is not a setting, naming the one it resembles',
  async (t) => {
    const dir = t.testdir({ '.env': 'PROT=6000\nport=6001\nLOG_LEVL=debug\nGREETING=hi\n' })
    const { logger, lines } = captureLogs()
    const app = await build(t, { envFile: join(dir, '.env'), logger })
    t.same(app.config, defaults, 'none of them is applied')
    t.same(
      lines
        .filter((line) => line.level === 40)
        .map((line) => line.msg)
        .sort(),
      [
        '.env sets GREETING, which is not a setting: it is ignored',
        '.env sets LOG_LEVL, which is not a setting: it is ignored (did you mean LOG_LEVEL?)',
        '.env sets PROT, which is not a setting: it is ignored (did you mean PORT?)',
        '.env sets port, which is not a setting: it is ignored (did you mean PORT?)',
      ],
    )
  },
)

t.test('starts without an env file when there is none', async (t) => {
  const app = await build(t, { envFile: join(t.testdir(), '.env') })
  t.equal(app.config.PORT, 5000)
})

t.test('reports a bad value read from the env file like any other', async (t) => {
  const envFile = join(t.testdir(), '.env')
  writeFileSync(envFile, 'PORT=99999\n')
  await t.rejects(buildApp({ envFile }), { code: 'APP_INVALID_CONFIG', message: /PORT must be/ })
})

t.test('an env file that cannot be read fails with its own error', async (t) => {
  await t.rejects(buildApp({ envFile: t.testdir() }), { code: 'EISDIR' })
})

function nowhere() {
  return new Writable({ write: (_chunk, _encoding, done) => done() })
}
