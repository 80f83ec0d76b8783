import t from 'tap'
import { spawnServer } from './server-process.js'

t.jobs = 3

t.test('prints the configuration the server would run with, secrets redacted, and exits 0', async (t) => {
  const check = spawnServer(t, {
    program: 'check-config',
    fixtures: ['secret-setting'],
    env: { PORT: '8080', LOG_LEVEL: 'warn', DATABASE_URL: 'postgres://app:hunter2@db.internal/app' },
  })
  t.equal(await check.exited, 0)
  t.same(JSON.parse(check.stdout()), {
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
    DATABASE_URL: '[redacted]',
  })
  t.notMatch(check.stdout() + (await check.stderr), /hunter2/, 'the secret is printed nowhere')
})

t.test('exits 1 on a configuration the server would refuse, saying why', async (t) => {
  for (const env of [{ PORT: '70000' }, { TRUST_PROXY: '999.1.1.1' }] as Record<string, string>[]) {
    const check = spawnServer(t, { program: 'check-config', env })
    t.equal(await check.exited, 1, JSON.stringify(env))
    t.match(await check.stderr, /^Invalid configuration: (PORT|TRUST_PROXY) must be /, JSON.stringify(env))
    t.equal(check.stdout(), '', 'prints no configuration')
  }
})
