import t from 'tap'
import { spawnServer } from './server-process.js'

t.jobs = 3

t.test('prints the configuration the server would run with, secrets redacted, and exits 0', async (t) => {
  const release = spawnServer(t, {
    program: 'release',
    fixtures: ['secret-setting'],
    env: { PORT: '8080', LOG_LEVEL: 'warn', PAYMENT_API_KEY: 'hunter2' },
  })
  t.equal(await release.exited, 0, await release.stderr)
  const printed = release.stdout()
  t.same(JSON.parse(printed.slice(0, printed.indexOf('\n}\n') + 2)), {
    PORT: 8080,
    LOG_LEVEL: 'warn',
    TRUST_PROXY: 'false',
    KEEP_ALIVE_TIMEOUT: 95000,
    REQUEST_TIMEOUT: 25000,
    SHUTDOWN_TIMEOUT: 4000,
    API_DOCS: true,
    OVERLOAD_EVENT_LOOP_DELAY: 1000,
    OVERLOAD_HEAP_USED: 400,
    OVERLOAD_RSS: 450,
    DATABASE_POOL_SIZE: 5,
    DATABASE_CONNECT_TIMEOUT: 5000,
    DATABASE_STATEMENT_TIMEOUT: 5000,
    MIGRATIONS_DIR: 'migrations',
    EMBEDDED_DATABASE_DIR: '.data/postgres',
    PAYMENT_API_KEY: '[redacted]',
  })
  t.notMatch(printed + (await release.stderr), /hunter2/, 'the secret is printed nowhere')
})

t.test('exits 1 on a configuration the server would refuse, saying why', async (t) => {
  for (const env of [{ PORT: '70000' }, { TRUST_PROXY: '999.1.1.1' }] as Record<string, string>[]) {
    const check = spawnServer(t, { program: 'release', env })
    t.equal(await check.exited, 1, JSON.stringify(env))
    t.match(await check.stderr, /^Invalid configuration: (PORT|TRUST_PROXY) must be /, JSON.stringify(env))
    t.equal(check.stdout(), '', 'prints no configuration')
  }
})
