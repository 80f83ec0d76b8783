import t from 'tap'
import { build } from '../helper.js'

t.test('GET / answers 200 with a JSON greeting', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  t.same(res.json(), { hello: 'world' })
})
