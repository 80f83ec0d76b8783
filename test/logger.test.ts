import t from 'tap'
import { build, captureLogs } from './helper.js'

t.test('headers a handler logs keep every value but the credentials', async (t) => {
  const { logger, lines } = captureLogs()
  const app = await build(t, { logger })
  app.get('/debug', async (request) => {
    request.log.info({ headers: request.headers }, 'headers received')
    return 'ok'
  })
  await app.inject({
    url: '/debug',
    headers: { authorization: 'Bearer secret-token', cookie: 'sid=secret-cookie', 'user-agent': 'tap' },
  })
  const line = lines.find((l) => l.msg === 'headers received')
  t.match(line, { headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'tap' } })
  t.notMatch(JSON.stringify(lines), /secret/)
})
